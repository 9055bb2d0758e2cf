"""The annual figures kept once counted (``stats_cache``, m0082), so the annual report, the return
and the ledgers over millions of loans read in milliseconds what took tens of seconds to count.

A figure is kept only when it is counted by SQL alone (``SqlCounter``) from tables whose
triggers forget it (``COVERED``): a change to one of its rows, by a desk, a bulk load or a
bundle merged in, forgets it in the same transaction, so what is kept is always what the rows
say now. Counting runs outside the write lock; the figure is kept only if no covered row
changed meanwhile (``stats_cache_epoch``), otherwise it is used once and counted again next
time. ``stale`` recounts every kept figure for ``ils check``.

Only on SQLite, where one desk writes at a time. A union on PostgreSQL counts from its rows every
time (p0082 says why it has no triggers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from db import dialect
from ils.session import Session
from ils.stats.indicators import REGISTRY, Counted, Indicator, SqlCounter

#: The tables m0082's triggers watch: a figure read only from these can be kept.
COVERED = frozenset({"loan", "loan_renewal", "item", "reader", "branch"})
_READ = re.compile(r"\b(?:FROM|JOIN)\s+([a-z_]+)", re.IGNORECASE)


def tables_read(counter: SqlCounter, dimension: str) -> frozenset[str]:
    return frozenset(name.lower() for name in _READ.findall(counter.sql(dimension)))


def _keepable(session: Session, ind: Indicator, dimension: str) -> frozenset[str] | None:
    """The tables ``ind`` reads for ``dimension``, when all are covered; None when it cannot be kept."""
    if not isinstance(ind.count, SqlCounter) or dialect.name(session.library.database) != "sqlite":
        return None
    tables = tables_read(ind.count, dimension)
    return tables if tables and tables <= COVERED else None


def _encode(counted: Counted) -> str:
    return json.dumps({"months": counted.months, "year": counted.year}, sort_keys=True, separators=(",", ":"))


def _decode(text: str) -> Counted:
    data = json.loads(text)
    return Counted({k: list(v) for k, v in data["months"].items()}, dict(data["year"]))


def _execute(session: Session, sql: str, params: tuple[Any, ...] = ()) -> Any:
    return session.library.database.execute_sql(sql, params)


def counted(session: Session, ind: Indicator, year: int, dimension: str) -> Counted:
    """``ind`` counted for ``year`` by ``dimension``: the kept figures when there are some, else
    counted now (and kept, when nothing it read changed while it was counted)."""
    tables = _keepable(session, ind, dimension)
    if tables is None:
        return ind.count(session, year, dimension)
    kept = _execute(
        session,
        "SELECT counted FROM stats_cache WHERE code = ? AND dimension = ? AND year = ?",
        (ind.code, dimension, year),
    ).fetchone()
    if kept is not None:
        return _decode(kept[0])
    epoch = _epoch(session)
    fresh = ind.count(session, year, dimension)
    _keep(session, ind.code, dimension, year, tables, fresh, epoch)
    return fresh


def _epoch(session: Session) -> int:
    return int(_execute(session, "SELECT epoch FROM stats_cache_epoch WHERE id = 1").fetchone()[0])


def _keep(
    session: Session, code: str, dimension: str, year: int, tables: frozenset[str], fresh: Counted, epoch: int
) -> None:
    """Keep ``fresh`` unless a covered row changed since ``epoch`` was read: one statement that
    compares and writes, so nothing changes between the two. Not inside another transaction (its
    rows may yet roll back) and never on a library opened read-only."""
    library = session.library
    if library.read_only or library.database.in_transaction():
        return
    with library.database.atomic():
        _execute(
            session,
            "INSERT INTO stats_cache (code, dimension, year, tables, counted)"
            " SELECT ?, ?, ?, ?, ? FROM stats_cache_epoch WHERE id = 1 AND epoch = ?"
            " ON CONFLICT (code, dimension, year) DO UPDATE SET tables = excluded.tables, counted = excluded.counted",
            (code, dimension, year, "," + ",".join(sorted(tables)) + ",", _encode(fresh), epoch),
        )


@dataclass(frozen=True)
class KeptFigure:
    """One kept figure: an indicator's figures for one breakdown and one year."""

    indicator: str
    dimension: str
    year: int


def stale(database: Any) -> list[KeptFigure]:
    """Every kept figure that its rows no longer give, recounted."""
    wrong = []
    for code, dimension, year, text in database.execute_sql(
        "SELECT code, dimension, year, counted FROM stats_cache ORDER BY year, code, dimension"
    ).fetchall():
        ind = REGISTRY.get(code)
        if ind is None or not isinstance(ind.count, SqlCounter) or ind.count(None, year, dimension) != _decode(text):
            wrong.append(KeptFigure(code, dimension, year))
    return wrong


def forget(database: Any, figures: Iterable[KeptFigure]) -> None:
    """Forget the kept ``figures``: the next report counts them again."""
    with database.atomic():
        for figure in figures:
            database.execute_sql(
                "DELETE FROM stats_cache WHERE code = ? AND dimension = ? AND year = ?",
                (figure.indicator, figure.dimension, figure.year),
            )
