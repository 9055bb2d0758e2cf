"""Search keys for the catalogue: FTS5 tokens for Chinese and ISBNs (pinyin keys are ``ils.text``).

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

from stdnum import isbn as stdnum_isbn

from ils.text import HAN, fold, normal_text

MAX_QUERY_CHARS = 200

# Scripts written without spaces (``ils.text.HAN``): every character is its own token.
_TOKEN = re.compile(rf"[{HAN}]|[^\W_{HAN}]+")
_HAN_RUN_OR_WORD = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+")


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
    cleaned = fold(text).upper()
    for candidate in _ISBN_CANDIDATE.findall(cleaned):
        digits = candidate.replace("-", "").replace(" ", "")
        for length in (len(digits), 13, 10):
            if isbn := checked_isbn13(digits[:length]):
                return isbn
    return None


def checked_isbn13(code: str) -> str | None:
    """The ISBN-13 of ``code``, ten or thirteen characters without separators, when its check
    digit is right (an ISBN-13 also starts 978 or 979); else None.

    What python-stdnum's ``is_valid`` and ``to_isbn13`` say (a test holds the two together), in
    a few µs rather than 17: an import checks every ISBN of every record.
    """
    if len(code) == 13:
        if not (code.isascii() and code.isdigit()) or code[:3] not in ("978", "979"):
            return None
        return code if _ean_check_digit(code[:12]) == code[12] else None
    if len(code) == 10:
        body = code[:9]
        if not (body.isascii() and body.isdigit()):
            return None
        check = sum([weight * int(digit) for weight, digit in enumerate(body, 1)]) % 11
        if ("X" if check == 10 else str(check)) != code[9]:
            return None
        return f"978{body}{_ean_check_digit('978' + body)}"
    return None


def _ean_check_digit(body: str) -> str:
    """The check digit of twelve digits: weights 1, 3, 1, 3… from the left."""
    return str(-(sum(map(int, body[0::2])) + 3 * sum(map(int, body[1::2]))) % 10)


def isbn_variants(text: str) -> tuple[str, ...]:
    """The ISBN-13 and, where one exists (978 prefix), the ISBN-10 of ``text``, for search."""
    isbn13 = normalise_isbn(text)
    if isbn13 is None:
        return ()
    if isbn13.startswith("978"):
        return (isbn13, stdnum_isbn.to_isbn10(isbn13).replace("-", ""))
    return (isbn13,)
