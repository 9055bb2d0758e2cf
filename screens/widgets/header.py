"""The line at the top of every screen: where this desk is and who is working at it.

Staff move between desks and branches share databases by bundle, so the
library, branch, desk and staff member are always in sight. The header reads
them from the app (``node`` and ``session``, set by workers) and redraws
itself when they change, e.g. after the desk is renamed at the System desk.
"""

from __future__ import annotations

from typing import Protocol

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

from ils.clock import Clock
from ils.i18n import _
from ils.library import NodeInfo
from ils.session import Session
from ils.terminal import harmless

CLOCK_REFRESH_S = 15


class DeskState(Protocol):
    """What the header reads from the app."""

    node: NodeInfo | None
    session: Session | None
    clock: Clock


def place_text(node: NodeInfo | None, session: Session | None) -> str:
    """Library · branch · desk · staff member, or as much of it as is known yet."""
    parts = [node.library_name, node.branch_name, node.node_name] if node else []
    parts.append(session.staff.display_name if session else _("not logged in"))
    return harmless(" · ".join(parts), lines=False)


class DeskHeader(Horizontal):
    """Screen title on the left; library, branch, desk, staff member and clock on the right."""

    DEFAULT_CSS = """
    DeskHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
        #header-title { text-style: bold; color: $text-accent; padding: 0 2 0 1; }
        #header-place { width: 1fr; text-overflow: ellipsis; text-wrap: nowrap; }
        #header-clock { padding: 0 1; }
    }
    """

    def __init__(self, title: str, *, show_clock: bool = True) -> None:
        """``title`` is a message id, translated each time the header is composed."""
        super().__init__()
        self._title = title
        self._show_clock = show_clock
        # Held, not queried: the app's watchers may fire while this screen is
        # being replaced and its children are already gone.
        self._place = Label("", id="header-place", markup=False)
        self._clock = Label("", id="header-clock")

    def compose(self) -> ComposeResult:
        yield Label(_(self._title), id="header-title", markup=False)
        yield self._place
        if self._show_clock:
            yield self._clock

    def on_mount(self) -> None:
        self.watch(self.app, "node", self._update_place, init=False)
        self.watch(self.app, "session", self._update_place, init=False)
        self._update_place()
        if self._show_clock:
            self._update_clock()
            self.set_interval(CLOCK_REFRESH_S, self._update_clock)

    @property
    def _state(self) -> DeskState:
        return self.app  # type: ignore[return-value]

    def _update_place(self, _changed: object = None) -> None:
        self._place.update(place_text(self._state.node, self._state.session))

    def _update_clock(self) -> None:
        self._clock.update(self._state.clock.now().strftime("%H:%M"))
