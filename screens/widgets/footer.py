"""Textual's footer, with each binding's description translated as it is drawn.

Bindings are declared at import time, before a language is chosen, so their
descriptions are English message ids (marked with ``N_``). Textual's ``Footer``
shows ``binding.description`` as it is; this one passes it through ``_`` each
time the footer is composed, which happens again when the language changes.
``FooterKey`` is not exported by ``textual.widgets``, hence the private import;
``tests/ui`` would catch a Textual upgrade that moved it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ils.i18n import _


class LocalFooter(Footer):
    """A footer that speaks the current language."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
