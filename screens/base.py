"""What every screen and dialog of the desk shares.

- ``IlsScreen``: header and translated footer around the screen's own body.
- ``IlsModal``: a dialog returning its answer through ``dismiss``; Escape closes it.
- ``DeskPane``: a tab of a desk, with its own status line.
- Screens and dialogs redraw themselves in a new language (``relocalise``)
  without losing what the user typed, chose or was looking at; all of them
  call services through ``screens.work``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Select, SelectionList, TabbedContent, TabPane

from ils.i18n import N_
from ils.session import Session
from screens.widgets import DeskHeader, LocalFooter, StatusLine
from screens.work import ServiceCaller

if TYPE_CHECKING:
    from screens.app import IlsApp

T = TypeVar("T")


def _capture(screen: Screen[Any]) -> dict[str, Any]:
    """The values a user may have typed or chosen, by widget id."""
    kept: dict[str, Any] = {}
    for widget in screen.query("Input, Select, SelectionList, TabbedContent, OptionList"):
        if widget.id is None:
            continue
        if isinstance(widget, (Input, Select)):
            kept[widget.id] = widget.value
        elif isinstance(widget, SelectionList):
            kept[widget.id] = list(widget.selected)
        elif isinstance(widget, TabbedContent):
            kept[widget.id] = widget.active
        elif isinstance(widget, OptionList):
            kept[widget.id] = widget.highlighted
    return kept


def _restore(screen: Screen[Any], kept: dict[str, Any]) -> None:
    for widget_id, value in kept.items():
        found = screen.query(f"#{widget_id}")
        if not found:
            continue
        widget = found.first()
        if isinstance(widget, (Input, Select)):
            widget.value = value
        elif isinstance(widget, SelectionList):
            widget.deselect_all()
            for selected in value:
                widget.select(selected)
        elif isinstance(widget, TabbedContent) and value:
            widget.active = value
        elif isinstance(widget, OptionList):
            widget.highlighted = value


class AppAccess:
    """Typed access to the app's state for screens and the panes inside them."""

    @property
    def ils(self) -> IlsApp:
        return cast("IlsApp", cast(DOMNode, self).app)

    @property
    def session(self) -> Session:
        """The logged-in staff member; desks are only reachable after log-in."""
        session = self.ils.session
        if session is None:
            raise RuntimeError("a desk was opened without a session")
        return session


class Relocalise:
    """Redraw a screen in the language just chosen."""

    async def relocalise(self) -> None:
        screen = cast(Screen[Any], self)
        kept = _capture(screen)
        focused_id = screen.focused.id if screen.focused is not None else None
        await screen.recompose()
        _restore(screen, kept)
        if focused_id is not None and (found := screen.query(f"#{focused_id}")):
            screen.set_focus(found.first())


SCREEN_KEYS: list[BindingType] = [
    Binding("tab", "app.focus_next", N_("Next field"), show=False, key_display="Tab"),
    Binding("shift+tab", "app.focus_previous", N_("Previous field"), show=False, key_display="Shift+Tab"),
    Binding("ctrl+c,super+c", "screen.copy_text", N_("Copy the selected text"), show=False, key_display="Ctrl+C"),
]
"""Textual's own screen keys, again with descriptions the help screen can translate."""


class IlsScreen(ServiceCaller, AppAccess, Relocalise, Screen[None]):
    """A full screen: the desk header, the screen's body, the translated footer."""

    BINDINGS: ClassVar[list[BindingType]] = SCREEN_KEYS

    TITLE_ID: ClassVar[str] = ""
    """The screen's title as a message id (``N_``); shown translated in the header."""

    def compose(self) -> ComposeResult:
        yield DeskHeader(self.TITLE_ID)
        yield from self.compose_body()
        yield LocalFooter()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets, between header and footer."""
        yield from ()


class DeskScreen(IlsScreen):
    """A desk opened from the home screen; Escape goes back to it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", N_("Back"), key_display="Esc")]


TABS = Binding.Group(N_("Tabs"))
"""The tab keys share one label in the footer: "Ctrl+PgUp Ctrl+PgDn 标签页"."""


class TabbedDeskScreen(DeskScreen):
    """A desk whose tasks are tabs: Ctrl+PgDn / Ctrl+PgUp go to the next or previous tab.

    The bindings have priority because scrolling widgets (lists, tables) take
    Ctrl+PgDn / Ctrl+PgUp for sideways paging, and the desk's tabs matter more.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+pageup", "switch_tab(-1)", N_("Previous tab"), key_display="Ctrl+PgUp", priority=True, group=TABS
        ),
        Binding("ctrl+pagedown", "switch_tab(1)", N_("Next tab"), key_display="Ctrl+PgDn", priority=True, group=TABS),
    ]

    def action_switch_tab(self, step: int) -> None:
        """Move to the next or previous tab and into it, without reaching for the row of tabs."""
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane) if pane.id]
        # Let go of the focus first: a focused field that the switch hides would otherwise be
        # moved by Textual to some other field, sometimes after ours has been focused.
        self.set_focus(None)
        tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)]
        self.call_after_refresh(self._focus_active_pane)

    def _focus_active_pane(self, tries: int = 10) -> None:
        """Focus the new tab's first field; until the tab is shown its fields cannot take the
        focus, and on a busy desk that can take more than one refresh, so try again shortly."""
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None and (first := next((w for w in pane.query("*") if w.focusable), None)):
            first.focus()
        elif tries:
            self.set_timer(0.05, lambda: self._focus_active_pane(tries - 1))


class IlsModal(ServiceCaller, AppAccess, Relocalise, ModalScreen[T]):
    """A dialog over the current screen; it answers through ``dismiss`` and Escape cancels it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *SCREEN_KEYS,
        Binding("escape", "cancel", N_("Close"), key_display="Esc"),
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)


class DeskPane(ServiceCaller, AppAccess, Vertical):
    """A tab of a desk: it loads its own data when mounted and reports on its own status line.

    Loading on mount means a pane redrawn for a new language reloads too, and
    the services translate labels (kinds, roles) in that language.
    """

    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)

    def ask(self, dialog: IlsModal[T], then: Callable[[Any, T], object]) -> None:
        """Show ``dialog``; ``then(pane, answer)`` runs unless it was cancelled.

        ``then`` is given the pane as it is when the answer comes: if the
        language was switched meanwhile, the screen was redrawn and this pane
        replaced by a new one with the same id, which is the one to update.
        For the same reason the app, not this pane, asks: Textual delivers
        the answer to whoever pushed the dialog.
        """
        screen, pane_id = self.screen, self.id

        def answered(result: T | None) -> None:
            if result is not None:
                then(screen.query_one(f"#{pane_id}", DeskPane), result)

        self.app.call_later(self.app.push_screen, dialog, answered)
