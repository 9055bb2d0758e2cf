"""The frame codec on its own: checksums over bytes, fields cut without splitting a character,
the delimiter escaped, and tolerant reading. ``pysip2`` (not ours) decodes what we build."""

from __future__ import annotations

import pysip2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ils.sip2.codec import FrameError, Reply, build, checksum, cut, escape, parse

DATE = "20260302    090000"


def test_the_checksum_is_over_the_encoded_bytes_and_zero_padded():
    body = "12" + "1NNY" + DATE + "AJ三体|AY1AZ"
    for encoding in ("utf-8", "gbk"):
        data = body.encode(encoding)
        value = checksum(data)
        assert len(value) == 4 and value == value.upper()
        assert (sum(data) + int(value, 16)) & 0xFFFF == 0
        assert pysip2.verify_checksum(data + value.encode())
    # A sum whose complement is small keeps its leading zeros.
    small = bytes([0xFF] * 257) + bytes([0x01, 0x00])
    assert checksum(small)[0] == "0" and len(checksum(small)) == 4


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_field_is_cut_at_255_bytes_without_half_a_character(encoding):
    title = "红楼梦" * 60 + "A"
    data = cut(title, encoding)
    assert len(data) <= 255
    assert data.decode(encoding)  # no half character left at the end
    assert title.startswith(data.decode(encoding))
    assert cut("短", encoding) == "短".encode(encoding)


def test_the_delimiter_and_line_ends_never_reach_the_wire():
    assert escape("A|B") == "A&#124;B"
    assert escape("行一\r行二\n\x00") == "行一 行二  "
    assert escape("A^B", "^") == "A&#94;B"


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_pysip2_reads_what_we_build(encoding):
    reply = Reply(
        "12",
        "1NNY" + DATE,
        (("AO", "ZZ24"), ("AA", "1234"), ("AB", "S1"), ("AJ", "三体|第二部"), ("AH", DATE), ("AF", "借阅成功")),
    )
    frame = build(reply, encoding=encoding, sequence="7")
    decoded = pysip2.decode_message(frame, encoding=encoding)
    assert decoded.sequence_number == 7
    assert decoded.message.title_identifier == "三体&#124;第二部"
    assert decoded.message.screen_message == ("借阅成功",)


def test_every_answer_ends_with_its_terminator():
    assert build(Reply("96"), encoding="utf-8").endswith(b"\r")
    assert build(Reply("96"), encoding="utf-8", terminator=b"\r\n").endswith(b"\r\n")
    assert build(Reply("96"), encoding="utf-8", error_detection=False) == b"96\r"


def _frame(body: str, encoding: str = "utf-8", sequence: str | None = "1") -> bytes:
    data = body.encode(encoding)
    if sequence is not None:
        data += b"AY" + sequence.encode()
    data += b"AZ"
    return data + checksum(data).encode()


def test_cr_or_crlf_or_nothing_ends_a_frame():
    body = f"17{DATE}AOZZ24|ABS00001|AC|"
    for ending in (b"\r", b"\r\n", b""):
        request = parse(_frame(body) + ending, encoding="utf-8")
        assert request.command == "17" and request.get("AB") == "S00001" and request.sequence == "1"


def test_blank_or_odd_optional_fields_are_tolerated():
    # An 18-blank due date, an empty AC and AD, a field with no code, a trailing space.
    body = f"11NN{DATE}{' ' * 18}AO|AA1234 |ABS00001|AC|AD||zz|"
    request = parse(_frame(body), encoding="utf-8")
    assert request.get("AA") == "1234" and request.get("AB") == "S00001" and request.get("AO") == ""
    # Without a checksum at all, and a checksum of fewer than 4 digits that adds up.
    assert parse(f"17{DATE}ABS1|".encode() + b"\r", encoding="utf-8").get("AB") == "S1"


def test_a_bad_checksum_an_empty_or_broken_frame_is_a_frame_error():
    good = _frame(f"17{DATE}ABS1|")
    bad = good[:-1] + (b"0" if good[-1:] != b"0" else b"1")
    with pytest.raises(FrameError) as caught:
        parse(bad, encoding="utf-8")
    assert caught.value.kind == "checksum"
    assert parse(bad, encoding="utf-8", error_detection=False).get("AB") == "S1"
    for frame, kind in ((b"\r", "empty"), (b"  \r\n", "empty"), (b"\x00\x01\r", "malformed"), (b"XY\r", "malformed")):
        with pytest.raises(FrameError) as caught:
            parse(frame, encoding="utf-8")
        assert caught.value.kind == kind


def test_gbk_chinese_reads_back():
    request = parse(_frame("23019" + DATE + "AOZZ24|AA欧阳明月|AC|AD|", "gbk"), encoding="gbk")
    assert request.get("AA") == "欧阳明月"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_parse_or_fail_as_a_frame_error(data):
    for encoding in ("utf-8", "gbk"):
        try:
            parse(data, encoding=encoding)
        except FrameError:
            pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["utf-8", "gbk"]))
def test_any_text_builds_a_frame_pysip2_accepts(text, encoding):
    reply = Reply("18", "030201" + DATE, (("AB", "S1"), ("AJ", text)))
    frame = build(reply, encoding=encoding, sequence="3")
    decoded = pysip2.decode_message(frame, encoding=encoding)
    title = decoded.message.title_identifier
    assert len(title.encode(encoding)) <= 255


def test_a_short_date_in_the_fixed_part_does_not_hide_the_fields():
    request = parse(f"11NN{DATE}2022-02-26AOCN-110108-1-NLC|AA1234|ABS1|AC|\r".encode(), encoding="utf-8")
    assert (request.get("AO"), request.get("AA"), request.get("AB")) == ("CN-110108-1-NLC", "1234", "S1")
    blank = parse(f"11NN{DATE}AO|AA1234|ABS1|\r".encode(), encoding="utf-8")  # no due date at all
    assert blank.get("AA") == "1234"
