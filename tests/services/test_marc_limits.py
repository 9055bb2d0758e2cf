"""MARC that is too large or that pymarc has to repair: refused or read, quietly and quickly.

The broken files are in ``tests/data/marc`` (see its README); the huge ones are built here.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
from pymarc import Field, Leader, Record, Subfield

from ils.catalogue import records
from ils.catalogue.marc_import import stage
from ils.catalogue.marc_read import MAX_FIELD_CHARS, read_marc
from ils.logs import LOGGER
from tests.codes import refused

BROKEN = Path(__file__).resolve().parents[1] / "data" / "marc"
HUGE_TITLE = "长" * 5_000_000


def _xml(*titles: str) -> bytes:
    fields = "".join(
        f'<datafield tag="245" ind1="1" ind2="0"><subfield code="a">{t}</subfield></datafield>' for t in titles
    )
    return (
        f'<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000   4500</leader>'
        f"{fields}</record></collection>"
    ).encode()


@pytest.fixture
def no_pinyin(monkeypatch):
    """Fail the test if anything costly is done with a record: pinyin and indexing come last."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a record too large to catalogue reached pinyin or the index")

    for target in ("ils.catalogue.records.pinyin_sort_key", "ils.catalogue.records.search_row"):
        monkeypatch.setattr(target, refuse)


def _problem(reject) -> str:
    return reject.reason.params["problem"].code


def test_a_five_million_character_title_is_refused_before_pinyin(admin, no_pinyin):
    batch = stage(admin, _xml(HUGE_TITLE), source_name="huge.xml")
    assert batch.records == [] and [_problem(r) for r in batch.rejects] == ["catalogue.marc_field_too_long"]
    assert batch.rejects[0].reason.params["problem"].params == {
        "tag": "245",
        "count": 5_000_000,
        "most": MAX_FIELD_CHARS,
    }
    assert "5000000" in batch.rejects[0].reason.render("en")


def test_many_fields_within_the_field_limit_are_refused_as_a_record_too_long(admin, no_pinyin):
    batch = stage(admin, _xml(*["长" * 9_000] * 12), source_name="long.xml")
    assert [_problem(r) for r in batch.rejects] == ["catalogue.marc_record_too_long"]


def test_an_iso2709_piece_larger_than_any_record_is_refused_before_parsing(admin):
    data = b"99999nam a2200025   4500" + b"x" * 500_000 + b"\x1d"
    result = read_marc(data)
    assert [_problem(r) for r in result.rejects] == ["catalogue.marc_record_too_many_bytes"]


def test_the_field_limit_file_is_refused_and_the_desk_editor_refuses_the_same(admin, no_pinyin):
    result = read_marc((BROKEN / "field_longer_than_iso2709.xml").read_bytes())
    assert [_problem(r) for r in result.rejects] == ["catalogue.marc_field_too_long"]
    record = Record(force_utf8=True, leader=Leader("00000nam  2200000   450 "))
    record.add_field(Field(tag="200", indicators=["1", " "], subfields=[Subfield("a", HUGE_TITLE)]))
    with refused("catalogue.marc_field_too_long"):
        records.add_record(admin, record, "cnmarc")


@pytest.fixture
def heard():
    """What the program's own log receives, whatever handlers it has in this process."""
    caught: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            caught.append(record.getMessage())

    handler, level = Keep(), LOGGER.level
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    yield caught
    LOGGER.removeHandler(handler)
    LOGGER.setLevel(level)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("missing_indicators.mrc", "missing indicators"),
        ("bad_subfield_code.mrc", "non-ASCII subfield code"),
        ("marc8_cut_multibyte.mrc", "exceeds length of marc8 string"),
    ],
)
def test_what_pymarc_says_goes_to_the_log_never_to_the_terminal(capfd, heard, name, said):
    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        result = read_marc((BROKEN / name).read_bytes())
    assert len(result.records) == 1 and result.rejects == ()
    assert capfd.readouterr() == ("", "")
    assert leaked == []
    assert [line for line in heard if said in line] and all(
        line.startswith("MARC record 1 at byte 0: pymarc: ") for line in heard
    )
    assert logging.getLogger("pymarc").handlers == [] and logging.getLogger("pymarc").propagate
