"""Search keys for the catalogue: FTS5 tokens for Chinese, pinyin keys, ISBNs.

Why one token per Han character: readers search for one- and two-character words
(瓷, 三体, 鲁迅). SQLite's trigram tokenizer cannot match anything shorter than three
characters, and ``unicode61`` alone treats a whole run of Han characters as one token,
so 红楼梦 would only match the exact run. Spacing the Han characters apart before they
reach ``unicode61`` makes every character a token; a phrase query over adjacent
characters ("红 楼 梦") then matches the word and nothing else. No dictionary or
segmenter is needed, which keeps the desk installable offline.

The same ``index_tokens`` must be applied to the indexed text and (through
``match_query``) to the query, or the two will not meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from stdnum import isbn as stdnum_isbn

MAX_QUERY_CHARS = 200

# Scripts written without spaces: every character is its own token.
_HAN = (
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\u3005\u3007"
    "\U00020000-\U0002ebef\U00030000-\U0003134f"
)
_TOKEN = re.compile(rf"[{_HAN}]|[^\W_{_HAN}]+")
_HAN_RUN_OR_WORD = re.compile(rf"[{_HAN}]+|[^\W_{_HAN}]+")
_IS_HAN = re.compile(rf"[{_HAN}]")
_HAN_RUN = re.compile(rf"[{_HAN}]+")


def normal_text(text: str) -> str:
    """Full-width to half-width (NFKC) and case-folded: how both index and query see text."""
    return unicodedata.normalize("NFKC", text).casefold()


def index_tokens(text: str) -> str:
    """The text as FTS5 ``unicode61`` should index it: tokens separated by single spaces.

    Han characters one by one, Latin words and numbers whole and lower-cased,
    punctuation dropped. ``index_tokens("《三体》 Liu Cixin 2008")`` is
    ``"三 体 liu cixin 2008"``.
    """
    return " ".join(_TOKEN.findall(normal_text(text)))


def _quoted(phrase: str) -> str:
    return '"' + phrase.replace('"', '""') + '"'


def match_query(user_text: str, *, prefix_last: bool = False) -> str | None:
    """A safe FTS5 MATCH expression for what a user typed, or None if there is nothing to search.

    Every token is quoted, so FTS5 syntax in the input (quotes, ``*``, ``NEAR``, ``AND``,
    ``column:``, ``-``, parentheses) is either dropped as punctuation or searched as a
    plain word; it is never interpreted. A run of Han characters becomes one phrase
    ("红 楼 梦") so the characters must be adjacent; separate words are AND-ed.
    ``prefix_last`` lets the last word match as a prefix (search-as-you-type).
    None for an empty query, one of punctuation only, or one over 200 characters
    (nobody types that; it is a paste accident or an attack).
    """
    phrases = query_phrases(user_text)
    if phrases is None:
        return None
    parts = [_quoted(phrase) for phrase in phrases]
    if prefix_last:
        parts[-1] += " *"
    return " AND ".join(parts)


def query_phrases(user_text: str) -> list[str] | None:
    """The phrases ``match_query`` searches for, as index tokens: one per Han run or word
    (``"红楼梦 曹雪芹"`` → ``["红 楼 梦", "曹 雪 芹"]``). Search ranking compares them with a
    record's indexed title. None when ``match_query`` would be None.
    """
    if not user_text or len(user_text) > MAX_QUERY_CHARS:
        return None
    phrases = [" ".join(_TOKEN.findall(run)) for run in _HAN_RUN_OR_WORD.findall(normal_text(user_text))]
    return phrases or None


# --- pinyin ------------------------------------------------------------------------------

def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


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


def pinyin_keys(text: str) -> tuple[str, str]:
    """``(pinyin_full(text), pinyin_initials(text))`` in one pass.

    The first letter of a toneless syllable is its initial (zh → z), so the initials
    need no second pass. Runs of Han characters are read through a cache: an import
    indexes thousands of titles whose names, publishers and words repeat.
    """
    normal = normal_text(text)
    full: list[str] = []
    initials: list[str] = []
    position = 0
    for run in _HAN_RUN.finditer(normal):
        between = _alnum(normal[position:run.start()])
        readings = _run_readings(run.group())
        full += (between, *readings)
        initials += (between, *(reading[:1] for reading in readings))
        position = run.end()
    rest = _alnum(normal[position:])
    return "".join(full) + rest, "".join(initials) + rest


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
    units = lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: list(chars))
    if len(units) != len(run):  # never seen, but alignment must not go wrong
        units = [lazy_pinyin(ch, style=Style.NORMAL, errors=lambda c: [c])[0] for ch in run]
    return tuple(units)


# --- ISBN --------------------------------------------------------------------------------

_ISBN_CANDIDATE = re.compile(r"[0-9][0-9\- ]*[0-9X]")


def normalise_isbn(text: str) -> str | None:
    """The ISBN-13 digits in ``text``, or None if it holds no valid ISBN.

    Accepts what arrives in CNMARC 010$a and at the desk: hyphens and spaces, full-width
    digits, lower-case x, an ``ISBN`` label, ISBN-10 (converted) and trailing binding or
    price (``7-5063-3946-X (平装) : CNY25.00``). The check digit is verified, so a
    mistyped ISBN does not silently match another book.
    """
    if not text:
        return None
    cleaned = unicodedata.normalize("NFKC", text).upper()
    for candidate in _ISBN_CANDIDATE.findall(cleaned):
        digits = candidate.replace("-", "").replace(" ", "")
        for length in (len(digits), 13, 10):
            code = digits[:length]
            if len(code) in (10, 13) and stdnum_isbn.is_valid(code):
                return stdnum_isbn.to_isbn13(code).replace("-", "")
    return None


def isbn_variants(text: str) -> tuple[str, ...]:
    """The ISBN-13 and, where one exists (978 prefix), the ISBN-10 of ``text``, for search."""
    isbn13 = normalise_isbn(text)
    if isbn13 is None:
        return ()
    if isbn13.startswith("978"):
        return (isbn13, stdnum_isbn.to_isbn10(isbn13).replace("-", ""))
    return (isbn13,)
