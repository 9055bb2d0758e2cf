"""Catalogue search as the desk uses it: Chinese words, pinyin, ISBN, call numbers, barcodes."""

from __future__ import annotations

import pytest
from pymarc import Record

from ils.catalogue import search as search_module
from ils.catalogue.items import add_item, change_item
from ils.catalogue.records import add_record, delete_record
from ils.catalogue.search import FIELDS, SORTS, Availability, search
from ils.errors import NotFound
from ils.text import pinyin_keys, pinyin_sort_key, sort_key_pinyin
from tests.codes import refused
from tests.services.marc_samples import dp2_records, plain_field

pytestmark = pytest.mark.usefixtures("english")


def cnmarc(
    title: str,
    *,
    responsibility: str | None = None,
    publisher: str | None = None,
    year: str | None = None,
    isbn: str | None = None,
    clc: str | None = None,
    subjects: tuple[str, ...] = (),
    authors: tuple[str, ...] = (),
    parallel: str | None = None,
) -> Record:
    record = Record(force_utf8=True, leader="00000nam0 2200000   450 ")
    if isbn:
        record.add_field(plain_field("010", a=isbn))
    title_parts = {k: v for k, v in (("a", title), ("d", parallel), ("f", responsibility)) if v}
    record.add_field(plain_field("200", **title_parts))
    if publisher or year:
        record.add_field(plain_field("210", **{k: v for k, v in (("c", publisher), ("d", year)) if v}))
    for subject in subjects:
        record.add_field(plain_field("606", a=subject))
    if clc:
        record.add_field(plain_field("690", a=clc))
    for author in authors:
        record.add_field(plain_field("701", a=author))
    return record


BOOKS = {
    "红楼梦": dict(
        responsibility="(清)曹雪芹, 高鹗著",
        publisher="人民文学出版社",
        year="1982",
        isbn="7-02-000220-X",
        clc="I242.4",
        authors=("曹雪芹", "高鹗"),
        parallel="A dream of red mansions",
    ),
    "红楼梦研究": dict(responsibility="俞平伯著", publisher="上海古籍出版社", year="1988", clc="I207.411"),
    "论红楼梦的人物": dict(responsibility="王昆仑著", publisher="生活·读书·新知三联书店", year="1983", clc="I207.411"),
    "曹雪芹传": dict(
        responsibility="周汝昌著", publisher="百花文艺出版社", year="1998", subjects=("红楼梦",), clc="K825.6"
    ),
    "三体": dict(
        responsibility="刘慈欣著",
        publisher="重庆出版社",
        year="2008",
        isbn="978-7-5366-9293-0",
        clc="I247.55",
        authors=("刘慈欣",),
    ),
    "醴陵瓷业史": dict(
        responsibility="醴陵市政协编", publisher="湖南人民出版社", year="2012", subjects=("陶瓷工业",), clc="F426.71"
    ),
    "鲁迅全集": dict(responsibility="鲁迅著", publisher="人民文学出版社", year="2005", clc="I210.1", authors=("鲁迅",)),
    "朝花夕拾": dict(responsibility="鲁迅著", publisher="人民文学出版社", year="1979", clc="I210.4", authors=("鲁迅",)),
    "活着": dict(
        responsibility="余华著",
        publisher="作家出版社",
        year="2012",
        isbn="7-5063-3946-3",
        clc="I247.57",
        authors=("余华",),
    ),
    "Python编程": dict(responsibility="Eric Matthes著", publisher="人民邮电出版社", year="2016", clc="TP311.561"),
    "边城": dict(responsibility="沈从文著", publisher="北岳文艺出版社", year="2002", clc="I246.5", authors=("沈从文",)),
    "中国陶瓷": dict(
        responsibility="冯先铭主编", publisher="上海古籍出版社", year="2001", subjects=("陶瓷",), clc="K876.3"
    ),
}


@pytest.fixture
def books(admin) -> dict[str, str]:
    """The books above, with copies: title -> record id."""
    ids = {title: add_record(admin, cnmarc(title, **fields), "cnmarc") for title, fields in BOOKS.items()}
    copies = [
        ("红楼梦", "HL0001", "ZG", "I242.4/1", "available"),
        ("红楼梦", "HL0002", "ZG", "I242.4/1-2", "available"),
        ("红楼梦", "HL0003", "ZG", "I242.4/1-3", "processing"),
        ("红楼梦", "HL0004", "ZG", "I242.4/1-4", "withdrawn"),
        ("红楼梦", "HL0005", "XHMZ", "I242.4/1-5", "available"),
        ("三体", "ST0001", "XHMZ", "I247.5/12", "available"),
        ("活着", "HZ0001", "ZG", "I247.57/3", "available"),
        ("边城", "BC0001", "ZG", "I248/1", "available"),
        ("醴陵瓷业史", "CY0001", "ZG", "F426.71/5", "missing"),
    ]
    for title, barcode, branch, call_number, status in copies:
        add_item(admin, ids[title], barcode, branch=branch, call_number=call_number, status=status)
    return ids


def titles(text: str, **options) -> list[str]:
    result = search(text, **options)
    return [hit.title for hit in result.hits]


# --- Chinese words -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三体", {"三体"}),
        ("瓷业", {"醴陵瓷业史"}),
        ("鲁迅", {"鲁迅全集", "朝花夕拾"}),
        ("瓷", {"醴陵瓷业史", "中国陶瓷"}),
        ("活着", {"活着"}),
        ("曹雪芹", {"红楼梦", "曹雪芹传"}),
        ("红楼梦 曹雪芹", {"红楼梦", "曹雪芹传"}),  # the second has 红楼梦 as its subject
        ("红楼梦 高鹗", {"红楼梦"}),
        ("人民文学出版社", {"红楼梦", "鲁迅全集", "朝花夕拾"}),
        ("陶瓷", {"醴陵瓷业史", "中国陶瓷"}),
        ("《边城》", {"边城"}),
    ],
)
def test_one_two_and_three_character_words_find_their_books(books, text, expected):
    assert set(titles(text)) == expected


def test_characters_must_be_adjacent_and_in_order(books):
    assert titles("体三") == []
    assert titles("业瓷") == []


def test_exact_title_first_then_title_start_then_inside_then_other_columns(books):
    assert titles("红楼梦") == ["红楼梦", "红楼梦研究", "论红楼梦的人物", "曹雪芹传"]


def test_outside_the_title_an_author_match_ranks_above_a_publisher_match(books, admin):
    add_record(admin, cnmarc("文学评论集", responsibility="王平著", publisher="鲁迅文学院出版社"), "cnmarc")
    assert titles("鲁迅") == ["鲁迅全集", "朝花夕拾", "文学评论集"]


def test_a_field_restricts_the_search_to_that_column(books):
    assert titles("鲁迅", field="title") == ["鲁迅全集"]
    assert set(titles("鲁迅", field="author")) == {"鲁迅全集", "朝花夕拾"}
    assert set(titles("上海古籍", field="publisher")) == {"红楼梦研究", "中国陶瓷"}
    assert titles("红楼梦", field="subject") == ["曹雪芹传"]
    assert titles("陶瓷工业", field="title") == []


# --- pinyin and Latin words ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["hongloumeng", "hlm", "HLM", "hong lou meng", "ＨＬＭ", "Hong Lou Meng"])
def test_pinyin_full_and_initials_find_the_title_first(books, typed):
    found = titles(typed)
    assert found[0] == "红楼梦"
    assert "红楼梦研究" in found


def test_pinyin_prefix_and_two_character_words(books):
    assert titles("santi") == ["三体"]
    assert titles("st")[0] == "三体"
    assert "醴陵瓷业史" in titles("llcys")
    assert "醴陵瓷业史" in titles("cys")  # the initials from a later character of the title
    assert set(titles("luxun")) == {"鲁迅全集", "朝花夕拾"}  # title pinyin and author pinyin
    assert titles("luxun")[0] == "鲁迅全集"  # the title starts with it


def test_initials_start_at_a_character_never_inside_a_latin_word():
    from ils.catalogue.index import search_row
    from ils.catalogue.marc_fields import extract

    def pinyin_words(title: str) -> list[str]:
        record = Record(force_utf8=True)
        record.add_field(plain_field("200", a=title))
        return search_row(extract(record, "cnmarc")).pinyin.split()

    assert pinyin_words("Java编程思想")[-3:] == ["bcsx", "csx", "sx"]
    assert pinyin_words("醴陵瓷业史")[-3:] == ["lcys", "cys", "ys"]
    assert pinyin_words("Combined statement of receipts") == [
        "combinedstatementofreceipts",
        "combined",
        "statement",
        "of",
        "receipts",
    ]  # no 'ombinedstat…', no 'ecei'


def test_one_letter_is_not_a_pinyin_prefix(books):
    assert titles("h") == []
    assert titles("b") == []


def test_english_words_and_prefixes(books):
    assert titles("python") == ["Python编程"]
    assert titles("PYTHON", field="title") == ["Python编程"]
    assert titles("pyth") == ["Python编程"]
    assert titles("matthes") == ["Python编程"]
    assert titles("matthes", field="author") == ["Python编程"]


def test_a_parallel_title_is_a_title(books):
    assert titles("mansions") == ["红楼梦"]
    assert titles("red mansions", field="title") == ["红楼梦"]
    assert titles("mansions", field="author") == []


def test_pinyin_in_the_title_field_does_not_match_authors(books):
    assert titles("luxun", field="title") == ["鲁迅全集"]
    assert set(titles("luxun", field="author")) == {"鲁迅全集", "朝花夕拾"}
    assert titles("cxq", field="title") == ["曹雪芹传"]
    assert set(titles("cxq", field="author")) == {"红楼梦"}


# --- ISBN, call number, barcode --------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "7-5063-3946-3",
        "9787506339469",
        "978-7-5063-3946-9",
        "7506339463",
        "７５０６３３９４６３",
        "ISBN 7-5063-3946-3",
        "7 5063 3946 3",
    ],
)
def test_an_isbn_in_any_form_finds_the_book(books, typed):
    assert titles(typed) == ["活着"]
    assert titles(typed, field="isbn") == ["活着"]


def test_isbn_10_with_lower_case_x(books):
    assert titles("7-02-000220-x") == ["红楼梦"]
    assert titles("9787020002207") == ["红楼梦"]


def test_a_text_that_is_no_isbn_in_the_isbn_field_gets_a_message(books):
    for typed in ("红楼梦", "7-5063-3946-X", "12345"):
        result = search(typed, field="isbn")
        assert result.hits == () and result.message.code == "catalogue.search_not_isbn"


def test_a_mistyped_isbn_is_told_not_searched_as_words(books):
    result = search("9787506339463")
    assert result.hits == () and result.message.code == "catalogue.search_invalid_isbn"
    result = search("43020000012")  # a barcode nobody has: not an ISBN either
    assert result.hits == () and result.message.code == "catalogue.search_nothing_found"


def test_a_class_finds_its_subdivisions_in_shelf_order_and_not_the_next_class(books):
    assert titles("I247") == ["三体", "活着"]
    assert titles("i247.5") == ["三体", "活着"]  # I247.57 is under I247.5
    assert titles("I247.57") == ["活着"]
    assert titles("I24") == ["红楼梦", "三体", "活着", "边城"]
    assert titles("I247", field="callnumber") == ["三体", "活着"]
    assert titles("I", field="callnumber") == ["红楼梦", "三体", "活着", "边城"]


def test_a_whole_call_number_finds_its_copies(books):
    assert titles("I247.5/12") == ["三体"]
    assert titles("I242.4/1") == ["红楼梦"]
    assert titles("I242.4/1-3") == ["红楼梦"]
    assert titles("I242.4/1-4") == []  # that copy is withdrawn
    assert titles("I242.4/2") == []
    assert titles("Ｉ２４７．５／１２") == ["三体"]


def test_a_text_that_is_no_call_number_in_that_field_gets_a_message(books):
    result = search("红楼梦", field="callnumber")
    assert result.hits == () and result.message.code == "catalogue.search_not_call_number"


def test_a_barcode_finds_its_record_and_says_so(books):
    result = search("hl0003")
    assert [hit.title for hit in result.hits] == ["红楼梦"]
    assert result.hits[0].matched_barcode == "HL0003"
    assert titles("ＨＬ０００３", field="barcode") == ["红楼梦"]
    assert search("hongloumeng").hits[0].matched_barcode is None


def test_an_unknown_barcode_in_the_barcode_field_gets_a_message(books):
    result = search("XX9999", field="barcode")
    assert result.hits == () and result.message.code == "catalogue.search_no_such_barcode"
    assert result.message.params["barcode"] == "XX9999"
    result = search("红楼 梦", field="barcode")
    assert result.hits == () and result.message.code == "catalogue.search_no_such_barcode"


# --- what a hit shows ------------------------------------------------------------------------------


def test_a_hit_shows_the_record_and_its_availability_per_branch(books):
    hit = search("红楼梦").hits[0]
    assert hit.bib_id == books["红楼梦"]
    assert (hit.responsibility, hit.publisher, hit.year, hit.isbn) == (
        "(清)曹雪芹, 高鹗著",
        "人民文学出版社",
        "1982",
        "9787020002207",
    )
    assert hit.call_number == "I242.4/1"
    assert hit.availability == (
        Availability("ZG", "总馆", 2, 3),
        Availability("XHMZ", "星海明筑分馆", 1, 1),
    )


def test_a_copy_on_loan_or_missing_is_counted_but_not_available(books, admin):
    assert search("醴陵瓷业史").hits[0].availability == (Availability("ZG", "总馆", 0, 1),)
    change_item(admin, "CY0001", status="available")
    assert search("醴陵瓷业史").hits[0].availability[0].available == 1


def test_a_record_without_copies_shows_no_availability(books):
    hit = search("红楼梦研究", field="title").hits[0]
    assert hit.title == "红楼梦研究" and hit.availability == () and hit.call_number is None


def test_branch_keeps_records_with_a_copy_there(books):
    assert titles("红楼梦", branch="XHMZ") == ["红楼梦"]
    assert titles("I24", branch="XHMZ") == ["红楼梦", "三体"]
    assert titles("hlm", branch="ZG") == ["红楼梦"]
    assert titles("HZ0001", branch="XHMZ") == []
    assert titles("9787506339469", branch="ZG") == ["活着"]
    with refused("branches.no_such_branch", NotFound):
        search("红楼梦", branch="NOPE")


# --- sort orders and pages -------------------------------------------------------------------------


def test_sort_by_title_is_pinyin_order(books):
    assert titles("出版社", sort="title") == [
        "Python编程",
        "边城",
        "曹雪芹传",
        "朝花夕拾",
        "红楼梦",
        "红楼梦研究",
        "活着",
        "醴陵瓷业史",
        "鲁迅全集",
        "三体",
        "中国陶瓷",
    ]


def test_sort_by_year_newest_first_and_by_call_number_in_shelf_order(books):
    assert titles("鲁迅", sort="year") == ["鲁迅全集", "朝花夕拾"]
    assert titles("I24", sort="callnumber") == ["红楼梦", "三体", "活着", "边城"]
    assert search("I24", sort="callnumber", limit=1).message is None
    assert titles("I24", sort="year") == ["活着", "三体", "边城", "红楼梦"]
    assert titles("红楼梦", sort="year") == ["曹雪芹传", "红楼梦研究", "论红楼梦的人物", "红楼梦"]


def test_pages_follow_each_other(books):
    first = search("人民", limit=2)
    second = search("人民", limit=2, offset=2)
    rest = search("人民", limit=50, offset=4)
    assert first.more and second.more and not rest.more
    everything = search("人民")
    assert [h.bib_id for h in first.hits + second.hits + rest.hits] == [h.bib_id for h in everything.hits]


# --- records that must not appear, queries that must not break -----------------------------------


def test_deleted_records_never_appear(books, admin):
    gone = add_record(admin, cnmarc("红楼梦新证", responsibility="周汝昌著", isbn="978-7-5366-9293-0"), "cnmarc")
    add_item(admin, gone, "GONE01", call_number="I207.411/9", status="withdrawn")
    assert "红楼梦新证" in titles("红楼梦")
    delete_record(admin, gone)
    assert "红楼梦新证" not in titles("红楼梦")
    assert "红楼梦新证" not in titles("hlmxz")
    assert titles("978-7-5366-9293-0") == ["三体"]
    assert titles("GONE01") == []
    assert titles("I207.411/9") == []


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '红楼梦"',
        '"红楼梦" OR "三体"',
        "红楼梦*",
        "*",
        "NEAR(红 楼)",
        "title:三体",
        "pinyin:hlm",
        "-三体",
        "(红楼梦",
        "红楼梦)",
        "红楼梦 AND",
        "OR",
        "NOT 三体",
        "^三体",
        "三体 + 红楼梦",
        "{title}: 瓷",
        "'; DROP TABLE bib_record; --",
        "hlm*",
        "h*",
        "title : hlm",
        "a OR b",
        "\\",
        "%",
        "_",
    ],
)
def test_fts_syntax_is_searched_as_words_never_obeyed(books, hostile):
    result = search(hostile)
    assert {hit.title for hit in result.hits} <= set(BOOKS)


def test_operators_and_marks_are_plain_words_or_dropped(books):
    assert "三体" not in titles('"红楼梦" OR "三体"')  # "or" is a word no book has
    assert titles("NOT 三体") == []
    assert titles("title:三体") == []
    assert titles("-三体") == ["三体"]
    assert titles("三体*") == ["三体"]
    assert titles("(红楼梦")[0] == "红楼梦"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "catalogue.search_empty"),
        ("   ", "catalogue.search_empty"),
        ("！？。，", "catalogue.search_no_words"),
        ('"*()-:', "catalogue.search_no_words"),
        ("瓷" * 201, "catalogue.search_too_long"),
    ],
)
def test_empty_or_absurd_queries_get_a_message(books, typed, code):
    result = search(typed)
    assert result.hits == () and not result.more
    assert result.message.code == code


@pytest.mark.parametrize("typed", ["\udcff", "红楼\x1b]0;title\x07梦", "\x00"])
def test_text_that_is_not_text_is_refused_not_searched(books, typed):
    with refused("input.not_text" if "\udcff" in typed else "input.control_character"):
        search(typed)


def test_nothing_found_says_so(books):
    result = search("量子力学")
    assert result.hits == () and result.message.code == "catalogue.search_nothing_found"
    assert result.message.params == {"text": "量子力学"}
    assert search("红楼梦").message is None


def test_unknown_field_sort_or_page_size_is_refused():
    with refused("catalogue.search_unknown_field"):
        search("红楼梦", field="colour")
    with refused("catalogue.search_unknown_sort"):
        search("红楼梦", sort="price")
    with refused("catalogue.search_page_out_of_range"):
        search("红楼梦", limit=0)
    with refused("catalogue.search_page_out_of_range"):
        search("红楼梦", offset=-1)
    assert "any" in FIELDS and "relevance" in SORTS


# --- a common word in a large catalogue ---------------------------------------------------------


def test_when_candidates_are_capped_the_exact_title_still_comes_first(books, admin, monkeypatch):
    for n in range(6):
        add_record(admin, cnmarc(f"红楼梦人物论{n}", responsibility="某某著"), "cnmarc")
    monkeypatch.setattr(search_module, "CANDIDATES", 3)
    found = titles("红楼梦", limit=2)
    assert found[0] == "红楼梦"
    sorted_page = search("红楼梦", limit=2, sort="title")
    assert sorted_page.message.code == "catalogue.search_sorted_first" and len(sorted_page.hits) == 2


# --- real records ------------------------------------------------------------------------------------


@pytest.fixture
def dp2(admin) -> list[str]:
    return [add_record(admin, record, "cnmarc") for record in dp2_records()]


def test_real_chinese_records_found_in_chinese_pinyin_isbn_and_class(dp2):
    reports = search("中国发展报告").hits
    assert len(reports) == 10  # nine titles, and one whose series is 中国发展报告书
    assert reports[-1].title == "1999 年中国发展状况与趋势"
    assert len(search("发展状况").hits) == 1
    assert len(search("zgfzbg").hits) == 9
    assert len(search("zhongguofazhanbaogao").hits) == 9
    assert len(search("国家统计局", field="author").hits) == 9
    assert len(search("guojiatongjiju", field="author").hits) == 9
    assert {h.year for h in search("zhangsai", field="author").hits} == {"1994", "1996"}  # 701 only
    assert search("zhangsai", field="title").hits == ()
    assert [h.year for h in search("7-5037-1744-0").hits] == ["1994"]
    assert len(search("中国统计出版社", field="publisher").hits) == 9
    assert len(search("经济发展", field="subject").hits) >= 8
    assert search("社会分析", field="subject").hits[0].title == "’92中国发展报告"


@pytest.mark.parametrize(
    "title",
    [
        "红楼梦",
        "Java编程思想",
        "三体2",
        "《平凡的世界》",
        "C++ Primer（第5版）",
        "绿野仙踪",
        "重庆",
        "𠀾字",
        "’92中国发展报告",
    ],
)
def test_a_titles_pinyin_read_back_from_its_sort_key_is_its_pinyin(title):
    """Ranking reads pinyin from the stored sort key instead of running pypinyin per hit."""
    assert sort_key_pinyin(pinyin_sort_key(title)) == pinyin_keys(title)
