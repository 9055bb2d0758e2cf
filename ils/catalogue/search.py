"""Catalogue search: one box that takes a title word, pinyin, an ISBN, a call number or a barcode.

Readers and desk staff type without saying what they typed, so ``field="any"`` decides
from the text, in this order: an item barcode that exists, an ISBN-10/13 in any form, a
中图法 class or call number (``I247``, ``TP311.1/12``), Latin letters (pinyin, or English
words), anything else as Chinese words. Naming a field restricts the search to it.

Why the text search ranks only a bounded set of candidates: every Han character is its
own token (see ``search_text``), so a common character (中, 学) or a publisher word (人民)
matches a large share of 600,000 records. Sorting all of them by ``bm25`` means reading
every posting list in full, twice (bm25 counts the documents of each phrase first). So the
FTS query takes the newest ``CANDIDATES`` matches in rowid order, where FTS5 stops reading
as soon as it has them, and ranks those. When the whole match set fits, bm25 orders within
each tier; when it does not, the query was unspecific anyway and the newest come first,
and a record whose title is exactly the query is still looked up through the title index
so it is never lost.

Ranking tiers: the title is the query, the title starts with it, the title contains it,
the query matched only other columns (author, publisher, subjects, author pinyin). For
pinyin, "the title" is the title's full pinyin or initials.

Every SQL text here is a constant; user text reaches SQLite only as parameters, and the
FTS5 expression is built from ``search_text.match_query``, so FTS syntax typed by a user
is searched as words, never obeyed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from db.models import database_proxy
from ils.branches import get_branch
from ils.catalogue.callnumbers import CallNumber, class_prefix_text, parse_call_number, shelf_key_text
from ils.catalogue.items import normalise_barcode, record_call_number
from ils.catalogue.search_text import MAX_QUERY_CHARS, match_query, normalise_isbn, query_phrases
from ils.errors import Invalid, Message, message
from ils.i18n import N_
from ils.text import fold, normal_text, pinyin_keys, pinyin_sort_key, sort_key_pinyin
from ils.text_input import clean_input

FIELDS = ("any", "title", "author", "publisher", "subject", "isbn", "callnumber", "barcode", "number")
SORTS = ("relevance", "title", "year", "callnumber")
MAX_LIMIT = 500

# How many matches a text search ranks at most (see the module docstring).
CANDIDATES = 500
# Pinyin prefixes shorter than this match most of the catalogue and mean nothing.
MIN_PINYIN = 2

_TEXT_COLUMNS = {
    "any": "{title author publisher subjects}",
    "title": "title",
    "author": "author",
    "publisher": "publisher",
    "subject": "subjects",
}
_LATIN = re.compile(r"[a-z'\s]+")
_ISBN_LABEL = re.compile(r"^ISBN[:\s]*|[\s-]")
_ISBN_SHAPE = re.compile(r"[0-9]{9}[0-9X]|[0-9]{13}")
_CLASS_SHAPE = re.compile(r"(?:T[A-Z]|[A-Z])[0-9]")
_YEAR = re.compile(r"\d{4}")
_HIGHEST = "\U0010ffff"

# Restricts to records with a copy in branch :branch (or to all when it is NULL); ``b`` is bib_record.
_IN_BRANCH = "(:branch IS NULL OR EXISTS (SELECT 1 FROM item j WHERE j.bib_id = b.id AND j.branch_id = :branch))"
_FTS_CANDIDATES = (
    "SELECT s.rowid, b.title_sort FROM bib_search s JOIN bib_record b ON b.doc = s.rowid"
    " WHERE bib_search MATCH :match AND b.deleted = 0 AND " + _IN_BRANCH + " ORDER BY s.rowid DESC LIMIT :cap"
)
# Weights follow the columns: title, author, publisher, subjects, pinyin.
_FTS_BM25 = "SELECT rowid, bm25(bib_search, 10.0, 4.0, 1.0, 2.0, 6.0) FROM bib_search WHERE bib_search MATCH :match"
# The indexed text of one column for some documents (rowid lookups, no MATCH).
_COLUMN_TEXT = {
    column: f"SELECT rowid, {column} FROM bib_search WHERE rowid IN (SELECT value FROM json_each(:docs))"
    for column in ("title", "author")
}
_SAME_TITLE = "SELECT b.doc FROM bib_record b WHERE b.title_sort = :key AND b.deleted = 0 AND " + _IN_BRANCH
_BY_BARCODE = (
    "SELECT b.doc FROM item i JOIN bib_record b ON b.id = i.bib_id"
    " WHERE i.barcode = :barcode AND b.deleted = 0 AND " + _IN_BRANCH
)
_BY_NUMBER = "SELECT b.doc FROM bib_record b WHERE b.number = :number AND b.deleted = 0 AND " + _IN_BRANCH
_BY_ISBN = (
    "SELECT b.doc FROM bib_isbn n JOIN bib_record b ON b.id = n.bib_id"
    " WHERE n.isbn = :isbn AND b.deleted = 0 AND " + _IN_BRANCH + " ORDER BY b.doc DESC"
)
# Read lazily and stopped once enough records are seen: a class prefix may cover 100,000 copies.
_BY_SHELF = (
    "SELECT b.doc FROM item i JOIN bib_record b ON b.id = i.bib_id"
    " WHERE i.shelf_key >= :low AND i.shelf_key < :high AND i.status != 'withdrawn' AND b.deleted = 0"
    " AND (:branch IS NULL OR i.branch_id = :branch) ORDER BY i.shelf_key"
)
_SORT_VALUES = {
    "title": "SELECT b.doc, b.title_sort FROM json_each(:docs) d JOIN bib_record b ON b.doc = d.value",
    "year": "SELECT b.doc, b.year FROM json_each(:docs) d JOIN bib_record b ON b.doc = d.value",
    "callnumber": (
        "SELECT b.doc, (SELECT MIN(i.shelf_key) FROM item i WHERE i.bib_id = b.id AND i.status != 'withdrawn')"
        " FROM json_each(:docs) d JOIN bib_record b ON b.doc = d.value"
    ),
}
_PAGE = (
    "SELECT b.doc, b.id, b.number, b.title, b.responsibility, b.publisher, b.year, b.isbn, b.call_class,"
    " b.book_number FROM json_each(:docs) d JOIN bib_record b ON b.doc = d.value WHERE b.deleted = 0"
)
_AVAILABILITY = (
    "SELECT b.doc, r.code, r.name, SUM(i.status = 'available'), COUNT(*), MIN(i.shelf_key), i.call_number"
    " FROM json_each(:docs) d JOIN bib_record b ON b.doc = d.value JOIN item i ON i.bib_id = b.id"
    " JOIN branch r ON r.id = i.branch_id WHERE i.status != 'withdrawn'"
    " GROUP BY b.doc, r.id ORDER BY r.sort_order, r.code"
)


@dataclass(frozen=True)
class Availability:
    """Copies of a record at one branch: on the shelf, and all except withdrawn ones."""

    branch_code: str
    branch_name: str
    available: int
    total: int


@dataclass(frozen=True)
class Hit:
    bib_id: str
    title: str
    responsibility: str | None
    publisher: str | None
    year: str | None
    isbn: str | None
    call_number: str | None
    availability: tuple[Availability, ...]
    matched_barcode: str | None = None
    number: int | None = None  # the record number people type (``record_numbers``)


@dataclass(frozen=True)
class SearchResult:
    """One page of hits; ``message`` says what to type when there is nothing to show."""

    query: str
    field: str
    hits: tuple[Hit, ...]
    more: bool
    message: Message | None


class _PageRow(NamedTuple):
    """The columns of ``_PAGE``; also what ``items.record_call_number`` reads."""

    doc: int
    id: str
    number: int | None
    title: str
    responsibility: str | None
    publisher: str | None
    year: str | None
    isbn: str | None
    call_class: str | None
    book_number: str | None


@dataclass(frozen=True)
class _Found:
    """Records found by one kind of lookup, best first (as bib_record.doc numbers)."""

    docs: list[int]
    capped: bool = False
    barcode: str | None = None
    shelf_order: bool = False


def search(
    text: str,
    *,
    field: str = "any",
    sort: str = "relevance",
    branch: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> SearchResult:
    """Search the catalogue; a query that cannot be searched gets a message, not an error.

    ``branch`` (a branch code) keeps records with a copy there. ``Invalid`` only for text
    that is not text (``text_input``), and a ``field``, ``sort``, ``limit`` or ``offset``
    that no search box can produce.
    """
    if field not in FIELDS:
        raise Invalid(
            "catalogue.search_unknown_field",
            "Unknown search field {field}; use one of: {fields}.",
            field=field,
            fields=", ".join(FIELDS),
        )
    if sort not in SORTS:
        raise Invalid(
            "catalogue.search_unknown_sort",
            "Unknown sort order {sort}; use one of: {sorts}.",
            sort=sort,
            sorts=", ".join(SORTS),
        )
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise Invalid(
            "catalogue.search_page_out_of_range",
            "Ask for 1 to {most} hits from an offset of 0 or more.",
            most=MAX_LIMIT,
        )
    query = clean_input(text, N_("Search text"), required=False)
    branch_id = get_branch(branch).id if branch else None
    if not query:
        return _nothing(
            query,
            field,
            message(
                "catalogue.search_empty",
                "Type a title, author, publisher or subject word, pinyin, an ISBN, a call number or a barcode.",
            ),
        )
    if len(query) > MAX_QUERY_CHARS:
        return _nothing(
            query,
            field,
            message(
                "catalogue.search_too_long",
                "The search text is too long: type at most {count} characters.",
                count=MAX_QUERY_CHARS,
            ),
        )
    found = _find(query, field, branch_id, sort, offset + limit + 1)
    if isinstance(found, Message):
        return _nothing(query, field, found)
    docs = found.docs
    note = None
    if sort != "relevance" and not (sort == "callnumber" and found.shelf_order):
        docs = _sorted(docs, sort)
        if found.capped:
            note = message(
                "catalogue.search_sorted_first",
                "Only the first {count} matches are sorted; add a word to narrow the search.",
                count=len(docs),
            )
    page = docs[offset : offset + limit]
    hits = _hits(page, found.barcode)
    if not hits and offset == 0:
        note = message("catalogue.search_nothing_found", 'Nothing found for "{text}".', text=query)
    return SearchResult(query, field, hits, len(docs) > offset + limit, note)


def _nothing(query: str, field: str, note: Message) -> SearchResult:
    return SearchResult(query, field, (), False, note)


def _rows(sql: str, **params) -> list[tuple]:
    return database_proxy.execute_sql(sql, params).fetchall()


# --- deciding what the text is -----------------------------------------------------------


def _find(query: str, field: str, branch_id: str | None, sort: str, page_end: int) -> _Found | Message:
    """The records for ``query`` in ``field``, or a message saying what to type instead.

    ``page_end`` records are needed for the page and to know whether there are more;
    ranking or sorting looks at up to ``CANDIDATES`` (shelf order needs no more than the page).
    """
    cap = max(CANDIDATES, page_end)
    shelf_cap = page_end if sort in ("relevance", "callnumber") else cap
    if field == "barcode":
        return _barcode(query, branch_id) or message(
            "catalogue.search_no_such_barcode", "No item has the barcode {barcode}.", barcode=query
        )
    if field == "number":
        digits = query.strip()
        if not digits.isdigit():
            return message(
                "catalogue.search_not_record_number",
                '"{text}" is not a record number: type its digits, such as 1024.',
                text=query,
            )
        return _Found(_docs(_BY_NUMBER, number=int(digits), branch=branch_id))
    if field == "isbn":
        isbn = _isbn(query)
        if isbn is None:
            return message(
                "catalogue.search_not_isbn",
                '"{text}" is not an ISBN: type the 10 or 13 digits printed on the book, hyphens allowed.',
                text=query,
            )
        return _Found(_docs(_BY_ISBN, isbn=isbn, branch=branch_id))
    if field == "callnumber":
        low = _shelf_prefix(query, letters_only=True)
        if low is None:
            return message(
                "catalogue.search_not_call_number",
                '"{text}" is not a call number: type a CLC class '
                "such as I247 or TP311.1, or a whole call number such as I247.5/12.",
                text=query,
            )
        return _shelf(low, branch_id, shelf_cap)
    if field == "any":
        if found := _barcode(query, branch_id):
            return found
        if _ISBN_SHAPE.fullmatch(_isbn_digits(query)):
            isbn = _isbn(query)
            if isbn is None:
                return message(
                    "catalogue.search_invalid_isbn",
                    '"{text}" is not a valid ISBN: check the digits (the last one is a check digit).',
                    text=query,
                )
            return _Found(_docs(_BY_ISBN, isbn=isbn, branch=branch_id))
        if low := _shelf_prefix(query, letters_only=False):
            return _shelf(low, branch_id, shelf_cap)
    return _text(query, field, branch_id, cap)


def _docs(sql: str, **params) -> list[int]:
    seen: dict[int, None] = {}
    for (doc,) in _rows(sql, **params):
        seen.setdefault(doc, None)
    return list(seen)


def _barcode(query: str, branch_id: str | None) -> _Found | None:
    try:
        code = normalise_barcode(query)
    except Invalid:
        return None
    docs = _docs(_BY_BARCODE, barcode=code, branch=branch_id)
    return _Found(docs, barcode=code) if docs else None


def _isbn_digits(query: str) -> str:
    """The text without an "ISBN" label, hyphens and spaces: ten or thirteen digits if it is one."""
    return _ISBN_LABEL.sub("", fold(query).upper().strip())


def _isbn(query: str) -> str | None:
    """The ISBN-13 when the whole text is one valid ISBN (not an ISBN inside a title)."""
    digits = _isbn_digits(query)
    return normalise_isbn(digits) if _ISBN_SHAPE.fullmatch(digits) else None


def _shelf_prefix(query: str, *, letters_only: bool) -> str | None:
    """The start of the shelf keys of the copies the text names, or None if it names no class.

    In "any" a class needs a digit (I247), so Latin words such as "I" or "TP" stay words.
    A whole call number (I247.5/12) matches that book's volumes and copies too.
    """
    cleaned = "".join(fold(query).split()).upper()
    if not letters_only and not _CLASS_SHAPE.match(cleaned):
        return None
    try:
        if "/" not in cleaned:
            return class_prefix_text(cleaned)
        parsed = parse_call_number(cleaned)
    except Invalid:
        return None
    return _call_number_prefix(parsed)


def _call_number_prefix(parsed: CallNumber) -> str:
    """``shelf_key_text`` without the volume and copy parts the text did not give.

    The key ends with one character each for "no volume" and "no copy" (see
    ``callnumbers.shelf_key_text``); cutting them leaves the prefix shared by every
    volume and copy of the book.
    """
    key = shelf_key_text(parsed)
    if parsed.copy is None:
        key = key[:-1]
        if parsed.volume is None:
            key = key[:-1]
    return key


def _shelf(low: str, branch_id: str | None, cap: int) -> _Found:
    """Records in shelf order of their copies under the prefix ``low``, at most ``cap``."""
    cursor = database_proxy.execute_sql(_BY_SHELF, {"low": low, "high": low + _HIGHEST, "branch": branch_id})
    seen: dict[int, None] = {}
    for (doc,) in cursor:
        seen.setdefault(doc, None)
        if len(seen) >= cap:
            break
    cursor.close()
    return _Found(list(seen), capped=len(seen) >= cap, shelf_order=True)


# --- text and pinyin -----------------------------------------------------------------------


@dataclass(frozen=True)
class _TextQuery:
    """The typed text as titles are compared with it: as a title sort key, as the sort
    keys of its phrases, and as pinyin letters (None when it is not Latin letters).

    Comparing sort keys (``pinyin_sort_key``) needs nothing but ``bib_record.title_sort``,
    which the candidate query reads anyway; the title's pinyin is read back from it too.
    """

    sort_key: str
    phrase_keys: tuple[str, ...]
    pinyin: str | None

    def tier(self, title_sort: str) -> int:
        """0 the title is the query, 1 it starts with it, 2 contains it, 3 matched elsewhere."""
        if title_sort == self.sort_key:
            return 0
        full, initials = sort_key_pinyin(title_sort) if self.pinyin else ("", "")
        if self.pinyin in (full, initials):
            return 0
        if title_sort.startswith(self.sort_key) or (
            self.pinyin and (full.startswith(self.pinyin) or initials.startswith(self.pinyin))
        ):
            return 1
        if all(key in title_sort for key in self.phrase_keys) or (
            self.pinyin and (self.pinyin in full or self.pinyin in initials)
        ):
            return 2
        return 3


def _text(query: str, field: str, branch_id: str | None, cap: int) -> _Found | Message:
    phrases = query_phrases(query)
    if phrases is None:
        return message("catalogue.search_no_words", "Type letters, Chinese characters or digits to search.")
    letters = None
    normal = normal_text(query)
    if field in ("any", "title", "author") and _LATIN.fullmatch(normal):
        letters = "".join(ch for ch in normal if ch.isalpha())
        if len(letters) < MIN_PINYIN:
            letters = None
    match = f"{_TEXT_COLUMNS[field]} : ({match_query(query)})"
    if letters:
        match = f"({match}) OR (pinyin : {match_query(letters, prefix_last=True)})"
    typed = _TextQuery(pinyin_sort_key(query), tuple(pinyin_sort_key(p) for p in phrases), letters)
    rows = _rows(_FTS_CANDIDATES, match=match, branch=branch_id, cap=cap + 1)
    capped = len(rows) > cap
    rows = rows[:cap]
    tiers = {doc: typed.tier(title_sort) for doc, title_sort in rows} if field in ("any", "title") else {}
    docs = [doc for doc, _title_sort in rows]
    if letters and field in ("title", "author"):
        docs = _pinyin_in_column(docs, field, tiers, phrases, letters)
    if capped:
        order = {doc: -doc for doc in docs}
        if field in ("any", "title"):  # an exact title older than the newest candidates
            for doc in _docs(_SAME_TITLE, key=typed.sort_key, branch=branch_id):
                order.setdefault(doc, -doc)
                tiers[doc] = 0
    else:
        kept = set(docs)
        order = {doc: score for doc, score in _rows(_FTS_BM25, match=match) if doc in kept}
    ranked = sorted(order, key=lambda doc: (tiers.get(doc, 0), order[doc], -doc))
    return _Found(ranked, capped=capped)


def _pinyin_in_column(
    docs: list[int], field: str, tiers: dict[int, int], phrases: Sequence[str], letters: str
) -> list[int]:
    """Keep the documents whose own column holds the typed words or their pinyin.

    The pinyin column mixes title and author keys, so a pinyin match alone does not say
    which column it came from. A title already known to match (tier below 3) is kept;
    the others are checked against their indexed column text.
    """
    unsure = [doc for doc in docs if tiers.get(doc, 3) == 3]
    texts = dict(_rows(_COLUMN_TEXT[_TEXT_COLUMNS[field]], docs=json.dumps(unsure))) if unsure else {}
    confirmed = {doc for doc, tokens in texts.items() if _holds(tokens, phrases, letters)}
    return [doc for doc in docs if tiers.get(doc, 3) < 3 or doc in confirmed]


def _holds(tokens: str, phrases: Sequence[str], letters: str) -> bool:
    """Whether indexed text holds every phrase as whole tokens, or ``letters`` in its pinyin."""
    padded = f" {tokens} "
    if all(f" {phrase} " in padded for phrase in phrases):
        return True
    full, initials = pinyin_keys(tokens.replace(" ", ""))
    return letters in full or letters in initials


# --- sorting and the page ----------------------------------------------------------------------


def _sorted(docs: list[int], sort: str) -> list[int]:
    values = dict(_rows(_SORT_VALUES[sort], docs=json.dumps(docs)))
    if sort == "year":

        def key(doc: int) -> tuple:
            year = _YEAR.search(values.get(doc) or "")
            return (year is None, -int(year.group()) if year else 0, -doc)
    else:

        def key(doc: int) -> tuple:
            value = values.get(doc)
            return (value is None, value or "", -doc)

    return sorted(docs, key=key)


def _hits(page: list[int], barcode: str | None) -> tuple[Hit, ...]:
    """The page's records with their availability, from two queries whatever the page size.

    A record without a call number of its own shows its first copy's in shelf order
    (SQLite gives ``i.call_number`` from the row that holds ``MIN(i.shelf_key)``).
    """
    if not page:
        return ()
    availability: dict[int, list[Availability]] = {}
    item_calls: dict[int, list[tuple[bool, str, str | None]]] = {}
    docs = json.dumps(page)
    for doc, code, name, available, total, key, call in _rows(_AVAILABILITY, docs=docs):
        availability.setdefault(doc, []).append(Availability(code, name, available, total))
        item_calls.setdefault(doc, []).append((key is None, key or "", call))
    records = {row.doc: row for row in map(_PageRow._make, _rows(_PAGE, docs=docs))}
    hits = []
    for doc in page:
        if (row := records.get(doc)) is None:
            continue
        first_copy = min(item_calls.get(doc, [(True, "", None)]), key=lambda copy: copy[:2])
        call_number = record_call_number(row) or first_copy[2]
        hits.append(
            Hit(
                row.id,
                row.title,
                row.responsibility,
                row.publisher,
                row.year,
                row.isbn,
                call_number,
                tuple(availability.get(doc, ())),
                barcode,
                row.number,
            )
        )
    return tuple(hits)
