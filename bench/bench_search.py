"""Catalogue search at scale against the raw-SQLite floor, measured in the same run.

Builds a library of N records (default 100,000; ``--records 600000`` for the issue's
scale, about 1.7 copies each) through the catalogue's own write path, or reuses one with
``--db PATH``, then times ``search()`` for each kind of query a desk types. The floor is
the bare lookup the search stands on (the FTS5 MATCH, the ISBN or call-number index, the
barcode) in plain ``sqlite3`` with a LIMIT and no ranking, availability or models, so the
ratio is what ranking, availability and the result objects cost.

Run: ``.venv/bin/python bench/bench_search.py [--records N] [--db PATH] [--runs N]``.
``--db`` builds the file once if it does not exist and reuses it after: 600,000 records
take a while to load (the same bulk path as ``ils demo``) and about 3 GB of disk.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PASSWORD  # noqa: E402
from stats import measure, raw_connection  # noqa: E402

from ils.catalogue.callnumbers import class_prefix_text  # noqa: E402
from ils.catalogue.search import search  # noqa: E402
from ils.catalogue.search_text import match_query, normalise_isbn  # noqa: E402
from ils.demo.catalogue import add_catalogue  # noqa: E402
from ils.initialise import initialise  # noqa: E402
from ils.library import open_library  # noqa: E402
from ils.staff import log_in  # noqa: E402
from ils.text import pinyin_full, pinyin_initials  # noqa: E402

_ROLE = re.compile(r"(主编|编著|编写|整理|著|编|译|等).*$")
_HAN_PAIR = re.compile(r"^[\u4e00-\u9fff]{2}")


def build(path: Path, count: int) -> None:
    """Load ``count`` titles and their copies through the same bulk path as ``ils demo``."""
    library = initialise(path, admin_username="admin", admin_password=PASSWORD)
    session = log_in(library, "admin", PASSWORD)
    started = time.perf_counter()
    add_catalogue(session, random.Random(2021), count=count)
    print(f"loaded {count:,} records in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    library.close()


def _samples(raw: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(title, responsibility, isbn) of 2,000 records of the library being searched."""
    return raw.execute(
        "SELECT title, COALESCE(responsibility, ''), isbn FROM bib_record WHERE deleted = 0"
        " ORDER BY random() LIMIT 2000"
    ).fetchall()


def _cases(raw: sqlite3.Connection) -> list[tuple[str, list[str], str, list[tuple]]]:
    """(name, typed queries, floor SQL, floor parameters) for each kind of search."""
    rng = random.Random(7)
    sample = _samples(raw)
    titles = [title for title, _r, _i in sample]
    words = sorted({m.group(0) for t in titles if (m := _HAN_PAIR.match(t))})[:200]
    common = list("中国学文人史")
    authors = [a for a in (_ROLE.sub("", r).strip() for _t, r, _i in sample) if len(a) >= 2][:200]
    full = [pinyin_full(t) for t in rng.sample(titles, 50)]
    initials = [i for i in (pinyin_initials(t) for t in rng.sample(titles, 80)) if len(i) >= 2]
    isbns = [isbn for _t, _r, isbn in sample if isbn][:50]
    classes = [
        c
        for (c,) in raw.execute(
            "SELECT DISTINCT substr(call_class, 1, instr(call_class || '.', '.') - 1) FROM bib_record"
            " WHERE call_class IS NOT NULL"
        )
    ]
    barcodes = [b for (b,) in raw.execute("SELECT barcode FROM item ORDER BY random() LIMIT 100")]
    fts = "SELECT rowid FROM bib_search WHERE bib_search MATCH ? LIMIT 50"
    any_columns = "{title author publisher subjects} : "
    shelf = "SELECT bib_id FROM item WHERE shelf_key >= ? AND shelf_key < ? ORDER BY shelf_key LIMIT 50"
    return [
        ("Chinese 2-character title word", words, fts, [(any_columns + f"({match_query(w)})",) for w in words]),
        ("common 1-character word", common, fts, [(any_columns + f"({match_query(w)})",) for w in common]),
        ("author name", authors, fts, [(any_columns + f"({match_query(a)})",) for a in authors]),
        ("pinyin full", full, fts, [(f"pinyin : {match_query(p, prefix_last=True)}",) for p in full]),
        ("pinyin initials", initials, fts, [(f"pinyin : {match_query(p, prefix_last=True)}",) for p in initials]),
        ("ISBN", isbns, "SELECT bib_id FROM bib_isbn WHERE isbn = ?", [(normalise_isbn(i),) for i in isbns]),
        (
            "call-number prefix",
            classes,
            shelf,
            [(class_prefix_text(c), class_prefix_text(c) + "\U0010ffff") for c in classes],
        ),
        ("barcode", barcodes, "SELECT bib_id FROM item WHERE barcode = ?", [(b,) for b in barcodes]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse (or build once at) this database file")
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp(prefix="ils-bench-")) / "search.sqlite"
    if not path.exists():
        build(path, args.records)
    library = open_library(path)
    records_count = library.database.execute_sql("SELECT COUNT(*) FROM bib_record").fetchone()[0]
    items_count = library.database.execute_sql("SELECT COUNT(*) FROM item").fetchone()[0]
    print(f"{records_count:,} records, {items_count:,} items in {path}")
    raw = raw_connection(path)
    for name, typed, floor_sql, floor_params in _cases(raw):
        ours = measure(f"search(): {name}", lambda i: search(typed[i % len(typed)]), args.runs)
        floor = measure(
            "  raw sqlite3 floor",
            lambda i: raw.execute(floor_sql, floor_params[i % len(floor_params)]).fetchall(),
            args.runs,
        )
        print(ours.line(floor))
        print(floor.line())
    raw.close()
    library.close()


if __name__ == "__main__":
    main()
