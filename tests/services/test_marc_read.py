"""The MARC reading layer against every real test file plus GBK/GB18030 supplier files.

Real files come from ../shared/testdata/marc (SOURCES.md describes each one);
GBK and GB18030 ISO 2709 files are built at test time from the dp2 CNMARC
sample, because no public one exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pymarc import MARCReader, Record

from ils.catalogue.marc_fields import BibFields, Holding, clean, extract
from ils.catalogue.marc_read import ParsedRecord, ReadResult, Reject, read_marc, read_marc_file
from ils.i18n import set_language
from tests.services.marc_samples import (
    CORPUS_MISSING,
    MARC_DIR,
    corpus_file,
    dp2_records,
    plain_field,
    record_bytes,
    require_corpus,
    write_file,
)


@pytest.fixture(autouse=True)
def english_reasons():
    """The reasons below are asserted in English; the desk's default, Chinese, is checked once."""
    set_language("en")
    yield
    set_language("zh_CN")


def problem(reject: Reject) -> str:
    """The code of what is wrong with a refused record (its reason also names the record)."""
    return reject.reason.params["problem"].code if "problem" in reject.reason.params else reject.reason.code


def test_reasons_are_in_the_desks_language():
    set_language("zh_CN")
    result = read_marc((corpus_file("pymarc/bad_records.mrc")).read_bytes())
    assert result.rejects and all(str(r.reason).startswith(f"第 {r.number} 条记录") for r in result.rejects)
    assert all(r.reason.render("en").startswith(f"record {r.number}") for r in result.rejects)


ALL_FILES = sorted(p for p in MARC_DIR.rglob("*") if p.is_file() and p.name != "SOURCES.md") or [
    pytest.param(MARC_DIR, marks=pytest.mark.skip(reason=CORPUS_MISSING))
]

# (records read, records refused); counts from SOURCES.md where pymarc reads them.
EXPECTED_COUNTS = {
    "pymarc/test.dat": (10, 0),
    "pymarc/regression45.dat": (12, 0),
    "pymarc/marc8.dat": (1, 0),
    "pymarc/bad_records.mrc": (2, 6),
    "yaz/marccol1.u8.marc": (19, 0),
    "yaz/marc12.marc": (1, 0),
    "yaz/marc4.marc": (0, 1),
    "xbib-marc/periouni.mrc": (3064, 0),
    "xbib-marc/IRMARC8.bin": (10, 0),
    "dp2/sample_cnmarcxml.xml": (10, 0),
    "marc4j/brkrtest.mrc": (8, 0),
    "marc4j/cyrillic_capital_e.mrc": (2, 0),
    "marc4s/rusmarc-auth-utf8-example.iso": (2, 0),
    "marcrecord/marcxml_1.xml": (12, 0),
    "Catmandu-MARC/broken.xml": (10, 0),
    # 16 of 100 leaders/directories count characters, not bytes: refused, not garbled.
    "Catmandu-MARC/bu_bibs.mrc": (84, 16),
    "File_MARC/music.mrc": (3, 0),
    "marc4j/chabon-missing-subfield-code.xml": (0, 1),
}


def test_the_test_data_is_there():
    require_corpus()
    assert len(ALL_FILES) >= 60


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(MARC_DIR)))
def test_every_real_file_reads_or_is_refused_clearly(path: Path):
    result = read_marc_file(path)
    assert isinstance(result, ReadResult)
    assert result.records or result.rejects
    numbers = [r.number for r in result.records] + [r.number for r in result.rejects]
    assert len(numbers) == len(set(numbers)) and min(numbers) >= 1
    for reject in result.rejects:
        assert isinstance(reject, Reject)
        assert problem(reject).startswith("catalogue.marc_") or problem(reject) == "catalogue.record_needs_title"
        text = reject.reason.render("en")
        assert "Traceback" not in text
        if reject.reason.params:
            assert f"record {reject.number}" in text
        if result.serialisation == "iso2709" and reject.reason.params:
            assert isinstance(reject.offset, int)
            assert f"at byte {reject.offset}:" in text
    for parsed in result.records:
        assert isinstance(parsed, ParsedRecord)
        assert isinstance(parsed.record, Record)
        assert parsed.format in {"cnmarc", "marc21"}
        assert parsed.fields.title
        assert all(
            isinstance(s.value, str) for f in parsed.record.fields if not f.is_control_field() for s in f.subfields
        )


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED_COUNTS.items()))
def test_record_counts(name: str, expected: tuple[int, int]):
    result = read_marc_file(corpus_file(name))
    assert (len(result.records), len(result.rejects)) == expected


def test_bad_records_are_refused_one_by_one_with_number_and_offset():
    path = corpus_file("pymarc/bad_records.mrc")
    data = path.read_bytes()
    result = read_marc(data)
    assert sorted([r.number for r in result.records] + [r.number for r in result.rejects]) == list(range(1, 9))
    for reject in result.rejects:
        assert reject.offset == 0 or data[reject.offset - 1 : reject.offset] == b"\x1d"
        assert reject.reason.code == "catalogue.marc_record_at_byte_refused"
        assert (reject.reason.params["number"], reject.reason.params["offset"]) == (reject.number, reject.offset)
    for parsed in result.records:
        assert data[parsed.offset : parsed.offset + 5].isdigit()
    assert (result.rejects[0].number, result.rejects[0].offset) == (2, 127)
    assert problem(result.rejects[0]) == "catalogue.marc_base_address"
    assert result.rejects[0].reason.render("en") == "record 2 at byte 127: the leader's base address is wrong"


def test_dp2_cnmarc_xml_in_an_sru_envelope():
    result = read_marc_file(corpus_file("dp2/sample_cnmarcxml.xml"))
    assert result.serialisation == "marcxml" and result.format == "cnmarc"
    assert all(p.format == "cnmarc" and p.offset is None for p in result.records)
    titles = [p.fields.title for p in result.records]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in titles)
    first = result.records[0]
    assert first.fields.title == "'94中国发展报告"
    assert first.fields.responsibility == "国家统计局编"
    assert first.fields.publisher == "中国统计出版社"
    assert first.fields.place == "北京"
    assert first.fields.year == "1994"
    assert first.fields.isbns == ("7-5037-1744-0",)
    assert first.fields.price == "CNY68.00"
    assert first.fields.clc_class == "F124"
    assert first.fields.subjects == ("经济发展",)
    assert first.fields.holdings == (Holding(None, "BNU", None, "F124/26", None),)
    # '-' and '#' stand for blanks in this export
    assert str(first.record.leader) == "01576nam0a2200409   4500"  # and leader/09: now Unicode
    assert "#" not in first.record["100"]["a"]
    assert first.record.get_fields("AVA")  # non-numeric local tags survive


def test_marc8_is_decoded():
    parsed = read_marc_file(corpus_file("pymarc/marc8.dat")).records[0]
    assert parsed.encoding == "marc-8"
    assert parsed.record["240"]["a"].startswith("De la solitude à la communauté")
    assert parsed.record.leader[9] == "a"  # the record is Unicode now


def test_marc8_eacc_cjk_is_decoded():
    parsed = read_marc_file(corpus_file("yaz/marc12.marc")).records[0]
    assert parsed.encoding == "marc-8" and parsed.format == "marc21"
    vernacular = [f["a"] for f in parsed.record.get_fields("880") if (f.get("6") or "").startswith("245")]
    assert vernacular == ["车票去哪儿了 /"]
    assert parsed.fields.title == "Che piao qu na er le"
    assert parsed.fields.responsibility == "Liu Xugong zhu hui"


def test_utf8_without_the_leader_flag_is_still_utf8():
    parsed = read_marc_file(corpus_file("pymarc/utf8_without_leader_flag.dat")).records[0]
    assert parsed.encoding == "utf-8"


def test_unimarc_periodicals_are_cnmarc_family():
    result = read_marc_file(corpus_file("xbib-marc/periouni.mrc"))
    assert result.format == "cnmarc" and result.serialisation == "iso2709"


# --- GBK / GB18030 supplier files -------------------------------------------------


@pytest.fixture(scope="module")
def dp2() -> list[Record]:
    return dp2_records()


DP2_TITLES = ["'94中国发展报告", "'95中国发展报告", "'96 中国发展报告"]


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_supplier_files_in_gbk_and_gb18030(tmp_path, dp2, encoding):
    path = write_file(tmp_path / f"supplier-{encoding}.iso", dp2, encoding)
    result = read_marc_file(path)
    assert (len(result.records), result.rejects) == (10, ())
    assert result.format == "cnmarc" and result.serialisation == "iso2709"
    assert [p.fields.title for p in result.records][:3] == DP2_TITLES
    assert {p.encoding for p in result.records} == {"gb18030"}
    assert result.records[0].fields.publisher == "中国统计出版社"
    assert result.records[1].offset == len(record_bytes(dp2[0], encoding))


def test_gbk_that_claims_utf8_in_leader_and_unicode_in_100(tmp_path, dp2):
    path = write_file(tmp_path / "liar.iso", dp2, "gbk", leader09="a", charset_100="50  ")
    assert path.read_bytes()[9:10] == b"a"
    result = read_marc_file(path)
    assert [p.fields.title for p in result.records][:3] == DP2_TITLES
    assert {p.encoding for p in result.records} == {"gb18030"}
    forced = read_marc_file(path, encoding="gbk")
    assert [p.fields.title for p in forced.records][:3] == DP2_TITLES
    assert {p.encoding for p in forced.records} == {"gbk"}


def _chinese_record(title: str) -> Record:
    record = Record(leader="00000nam0 2200000   450 ")
    record.add_field(plain_field("100", a="20240101d2024    em y0chiy0121    ea"))
    record.add_field(plain_field("200", a=title, f="张三著"))
    record.add_field(plain_field("690", a="I247.5", v="5"))
    record.add_field(plain_field("905", a="ZG", b="43020000001", c="一楼", d="I247.5", e="12", f="2"))
    return record


def test_gb18030_characters_beyond_gbk(tmp_path):
    record = _chinese_record("𠮷野家的故事")  # U+20BB7 needs GB18030's four-byte form
    data = record_bytes(record, "gb18030")
    parsed = read_marc(data).records[0]
    assert parsed.fields.title == "𠮷野家的故事"
    assert parsed.fields.holdings == (Holding("43020000001", "ZG", "一楼", "I247.5/12:2", None),)
    refused = read_marc(data, encoding="gbk")
    assert refused.records == ()
    assert [(r.number, r.offset, problem(r)) for r in refused.rejects] == [(1, 0, "catalogue.marc_unknown_charset")]


def test_a_cut_record_in_a_gbk_file_does_not_stop_the_file(tmp_path, dp2):
    parts = [record_bytes(r, "gbk") for r in dp2[:3]]
    broken = parts[1][:40] + parts[1][60:]  # damage the directory of record 2
    data = parts[0] + broken + parts[2] + parts[0][:100]  # and cut the last one short
    result = read_marc(data)
    assert [p.number for p in result.records] == [1, 3]
    assert [(r.number, r.offset) for r in result.rejects] == [
        (2, len(parts[0])),
        (4, len(parts[0]) + len(broken) + len(parts[2])),
    ]
    assert problem(result.rejects[-1]) == "catalogue.marc_cut_short"


def test_unknown_encoding_override_is_refused():
    with pytest.raises(ValueError, match="klingon"):
        read_marc(b"00000", encoding="klingon")


# --- not MARC at all ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "catalogue.marc_empty_file"),
        (b"\n\n  ", "catalogue.marc_empty_file"),
        ("这是一个文本文件，不是MARC。\n".encode(), "catalogue.marc_not_marc"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "catalogue.marc_not_marc"),
        (b"<html><body>not found</body></html>", "catalogue.marc_xml_no_records"),
        (b"<collection><record><leader>", "catalogue.marc_xml_not_well_formed"),
    ],
)
def test_files_that_are_not_marc_give_one_clear_reject(tmp_path, data, code):
    path = tmp_path / "upload.dat"
    path.write_bytes(data)
    result = read_marc_file(path)
    assert result.records == ()
    assert [(r.number, r.offset, r.reason.code) for r in result.rejects] == [(1, None, code)]


def test_digits_then_garbage_is_refused_not_raised():
    result = read_marc(b"01234 this only looks like a leader")
    assert result.records == () and len(result.rejects) == 1
    assert result.rejects[0].offset == 0


# --- field extraction -----------------------------------------------------------------


def test_clean_strips_isbd_punctuation():
    assert clean("Escape from loneliness /") == "Escape from loneliness"
    assert clean("New York :") == "New York"
    assert clean("2000.") == "2000"
    assert clean("BAR international series ;") == "BAR international series"
    assert clean("  ") is None and clean(None) is None


def test_marc21_fields_with_clc_class_and_koha_holdings():
    record = Record()
    record.add_field(plain_field("020", a="9787020002207 :", c="CNY25.00"))
    record.add_field(plain_field("084", a="I242.4", **{"2": "clc"}))
    record.add_field(plain_field("245", a="红楼梦 :", b="校注本 /", c="曹雪芹著."))
    record.add_field(plain_field("250", a="第2版."))
    record.add_field(plain_field("264", a="北京 :", b="人民文学出版社,", c="1996."))
    record.add_field(plain_field("490", a="中国古典文学读本丛书 ;"))
    record.add_field(plain_field("650", a="章回小说"))
    record.add_field(plain_field("952", a="ZG", c="STACK", o="I242.4/3", p="43020000002", g="25.00"))
    fields = extract(record, "marc21")
    assert isinstance(fields, BibFields)
    assert (fields.title, fields.other_title, fields.responsibility) == ("红楼梦", "校注本", "曹雪芹著")
    assert (fields.place, fields.publisher, fields.year) == ("北京", "人民文学出版社", "1996")
    assert fields.isbns == ("9787020002207",) and fields.price == "CNY25.00"
    assert fields.clc_class == "I242.4" and fields.edition == "第2版"
    assert fields.series == "中国古典文学读本丛书" and fields.subjects == ("章回小说",)
    assert fields.holdings == (Holding("43020000002", "ZG", "STACK", "I242.4/3", "25.00"),)


def test_marc21_084_without_clc_source_is_not_a_clc_class():
    record = Record()
    record.add_field(plain_field("084", a="QA76", **{"2": "other"}))
    record.add_field(plain_field("245", a="Title."))
    assert extract(record, "marc21").clc_class is None


def test_records_without_a_title_are_refused():
    record = _chinese_record("")
    result = read_marc(record_bytes(record, "utf-8", leader09="a"))
    assert [(r.number, r.offset, problem(r)) for r in result.rejects] == [(1, 0, "catalogue.marc_no_title")]


def test_periouni_reads_every_record_pymarc_reads():
    """3064 UNIMARC records; the speed beside pymarc is measured in bench/bench_marc_read.py."""
    data = (corpus_file("xbib-marc/periouni.mrc")).read_bytes()
    bare = sum(1 for r in MARCReader(data, to_unicode=True, force_utf8=True) if r is not None)
    assert bare == len(read_marc(data).records) == 3064


def test_marcxml_declared_as_gbk(tmp_path):
    text = (corpus_file("dp2/sample_cnmarcxml.xml")).read_text(encoding="utf-8-sig")
    gbk = text.replace('encoding="UTF-8"', 'encoding="GBK"', 1).encode("gbk")
    result = read_marc(gbk)
    assert (len(result.records), result.rejects) == (10, ())
    assert [p.fields.title for p in result.records][:3] == DP2_TITLES
    assert {p.encoding for p in result.records} == {"gbk"}
    lying = text.replace('encoding="UTF-8"', 'encoding="GBK"', 1).encode("utf-8")
    assert [r.reason.code for r in read_marc(lying).rejects] == ["catalogue.marc_xml_wrong_charset"]
    unknown = text.replace('encoding="UTF-8"', 'encoding="x-nope"', 1).encode("utf-8")
    assert [r.reason.code for r in read_marc(unknown).rejects] == ["catalogue.marc_xml_unknown_charset"]
