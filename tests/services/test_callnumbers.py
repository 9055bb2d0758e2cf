"""Call numbers: parsing what cataloguers type, shelf order, and 种次号 ranges."""

from __future__ import annotations

import random

import pytest

from ils.catalogue.callnumbers import (
    BookNumberRange,
    CallNumber,
    class_prefix_text,
    next_book_number,
    normalise_class,
    parse_call_number,
    shelf_key,
    shelf_key_text,
)
from tests.codes import refused

pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("I247.5/123", CallNumber("I247.5", "123")),
        ("I247.5/123:2", CallNumber("I247.5", "123", volume="2")),
        ("I247.5/123-2", CallNumber("I247.5", "123", copy="2")),
        ("I247.5/123:2-3", CallNumber("I247.5", "123", volume="2", copy="3")),
        ("Ｉ２４７．５／１２３：２－３", CallNumber("I247.5", "123", volume="2", copy="3")),
        (" i247.5 / 123 ", CallNumber("I247.5", "123")),
        ("TP311138/5", CallNumber("TP311.138", "5")),
        ("TQ174.6/12", CallNumber("TQ174.6", "12")),
        ("K928.9（264）/7", CallNumber("K928.9(264)", "7")),
        ("D922.1—49/3", CallNumber("D922.1-49", "3")),
        ("K28“214”/1", CallNumber('K28"214"', "1")),
        ("K092〈4〉/1", CallNumber("K092<4>", "1")),
        ("K29=6/2", CallNumber("K29=6", "2")),
        ("TP312C++/4", CallNumber("TP312C++", "4")),
        ("I207.22/L567", CallNumber("I207.22", "L567")),
        ("Z228/1-07", CallNumber("Z228", "1", copy="7")),
    ],
)
def test_parse_normalises_what_cataloguers_type(typed, expected):
    parsed = parse_call_number(typed)
    assert parsed == expected
    assert parse_call_number(str(parsed)) == parsed


def test_printed_form():
    assert str(CallNumber("I247.5", "123", "2", "3")) == "I247.5/123:2-3"
    assert str(parse_call_number("j527/12")) == "J527/12"


@pytest.mark.parametrize("garbage", ["abc", "123", "L12", "TZ1", "I24a7", "I247..5", "I247.5-", "K928(26", ""])
def test_garbage_class_is_refused_with_a_message(garbage):
    with refused("catalogue.clc_class_invalid"):
        normalise_class(garbage)


@pytest.mark.parametrize("garbage", ["abc/1", "123/4"])
def test_garbage_class_in_call_number(garbage):
    with refused("catalogue.clc_class_invalid"):
        parse_call_number(garbage)


def test_missing_slash_and_bad_book_number():
    with refused("catalogue.call_number_no_slash"):
        parse_call_number("I247.5")
    for bad in ("I247.5/", "I247.5/12.3", "I247.5/12:", "I247.5/12-x", "I247.5/红"):
        with refused("catalogue.call_number_bad_book_number"):
            parse_call_number(bad)


def test_shelf_order_examples():
    expected = [
        "A81/1",
        "D922.1/3",
        "D922.1-49/1",
        "I207.22/5",
        "I247/1",
        "I247(264)/1",
        "I247.5/9",
        "I247.5/10",
        "I247.5/10-1",
        "I247.5/10-2",
        "I247.5/10:1",
        "I247.5/10:1-2",
        "I247.5/10:1-10",
        "I247.5/10:2",
        "I247.5/10:10",
        "I247.5/123",
        "I247.5/123A",
        "I247.5-49/1",
        "I247.5(264)/1",
        "I247.5=6/1",
        'I247.5"214"/1',
        "I247.5<4>/1",
        "I247.57/1",
        "I248/1",
        "K928.9/1",
        "K928.9-49/1",
        "K928.9(264)/1",
        "K928.91/1",
        "T/1",
        "TB1/1",
        "TP312/1",
        "TP312C/1",
        "TP312C++/1",
        "TP312JA/1",
        "TP312.8/1",
        "TQ174.6/1",
        "Z228/1",
    ]
    numbers = [parse_call_number(t) for t in expected]
    shuffled = numbers[:]
    random.Random(7).shuffle(shuffled)
    assert [str(c) for c in sorted(shuffled, key=shelf_key)] == expected
    assert [str(c) for c in sorted(shuffled, key=shelf_key_text)] == expected


def test_key_text_sorts_like_sqlite_binary():
    import sqlite3

    texts = ["I247.5/123", "I247.5/9", "I247.57/1", "I247.5/10", "I248/2", "I247.5-49/1", "TP312C++/1"]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE c (call TEXT, k TEXT COLLATE BINARY)")
    db.executemany("INSERT INTO c VALUES (?, ?)", [(t, shelf_key_text(parse_call_number(t))) for t in texts])
    db.execute("CREATE INDEX c_k ON c (k)")
    got = [row[0] for row in db.execute("SELECT call FROM c ORDER BY k")]
    assert got == [str(c) for c in sorted(map(parse_call_number, texts), key=shelf_key)]
    # a class and its subdivisions share a prefix
    prefix = class_prefix_text("I247.5")
    under = [
        row[0] for row in db.execute("SELECT call FROM c WHERE k >= ? AND k < ? ORDER BY k", (prefix, prefix + "~"))
    ]
    assert under == ["I247.5/9", "I247.5/10", "I247.5/123", "I247.5-49/1", "I247.57/1"]


def _random_call_number(rng: random.Random) -> str:
    """A call number built from the parts that make shelf order tricky."""

    def digits(low: int, high: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(low, high)))

    letters = rng.choice(["A", "B", "I", "K", "T", "TB", "TP", "TQ", "Z"])
    class_digits = digits(1, 7) if rng.random() < 0.9 else ""
    suffix = rng.choice(["", "", "", "C", "C++", "JA"]) if class_digits else ""
    aux = "".join(rng.choice(["-49", "-4", "(264)", "(2)", "=6", '"214"', "<4>"]) for _ in range(rng.randint(0, 2)))
    book = "".join(rng.choice("0123456789AB") for _ in range(rng.randint(1, 4)))
    text = f"{letters}{class_digits}{suffix}{aux}/{book}"
    if rng.random() < 0.4:
        text += ":" + "".join(rng.choice("0123A") for _ in range(rng.randint(1, 3)))
    if rng.random() < 0.4:
        text += "-" + digits(1, 4)
    return text


def test_key_text_sorts_exactly_like_key():
    """Property test over random call numbers (hypothesis is not installed; a seeded generator stands in)."""
    rng = random.Random(20260301)
    numbers = [parse_call_number(_random_call_number(rng)) for _ in range(1500)]
    by_key = sorted(numbers, key=shelf_key)
    by_text = sorted(numbers, key=shelf_key_text)
    assert [shelf_key(c) for c in by_text] == [shelf_key(c) for c in by_key]
    for a, b in zip(numbers, numbers[1:] + numbers[:1], strict=True):
        assert (shelf_key(a) < shelf_key(b)) == (shelf_key_text(a) < shelf_key_text(b))
        assert (shelf_key(a) == shelf_key(b)) == (shelf_key_text(a) == shelf_key_text(b))


# --- 种次号 ranges -----------------------------------------------------------------------


def test_next_book_number_follows_highest_in_own_ranges():
    ranges = [BookNumberRange(7000, 7002), BookNumberRange(9000, 9099)]
    assert next_book_number([], ranges) == 7000
    assert next_book_number([1, 2, 3, 5000], ranges) == 7000  # other nodes' numbers do not matter
    assert next_book_number([7000], ranges) == 7001
    assert next_book_number([7000, 7002], ranges) == 9000  # gaps are not refilled
    assert next_book_number([7000, 7001, 7002], ranges) == 9000
    assert next_book_number([7000, 9000, 9001], list(reversed(ranges))) == 9002  # order of ranges irrelevant


def test_exhausted_or_missing_ranges_are_refused():
    with refused("catalogue.book_number_range_used_up"):
        next_book_number(range(1, 11), [BookNumberRange(1, 10)])
    with refused("catalogue.no_book_number_range"):
        next_book_number([], [])


@pytest.mark.parametrize(("start", "end"), [(0, 5), (10, 9), (-3, 2)])
def test_bad_range_is_refused(start, end):
    with refused("catalogue.book_number_range_invalid"):
        BookNumberRange(start, end)
