"""Printing results: text for people, ``--json`` for scripts."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ils.i18n import _
from ils.library import NodeInfo


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


def emit(as_json: bool, data: Any, text: Callable[[], str]) -> None:
    """Print ``data`` as JSON, or the text ``text()`` makes of it."""
    if as_json:
        click.echo(json.dumps(_plain(data), ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(text())


def table(rows: list[tuple[str, ...]], headers: tuple[str, ...]) -> str:
    """A plain column layout that counts a Chinese character as two columns."""
    from unicodedata import east_asian_width

    def width(cell: str) -> int:
        return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in cell)

    all_rows = [headers, *rows]
    widths = [max(width(row[i]) for row in all_rows) for i in range(len(headers))]
    lines = []
    for row in all_rows:
        lines.append("  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines)


def node_text(node: NodeInfo) -> str:
    return "\n".join((
        _("Library: {name}").format(name=node.library_name),
        _("Branch: {name} ({code})").format(name=node.branch_name, code=node.branch_code),
        _("Node: {name} ({id})").format(name=node.node_name, id=node.node_id),
    ))
