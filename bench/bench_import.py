"""Importing a 10,000-record supplier file against pymarc merely parsing it, in one run.

The file is built in a temporary folder from real records: the Chinese CNMARC records
of the dp2 sample and the UNIMARC records of xbib-marc/periouni.mrc, taken in turn,
each copy with its own 001, a numbered title and its own valid ISBN (so the copies are
new records, not duplicates of each other), and one 905 holding with a barcode and a
call number, as a supplier's delivery carries. Each run stages and applies the whole
file into a fresh library (``ils.initialise``); the floor is a bare
``pymarc.MARCReader`` loop over the same bytes, timed after each import (so a change
in the machine's load weighs on both alike), and the ratio is also given run by run, each import
against the floor timed next to it. The issue asks for the import at no
less than a third of the floor's speed, i.e. at most 3x its time.
Run: ``.venv/bin/python bench/bench_import.py [--runs N] [--records N]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pymarc import Field, Indicators, MARCReader, Record, Subfield  # noqa: E402
from stats import Figure, Stopwatch  # noqa: E402

from ils.catalogue.marc_import import apply, stage  # noqa: E402
from ils.catalogue.marc_read import read_marc_file  # noqa: E402
from ils.initialise import initialise  # noqa: E402
from ils.library import open_library  # noqa: E402
from ils.session import Session  # noqa: E402
from ils.staff import log_in  # noqa: E402

MARC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "marc"
SOURCES = (MARC_DIR / "dp2" / "sample_cnmarcxml.xml", MARC_DIR / "xbib-marc" / "periouni.mrc")
TITLE_TAGS = {"cnmarc": "200", "marc21": "245"}
ISBN_TAGS = {"cnmarc": "010", "marc21": "020"}


def isbn13(number: int) -> str:
    """A valid ISBN-13 in the Chinese 978-7 group, different for every ``number``."""
    body = f"9787{number:08d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return body + str(check)


def copy_of(record: Record, fmt: str, number: int) -> Record:
    """``record`` made into the ``number``-th distinct book of the delivery."""
    copy = Record(leader=str(record.leader), force_utf8=True)
    for field in record.fields:
        if field.tag in ("001", "905"):
            continue
        if field.is_control_field():
            copy.add_field(Field(tag=field.tag, data=field.data))
            continue
        subfields = []
        for sub in field.subfields:
            value = sub.value
            if field.tag == TITLE_TAGS[fmt] and sub.code == "a":
                value = f"{value} {number}"
            elif field.tag == ISBN_TAGS[fmt] and sub.code == "a":
                value = isbn13(number)
            subfields.append(Subfield(sub.code, value))
        copy.add_field(Field(tag=field.tag, indicators=field.indicators, subfields=subfields))
    copy.fields.insert(0, Field(tag="001", data=f"BENCH{number:06d}"))
    copy.add_field(
        Field(
            tag="905",
            indicators=Indicators(" ", " "),
            subfields=[
                Subfield("a", "ZG"),
                Subfield("b", f"B{number:08d}"),
                Subfield("c", "ZG-WJ"),
                Subfield("d", "I247.5"),
                Subfield("e", str(number)),
            ],
        )
    )
    return copy


def supplier_file(count: int) -> bytes:
    """``count`` records in ISO 2709, UTF-8, alternating Chinese and French sources."""
    pools = [read_marc_file(path).records for path in SOURCES]
    parts = []
    for number in range(count):
        pool = pools[number % len(pools)]
        parsed = pool[(number // len(pools)) % len(pool)]
        parts.append(copy_of(parsed.record, parsed.format, number).as_marc())
    return b"".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ils-bench-import-"))
    try:
        data = supplier_file(args.records)
        # Libraries are created (and the password hashed) before timing starts; a run opens
        # its own fresh library, then stages and applies the file.
        imports = [_prepared_import(folder / f"run{run}.sqlite", data, args.records) for run in range(args.runs)]
        # Each import is followed by a floor run, so a change in the machine's load between the
        # first and the last run weighs on both figures alike.
        wall: dict[str, list[float]] = {"ours": [], "floor": []}
        cpu: dict[str, list[float]] = {"ours": [], "floor": []}
        for run in range(args.runs):
            for name, action in (("ours", imports[run]), ("floor", lambda: _pymarc_parse(data))):
                with Stopwatch() as timed:
                    action()
                wall[name].append(timed.wall * 1000)
                cpu[name].append(timed.cpu * 1000)
        ours = Figure.of(f"stage + apply ({args.records:,} records)", wall["ours"], cpu["ours"])
        floor = Figure.of("pymarc MARCReader loop (floor)", wall["floor"], cpu["floor"])
        print(f"file: {len(data):,} bytes, {args.records:,} records")
        print(ours.line(floor))
        print(floor.line())
        # Each import against the floor run right after it: a machine whose speed drifts between
        # runs moves a pair together, while it moves the two medians apart.
        paired = sorted(o / f for o, f in zip(cpu["ours"], cpu["floor"], strict=True))
        print(
            f"cpu ratio per run, paired: median {statistics.median(paired):.2f}x  range {paired[0]:.2f}-{paired[-1]:.2f}x"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pymarc_parse(data: bytes) -> int:
    """The floor: pymarc merely parsing the file, every record in turn."""
    return sum(1 for r in MARCReader(data, to_unicode=True, force_utf8=True) if r)


def _prepared_import(path: Path, data: bytes, count: int) -> Callable[[], None]:
    """A fresh library at ``path`` and the import to time in it."""
    library = initialise(path, admin_username="admin", admin_password="bench-pass")
    staff = log_in(library, "admin", "bench-pass").staff
    library.close()

    def import_file() -> None:
        opened = open_library(path)
        session = Session(opened, staff)
        result = apply(session, stage(session, data, source_name="supplier.iso"))
        assert result.added == count and result.items_added == count, result.item_problems[:3]
        opened.close()

    return import_file


if __name__ == "__main__":
    main()
