"""Chinese text as every domain compares, sorts and finds it: folding, normal form, pinyin.

One module, below every domain, so that the catalogue, readers, circulation and the blind
room fold what a desk types the same way and key titles and names by the same pinyin:

- ``fold`` (NFKC): full-width letters and digits from an IME left in full-width mode become
  the ASCII a scanner would send; compatibility forms become their plain letters.
  ``one_line`` also makes runs of spaces one; ``code_text`` is how a typed code
  (a serial, a barcode) is compared: folded, trimmed, upper case.
- ``normal_text``: folded and case-folded, how an index and a query both see text.
- pinyin keys of titles (``pinyin_keys``, ``pinyin_sort_key``) and of people's names
  (``name_keys``, which reads a surname by its surname reading).

Cleaning what a person typed (refusing control characters, naming the field) is
``ils.text_input``, which uses ``fold``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Scripts written without spaces (Han, kana, 々 and 〇): every character is its own token.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\u3005\u3007\U00020000-\U0002ebef\U00030000-\U0003134f"
_IS_HAN = re.compile(rf"[{HAN}]")
_HAN_RUN = re.compile(rf"[{HAN}]+")


# --- folding -------------------------------------------------------------------------------


def fold(text: str | None) -> str:
    """Full-width to half-width and compatibility forms to plain letters (NFKC); ``""`` for None."""
    return unicodedata.normalize("NFKC", text or "")


def one_line(text: str | None) -> str:
    """Folded, with every run of white space (line breaks too) made one space and the ends trimmed."""
    return " ".join(fold(text).split())


def code_text(text: str | None) -> str:
    """A typed or scanned code (a serial number, a barcode, a tracking number) as it is compared:
    folded, trimmed and upper case."""
    return fold(text).strip().upper()


def normal_text(text: str) -> str:
    """Full-width to half-width (NFKC) and case-folded: how both index and query see text."""
    return fold(text).casefold()


# --- pinyin --------------------------------------------------------------------------------


# Python's ``\w`` is exactly ``str.isalnum`` plus the underscore.
_NOT_ALNUM = re.compile(r"[\W_]+")


def _alnum(text: str) -> str:
    return _NOT_ALNUM.sub("", text)


def pinyin_full(text: str) -> str:
    """Toneless pinyin with Latin and digits kept: 红楼梦 → ``hongloumeng``, 三体2 → ``santi2``.

    Polyphonic characters take pypinyin's most common reading (heteronym=False), helped
    by its phrase dictionary (重庆 → chongqing). A rare reading in a title or name
    (e.g. a surname 单 Shàn) may be wrong, so search also keeps the characters themselves.
    ü is written ``v`` (绿 → ``lv``), as pinyin input methods type it.
    """
    return pinyin_keys(text)[0]


def pinyin_initials(text: str) -> str:
    """First letter of each Han character's pinyin, Latin words and digits kept whole:
    红楼梦 → ``hlm``, Java编程思想 → ``javabcsx``. Same polyphone limitation as ``pinyin_full``.
    """
    return pinyin_keys(text)[1]


@lru_cache(maxsize=1 << 16)
def pinyin_keys(text: str) -> tuple[str, str]:
    """``(pinyin_full(text), pinyin_initials(text))`` in one pass.

    The first letter of a toneless syllable is its initial (zh → z), so the initials
    need no second pass. Kept in a cache, and so are runs of Han characters: an import
    indexes thousands of titles whose names, publishers and words repeat.
    """
    units = pinyin_units(text)
    return "".join([full for full, _initial in units]), "".join([initial for _full, initial in units])


@lru_cache(maxsize=1 << 16)
def pinyin_units(text: str) -> tuple[tuple[str, str], ...]:
    """``(full pinyin, initial)`` of each unit of ``text``: a Han character (红 → ``("hong", "h")``),
    or a run of Latin letters and digits, kept whole as both (Java → ``("java", "java")``).

    The units are where a reader may start typing a title's initials from its middle: at a
    character, never inside a Latin word.
    """
    normal = normal_text(text)
    units: list[tuple[str, str]] = []
    position = 0
    for run in _HAN_RUN.finditer(normal):
        if between := _alnum(normal[position : run.start()]):
            units.append((between, between))
        units += [(reading, reading[:1]) for reading in _run_readings(run.group())]
        position = run.end()
    if rest := _alnum(normal[position:]):
        units.append((rest, rest))
    return tuple(units)


def pinyin_sort_key(text: str) -> str:
    """A string that sorts titles and names by pinyin, character by character.

    Order: digits first, then Latin letters (case ignored), then Han characters by
    toneless pinyin, then anything else; punctuation and spaces are ignored. Titles
    starting with digits or Latin therefore come before the Chinese ones, as in the
    byte order users see elsewhere. Han characters with the same pinyin (红, 洪) are
    ordered by code point so the order is stable. The result is a plain string, so it
    can be stored in a column and used with ``ORDER BY``.
    """
    normal = normal_text(text)
    # Readings in context, so phrases pick the right polyphone (重庆 chongqing).
    readings = iter(_han_readings(normal))
    keys: list[str] = []
    for ch in normal:
        if _IS_HAN.fullmatch(ch):
            keys.append("1" + next(readings) + " " + ch)
        elif not ch.isalnum():
            continue
        elif ch.isascii():
            keys.append("0" + ch)
        else:
            keys.append("2" + ch)
    return "".join(keys)


_SORT_UNIT = re.compile(r"1(\S+) \S|[02](\S)")


def sort_key_pinyin(sort_key: str) -> tuple[str, str]:
    """``(full pinyin, initials)`` of a title read back from its ``pinyin_sort_key``.

    Search ranks pinyin matches by how they meet the title (whole title, start, inside).
    Running pypinyin again over every candidate title would cost more than the search
    itself; the readings are already in the stored sort key.
    """
    full = []
    initials = []
    for reading, kept in _SORT_UNIT.findall(sort_key):
        full.append(reading or kept)
        initials.append(reading[:1] or kept)
    return "".join(full), "".join(initials)


def _han_readings(text: str) -> list[str]:
    """One toneless reading per Han character of ``text``, in order."""
    readings: list[str] = []
    for run in _HAN_RUN.findall(text):
        readings += _run_readings(run)
    return readings


@lru_cache(maxsize=1 << 16)
def _run_readings(run: str) -> tuple[str, ...]:
    """The readings of one run of Han characters, in context, so phrases pick the right
    polyphone (重庆 chongqing, 银行 yinhang); a character without pinyin stands for itself."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take most of a second to load: only when needed

    # ``errors`` may return a list (one unit per character keeps the alignment); pypinyin's own
    # type hints allow only a string, hence the ignores.
    units = lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: list(chars))  # type: ignore[arg-type, return-value]
    if len(units) != len(run):  # never seen, but alignment must not go wrong
        units = [lazy_pinyin(ch, style=Style.NORMAL, errors=lambda c: [c])[0] for ch in run]  # type: ignore[arg-type, return-value]
    return tuple(units)


# --- people's names ------------------------------------------------------------------------
#
# pypinyin reads a character by its commonest reading, which is wrong for several common
# surnames (曾 is zēng as a surname, not céng; 单 shàn, 解 xiè, 区 ōu ...). Staff type a
# name the way it is said, so the surname at the front takes its surname reading. The full
# pinyin is also the sort key (``ORDER BY name_pinyin, name``), as phone contact lists sort
# Chinese names.

#: Surnames whose surname reading differs from pypinyin's default reading of the character.
SURNAME_READINGS: dict[str, str] = {
    "曾": "zeng",
    "单": "shan",
    "仇": "qiu",
    "区": "ou",
    "解": "xie",
    "查": "zha",
    "朴": "piao",
    "翟": "zhai",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "覃": "qin",
    "召": "shao",
    "秘": "bi",
    "种": "chong",
    "员": "yun",
    "谌": "chen",
    "尉迟": "yu chi",
    "单于": "chan yu",
    "澹台": "tan tai",
}


def name_keys(name: str) -> tuple[str, str]:
    """``(full pinyin, initials)`` of a reader's name: 曾丽 → ``("zengli", "zl")``."""
    for surname in sorted(SURNAME_READINGS, key=len, reverse=True):
        if name.startswith(surname) and len(name) > len(surname):
            syllables = SURNAME_READINGS[surname].split()
            full, initials = pinyin_keys(name[len(surname) :])
            return "".join(syllables) + full, "".join(s[0] for s in syllables) + initials
    return pinyin_keys(name)
