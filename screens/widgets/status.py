"""The line under a form or list where the outcome of the last action is shown."""

from __future__ import annotations

from textual.widgets import Static

from ils.terminal import harmless


class StatusLine(Static):
    """Shows one message: an error in red, a result in green; markup and control characters are shown as typed."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        min-height: 1;
        padding: 0 1;
        &.-error { color: $text-error; text-style: bold; }
        &.-info { color: $text-success; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", markup=False, id=id, classes=classes)

    @property
    def text(self) -> str:
        return str(self.content)

    def error(self, text: str) -> None:
        self._show(text, "-error")

    def info(self, text: str) -> None:
        self._show(text, "-info")

    def clear(self) -> None:
        self._show("", "")

    def _show(self, text: str, kind: str) -> None:
        self.set_class(kind == "-error", "-error")
        self.set_class(kind == "-info", "-info")
        self.update(harmless(text))
