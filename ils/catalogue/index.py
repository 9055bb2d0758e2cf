"""The full-text index row of a record: which text goes in which FTS5 column.

``bib_search`` (see ``db.migrations.m0002_catalogue``) has five columns: title, author,
publisher, subjects and pinyin. The first four hold ``index_tokens`` text (one token per
Han character). The pinyin column holds whole-word keys, so a prefix query on it finds a
title from the first letters a reader types:

- full pinyin and initials of the whole title (红楼梦 → ``hongloumeng``, ``hlm``);
- the same for each part of a title split at punctuation and where Chinese meets digits or
  Latin (三体:地球往事 → ``diqiuwangshi``, '94中国发展报告 → ``zhongguofazhanbaogao``);
- the initials from every later character of the title, so ``stj`` finds 脂砚斋重评石头记
  (initials only: full-pinyin suffixes would multiply the index for little use). A Latin
  word or a number counts as one character here: nobody starts typing from inside one;
- full pinyin and initials of every author name, from the name access points and the
  statement of responsibility (曹雪芹 → ``caoxueqin``, ``cxq``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import peewee

from ils.catalogue.marc_fields import BibFields
from ils.catalogue.search_text import index_tokens
from ils.text import fold, pinyin_keys, pinyin_units

# Only this many leading characters of a title give initials suffixes: enough for the
# words readers remember, without letting a 60-character title flood the index.
_SUFFIX_CHARS = 24
_TITLE_PARTS = re.compile(r"[\s,.:;!?'\"()\[\]<>/\\=+\-—·、，。：；！？“”‘’（）《》〈〉【】〔〕…]+")
# Between a digit or Latin letter and anything else, either way round (94|中国, Java|编程).
_SCRIPT_CHANGE = re.compile(r"(?<=[0-9A-Za-z])(?=[^0-9A-Za-z])|(?<=[^0-9A-Za-z])(?=[0-9A-Za-z])")
_BRACKETED = re.compile(r"[(（\[【〔][^)）\]】〕]*[)）\]】〕]")
_NAME_SPLIT = re.compile(r"[,，、;；/&]+|\s+等|\s{2,}")
_ROLE_WORDS = re.compile(r"(主编|编著|编译|编写|编绘|整理|校注|评注|改编|译注|合著|著|编|译|绘|撰|选|注|等)$")


@dataclass(frozen=True)
class SearchRow:
    title: str
    author: str
    publisher: str
    subjects: str
    pinyin: str


def author_names(fields: BibFields) -> tuple[str, ...]:
    """The record's people: name access points, else names cut out of the statement of
    responsibility ("(清)曹雪芹, 高鹗著" → 曹雪芹, 高鹗)."""
    return fields.authors or _responsibility_names(fields.responsibility)


def _responsibility_names(responsibility: str | None) -> tuple[str, ...]:
    names: list[str] = []
    for part in _NAME_SPLIT.split(_BRACKETED.sub("", responsibility or "")):
        name = _ROLE_WORDS.sub("", part.strip()).strip()
        if name and name not in names:
            names.append(name)
    return tuple(names)


def _pinyin_words(fields: BibFields) -> list[str]:
    words: list[str] = []
    title = fields.title or ""
    full, initials = pinyin_keys(title)
    words += [full, initials]
    parts = [p for chunk in _TITLE_PARTS.split(fold(title)) for p in _SCRIPT_CHANGE.split(chunk) if p]
    if len(parts) > 1:
        for part in parts:
            words += pinyin_keys(part)
    head = pinyin_units(_TITLE_PARTS.sub("", title)[:_SUFFIX_CHARS])
    words += ["".join([initial for _full, initial in head[i:]]) for i in range(1, len(head) - 1)]
    # Both: the access points may leave out a name the title page gives (a corporate body).
    for name in dict.fromkeys(fields.authors + _responsibility_names(fields.responsibility)):
        words += pinyin_keys(name)
    seen: dict[str, None] = {}
    for word in words:
        if len(word) >= 2:
            seen.setdefault(word, None)
    return list(seen)


def search_row(fields: BibFields) -> SearchRow:
    titles = [t for t in (fields.title, fields.parallel_title, fields.other_title, fields.series) if t]
    authors = [fields.responsibility or "", *author_names(fields)]
    return SearchRow(
        title=index_tokens(" ".join(titles)),
        author=index_tokens(" ".join(authors)),
        publisher=index_tokens(fields.publisher or ""),
        subjects=index_tokens(" ".join(fields.subjects)),
        pinyin=" ".join(_pinyin_words(fields)),
    )


_INSERT = "INSERT INTO bib_search (rowid, title, author, publisher, subjects, pinyin) VALUES (?, ?, ?, ?, ?, ?)"


def index_insert(database: Any, doc: int, row: SearchRow) -> None:
    database.execute_sql(_INSERT, (doc, row.title, row.author, row.publisher, row.subjects, row.pinyin))


def index_insert_many(database: Any, rows: Iterable[tuple[int, SearchRow]]) -> None:
    """The index rows of a bulk store (an import's thousands of records), in one statement after them.

    FTS5 keeps the rows of a transaction in memory until a statement savepoint, which every insert
    with a trigger or a foreign key opens: a record's index row stored between its record and its
    copies was written out as a segment of its own, to be merged again, and the copy's insert paid
    for it (measured: a copy's insert 125 µs instead of 45 µs, the whole record 80 µs more).
    """
    values = [(doc, r.title, r.author, r.publisher, r.subjects, r.pinyin) for doc, r in rows]
    if values:
        with peewee.__exception_wrapper__:  # a refusal is peewee's IntegrityError, as everywhere else
            database.connection().executemany(_INSERT, values)


def index_delete(database: Any, doc: int) -> None:
    database.execute_sql("DELETE FROM bib_search WHERE rowid = ?", (doc,))
