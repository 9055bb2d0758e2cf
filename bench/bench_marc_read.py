"""Reading a MARC file with ils's reader against pymarc merely parsing it, in one run.

The floor is a bare ``pymarc.MARCReader`` loop; ``read_marc`` also checks every
directory entry, picks each record's character set and extracts the indexed
fields. Run: ``.venv/bin/python bench/bench_marc_read.py [--runs N] [FILE]``
(default: the 3,064-record UNIMARC file in ../shared/testdata).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pymarc import MARCReader  # noqa: E402
from stats import measure  # noqa: E402

from ils.catalogue.marc_read import read_marc  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "testdata" / "marc" / "xbib-marc" / "periouni.mrc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = args.file.read_bytes()
    ours = measure(f"read_marc ({args.file.name})", lambda _i: read_marc(data), args.runs)
    floor = measure(
        "pymarc MARCReader loop (floor)",
        lambda _i: sum(1 for r in MARCReader(data, to_unicode=True, force_utf8=True) if r),
        args.runs,
    )
    print(ours.line(floor))
    print(floor.line())


if __name__ == "__main__":
    main()
