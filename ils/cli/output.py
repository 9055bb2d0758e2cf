"""Printing results: text for people, ``--json`` for scripts; nothing a terminal would obey.

Everything the command line prints passes through ``harmless_streams``: standard
output and standard error are wrapped so that control characters coming from data
(an escape sequence in a MARC title, a bell, a byte that was not UTF-8) are shown,
not obeyed (``ils.terminal``). JSON escapes them instead, so a script gets the data
unchanged. The command line prints no colours; if it ever does, the wrapper must
let its own sequences through.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from ils.errors import IlsError
from ils.i18n import _
from ils.library import NodeInfo
from ils.terminal import harmless, harmless_json


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def to_json(data: Any) -> str:
    """``data`` as JSON text: Chinese as it is, anything a terminal would obey escaped."""
    return harmless_json(json.dumps(_plain(data), ensure_ascii=False, indent=2, default=str))


def emit(as_json: bool, data: Any, text: Callable[[], str]) -> None:
    """Print ``data`` as JSON, or the text ``text()`` makes of it."""
    if as_json:
        click.echo(to_json(data))
    else:
        click.echo(text())


def refusal_json(error: IlsError, **details: Any) -> str:
    """A refusal for ``--json``: ``{"error": {"code", "message", **details}}``, printed on standard error.

    Standard output carries results only, so ``x=$(ils ... --json)`` never holds an
    error; the exit code (1) says that there was one, standard error says which.
    """
    return to_json({"error": {"code": error.code, "message": error.render(), **details}})


class HarmlessStream:
    """A text stream that shows the control characters written to it instead of passing them on."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: Any) -> int:
        if isinstance(text, str):
            text = harmless(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def harmless_streams() -> Iterator[None]:
    """Wrap standard output and error for the time of one command; put them back after."""
    out, err = sys.stdout, sys.stderr
    if out is not None:  # no console at all (pythonw): nothing to wrap
        sys.stdout = HarmlessStream(out)  # duck-typed TextIO
    if err is not None:
        sys.stderr = HarmlessStream(err)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except (OSError, ValueError):
                pass  # a closed pipe: nothing more can be said on it
        sys.stdout, sys.stderr = out, err


def table(rows: Sequence[tuple[str, ...]], headers: tuple[str, ...]) -> str:
    """A plain column layout that counts a Chinese character as two columns."""
    from unicodedata import east_asian_width

    def width(cell: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in cell)

    all_rows = [tuple(harmless(cell, lines=False) for cell in row) for row in (headers, *rows)]
    widths = [max(width(row[i]) for row in all_rows) for i in range(len(headers))]
    lines = []
    for row in all_rows:
        lines.append("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def node_text(node: NodeInfo) -> str:
    return "\n".join(
        (
            _("Library: {name}").format(name=node.library_name),
            _("Branch: {name} ({code})").format(name=node.branch_name, code=node.branch_code),
            _("Node: {name} ({id})").format(name=node.node_name, id=node.node_id),
        )
    )
