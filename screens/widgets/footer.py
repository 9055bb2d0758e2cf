"""Textual's footer, with each binding's description translated as it is drawn, and compact
on a narrow terminal with the help key first.

Bindings are declared at import time, before a language is chosen, so their
descriptions are English message ids (marked with ``N_``). Textual's ``Footer``
shows ``binding.description`` as it is; this one passes it through ``_`` each
time the footer is composed, which happens again when the language changes.
``FooterKey`` is not exported by ``textual.widgets``, hence the private import;
``tests/ui`` would catch a Textual upgrade that moved it.

At 80 columns the footer was cut after F1, hiding F2, F3 and F10 behind the docked
command key. Below ``WIDE`` columns it is compact (no padding around the keys), F1
comes first and the keys every screen shares that F1's help lists (language, contrast,
quit, the command palette) come last or go, so the desk's own keys and F1 fit.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel

from ils.i18n import N_, _

TEXTUAL_WORDS = (N_("Dismiss menu"),)
"""Descriptions of Textual's own bindings that reach the footer (a Select's open list), for the catalogue."""

WIDE = 120
"""Columns from which the footer has room for every key with its padding."""
FIRST = ("f1",)
"""Keys drawn first on a narrow terminal: help names every other key."""
LAST = ("f10", "f2", "f3", "ctrl+q")
"""Keys drawn last on a narrow terminal, in this order: they are in F1's help."""


class LocalFooter(Footer):
    """A footer that speaks the current language and fits a narrow terminal."""

    DEFAULT_CSS = """
    LocalFooter.-compact FooterLabel { margin: 0 1 0 0; }
    """

    def compose(self) -> ComposeResult:
        narrow = self.app.size.width < WIDE
        self.set_reactive(Footer.compact, narrow)
        self.set_class(narrow, "-compact")
        self.set_reactive(Footer.show_command_palette, not narrow)
        widgets: list[Widget] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            elif isinstance(widget, FooterLabel):  # a group's label, e.g. the tab keys'
                widget.update(_(str(widget.content)))
            widgets.append(widget)
        if narrow:
            widgets.sort(key=_narrow_order)
        yield from widgets

    def on_resize(self, event: events.Resize) -> None:
        if (self.app.size.width < WIDE) != self.compact:
            self.refresh(recompose=True)


def _narrow_order(widget: Widget) -> int:
    key = widget.key if isinstance(widget, FooterKey) else ""
    if key in FIRST:
        return 0
    return 2 + LAST.index(key) if key in LAST else 1
