"""Schema version 83: the triggers of m0082 forget a kept figure only when it read the very table
that changed.

m0082 matched the comma-framed ``stats_cache.tables`` (``,loan,loan_renewal,``) with
``LIKE '%,loan_renewal,%'``, where ``_`` stands for any character: a figure that read a table
named ``loanXrenewal`` would be forgotten too. Only ever too much, so never a wrong figure, but
not what the triggers mean. These are the same triggers with the same years and the same
``WHEN``, matching the framed name exactly with ``instr``. The tables do not change.
"""

from __future__ import annotations

from db.migrations.m0082_stats_cache import STATEMENTS as M0082

VERSION = 83


def _exact(trigger: str) -> str:
    """m0082's ``trigger`` with its ``LIKE`` on the framed table name made an exact match."""
    table = trigger.split()[6]  # CREATE TRIGGER name AFTER op ON table ...
    like = f"tables LIKE '%,{table},%'"
    if trigger.count(like) != 1:
        raise RuntimeError(f"m0082's trigger on {table} is not the one m0083 rewrites")
    return trigger.replace(like, f"instr(tables, ',{table},') > 0")


_TRIGGERS = tuple(s for s in M0082 if s.startswith("CREATE TRIGGER "))

STATEMENTS = (
    *(f"DROP TRIGGER {s.split()[2]}" for s in _TRIGGERS),
    *(_exact(s) for s in _TRIGGERS),
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
