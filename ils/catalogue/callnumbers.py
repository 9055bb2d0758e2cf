"""Call numbers (索书号): parse, normalise, shelf order, and 种次号 allocation arithmetic.

A call number is a 中图法 class, "/", a book number (种次号 or 著者号), then optional
auxiliary numbers. The marks this module uses, one convention for the whole union so
that a spine label printed at one branch reads the same at every other:

- ``I247.5/123``       class ``I247.5``, book number ``123``
- ``I247.5/123:2``     volume ``2``   (``:`` marks the volume)
- ``I247.5/123-3``     copy ``3``     (``-`` marks the copy)
- ``I247.5/123:2-3``   volume 2, copy 3 (volume always before copy)

Input typed or imported from MARC is messy, so full-width characters (／：－（）and
full-width digits and letters), Chinese quotes and dashes, lower case and spaces are
accepted and normalised; the dots of the class are re-placed every three digits, the
way 中图法 writes them (``TP311138`` and ``TP311.138`` are the same class).

Shelf order (``shelf_key``), the filing rules of 中图法 as libraries apply them:

1. class letters (``T`` < ``TB`` < ``TP``), then the class digits as a decimal
   expansion, ignoring the dots: ``I247`` < ``I247.5`` < ``I247.57`` < ``I248``;
2. a letter suffix used for programming languages (``TP312C++``, ``TP312JA``) after the
   bare class and before longer digits: ``TP312`` < ``TP312C`` < ``TP312JA`` < ``TP312.8``;
3. auxiliary numbers (复分号) after the bare class and before any further class digit,
   in the order ``-`` 总论复分, ``()`` 国家地区, ``=`` 时代, ``""`` 民族种族,
   ``<>`` 通用时间地点; within a mark their digits are a decimal expansion too:
   ``K928.9`` < ``K928.9-49`` < ``K928.9(264)`` < ``K928.91``;
4. the book number in natural order, digits numerically: ``9`` < ``10`` < ``123``; digit
   runs before letter runs (``123`` < ``123A``);
5. no volume before any volume, volumes in natural order;
6. no copy before any copy, copies numerically.

Not supported (refused with a message): 组配 ``:`` and 联合 ``+`` inside the class.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ils.errors import Invalid
from ils.text import fold

VOLUME_MARK = ":"
COPY_MARK = "-"

# The 22 main classes of 中图法 (no L, M, W, Y) and the second letters of class T.
_MAIN_CLASSES = "ABCDEFGHIJKNOPQRSTUVXZ"
_T_SUBCLASSES = "BDEFGHJKLMNPQSUV"

# Auxiliary marks in filing order; the rank is the order on the shelf.
_AUX_RANK = {"-": "1", "(": "2", "=": "3", '"': "4", "<": "5"}
_AUX_CLOSE = {"-": "", "(": ")", "=": "", '"': '"', "<": ">"}

_NUM = r"\d+(?:\.\d+)*"
_CLASS_RE = re.compile(
    rf"(?P<letters>T[{_T_SUBCLASSES}]|[{_MAIN_CLASSES}])"
    rf"(?:(?P<digits>{_NUM})(?P<suffix>[A-Z]+[+#]*)?)?"
    rf"(?P<aux>(?:-{_NUM}|\({_NUM}\)|={_NUM}|\"{_NUM}\"|<{_NUM}>)*)"
)
_AUX_RE = re.compile(rf"([-(=\"<])({_NUM})[)\">]?")
_BOOK_RE = re.compile(r"(?P<book>[A-Z0-9]+)(?::(?P<volume>[A-Z0-9]+))?(?:-(?P<copy>\d+))?")

# Characters NFKC leaves alone but that mean an ASCII mark in a call number.
_LOOKALIKES = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "〈": "<",
        "〉": ">",
        "《": "<",
        "》": ">",
        "。": ".",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
    }
)


@dataclass(frozen=True)
class CallNumber:
    """One normalised call number; ``str()`` gives the form printed on the spine label."""

    clc_class: str
    book_number: str
    volume: str | None = None
    copy: str | None = None

    def __str__(self) -> str:
        text = f"{self.clc_class}/{self.book_number}"
        if self.volume is not None:
            text += VOLUME_MARK + self.volume
        if self.copy is not None:
            text += COPY_MARK + self.copy
        return text


def _clean(text: str) -> str:
    """Full-width to half-width, Chinese marks to ASCII, no spaces, upper case."""
    text = fold(text).translate(_LOOKALIKES)
    return "".join(text.split()).upper()


def _dotted(digits: str) -> str:
    """Class digits with a dot after every three, as 中图法 prints them."""
    return ".".join(digits[i : i + 3] for i in range(0, len(digits), 3))


@lru_cache(maxsize=4096)
def normalise_class(text: str) -> str:
    """The 中图法 class in its printed form, or ``Invalid`` for anything that is not one.

    Checked strictly because the class decides the shelf: a typo here puts a book where
    nobody will find it. Kept for the classes met last (as ``_class_key``): an import reads
    one call number a copy, and a delivery's copies share a few hundred classes.
    """
    cleaned = _clean(text)
    match = _CLASS_RE.fullmatch(cleaned)
    if not match:
        raise Invalid(
            "catalogue.clc_class_invalid",
            '"{text}" is not a CLC (中图法) class number, e.g. I247.5 or TP311.138.',
            text=text.strip(),
        )
    digits = (match["digits"] or "").replace(".", "")
    aux = "".join(mark + number + _AUX_CLOSE[mark] for mark, number in _AUX_RE.findall(match["aux"]))
    return match["letters"] + _dotted(digits) + (match["suffix"] or "") + aux


def parse_call_number(text: str) -> CallNumber:
    """Read a call number as typed, scanned or imported; ``Invalid`` with a clear message."""
    cleaned = _clean(text)
    if "/" not in cleaned:
        raise Invalid(
            "catalogue.call_number_no_slash",
            '"{text}" is not a call number: class and book number are separated by "/", e.g. I247.5/123.',
            text=text.strip(),
        )
    class_part, book_part = cleaned.split("/", 1)
    clc_class = normalise_class(class_part)
    match = _BOOK_RE.fullmatch(book_part)
    if not match:
        raise Invalid(
            "catalogue.call_number_bad_book_number",
            '"{text}" has no valid book number after "/": use letters and digits, '
            '":" before a volume and "-" before a copy, e.g. I247.5/123:2-1.',
            text=text.strip(),
        )
    copy = match["copy"]
    return CallNumber(clc_class, match["book"], match["volume"], str(int(copy)) if copy else None)


def format_call_number(call_number: CallNumber) -> str:
    """The printed form; the same as ``str(call_number)``."""
    return str(call_number)


# --- shelf order -----------------------------------------------------------------------

_RUNS = re.compile(r"\d+|[A-Z]+")


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Digit runs compared as numbers and before letter runs, letter runs as text."""
    return tuple((0, int(run)) if run.isdigit() else (1, run) for run in _RUNS.findall(text))


@lru_cache(maxsize=4096)
def _class_key(clc_class: str) -> tuple:
    match = _CLASS_RE.fullmatch(clc_class)
    if not match:  # a CallNumber built by hand rather than parsed
        clc_class = normalise_class(clc_class)
        match = _CLASS_RE.fullmatch(clc_class)
        assert match
    aux = tuple((_AUX_RANK[mark], number.replace(".", "")) for mark, number in _AUX_RE.findall(match["aux"]))
    return (match["letters"] + (match["digits"] or "").replace(".", ""), match["suffix"] or "", aux)


def shelf_key(call_number: CallNumber) -> tuple:
    """A key that sorts call numbers in shelf order (see the module docstring)."""
    volume = (0,) if call_number.volume is None else (1, _natural(call_number.volume))
    copy = (0,) if call_number.copy is None else (1, int(call_number.copy))
    return (_class_key(call_number.clc_class), _natural(call_number.book_number), volume, copy)


def _number_text(number: int) -> str:
    """A number as text that sorts numerically: two-digit length, then the digits."""
    digits = str(number)
    return f"{len(digits):02d}{digits}"


def _natural_text(parts: tuple[tuple[int, int | str], ...]) -> str:
    # Numbers start with "#" (below every letter); the final space is below both.
    return "".join("#" + _number_text(int(v)) if kind == 0 else str(v) for kind, v in parts) + " "


def shelf_key_text(call_number: CallNumber) -> str:
    """``shelf_key`` as a string that sorts the same way under plain byte comparison.

    Stored in an indexed column so that SQLite can ``ORDER BY`` shelf order and find a
    class and its subdivisions with a prefix: the text starts with the class letters and
    digits without dots, so every call number under ``I247.5`` starts with ``I2475``.
    Each part ends with a character lower than anything that may follow it (space,
    then "!"), so a shorter part sorts before a longer one, as in the tuple.
    """
    letters_digits, suffix, aux = _class_key(call_number.clc_class)
    text = letters_digits + " " + suffix + " "
    text += "".join(rank + digits + " " for rank, digits in aux) + "!"
    text += _natural_text(_natural(call_number.book_number))
    text += "0" if call_number.volume is None else "1" + _natural_text(_natural(call_number.volume))
    text += "0" if call_number.copy is None else "1" + _number_text(int(call_number.copy))
    return text


def class_prefix_text(clc_class: str) -> str:
    """The start of ``shelf_key_text`` shared by a class and all its subdivisions."""
    return _class_key(normalise_class(clc_class))[0]


# --- 种次号 allocation -------------------------------------------------------------------


@dataclass(frozen=True)
class BookNumberRange:
    """A block of 种次号 (inclusive) reserved for one cataloguing node.

    Why ranges: 26 branches and the van catalogue offline and sync later. If each
    simply took "highest number + 1" two of them would give different books the same
    call number. The central library reserves disjoint blocks per node (e.g. the 总馆
    1–4999, branch 7 7000–7099), so two nodes can never hand out the same number and no
    reconciliation is needed at sync.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < self.start:
            raise Invalid(
                "catalogue.book_number_range_invalid",
                "A book-number range must run from 1 or more up to a number not below its start (got {start}–{end}).",
                start=self.start,
                end=self.end,
            )

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.start <= number <= self.end


def next_book_number(taken: Iterable[int], reserved: Sequence[BookNumberRange]) -> int:
    """The next 种次号 this node may give in one class.

    ``taken`` are the numbers already used in the class (by any node); ``reserved`` are
    this node's ranges. The answer follows the highest number used inside the node's
    ranges rather than filling gaps: a number freed by a withdrawn title is not reused,
    so an old spine label or loan record never points at a different book.
    """
    if not reserved:
        raise Invalid(
            "catalogue.no_book_number_range",
            "No book-number range is reserved for this workstation; ask the central library to reserve one.",
        )
    ranges = sorted(reserved, key=lambda r: r.start)
    used = [n for n in taken if any(n in r for r in ranges)]
    highest = max(used, default=0)
    for r in ranges:
        candidate = max(r.start, highest + 1)
        if candidate <= r.end:
            return candidate
    spans = ", ".join(f"{r.start}–{r.end}" for r in ranges)
    raise Invalid(
        "catalogue.book_number_range_used_up",
        "The book numbers reserved for this workstation ({ranges}) are used up; ask the central "
        "library for a new range.",
        ranges=spans,
    )
