"""The demo's word lists and tables, read from the UTF-8 files in ``data/`` (package data).

Kept apart from the generator's code so that a librarian can read and extend them, and so
the service package holds no vocabulary. Three shapes, each file saying which it has:

- a **list**: words separated by spaces or line breaks;
- **sections**: ``[name]`` lines, each followed by its list;
- a **table**: one row a line, cells separated by ``|`` (an empty cell stays ``""``).

``#`` starts a comment line; blank lines are ignored. The order of words is kept: the
demo draws from these with a seeded generator, so the same seed builds the same library.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def _lines(name: str) -> tuple[str, ...]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def words(name: str) -> tuple[str, ...]:
    """Every word of a list file, in order."""
    return tuple(word for line in _lines(name) for word in line.split())


def sections(name: str) -> dict[str, tuple[str, ...]]:
    """The lists of a sections file by their names, in order."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _lines(name):
        if line.startswith("[") and line.endswith("]"):
            current = found.setdefault(line[1:-1], [])
        elif current is None:
            raise ValueError(f"{name}: words before the first [section]")
        else:
            current += line.split()
    return {key: tuple(value) for key, value in found.items()}


def table(name: str, columns: int) -> tuple[tuple[str, ...], ...]:
    """The rows of a table file, each with exactly ``columns`` cells (missing ones empty)."""
    rows = []
    for line in _lines(name):
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > columns:
            raise ValueError(f"{name}: more than {columns} cells in {line!r}")
        rows.append(tuple(cells + [""] * (columns - len(cells))))
    return tuple(rows)
