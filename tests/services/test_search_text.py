"""Search keys: Chinese FTS5 tokens proven on a real SQLite FTS5 table, pinyin, ISBN."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import isbn as stdnum_isbn

from ils.catalogue.search_text import (
    checked_isbn13,
    index_tokens,
    isbn_variants,
    match_query,
    normalise_isbn,
)
from ils.text import pinyin_full, pinyin_initials, pinyin_keys, pinyin_sort_key, pinyin_units

BOOKS = {
    1: "三体 刘慈欣 重庆出版社",
    2: "三体Ⅱ：黑暗森林 刘慈欣",
    3: "红楼梦 曹雪芹 人民文学出版社",
    4: "鲁迅全集 鲁迅 人民文学出版社",
    5: "醴陵瓷业史 醴陵市政协",
    6: "中国陶瓷 冯先铭 上海人民美术出版社",
    7: "平凡的世界 路遥",
    8: "三国演义 罗贯中",
    9: "体育与健康 三年级",  # has 三 and 体, never adjacent
    10: "西游记 吴承恩",
    11: "围城 钱锺书",
    12: "活着 余华",
    13: "Java编程思想 Bruce Eckel 机械工业出版社",
    14: "Python编程：从入门到实践 Eric Matthes",
    15: "湖南陶瓷史话",
    16: "株洲市志 2008",
    17: "边城 沈从文",
    18: "朝花夕拾 鲁迅",
    19: "业余瓷器收藏",  # has 瓷 and 业, in the other order
    20: "Ｃ＋＋ Primer（第５版） Stanley Lippman",
}


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61')")
    db.executemany("INSERT INTO t (rowid, body) VALUES (?, ?)", [(k, index_tokens(v)) for k, v in BOOKS.items()])
    return db


def search(db: sqlite3.Connection, typed: str, **options) -> set[int]:
    query = match_query(typed, **options)
    assert query is not None
    return {row[0] for row in db.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,))}


def test_index_tokens_spaces_han_and_keeps_words():
    assert index_tokens("《三体》 Liu Cixin 2008") == "三 体 liu cixin 2008"
    assert index_tokens("Ｊａｖａ编程思想（第４版）") == "java 编 程 思 想 第 4 版"
    assert index_tokens("  ，。！  ") == ""


@pytest.mark.parametrize(
    ("typed", "rows"),
    [
        ("瓷", {5, 6, 15, 19}),
        ("三体", {1, 2}),
        ("瓷业", {5}),
        ("鲁迅", {4, 18}),
        ("陶瓷", {6, 15}),
        ("红楼梦", {3}),
        ("平凡的世界", {7}),
        ("人民文学出版社", {3, 4}),
        ("三体 刘慈欣", {1, 2}),
        ("刘慈欣 黑暗", {2}),
        ("鲁迅 全集", {4}),
        ("java", {13}),
        ("JAVA 编程", {13}),
        ("python编程", {14}),
        ("c++", {20}),
        ("Ｐｒｉｍｅｒ", {20}),
        ("株洲 2008", {16}),
        ("钱锺书", {11}),
        ("《活着》", {12}),
        ("三体 余华", set()),
    ],
)
def test_queries_match_the_right_rows_and_only_those(fts, typed, rows):
    assert search(fts, typed) == rows


def test_prefix_last_word(fts):
    assert search(fts, "pyth", prefix_last=True) == {14}
    assert search(fts, "pyth") == set()


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        '三体"',
        '"三体" OR "红"',
        "三*",
        "*",
        "NEAR(三 体)",
        "body:红楼梦",
        "t:红",
        "-三体",
        "(红楼梦",
        "红楼梦)",
        "a AND",
        "OR",
        "NOT 三体",
        "^三体",
        "三体 + 红楼梦",
        "{body}: 瓷",
        "'; DROP TABLE t; --",
    ],
)
def test_hostile_input_cannot_break_or_inject(fts, hostile):
    query = match_query(hostile)
    if query is None:
        return
    rows = {row[0] for row in fts.execute("SELECT rowid FROM t WHERE t MATCH ?", (query,))}
    assert rows <= set(BOOKS)
    assert '"' == query[0]


def test_operators_are_searched_as_plain_words(fts):
    assert match_query("NEAR(三 体)") == '"near" AND "三" AND "体"'
    assert search(fts, '"三体" OR "红"') == set()  # "or" is a word that no title has
    assert search(fts, "body:红楼梦") == set()
    assert search(fts, "-三体") == {1, 2}


@pytest.mark.parametrize("absurd", ["", "   ", "！？。，", '"*()-:', "瓷" * 201])
def test_empty_or_absurd_query_is_none(absurd):
    assert match_query(absurd) is None


# --- pinyin ------------------------------------------------------------------------------


def test_pinyin_keys():
    assert pinyin_full("红楼梦") == "hongloumeng"
    assert pinyin_initials("红楼梦") == "hlm"
    assert pinyin_full("三体2") == "santi2"
    assert pinyin_initials("Java编程思想") == "javabcsx"
    assert pinyin_full("Ｃ＋＋ Primer") == "cprimer"
    assert pinyin_full("重庆") == "chongqing"  # phrase dictionary picks the reading
    assert pinyin_full("绿") == "lv"
    assert pinyin_initials("《平凡的世界》") == "pfdsj"


def test_pinyin_units_are_characters_and_whole_latin_words():
    assert pinyin_units("Java编程") == (("java", "java"), ("bian", "b"), ("cheng", "c"))
    assert pinyin_units("94中国0") == (("94", "94"), ("zhong", "z"), ("guo", "g"), ("0", "0"))
    assert pinyin_units("combined statement") == (("combinedstatement", "combinedstatement"),)
    assert pinyin_units("《》") == ()


@given(st.text(alphabet="红楼梦重庆三体Javaé 2:《》", max_size=12))
def test_pinyin_keys_are_the_units_joined(text):
    units = pinyin_units(text)
    assert pinyin_keys(text) == ("".join(f for f, _i in units), "".join(i for _f, i in units))


def test_pinyin_sort_orders_digits_latin_then_han_by_pinyin():
    titles = ["红楼梦", "活着", "Java编程思想", "2008株洲", "阿Q正传", "三体", "三国演义", "边城", "python入门", "洪湖"]
    assert sorted(titles, key=pinyin_sort_key) == [
        "2008株洲",
        "Java编程思想",
        "python入门",
        "阿Q正传",
        "边城",
        "洪湖",
        "红楼梦",
        "活着",
        "三国演义",
        "三体",
    ]


# --- ISBN --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "isbn13"),
    [
        ("9787536692930", "9787536692930"),
        ("978-7-5366-9293-0", "9787536692930"),
        ("ISBN 978 7 5366 9293 0", "9787536692930"),
        ("９７８－７－５３６６－９２９３－０", "9787536692930"),
        ("7-5366-9293-5", "9787536692930"),
        ("7-02-000220-x", "9787020002207"),
        ("7-02-000220-X (平装) : CNY12.00", "9787020002207"),
        ("9787536692930 CNY23.00", "9787536692930"),
        ("978-7-5366-9293-0(平装)", "9787536692930"),
    ],
)
def test_normalise_isbn(text, isbn13):
    assert normalise_isbn(text) == isbn13


@pytest.mark.parametrize("text", ["", "9787536692931", "7-5366-9293-4", "CNY23.00", "红楼梦", "12345"])
def test_not_an_isbn(text):
    assert normalise_isbn(text) is None
    assert isbn_variants(text) == ()


def test_isbn_variants():
    assert isbn_variants("7-5366-9293-5") == ("9787536692930", "7536692935")
    assert isbn_variants("979-10-90636-07-1") == ("9791090636071",)


def test_pinyin_sort_key_sorts_the_same_in_sqlite():
    titles = ["红楼梦", "洪湖", "活着", "Java编程思想", "2008株洲", "阿Q正传", "三体", "三国演义", "边城", "𠀾字"]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE b (title TEXT, k TEXT COLLATE BINARY)")
    db.executemany("INSERT INTO b VALUES (?, ?)", [(t, pinyin_sort_key(t)) for t in titles])
    assert [row[0] for row in db.execute("SELECT title FROM b ORDER BY k")] == sorted(titles, key=pinyin_sort_key)


_DIGITS = "0123456789"


def _stdnum_isbn13(code: str) -> str | None:
    return stdnum_isbn.to_isbn13(code).replace("-", "") if stdnum_isbn.is_valid(code) else None


@given(st.text(_DIGITS + "X", min_size=10, max_size=13).filter(lambda code: len(code) in (10, 13)))
def test_our_isbn_check_agrees_with_stdnum(code):
    """``checked_isbn13`` is python-stdnum's check and conversion, for any string of digits and X."""
    assert checked_isbn13(code) == _stdnum_isbn13(code)


@given(
    st.text(_DIGITS, min_size=9, max_size=9)
    | st.tuples(st.sampled_from(["978", "979", "977"]), st.text(_DIGITS, min_size=9, max_size=9)).map("".join)
)
def test_our_isbn_check_agrees_on_every_check_digit(body):
    """Valid numbers are one in ten at random: every check character of a body, the right one among them."""
    for check in _DIGITS + "X":
        assert checked_isbn13(body + check) == _stdnum_isbn13(body + check)
