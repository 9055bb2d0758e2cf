"""The lean ISO 2709 decoder (``marc_read._lean_parse``) against pymarc, its reference.

The import decodes UTF-8 and GB18030 records itself, because pymarc's parse was a third of its
time. pymarc stays the reference: wherever the lean decoder gives a record, pymarc's path must
give the same fields, subfields and MARC-in-JSON text, and a whole file must read the same
(records, encodings, refusals and their codes) with the lean decoder as without it. Checked
on every file of the shared corpus, on generated records and on generated damage.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymarc import Field, Indicators, Record, Subfield

from ils.catalogue import marc_read
from ils.catalogue.marc_read import GB18030, UTF8, read_marc
from ils.catalogue.records import marc_json
from tests.services.marc_samples import MARC_DIR, record_bytes, require_corpus

_ISO_SUFFIXES = {".mrc", ".dat", ".iso", ".marc", ".bin"}


def _same(lean: Record, reference: Record) -> None:
    assert str(lean.leader) == str(reference.leader)
    assert (lean.force_utf8, lean.to_unicode) == (reference.force_utf8, reference.to_unicode)
    assert len(lean.fields) == len(reference.fields)
    for ours, theirs in zip(lean.fields, reference.fields, strict=True):
        assert type(ours) is type(theirs) is Field
        assert (ours.tag, ours.control_field, ours.data) == (theirs.tag, theirs.control_field, theirs.data)
        assert ours.indicators == theirs.indicators
        assert type(ours.indicators) is type(theirs.indicators)
        assert ours.subfields == theirs.subfields
        assert all(type(s) is Subfield for s in ours.subfields)
    assert marc_json(lean) == marc_json(reference)


def _check_chunk(chunk: bytes) -> int:
    """Compare the two decoders on one record's bytes in both character sets; how many the lean one took."""
    if not chunk[:24].isascii():
        return 0
    try:
        entries = marc_read._directory(chunk)
    except marc_read._Refused:
        return 0
    taken = 0
    for charset in (UTF8, GB18030):
        lean = marc_read._lean_parse(chunk, entries, charset)
        if lean is None:
            continue
        taken += 1
        with marc_read._pymarc_heard():
            _same(lean, marc_read._parse(chunk, charset))
    return taken


@contextlib.contextmanager
def _without_lean() -> Iterator[None]:
    with mock.patch.object(marc_read, "_lean_parse", lambda *_args: None):
        yield


def _outcome(data: bytes) -> tuple[object, ...]:
    """Everything ``read_marc`` says about ``data`` that a caller can see."""
    result = read_marc(data)
    records = [(r.number, r.offset, r.format, r.encoding, r.fields, marc_json(r.record)) for r in result.records]
    rejects = [(r.number, r.offset, r.reason.code, str(r.reason)) for r in result.rejects]
    return records, rejects, result.format, result.serialisation


def _reads_the_same(data: bytes) -> None:
    ours = _outcome(data)
    with _without_lean():
        assert ours == _outcome(data)


def _iso_files() -> list:
    require_corpus()
    return sorted(p for p in MARC_DIR.rglob("*") if p.suffix.lower() in _ISO_SUFFIXES)


def test_every_corpus_record_decodes_as_pymarc_decodes_it():
    taken = 0
    for path in _iso_files():
        for chunk in path.read_bytes().split(b"\x1d"):
            taken += _check_chunk(chunk.lstrip(b"\r\n\t \x00") + b"\x1d")
    assert taken > 1000  # the lean decoder is used on most of the corpus, not bypassed


def test_every_corpus_file_reads_the_same_with_the_lean_decoder():
    for path in _iso_files():
        _reads_the_same(path.read_bytes())


# --- generated records -----------------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x1d\x1e\x1f"), max_size=12)
_CODE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
_CONTROL = st.builds(
    lambda tag, data: Field(tag=tag, data=data), st.sampled_from(["001", "003", "005", "008", "009"]), _TEXT
)
_DATA = st.builds(
    lambda tag, indicators, subfields: Field(
        tag=tag, indicators=Indicators(*indicators), subfields=[Subfield(c, v) for c, v in subfields]
    ),
    st.sampled_from(["010", "100", "200", "245", "606", "905", "952", "ABC", "0A1"]),
    st.tuples(_CODE | st.just(" "), _CODE | st.just(" ")),
    st.lists(st.tuples(_CODE, _TEXT), max_size=5),
)


@st.composite
def _records(draw: st.DrawFn) -> Record:
    record = Record(leader=draw(st.sampled_from(["00000nam  2200000   450 ", "00000cam a2200000 i 4500"])))
    record.add_field(*draw(st.lists(_CONTROL | _DATA, min_size=1, max_size=8)))
    return record


@given(_records(), st.sampled_from(["utf-8", "gb18030"]))
def test_generated_records_decode_as_pymarc_decodes_them(record, encoding):
    chunk = record_bytes(record, encoding, leader09="a" if encoding == "utf-8" else " ")
    assert _check_chunk(chunk) >= 1  # every well-formed record of these character sets is decoded lean
    _reads_the_same(chunk)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    _records(),
    st.sampled_from(["utf-8", "gb18030"]),
    st.lists(st.tuples(st.integers(min_value=0), st.binary(min_size=1, max_size=3)), min_size=1, max_size=4),
)
def test_damaged_records_read_the_same_with_the_lean_decoder(record, encoding, damage):
    """Bytes overwritten anywhere (leader, directory, separators, text): the same records and the
    same refusals, with the same codes, as pymarc's path gives."""
    data = bytearray(record_bytes(record, encoding))
    for place, bytes_ in damage:
        start = place % len(data)
        data[start : start + len(bytes_)] = bytes_
    _check_chunk(bytes(data))
    _reads_the_same(bytes(data))


def test_unusual_records_are_left_to_pymarc():
    """Indicators that are not two, and a subfield code that is not ASCII: pymarc repairs them (and
    says so in the log), so the lean decoder does not take them."""
    record = Record(leader="00000nam  2200000   450 ")
    record.add_field(Field(tag="200", indicators=Indicators("1", " "), subfields=[Subfield("a", "书名")]))
    good = record_bytes(record, "utf-8")
    entries = marc_read._directory(good)
    assert marc_read._lean_parse(good, entries, UTF8) is not None
    assert marc_read._lean_parse(good, entries, "iso8859-1") is None  # MARC-8 and other sets: pymarc's
    one_indicator = good.replace(b"1 \x1fa", b"1\x1fa ")
    assert marc_read._lean_parse(one_indicator, marc_read._directory(one_indicator), UTF8) is None
    code = "书".encode()
    odd_code = good.replace(b"\x1fa" + code, b"\x1f" + code + b"a")
    assert marc_read._lean_parse(odd_code, marc_read._directory(odd_code), UTF8) is None
    odd_indicator = good.replace("1 \x1fa书名".encode(), "éé\x1fa名 ".encode())  # the same length
    odd_tag = good[:24] + "é".encode() + good[26:]  # the directory's first tag, 200, becomes "é0"
    assert read_marc(odd_tag).rejects[0].reason.params["problem"].code == "catalogue.marc_unknown_charset"
    too_long = b"99999" + good[5:]  # the leader claims more bytes than the record has: pymarc refuses it
    assert read_marc(too_long).rejects[0].reason.params["problem"].code == "catalogue.marc_cut_short"
    for data in (one_indicator, odd_code, odd_indicator, odd_tag, too_long):
        if data is not odd_tag:
            assert marc_read._lean_parse(data, marc_read._directory(data), UTF8) is None
        _reads_the_same(data)
