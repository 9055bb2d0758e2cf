"""Build the GBK/GB18030 ISO 2709 files Chinese suppliers send, at test time.

No public GBK CNMARC file exists (SOURCES.md, Gaps), so the tests take the real
Chinese CNMARC records of the dp2 MARCXML sample and write them as ISO 2709 in
the supplier's character set. pymarc only writes UTF-8 or Latin-1, so each
field is turned into a ``RawField`` holding bytes already encoded, and the
record is serialised with ``to_unicode`` off so pymarc leaves the bytes alone.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pymarc import Field, RawField, Record, Subfield

#: The shared corpus sits beside the checkout (``../shared``); ``ILS_SHARED`` points
#: elsewhere, for a git worktree or a CI checkout laid out differently.
SHARED_DIR = Path(os.environ.get("ILS_SHARED") or Path(__file__).resolve().parents[2].parent / "shared")
MARC_DIR = SHARED_DIR / "testdata" / "marc"
DP2_SAMPLE = MARC_DIR / "dp2" / "sample_cnmarcxml.xml"

#: Why a test that reads the corpus is skipped on a clone that has none beside it.
CORPUS_MISSING = f"needs the shared real-world MARC corpus, which is not at {MARC_DIR} (ILS_SHARED names its folder)"


def require_corpus() -> None:
    """Skip the calling test where the shared corpus is absent: a user's clone has no ``../shared``, CI has."""
    if not MARC_DIR.is_dir():
        pytest.skip(CORPUS_MISSING)


def corpus_file(name: str) -> Path:
    """The corpus file ``name`` (e.g. ``"pymarc/test.dat"``); skips the calling test when there is no corpus."""
    require_corpus()
    return MARC_DIR / name


def dp2_records() -> list[Record]:
    """The ten Chinese CNMARC records of the dp2 sample, read by our own reader (skips without the corpus)."""
    from ils.catalogue.marc_read import read_marc_file

    return [parsed.record for parsed in read_marc_file(corpus_file("dp2/sample_cnmarcxml.xml")).records]


def record_bytes(record: Record, encoding: str, *, leader09: str = " ", charset_100: str | None = None) -> bytes:
    """``record`` as ISO 2709 with every text byte in ``encoding``.

    ``leader09`` and ``charset_100`` (100$a/26-29) let a test write the false
    claims suppliers make about their character set.
    """
    raw = Record(leader=str(record.leader), to_unicode=False)
    for field in record.fields:
        if field.is_control_field():
            raw.add_field(RawField(tag=field.tag, data=field.data.encode(encoding)))
            continue
        subfields = []
        for sub in field.subfields:
            value = sub.value
            if field.tag == "100" and sub.code == "a" and charset_100 is not None:
                value = value.ljust(30)[:26] + charset_100 + value.ljust(30)[30:]
            subfields.append(Subfield(code=sub.code, value=value.encode(encoding)))
        raw.add_field(RawField(tag=field.tag, indicators=field.indicators, subfields=subfields))
    data = raw.as_marc()
    return data[:9] + leader09.encode("ascii") + data[10:]


def write_file(path: Path, records: list[Record], encoding: str, **claims: str) -> Path:
    """Write ``records`` to ``path`` as one ISO 2709 file in ``encoding``."""
    path.write_bytes(b"".join(record_bytes(r, encoding, **claims) for r in records))
    return path


def plain_field(tag: str, **subfields: str) -> Field:
    """A data field with blank indicators, for hand-made records."""
    return Field(tag=tag, indicators=[" ", " "], subfields=[Subfield(c, v) for c, v in subfields.items()])
