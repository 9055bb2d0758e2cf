"""Typed and scanned text: what is refused, what is kept, and that the refusal names the field."""

from __future__ import annotations

import pytest

from ils.i18n import N_
from ils.text_input import clean_input, readable_file_name, verbatim_input
from tests.codes import refused


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("\udcff", "input.not_text"),  # what Python makes of the byte 0xFF in a command line argument
        ("王\ud800芳", "input.not_text"),
        (b"\xff\xfe", "input.not_text"),  # bytes that are not UTF-8
        ("a\x00b", "input.control_character"),
        ("红楼梦\x1b]0;pwned\x07", "input.control_character"),  # a terminal title sequence
        ("a\nb", "input.control_character"),  # a line break inside a one-line field
        ("abc\u202edcb", "input.control_character"),  # right-to-left override: shows one thing, holds another
        ("王\u200b芳", "input.control_character"),  # zero-width space: looks like 王芳, is not
        ("\x85", "input.control_character"),
        ("", "input.empty"),
        ("  \t ", "input.empty"),
        (None, "input.empty"),
    ],
)
def test_what_cannot_be_stored_or_shown_truthfully_is_refused(typed, code):
    with refused(code) as caught:
        clean_input(typed, N_("Name"))
    assert "Name" in caught.value.render("en")
    assert "名称" in caught.value.render("zh_CN")  # the field is named in the caller's language


def test_what_a_scanner_or_keyboard_adds_is_dropped_and_full_width_folded_where_asked():
    assert clean_input("  T0001\r\n", N_("Item barcode"), fold=True) == "T0001"
    assert clean_input("\tＴ０００１\t", N_("Item barcode"), fold=True) == "T0001"
    assert clean_input("王\u3000 芳", N_("Name")) == "王 芳"
    assert clean_input(b"\xe7\x8e\x8b", N_("Name")) == "王"
    assert clean_input("Ｔ１", N_("Name")) == "Ｔ１"  # without fold, what was typed


def test_an_optional_field_may_be_empty_and_a_long_one_is_refused():
    assert clean_input("  ", N_("Notes"), required=False) == ""
    assert clean_input("a" * 10, N_("Notes"), max_length=10) == "a" * 10
    with refused("input.too_long") as caught:
        clean_input("a" * 11, N_("Notes"), max_length=10)
    assert caught.value.params["count"] == 10


def test_multi_line_fields_keep_their_lines():
    assert clean_input(" first \r\n\r\n  second\tline \n", N_("Notes"), multiline=True) == "first\n\nsecond line"
    with refused("input.control_character"):
        clean_input("first\x1b[2Jsecond", N_("Notes"), multiline=True)


def test_a_password_is_kept_exactly_but_must_be_storable():
    assert verbatim_input("  two  spaces ", N_("Password")) == "  two  spaces "
    with refused("input.not_text"):
        verbatim_input("pass\udcffword", N_("Password"))


def test_every_character_comes_back_storable_or_is_refused_with_a_code():
    """Each code point of the BMP and a sample beyond, alone and inside text."""
    for code in [*range(0x10000), *range(0x10000, 0x110000, 997)]:
        for typed in (chr(code), f"a{chr(code)}b"):
            try:
                cleaned = clean_input(typed, N_("Text"), fold=True, required=False)
            except Exception as error:  # noqa: BLE001 (the property: only coded refusals)
                assert getattr(error, "code", "").startswith("input."), (hex(code), repr(error))
                continue
            cleaned.encode("utf-8")  # never a UnicodeEncodeError later, in SQLite or on the terminal
            assert cleaned == cleaned.strip() and "\n" not in cleaned and "\x1b" not in cleaned, hex(code)


def test_a_file_name_in_gbk_is_read_as_gbk_and_what_no_encoding_reads_is_shown_as_such():
    import os

    assert readable_file_name(os.fsdecode("新书订单.mrc".encode("gbk"))) == "新书订单.mrc"
    assert readable_file_name(os.fsdecode("新书订单.mrc".encode())) == "新书订单.mrc"
    assert readable_file_name(os.fsdecode(b"\xff\xff.mrc")) == "\ufffd\ufffd.mrc"
