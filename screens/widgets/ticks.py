"""Tick boxes that read as ticked or not without colour, each reached by Tab.

Textual's checkbox draws ``▐X▌`` ticked or not, only the colour differs, and a
``SelectionList`` is one stop for Tab with arrows inside it: a clerk ticking a
reader's consents with Tab and Space missed all but the first, and could not tell
an empty box from a ticked one. Here an empty box is ``[ ]`` and a ticked one ``[✓]``,
and each box is its own Tab stop.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Checkbox


class TickBox(Checkbox):
    """A checkbox drawn ``[✓]`` or ``[ ]``."""

    DEFAULT_CSS = """
    TickBox { border: none; padding: 0; height: 1; background: transparent; }
    TickBox:focus { text-style: bold reverse; }
    TickBox:focus > .toggle--label { text-style: bold reverse; }
    """

    def __init__(self, label: str, value: bool = False, *, name: str, id: str | None = None) -> None:
        super().__init__(label, value, name=name, id=id, compact=True)

    @property
    def _button(self) -> Content:
        return Content("[✓]" if self.value else "[ ]")


class TickBoxes(Vertical):
    """A column of tick boxes, one per (label, value) option; ``selected`` lists the values ticked."""

    DEFAULT_CSS = "TickBoxes { height: auto; }"

    def set_options(self, options: Sequence[tuple[str, str, bool]]) -> None:
        """Show these (label, value, ticked) options instead of the ones shown."""
        self.remove_children()
        self.mount_all([TickBox(label, ticked, name=value) for label, value, ticked in options])

    def boxes(self) -> list[TickBox]:
        return list(self.query(TickBox))

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(str(box.name) for box in self.boxes() if box.value)

    def select(self, value: str) -> None:
        for box in self.boxes():
            if box.name == value:
                box.value = True

    def deselect_all(self) -> None:
        for box in self.boxes():
            box.value = False
