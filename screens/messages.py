"""Messages that more than one screen sends or receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message

from ils.library import Library, NodeInfo


@dataclass
class ServiceDone(Message, bubble=False):
    """A service call finished in a worker; ``then`` runs with its result on the UI thread."""

    then: Callable[[Any], object]
    result: Any


@dataclass
class ServiceFailed(Message, bubble=False):
    """A service refused or failed; ``text`` is already translated and is shown as it is."""

    text: str
    then: Callable[[str], object] | None = None


@dataclass
class LibraryReady(Message):
    """A library database is open and this desk's node is known: log-in can start.

    ``demo`` is true when the demo library was just made, so the log-in
    screen can say which user name and password to try.
    """

    library: Library
    node: NodeInfo
    demo: bool = False
