"""The annual report's figures and the evaluation's 4-year window, against the raw-SQLite floor.

On a generated library (``bench/generate.py``: three million historic loans at full size),
times for the busiest year:

- every indicator of the annual report counted for the whole library and broken down by
  branch (``ils.stats.annual.Year``: what the report, the return and the ledgers read), first
  counted from the rows with nothing kept (``stats_cache`` emptied before each run: the first
  report after the rows changed), then as every later report reads it, from the kept figures;
- the annual report as a PDF, from the counting to the last page;
- the 4-year window ending in that year (``ils.stats.annual.window``), counted from the rows
  once, then from the kept figures;

beside the floor: the heaviest of those queries (loans, renewals, returns and borrowers by
branch and month) run in plain ``sqlite3``. Targets: the year under 2 s, the window under 5 s.

Run: ``.venv/bin/python bench/bench_annual.py --db PATH [--runs N]``.
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
from ils.stats import annual, exports  # noqa: E402
from ils.stats.indicators import REGISTRY  # noqa: E402

FLOOR = (
    "SELECT branch_id, substr(loaned_at, 6, 2), COUNT(*) FROM loan WHERE loaned_at >= ? AND loaned_at < ? GROUP BY 1, 2",
    "SELECT branch_id, substr(renewed_at, 6, 2), COUNT(*) FROM loan_renewal"
    " WHERE renewed_at >= ? AND renewed_at < ? GROUP BY 1, 2",
    "SELECT end_branch_id, substr(ended_at, 6, 2), COUNT(*) FROM loan WHERE ended_at >= ? AND ended_at < ?"
    " AND ended_as = 'returned' GROUP BY 1, 2",
    "SELECT branch_id, substr(loaned_at, 6, 2), COUNT(DISTINCT COALESCE(reader_id, reader_type) || substr(loaned_at, 1, 10))"
    " FROM loan WHERE loaned_at >= ? AND loaned_at < ? GROUP BY 1, 2",
)


def every_figure(session, year: int) -> int:
    """What the report, the return and the ledgers count: each indicator whole and by branch."""
    y = annual.Year(session, year)
    for code, ind in REGISTRY.items():
        y.series(code)
        if "branch" in ind.dimensions:
            y.series(code, "branch")
    annual.national_return(y)
    return len(REGISTRY)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
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
    floor = measure(
        "raw sqlite3 floor (4 heaviest queries)", lambda _i: [raw.execute(q, span).fetchall() for q in FLOOR], args.runs
    )

    def counted_from_rows(_i: int) -> None:
        raw.execute("DELETE FROM stats_cache")
        raw.commit()
        every_figure(session, year)

    cold = measure("every figure, counted from the rows", counted_from_rows, max(1, args.runs // 2))
    print(cold.line(floor))
    figures = measure(
        "every figure of the year, whole and by branch", lambda _i: every_figure(session, year), args.runs
    )
    print(figures.line(floor))
    print(floor.line())
    pdf = measure(
        "the annual report as PDF", lambda _i: exports.annual_report_pdf(session, year), max(1, args.runs // 2)
    )
    print(pdf.line(floor))
    first = measure("the 4-year window, first time", lambda _i: annual.window(session, year), 1)
    print(first.line(floor))
    window = measure("the 4-year window", lambda _i: annual.window(session, year), args.runs)
    print(window.line(floor))
    raw.close()
    library.close()


if __name__ == "__main__":
    main()
