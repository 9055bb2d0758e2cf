"""MARC files for the reliability scenarios: sound ones to import, broken ones to fuzz with.

Sound files are made here with pymarc, so the scenarios need nothing from
``../shared``: MARC21 in UTF-8 (852 holdings) and CNMARC in GBK (905 holdings),
each record titled with a tag (``RB0007-12``) that lets a scenario count how
much of one file reached the catalogue. ``mutate`` breaks a file the ways real
files and attackers break them.
"""

from __future__ import annotations

import random

from pymarc import Field, RawField, Record, Subfield

TITLE_WORDS = ("红楼梦", "乡土中国", "平凡的世界", "醴陵瓷器史", "湘东农谚", "县志", "算法导论", "围城")


def _marc21(tag: str, number: int, barcode: str) -> bytes:
    record = Record(leader="00000nam a2200000 a 4500", force_utf8=True)
    record.add_field(
        Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", f"{TITLE_WORDS[number % 8]} {tag}-{number}")]),
        Field(tag="100", indicators=["1", " "], subfields=[Subfield("a", "测试者")]),
        Field(tag="260", indicators=[" ", " "], subfields=[Subfield("b", "醴陵出版社"), Subfield("c", "2024")]),
        Field(
            tag="852",
            indicators=[" ", " "],
            subfields=[
                Subfield("b", "ZG"),
                Subfield("h", "I247.5"),
                Subfield("i", str(number)),
                Subfield("p", barcode),
            ],
        ),
    )
    return record.as_marc()


def _cnmarc_gbk(tag: str, number: int, barcode: str) -> bytes:
    record = Record(leader="00000nam0 2200000   450 ", to_unicode=False)
    fields = (
        ("200", ["1", " "], [("a", f"{TITLE_WORDS[number % 8]} {tag}-{number}"), ("f", "测试者著")]),
        ("210", [" ", " "], [("c", "醴陵出版社"), ("d", "2024")]),
        ("905", [" ", " "], [("a", "ZG"), ("b", barcode), ("d", "I247.5"), ("e", str(number))]),
    )
    for name, indicators, subfields in fields:
        record.add_field(
            RawField(
                tag=name,
                indicators=indicators,
                subfields=[Subfield(code, value.encode("gbk")) for code, value in subfields],
            )
        )
    return record.as_marc()


def marc_file(tag: str, count: int, first_barcode: int, *, gbk: bool = False) -> bytes:
    """``count`` records titled ``... {tag}-{n}``, each with one copy; barcodes from ``first_barcode``."""
    make = _cnmarc_gbk if gbk else _marc21
    return b"".join(make(tag, n, f"{first_barcode + n:010d}") for n in range(count))


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One broken version of ``data`` and the name of what was done to it."""
    kind = rng.choice(MUTATIONS)
    return kind.__name__.lstrip("_"), kind(bytearray(data), rng)


def _flip_bytes(data: bytearray, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 30)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _truncate(data: bytearray, rng: random.Random) -> bytes:
    return bytes(data[: rng.randrange(1, len(data))])


def _bad_lengths(data: bytearray, rng: random.Random) -> bytes:
    """Record length (leader 0-4) and base address (12-16) that lie."""
    data[0:5] = f"{rng.choice([0, 1, 24, 99999, rng.randrange(100000)]):05d}".encode()
    data[12:17] = f"{rng.choice([0, 24, 99999, rng.randrange(100000)]):05d}".encode()
    return bytes(data)


def _bad_directory(data: bytearray, rng: random.Random) -> bytes:
    """A directory entry whose length or start points anywhere."""
    entry = 24 + 12 * rng.randrange(3)
    data[entry + 3 : entry + 7] = f"{rng.randrange(10000):04d}".encode()
    data[entry + 7 : entry + 12] = f"{rng.randrange(100000):05d}".encode()
    return bytes(data)


def _delimiters(data: bytearray, rng: random.Random) -> bytes:
    """Field, subfield and record terminators where they do not belong."""
    for _ in range(rng.randint(1, 20)):
        data.insert(rng.randrange(len(data)), rng.choice(b"\x1d\x1e\x1f"))
    return bytes(data)


def _bad_encoding(data: bytearray, rng: random.Random) -> bytes:
    """Bytes that are not valid in the claimed character set, and control characters in text."""
    for _ in range(rng.randint(1, 20)):
        position = rng.randrange(24, len(data))
        data[position:position] = rng.choice(
            [b"\xff\xfe", b"\x80", b"\xc3", b"\x1b]2;PWNED\x07", b"\x00", b"\xed\xa0\x80"]
        )
    return bytes(data)


def _huge_field(data: bytearray, rng: random.Random) -> bytes:
    """A title of megabytes, which once took minutes to stage (pinyin for every character)."""
    title = ("题" * rng.choice([70_000, 1_000_000, 5_000_000])).encode()
    record = Record(leader="00000nam a2200000 a 4500", force_utf8=True)
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", "x")]))
    raw = bytearray(record.as_marc())
    start = raw.index(b"\x1fax")
    raw[start + 2 : start + 3] = title
    return bytes(raw)


def _many_fields(data: bytearray, rng: random.Random) -> bytes:
    record = Record(leader="00000nam a2200000 a 4500", force_utf8=True)
    record.add_field(Field(tag="245", indicators=["1", "0"], subfields=[Subfield("a", "多字段")]))
    for n in range(rng.choice([1000, 9000])):
        record.add_field(Field(tag="650", indicators=[" ", "0"], subfields=[Subfield("a", f"主题{n}")]))
    return record.as_marc()


def _not_marc(data: bytearray, rng: random.Random) -> bytes:
    return rng.choice(
        [
            b"",
            b"\x00" * 100,
            b"<?xml version='1.0'?><collection><record><leader>",
            b"<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><record>&a;</record>",
            "书名\n作者\n".encode("gbk"),
            bytes(rng.randrange(256) for _ in range(2000)),
        ]
    )


MUTATIONS = (
    _flip_bytes,
    _truncate,
    _bad_lengths,
    _bad_directory,
    _delimiters,
    _bad_encoding,
    _huge_field,
    _many_fields,
    _not_marc,
)
