"""Schema version 7: guards that make a lost race between two desks impossible in the file itself.

The services read what they decide on inside the write lock, so two desks returning one copy
are served one after the other. These guards hold even for a path that forgets to:

- a loan ends once: ``ended_at``, once set, never changes (a second return, loss or
  write-off of one loan is refused);
- a loan bears at most one charge of each kind (one overdue fine, one for losing the copy,
  one for damaging it). A trigger rather than a unique index, so that a database that
  already holds a double fine from before this version still opens; ``ils check`` names
  those, and staff waive the extra one.

Both refuse with SQLite's constraint error, which the write path turns into a ``Conflict``.
"""

VERSION = 7

STATEMENTS = (
    "CREATE INDEX charge_loan_kind ON charge (loan_id, kind) WHERE loan_id IS NOT NULL",
    """CREATE TRIGGER charge_once_per_loan BEFORE INSERT ON charge
       WHEN NEW.loan_id IS NOT NULL
        AND EXISTS (SELECT 1 FROM charge WHERE loan_id = NEW.loan_id AND kind = NEW.kind)
       BEGIN SELECT RAISE(ABORT, 'constraint failed: a loan bears one charge of each kind'); END""",
    """CREATE TRIGGER charge_loan_kind_fixed BEFORE UPDATE OF loan_id, kind ON charge
       WHEN NEW.loan_id IS NOT OLD.loan_id OR NEW.kind IS NOT OLD.kind
       BEGIN SELECT RAISE(ABORT, 'constraint failed: a charge keeps its loan and kind'); END""",
    """CREATE TRIGGER loan_ends_once BEFORE UPDATE OF ended_at ON loan
       WHEN OLD.ended_at IS NOT NULL AND NEW.ended_at IS NOT OLD.ended_at
       BEGIN SELECT RAISE(ABORT, 'constraint failed: a loan ends once'); END""",
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
