"""Widgets every desk shares: the header, the translated footer, the status line, lists."""

from screens.widgets.footer import LocalFooter
from screens.widgets.header import DeskHeader
from screens.widgets.status import StatusLine
from screens.widgets.table import ListTable
from screens.widgets.ticks import TickBox, TickBoxes

__all__ = ["DeskHeader", "ListTable", "LocalFooter", "StatusLine", "TickBox", "TickBoxes"]
