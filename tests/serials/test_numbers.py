"""ISSN (python-stdnum), CN numbers (our own checks, on real examples) and 邮发代号; the cover scan."""

from __future__ import annotations

import pytest

from ils.errors import Invalid
from ils.serials.numbers import clean_cn, clean_issn, clean_post_code, cn_class, issn_ean, read_scan

# Real CN numbers printed on the titles: 人民日报, 湖南日报 (newspapers carry no class), 求是 (D), 读者 (Z),
# 中国陶瓷 (TQ, with its second letter).
REAL_CN = {
    "CN11-0065": "CN 11-0065",
    "cn 43-0001": "CN 43-0001",
    "CN 11-1000/D": "CN 11-1000/D",
    "CN62-1118/Z": "CN 62-1118/Z",
    "ＣＮ３６－１０９０／ＴＱ": "CN 36-1090/TQ",
    "43-1234/G2": "CN 43-1234/G2",
}


@pytest.mark.parametrize(("typed", "clean"), REAL_CN.items())
def test_real_cn_numbers_are_read_and_written_one_way(typed, clean):
    assert clean_cn(typed) == clean


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("CN 99-1234/G", "serials.cn_region"),  # no province 99
        ("CN 43-1234/L", "serials.cn_class"),  # L is not a class of 中图法
        ("CN 43-1234/TA", "serials.cn_class"),  # T's second letters do not include A
        ("CN 43-123/G", "serials.bad_cn"),
        ("CN 43-0000", "serials.bad_cn"),
        ("ISSN 1005-1805", "serials.bad_cn"),
    ],
)
def test_wrong_cn_numbers_are_refused_with_a_code(typed, code):
    with pytest.raises(Invalid) as refused:
        clean_cn(typed)
    assert refused.value.code == code


def test_issn_with_stdnum_and_the_class_of_a_cn_number():
    assert clean_issn("issn 0317-8471") == "0317-8471"
    assert clean_issn("20493630") == "2049-3630"
    with pytest.raises(Invalid) as refused:
        clean_issn("0317-8472")
    assert refused.value.code == "serials.bad_issn"
    assert cn_class("CN 36-1090/TQ") == "TQ" and cn_class("CN 11-0065") is None
    assert clean_post_code(" 42-015 ") == "42-15"
    with pytest.raises(Invalid):
        clean_post_code("42/15")


def test_a_cover_scan_names_the_issn_and_with_its_add_on_the_issue():
    code = issn_ean("0317-8471")
    assert code.startswith("977") and len(code) == 13
    assert read_scan(code + "07").number == 7 and read_scan(code + "07").issn == "0317-8471"
    assert read_scan(code + " 12").number == 12
    assert read_scan(code).number is None
    assert read_scan("CN 43-0001 5").cn == "CN 43-0001" and read_scan("CN 43-0001 5").number == 5
    assert read_scan("41-1").post_code == "41-1"
    for bad, why in (
        (code[:-1] + str((int(code[-1]) + 1) % 10), "serials.bad_ean"),
        ("9787302123456", "serials.not_a_serial_barcode"),
        (code + "00", "serials.bad_add_on"),
        ("", "serials.empty_scan"),
    ):
        with pytest.raises(Invalid) as refused:
            read_scan(bad)
        assert refused.value.code == why
