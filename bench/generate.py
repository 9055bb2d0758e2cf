"""A full-size county library for the benchmarks: 600,000 records, about 1,000,000 items,
100,000 readers and 3,000,000 returned loans over five years, plus today's desk.

Built only through the project's own bulk paths, the ones ``ils demo`` uses, so every row
is journaled as the desk would journal it: the catalogue through ``ils.demo.catalogue.add_catalogue``,
the readers through ``ils.demo.readers.add_readers`` (one write for many registrations), the loan
history through ``ils.demo.circulation.add_loan_history`` (the documented bulk-load mode: one
``loan.load`` journal row per loan) and today's open loans, holds and transits through the
circulation services themselves. The branch network is the demo's (26 branches, the van and
the 24-hour room). Prints the time of each phase and the database size.

Run: ``.venv/bin/python bench/generate.py --db /tmp/full.sqlite [--scale 1] [--seed 2021]``.
``--scale 0.01`` builds a hundredth of everything (the tests run 0.001).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from ils import branches
from ils.demo import OTHER_BRANCHES
from ils.demo.catalogue import add_catalogue
from ils.demo.circulation import ROTATED_PER_YEAR, add_current_circulation, add_loan_history, add_rotation_year
from ils.demo.readers import add_readers
from ils.initialise import initialise
from ils.session import Session
from ils.staff import log_in

PASSWORD = "bench-pass"
RECORDS = 600_000
READERS = 100_000
LOANS = 3_000_000
YEARS = 5
OPEN_LOANS = 5_000  # checked out through the services, at full scale
COUNTED = ("bib_record", "item", "reader", "loan", "loan_renewal", "hold", "transit", "journal")


def _network(session: Session) -> None:
    """The demo's branch network: the preset branches and the towns' branches, each with its desk."""
    for code, name in OTHER_BRANCHES:
        branches.add_branch(session, code=code, name=name, kind="branch")
        branches.add_service_point(session, branch=code, code=f"{code}-JH", name="借还台")


def generate(
    path: Path, *, scale: float = 1.0, seed: int = 2021, report: Callable[[str], None] = print
) -> dict[str, float]:
    """Build the library at ``path`` (which must not exist); the seconds each phase took."""
    if path.exists():
        raise SystemExit(f"{path} exists: remove it or choose another --db")
    rng = random.Random(seed)
    times: dict[str, float] = {}

    def phase(name: str, action: Callable[[], object]) -> None:
        """Run one phase; report its wall time and CPU time (the machine may be shared) and what it made."""
        started, cpu = time.perf_counter(), time.process_time()
        result = action()
        times[name] = time.perf_counter() - started
        report(
            f"{name:<22} {times[name]:9.1f} s   cpu {time.process_time() - cpu:8.1f} s"
            + (f"   {result}" if result is not None else "")
        )

    library = initialise(path, admin_username="admin", admin_password=PASSWORD)
    session = log_in(library, "admin", PASSWORD)
    try:
        records, readers, loans = (max(1, round(n * scale)) for n in (RECORDS, READERS, LOANS))
        today = session.now().date()
        start = today - dt.timedelta(days=365 * YEARS)
        phase("branches", lambda: _network(session))
        phase("catalogue", lambda: add_catalogue(session, rng, count=records))
        phase("readers", lambda: add_readers(session, rng, count=readers))
        end = today - dt.timedelta(days=1)
        per_year = loans * 365.25 / ((end - start).days + 1)
        phase("loan history", lambda: add_loan_history(session, rng, start=start, end=end, loans_per_year=per_year))
        phase(
            "rotation",
            lambda: add_rotation_year(
                session, rng, year=today.year - 1, volumes=max(1, round(ROTATED_PER_YEAR * scale))
            ),
        )
        phase("today's desk", lambda: add_current_circulation(session, rng, loans=max(100, round(OPEN_LOANS * scale))))
        phase("checkpoint", lambda: library.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)") and None)
        for table in COUNTED:
            count = library.database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            report(f"{table:<22} {count:>12,} rows")
    finally:
        library.close()
    report(f"{'total':<22} {sum(times.values()):9.1f} s")
    report(f"{'database size':<22} {path.stat().st_size / 1e6:9.1f} MB")
    return times


def main(argv: Sequence[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True, help="the database file to create")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = full size, 0.1 = a tenth ...")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    return generate(args.db, scale=args.scale, seed=args.seed)


if __name__ == "__main__":
    main(sys.argv[1:])
