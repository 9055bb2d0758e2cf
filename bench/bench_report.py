"""The report query: loans per branch per month for a year, against the raw-SQLite floor.

On a generated library (``bench/generate.py``: three million historic loans at full size),
times ``ils.stats.loans.loans_per_branch_month`` for the busiest year, with and without
renewals, beside the same GROUP BY in plain ``sqlite3``.

Run: ``.venv/bin/python bench/bench_report.py --db PATH [--runs N]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PASSWORD  # noqa: E402
from stats import measure, raw_connection  # noqa: E402

from ils.library import open_library  # noqa: E402
from ils.staff import log_in  # noqa: E402
from ils.stats.loans import loans_per_branch_month  # noqa: E402

FLOOR = (
    "SELECT branch_id, substr(loaned_at, 6, 2), COUNT(*) FROM loan WHERE loaned_at >= ? AND loaned_at < ? GROUP BY 1, 2"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--password", default=PASSWORD)
    args = parser.parse_args()
    library = open_library(args.db)
    session = log_in(library, "admin", args.password)
    raw = raw_connection(args.db)
    total = raw.execute("SELECT COUNT(*) FROM loan").fetchone()[0]
    year = int(
        raw.execute("SELECT substr(loaned_at, 1, 4) FROM loan GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    )
    print(f"{total:,} loans in {args.db}; report year {year}")
    span = (f"{year}-01-01", f"{year + 1}-01-01")
    for label, renewals in (("loans per branch per month", False), ("  the same with renewals", True)):
        ours = measure(label, lambda _i, r=renewals: loans_per_branch_month(session, year, with_renewals=r), args.runs)
        floor = measure("  raw sqlite3 floor", lambda _i: raw.execute(FLOOR, span).fetchall(), args.runs)
        print(ours.line(floor))
        print(floor.line())
    raw.close()
    library.close()


if __name__ == "__main__":
    main()
