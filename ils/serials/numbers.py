"""The numbers a periodical carries, read and checked: ISSN, the Chinese serial number (CN), the
China Post distribution code (邮发代号), and the EAN-13 cover barcode (977 …) with its add-on.

- ISSN: python-stdnum checks the check digit; stored as ``1234-567X``.
- CN (国内统一连续出版物号): ``CN 43-1234/G``. The two digits are the province's code in the
  administrative division list (GB/T 2260: 11 北京 … 43 湖南 … 65 新疆); the four digits the
  serial number (0001–0999 newspapers, 1000–9999 magazines); after the slash the 中图法 main
  class of the subject (magazines always have one; T may be followed by its second letter,
  any class by a digit: ``/G2``, ``/TQ``). Stored as ``CN 43-1234/G``.
- 邮发代号: the province's post code, a dash, the title's number there: ``42-15``, ``1-1``.
- A magazine's cover barcode is an EAN-13 beginning 977, whose next seven digits are the ISSN
  without its check digit, then two digits (price variant), then the EAN check digit; a
  two-digit add-on (EAN-2) printed beside it gives the issue number. Scanners send the add-on
  straight after the 13 digits, or after a space.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from stdnum import ean, issn

from ils.errors import Invalid

#: Provinces, autonomous regions and municipalities of the mainland (GB/T 2260 two-digit codes).
PROVINCES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
}
#: The 22 main classes of 中图法 (no L, M, W, Y) and the second letters of class T.
CLC_MAIN_CLASSES = "ABCDEFGHIJKNOPQRSTUVXZ"
_T_SECOND = "BDEFGHJKLMNPQSUV"

_CN = re.compile(r"^CN(\d{2})-(\d{4})(?:/([A-Z]{1,2}\d?))?$")
_POST_CODE = re.compile(r"^(\d{1,2})-(\d{1,4})$")
_DIGITS = re.compile(r"^\d+$")


def _fold(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def clean_issn(text: str | None) -> str | None:
    """``1234-567X`` for an ISSN typed any way (with or without ``ISSN``, dash, spaces); None if empty."""
    raw = _fold(text).removeprefix("ISSN").replace(" ", "")
    if not raw:
        return None
    try:
        return issn.format(issn.validate(raw))
    except Exception:  # stdnum's ValidationError family: wrong length, digit or check digit
        raise Invalid(
            "serials.bad_issn",
            "{text} is not an ISSN: eight digits (the last may be X) with a correct check digit, e.g. 1005-1805.",
            text=(text or "").strip(),
        ) from None


def clean_cn(text: str | None) -> str | None:
    """``CN 43-1234/G`` for a CN number typed any way; None if empty. The province and class are checked."""
    raw = _fold(text).replace(" ", "").replace("－", "-").replace("／", "/")
    if not raw:
        return None
    shown = (text or "").strip()
    match = _CN.match(raw if raw.startswith("CN") else "CN" + raw)
    if match is None:
        raise Invalid("serials.bad_cn", "{text} is not a CN serial number: it is written CN 43-1234/G.", text=shown)
    region, serial, klass = match.groups()
    if region not in PROVINCES:
        raise Invalid("serials.cn_region", "{text}: {region} is not a province's code.", text=shown, region=region)
    if klass:
        letters = klass.rstrip("0123456789")
        if letters[0] not in CLC_MAIN_CLASSES or (
            len(letters) == 2 and (letters[0] != "T" or letters[1] not in _T_SECOND)
        ):
            raise Invalid(
                "serials.cn_class",
                "{text}: {klass} is not a main class of the Chinese Library Classification.",
                text=shown,
                klass=klass,
            )
    if serial == "0000":
        raise Invalid("serials.bad_cn", "{text} is not a CN serial number: it is written CN 43-1234/G.", text=shown)
    return f"CN {region}-{serial}" + (f"/{klass}" if klass else "")


def cn_class(cn: str | None) -> str | None:
    """The class letter(s) after the slash of a clean CN number (``CN 36-1090/TQ`` → ``TQ``)."""
    if not cn or "/" not in cn:
        return None
    return cn.split("/", 1)[1].rstrip("0123456789")


def clean_post_code(text: str | None) -> str | None:
    """``42-15`` for a 邮发代号; None if empty."""
    raw = _fold(text).replace(" ", "").replace("－", "-")
    if not raw:
        return None
    match = _POST_CODE.match(raw)
    if match is None or int(match.group(2)) == 0:
        raise Invalid(
            "serials.bad_post_code",
            "{text} is not a China Post distribution code (邮发代号), e.g. 42-15.",
            text=(text or "").strip(),
        )
    return f"{int(match.group(1))}-{int(match.group(2))}"


@dataclass(frozen=True)
class Scan:
    """What a scanned or typed code names: a title (by ISSN, CN or post code) and, maybe, an issue number."""

    issn: str | None = None
    cn: str | None = None
    post_code: str | None = None
    number: int | None = None


def issn_ean(issn_text: str, variant: str = "00") -> str:
    """The 13-digit 977 barcode of an ISSN (``variant``: the two price/variant digits)."""
    return issn.to_ean(issn_text, variant)


def read_scan(text: str) -> Scan:
    """A scan at the check-in desk: a 977 EAN-13 with or without its add-on, or an ISSN, CN number or
    post code typed, optionally followed by a space and the issue number."""
    folded = _fold(text)
    if not folded:
        raise Invalid("serials.empty_scan", "Scan a cover barcode or type an ISSN, CN number or post code.")
    parts = folded.split()
    compact = "".join(parts)
    if _DIGITS.match(compact) and compact.startswith("977") and len(compact) in (13, 15):
        code, add_on = compact[:13], compact[13:]
        if not ean.is_valid(code):
            raise Invalid(
                "serials.bad_ean", "{code} is not a valid EAN-13 barcode (its check digit is wrong).", code=code
            )
        number = int(add_on) if add_on else None
        if number == 0:
            raise Invalid("serials.bad_add_on", "The add-on {add_on} is not an issue number.", add_on=add_on)
        body = code[3:10]
        return Scan(issn=issn.format(body + issn.calc_check_digit(body)), number=number)
    if _DIGITS.match(compact) and len(compact) >= 12:
        raise Invalid(
            "serials.not_a_serial_barcode",
            "{code} is not a periodical's cover barcode (those begin with 977).",
            code=compact,
        )
    number = None
    head = folded
    if len(parts) > 1 and _DIGITS.match(parts[-1]) and parts[:-1] != ["CN"] and parts[:-1] != ["ISSN"]:
        head, number = " ".join(parts[:-1]), int(parts[-1])
    if number == 0:
        raise Invalid("serials.bad_add_on", "The add-on {add_on} is not an issue number.", add_on="0")
    if head.startswith("CN"):
        return Scan(cn=clean_cn(head), number=number)
    if _POST_CODE.match(head.replace(" ", "")):
        return Scan(post_code=clean_post_code(head), number=number)
    return Scan(issn=clean_issn(head), number=number)
