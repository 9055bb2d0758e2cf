"""What the reliability scenarios share: the library they attack, how they run ils, what they check.

Every scenario works on its own copy of one base library (the demo library, built
once), runs ``ils`` the way a desk or a script does (a separate process, the
command line, ``kill -9``), and reports figures. A figure marked ``zero`` must be
0 for the run to pass: a raw exception, a crash exit, a problem ``ils check``
finds, a row half-written, an escape sequence that reached the terminal.

The figures go into the table ``bench/reliability.py`` prints and into
``docs/RELIABILITY.md``; ``tests/reliability/`` runs each scenario small.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (ROOT, BENCH):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

ADMIN = "admin"
PASSWORD = "demo1234"
PASSPHRASE = "reliability suite passphrase"
CRASH_EXIT = 70
# What a terminal would obey: C0 controls but tab and newline, DEL, C1, direction overrides.
UNSAFE_OUTPUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Figure:
    name: str
    value: Any
    zero: bool = False
    """This figure must be 0 (or empty) for the scenario to pass."""

    @property
    def failed(self) -> bool:
        return self.zero and bool(self.value)


@dataclass
class Outcome:
    scenario: str
    figures: list[Figure] = field(default_factory=list)
    seconds: float = 0.0
    skipped: str | None = None
    """Why the scenario did not run (a script not on this branch yet), said in the table."""
    examples: list[str] = field(default_factory=list)
    """A few of the failures, for whoever reads the report."""

    def add(self, name: str, value: Any, *, zero: bool = False) -> None:
        self.figures.append(Figure(name, value, zero))

    @property
    def ok(self) -> bool:
        return self.skipped is None and not any(f.failed for f in self.figures)

    def example(self, text: str, keep: int = 5) -> None:
        if len(self.examples) < keep:
            self.examples.append(text[:500])


@contextmanager
def timed(outcome: Outcome) -> Iterator[Outcome]:
    started = time.monotonic()
    try:
        yield outcome
    finally:
        outcome.seconds = time.monotonic() - started


# --- the base library ---------------------------------------------------------------------------


def build_base(path: Path) -> Path:
    """The demo library at ``path`` (3,000 records, 5,400 copies, 300 readers, loans), built once."""
    from ils.demo import build_demo

    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        build_demo(path).close()
    return path


def key_file(db: Path) -> Path:
    return db.with_suffix(".keys")


def copy_library(base: Path, target: Path) -> Path:
    """A copy of the base library and its reader key file at ``target`` (a stale WAL there removed first)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(base, target)
    shutil.copy(key_file(base), key_file(target))
    return target


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ILS_")}
    env.update(ILS_STAFF=ADMIN, ILS_PASSWORD=PASSWORD, ILS_BACKUP_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(ROOT), **extra)
    return env


def ils(
    db: Path,
    *args: str | bytes | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 300,
    preexec_fn: Any = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the ``ils`` command line on ``db`` as a script would; output kept as bytes."""
    command = [sys.executable, "-m", "ils", "--db", str(db), *(a if isinstance(a, bytes) else str(a) for a in args)]
    return subprocess.run(
        command,
        capture_output=True,
        env=env or environment(),
        cwd=cwd or db.parent,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )


def crashed(done: subprocess.CompletedProcess[bytes]) -> bool:
    """An exit that is neither done (0), refused (1) nor a usage error (2), or a traceback shown."""
    return done.returncode not in (0, 1, 2) or b"Traceback (most recent call last)" in done.stdout + done.stderr


def unsafe_output(done: subprocess.CompletedProcess[bytes]) -> bool:
    """Whether anything a terminal would obey reached standard output or error."""
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    return UNSAFE_OUTPUT.search(text) is not None


def refusal_code(done: subprocess.CompletedProcess[bytes]) -> str | None:
    """The code of a ``--json`` refusal on standard error, if it is one."""
    try:
        return json.loads(done.stderr)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


# --- what must hold after every attack ----------------------------------------------------------


def problems(db: Path) -> list[str]:
    """Everything wrong with the database at ``db``: ``ils check`` and the circulation invariants.

    Opened as the next desk to start would open it (writable: SQLite recovers the
    WAL of a killed process first). The invariants are asked of SQL directly as
    well, so this holds on a branch where ``ils check`` does not know them yet.
    """
    from ils.library import open_library
    from ils.maintenance import check_library

    library = open_library(db, read_only=False)
    try:
        report = check_library(library)
        found = [*report.integrity, *report.foreign_keys, *report.journal]
        database = library.database
        for label, sql in INVARIANTS:
            count = database.execute_sql(sql).fetchone()[0]
            if count:
                found.append(f"{count} {label}")
    finally:
        library.close()
    return found


INVARIANTS: Sequence[tuple[str, str]] = (
    (
        "copies on loan without an open loan",
        "SELECT COUNT(*) FROM item i WHERE i.status = 'on_loan' AND NOT EXISTS "
        "(SELECT 1 FROM loan l WHERE l.item_id = i.id AND l.ended_at IS NULL)",
    ),
    (
        "open loans of a copy that is on the shelf",
        "SELECT COUNT(*) FROM loan l JOIN item i ON i.id = l.item_id "
        "WHERE l.ended_at IS NULL AND i.status IN ('available', 'on_hold_shelf', 'in_transit')",
    ),
    (
        "copies with two open loans",
        "SELECT COUNT(*) FROM (SELECT item_id FROM loan WHERE ended_at IS NULL GROUP BY item_id HAVING COUNT(*) > 1)",
    ),
    (
        "loans returned twice",
        "SELECT COUNT(*) FROM (SELECT entity_id FROM journal WHERE action = 'loan.return' "
        "GROUP BY entity_id HAVING COUNT(*) > 1)",
    ),
    (
        "journal rows of loans that do not exist",
        "SELECT COUNT(*) FROM journal j WHERE j.action = 'loan.checkout' "
        "AND NOT EXISTS (SELECT 1 FROM loan l WHERE l.id = j.entity_id)",
    ),
)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(rng: Any, area: str = "430281") -> str:
    """A resident ID number with a valid check digit (GB 11643), born 1950-2005: synthetic, nobody's."""
    body = f"{area}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def phone(rng: Any) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 999_999_999):09d}"


def python_script(*args: str | Path) -> list[str]:
    """The command that runs a helper of this folder with this Python, unbuffered."""
    return [sys.executable, "-u", *map(str, args)]
