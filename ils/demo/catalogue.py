"""Realistic Chinese catalogue data: CNMARC records, their copies, and the demo step that stores them.

Two users: ``ils demo`` shelves a few thousand titles so a librarian can try the
cataloguing desk at once, and the scale benchmark (issue 7) needs 600,000 records and
1,000,000 items of the same kind. Hence a pure generator over one ``random.Random``
(deterministic for a seed), cheap per record (tens of microseconds), and iterators
rather than lists.

Why a vocabulary instead of random characters: search speed and ranking depend on how
often each character occurs. Titles built from real title words and patterns, names
from the common surnames weighted as the census counts them, real publishers with their
ISBN prefixes and 中图法 classes spread as on a public library's shelves (about a third
literature) give a catalogue whose character and word frequencies look like a real one.
Famous titles (红楼梦, 三体, 活着 ...) come first with their real authors and classes, so
a librarian searching the demo finds what they expect.

Records follow CNMARC as Chinese libraries fill it in (DOMAIN.md §3): 001, 010 $a ISBN-13
$d price, 100 $a general processing data (UTF-8: '50' at 26-27), 101, 102, 200 $a $f $g,
205, 210 $a $c $d, 215, 225, 606, 690 $a $v 5, 701/702/711 with $4 roles. Copies are
written into 905 like a supplier's file ($a branch, $b barcode, $c location, $d class,
$e 种次号, $f volume), so storing a record through ``records.prepare`` gives it its call
number, and the same records can be written out as an import benchmark file.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, islice

from pymarc import Field, Indicators, Record, Subfield

from db.models import BookNumber, Branch, Location
from ils import presets
from ils.branches import list_branches
from ils.catalogue import items, records
from ils.catalogue.locations import add_location, list_locations
from ils.catalogue.marc_fields import CNMARC
from ils.demo import wordlists
from ils.permissions import Permission
from ils.session import Session

# Where a title is shelved; the demo maps each to rooms and branches.
GENERAL = "general"  # 图书外借部 and the branches
CHILDREN = "children"  # 少儿阅览室
LOCAL = "local"  # 地方文献室: 醴陵, its porcelain and its people
ANCIENT = "ancient"  # 古籍室: classics in old-style and facsimile editions
CERAMICS = "ceramics"  # 陶瓷资料室
AUDIO = "audio"  # 盲人阅览室: audiobooks
DEVICE = "device"  # 盲人阅览室: listening devices (听书机) lent like books

DEMO_TITLES = 3000
BARCODE_WIDTH = 10  # the digits of item barcodes drawn from ranges (book_numbers' default)
_BATCH = 1000

# --- people ------------------------------------------------------------------------------

# The commonest surnames, weighted by census frequency (per 10,000 people, rounded).
_SURNAMES = tuple(zip(*[iter(wordlists.words("surnames.txt"))] * 2, strict=False))
SURNAMES = tuple(name for name, _ in _SURNAMES)
_SURNAME_WEIGHTS = tuple(accumulate(int(weight) for _, weight in _SURNAMES))
_NAMES = wordlists.sections("names.txt")
# Given-name characters; the commonest appear twice so they come up twice as often.
GIVEN = "".join(_NAMES["given"])
_WESTERN_GIVEN = list(_NAMES["western_given"])
_WESTERN_SURNAMES = list(_NAMES["western_surnames"])
_FRENCH = (list(_NAMES["french_given"]), list(_NAMES["french_surnames"]))
_RUSSIAN = (list(_NAMES["russian_given"]), list(_NAMES["russian_surnames"]))
_JAPANESE_GIVEN = list(_NAMES["japanese_given"])
_JAPANESE_SURNAMES = list(_NAMES["japanese_surnames"])


def person_name(rng: random.Random) -> str:
    """A Chinese name: a surname as common as in the census, then one or (mostly) two characters."""
    surname = rng.choices(SURNAMES, cum_weights=_SURNAME_WEIGHTS)[0]
    given = rng.choice(GIVEN) if rng.random() < 0.25 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return surname + given


def _foreign_author(rng: random.Random, country: str) -> tuple[str, str]:
    """(name as the title page prints it, the name access point) in Chinese transliteration:
    a Western author is entered under the surname, a Japanese one under the whole name."""
    if country == "日":
        name = rng.choice(_JAPANESE_SURNAMES) + rng.choice(_JAPANESE_GIVEN)
        return name, name
    given, surnames = {"法": _FRENCH, "俄": _RUSSIAN}.get(country, (_WESTERN_GIVEN, _WESTERN_SURNAMES))
    surname = rng.choice(surnames)
    return f"{rng.choice(given)}·{surname}", surname


# --- publishers --------------------------------------------------------------------------

# ISBN publisher prefix (after 978-7-), name, city. Real prefixes of real publishers.
PUBLISHERS: dict[str, tuple[str, str]] = {
    prefix: (name, city) for prefix, name, city in wordlists.table("publishers.txt", 3)
}
_PROVINCE = {code: name for code, name in wordlists.table("provinces.txt", 2)}
# Numbers within a publisher's block are handed out in this stride (prime to 10, so
# every number of the block comes up once) from a random start, digits reversed: unique,
# and not visibly one after another.
_ISBN_STRIDE = 7919
_BIG_PUBLISHERS = ("02", "01", "03", "04")  # where a title goes when its publisher's block is used up


def isbn13(prefix: str, number: int) -> str:
    """978-7-prefix-number-check, hyphenated as printed; the number fills the nine digits after 978-7."""
    body = f"9787{prefix}{number:0{8 - len(prefix)}d}"
    check = (10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body)) % 10) % 10
    return f"978-7-{prefix}-{body[4 + len(prefix) :]}-{check}"


# --- title vocabulary ----------------------------------------------------------------------

_WORDS = wordlists.sections("title_words.txt")
_PATTERNS = wordlists.sections("title_patterns.txt")
# A second word of the same kind in one title: {w}与{v}, {a}和{a2}, {t}的{u}; t is the subject's own words.
_SAME_KIND = {"v": "w", "w2": "w", "a2": "a", "u": "t"}


@dataclass(frozen=True)
class _Subject:
    """One shelf of the library: its class, share of titles, how its titles are made."""

    clc: str
    weight: int  # per mille of generated titles
    collection: str
    headings: tuple[str, ...]  # 606: "$a" then "$x/$y/$z" subdivisions, written as in MARC
    patterns: str
    words: tuple[str, ...]
    publishers: tuple[str, ...]
    pages: tuple[int, int]
    country: str = ""  # a translated work's country: (美), (日) ...


def _s(
    clc: str,
    weight: str,
    collection: str,
    headings: str,
    patterns: str,
    words: str,
    publishers: str,
    pages: str = "",
    country: str = "",
) -> _Subject:
    low, high = (pages or "180-420").split("-")
    return _Subject(
        clc,
        int(weight),
        collection,
        tuple(headings.split()),
        patterns,
        tuple(words.split()),
        tuple(publishers.split()),
        (int(low), int(high)),
        country,
    )


SUBJECTS: tuple[_Subject, ...] = tuple(_s(*row) for row in wordlists.table("subjects.txt", 9))

# 古籍室: (title, responsibility, class, facsimile publishers); editions vary, the works do not.
CLASSICS = tuple(list(row) for row in wordlists.table("classics.txt", 4))


@dataclass(frozen=True)
class _Famous:
    title: str
    responsibility: str
    people: str  # "曹雪芹/著 高鹗/著": name access points with their roles (translators go to 702)
    prefix: str
    year: int
    clc: str
    pages: int
    price: str
    volumes: int = 1
    collection: str = GENERAL
    heading: str = "长篇小说$y中国$z当代"


def _f(
    title: str,
    responsibility: str,
    people: str,
    prefix: str,
    year: str,
    clc: str,
    pages: str,
    price: str,
    volumes: str,
    collection: str,
    heading: str,
) -> _Famous:
    return _Famous(
        title,
        responsibility,
        people,
        prefix,
        int(year),
        clc,
        int(pages),
        price,
        int(volumes or 1),
        collection or GENERAL,
        heading or "长篇小说$y中国$z当代",
    )


FAMOUS = tuple(_f(*row) for row in wordlists.table("famous.txt", 11))
_AUDIO_OF = ("平凡的世界", "活着", "三体", "白鹿原", "围城", "骆驼祥子", "红楼梦", "苏东坡传", "朝花夕拾", "边城")
_NARRATORS = list(_NAMES["narrators"])
# The devices of the 盲人数字阅读推广工程 and the DAISY players before them.
DEVICES = (("智能听书机", 2017, "680.00", 12), ("DAISY有声读物播放器", 2014, "1200.00", 4))

_SERIES = {key: name for key, name in wordlists.table("series.txt", 2)}
# 101$c, the original language of a translation, by the country the title page names.
_LANGUAGES = {"日": "jpn", "法": "fre", "俄": "rus", "苏": "rus", "德": "ger", "哥伦比亚": "spa", "以色列": "heb"}
_EDITIONS = ("第2版", "第2版", "第3版", "修订版", "新1版", "增订本")
_SIZES = ("21cm", "23cm", "23cm", "24cm", "26cm")
_KIND_NAMES = ("著", "著", "著", "著", "主编", "编著", "编")
_AUTHORED = {"novel", "short", "essay", "poem", "kids", "bio"}  # written by one author, never "编"


# --- the generator ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Title:
    """One generated title: its CNMARC record (no holdings yet) and how a library holds it."""

    record: Record
    clc_class: str | None
    collection: str
    year: int
    volumes: int  # a set shelved as one call number with :1, :2 ...
    copies: int  # copies of the whole set a county library would buy
    item_type: str = "book"


class _Words(dict):
    """Fills one title pattern, drawing each placeholder only when the pattern uses it."""

    def __init__(self, rng: random.Random, words: tuple[str, ...]) -> None:
        super().__init__()
        self.rng = rng
        self.words = words

    def __missing__(self, key: str) -> str:
        kind = _SAME_KIND.get(key, key)
        pool = self.words if kind == "t" else _WORDS[kind]
        value = self.rng.choice(pool)
        if value in self.values() and len(pool) > 1:  # 月光月光, 刺猬和刺猬
            value = self.rng.choice(pool)
        self[key] = value
        return value


class CatalogueGenerator:
    """Makes titles one after another; keeps the state that must not repeat (record numbers, ISBNs)."""

    def __init__(self, rng: random.Random, *, latest_year: int = 2025, first_number: int = 1) -> None:
        self.rng = rng
        self.latest_year = latest_year
        self.number = first_number
        self._isbn_used: dict[str, int] = {}
        self._isbn_start: dict[str, int] = {}
        self._cum_weights = tuple(accumulate(s.weight for s in SUBJECTS))

    def titles(self, count: int) -> Iterator[Title]:
        """``count`` titles: the famous ones and the listening devices first, then a realistic mix."""
        famous = (self._famous(f) for f in FAMOUS)
        devices = (self._device(*d) for d in DEVICES)
        return islice(chain(famous, devices, self._mix()), count)

    def _mix(self) -> Iterator[Title]:
        """Endless titles: 2% classics for the 古籍室, 1% audiobooks, the rest by subject weight."""
        while True:
            roll = self.rng.random()
            if roll < 0.02:
                yield self._classic()
            elif roll < 0.03:
                yield self._audiobook()
            else:
                yield self._subject(self.rng.choices(SUBJECTS, cum_weights=self._cum_weights)[0])

    # -- the kinds of title

    def _subject(self, subject: _Subject) -> Title:
        rng = self.rng
        title = rng.choice(_PATTERNS[subject.patterns]).format_map(_Words(rng, subject.words))
        people: list[tuple[str, str, str]] = []
        if subject.country:
            shown, surname = _foreign_author(rng, subject.country)
            translator = person_name(rng)
            responsibility = f"({subject.country}){shown}著 ; {translator}译"
            people += [("701", surname, "著"), ("702", translator, "译")]
        elif subject.collection == LOCAL and rng.random() < 0.3:
            body = rng.choice(
                ("醴陵市政协文史学习委员会", "醴陵市地方志编纂委员会", "醴陵市文化旅游广电体育局", "醴陵市陶瓷行业协会")
            )
            responsibility = f"{body}编"
            people.append(("711", body, "编"))
        elif subject.patterns in _AUTHORED:
            name = person_name(rng)
            responsibility = f"{name}著"
            people.append(("701", name, "著"))
        else:
            role = rng.choice(_KIND_NAMES)
            names = [person_name(rng) for _ in range(1 if rng.random() < 0.8 else 2)]
            responsibility = ", ".join(names) + role
            people += [("701", name, role) for name in names]
        year = self._year()
        low, high = subject.pages
        volumes = 1 if rng.random() < 0.97 else rng.randint(2, 4)
        copies = rng.choices((1, 2, 3, 4, 5), (60, 25, 9, 4, 2))[0]
        if subject.collection in (LOCAL, CERAMICS):
            copies = min(copies, 2)
        record = self._record(
            title=title,
            responsibility=responsibility,
            people=people,
            prefix=rng.choice(subject.publishers),
            year=year,
            clc=subject.clc,
            pages=rng.randint(low, high) * volumes,
            volumes=volumes,
            headings=subject.headings[: 1 + (rng.random() < 0.3)],
            series=_SERIES.get(subject.clc) if rng.random() < 0.15 else None,
            edition=rng.choice(_EDITIONS) if rng.random() < 0.08 else None,
            audience="c  " if subject.collection == CHILDREN else "m  ",
            original_language=subject.country,
        )
        return Title(record, subject.clc, subject.collection, year, volumes, copies)

    def _famous(self, famous: _Famous) -> Title:
        people = []
        for part in famous.people.split():
            name, role = part.split("/")
            people.append(("702" if role == "译" else "711" if name.endswith(("会", "社")) else "701", name, role))
        country = ""
        if famous.responsibility.endswith("译"):  # (美)海明威著 ; 吴劳译; 林语堂 wrote 苏东坡传 in English
            named = re.match(r"\(([^)]*)\)", famous.responsibility)
            country = (named[1] if named else "") or "英"
        year = min(famous.year, self.latest_year)
        record = self._record(
            title=famous.title,
            responsibility=famous.responsibility,
            people=people,
            prefix=famous.prefix,
            year=year,
            clc=famous.clc,
            pages=famous.pages,
            price=famous.price,
            volumes=famous.volumes,
            headings=(famous.heading,),
            series=None,
            edition=None,
            audience="c  " if famous.collection == CHILDREN else "m  ",
            original_language=country,
        )
        return Title(record, famous.clc, famous.collection, year, famous.volumes, self.rng.randint(3, 6))

    def _classic(self) -> Title:
        rng = self.rng
        title, responsibility, clc, publishers = rng.choice(CLASSICS)
        volumes = rng.choice((1, 1, 2, 2, 4, 6))
        year = rng.randint(1982, min(2016, self.latest_year))
        people = [("701", _bare_name(responsibility), "著")] if responsibility else []
        record = self._record(
            title=title,
            responsibility=responsibility,
            people=people,
            prefix=rng.choice(publishers.split()),
            year=year,
            clc=clc,
            pages=rng.randint(200, 400) * volumes,
            volumes=volumes,
            headings=("古籍$y中国",),
            series=None,
            edition=rng.choice(("影印本", "线装本", "点校本")),
            audience="k  ",
            original_language="",
        )
        return Title(record, clc, ANCIENT, year, volumes, 1)

    def _audiobook(self) -> Title:
        rng = self.rng
        if rng.random() < 0.5:
            title = rng.choice(_AUDIO_OF)
            famous = next(f for f in FAMOUS if f.title == title)
            author, clc = famous.responsibility, famous.clc
        else:
            title = rng.choice(_PATTERNS["novel"]).format_map(_Words(rng, ()))
            author, clc = person_name(rng) + "著", "I247.5"
        narrator = rng.choice(_NARRATORS)
        year = self._year()
        record = self._base(leader_type="i", year=year, audience="m  ", original_language="")
        title_field = _title_field(title, author)
        title_field.add_subfield("b", "录音制品", pos=1)
        title_field.add_subfield("g", f"{narrator}演播")
        record.add_field(
            _field("010", d=f"CNY{rng.choice((30, 45, 60, 80))}.00"),
            title_field,
            _field("210", a="北京", c="中国盲文出版社", d=str(year)),
            _field("215", a="1张存储卡", c=f"数字(约{rng.randint(6, 40)}小时)"),
            _field("606", "0 ", a="有声读物"),
            _field("690", a=clc, v="5"),
            _field("701", " 0", a=_bare_name(author), **{"4": "著"}),
            _field("702", " 0", a=narrator, **{"4": "演播"}),
        )
        return Title(record, clc, AUDIO, year, 1, rng.choice((1, 1, 2)), "audiobook")

    def _device(self, name: str, year: int, price: str, count: int) -> Title:
        year = min(year, self.latest_year)
        record = self._base(leader_type="r", year=year, audience="m  ", original_language="")
        record.add_field(
            _field("010", d=f"CNY{price}"),
            _field("200", "1 ", a=name, b="实物", f="中国盲文出版社监制"),
            _field("210", a="北京", c="中国盲文出版社", d=str(year)),
            _field("215", a="1台", c="附充电器、耳机"),
            _heading("盲人读物$x播放器"),
            _field("711", "02", a="中国盲文出版社", **{"4": "监制"}),
        )
        return Title(record, None, DEVICE, year, 1, count, "listening_device")

    # -- pieces

    def _year(self) -> int:
        """Publication years as a public library's stock has them: mostly recent, a tail of older ones."""
        return max(1980, self.latest_year - int(self.rng.expovariate(1 / 6)))

    def _isbn(self, prefix: str) -> tuple[str, str]:
        """(publisher prefix, ISBN): the publisher's next unused number. A publisher whose block
        is used up passes the title to a big one, so ISBNs stay unique even at the scale
        benchmark's 600,000 records."""
        capacity = 10 ** (8 - len(prefix))
        used = self._isbn_used.get(prefix, 0)
        if used >= capacity:
            return self._isbn(next(p for p in _BIG_PUBLISHERS if self._isbn_used.get(p, 0) < 10**6))
        start = self._isbn_start.setdefault(prefix, self.rng.randrange(capacity))
        self._isbn_used[prefix] = used + 1
        digits = f"{(start + used * _ISBN_STRIDE) % capacity:0{8 - len(prefix)}d}"
        return prefix, isbn13(prefix, int(digits[::-1]))  # reversed: the numbers of a run differ at the front

    def _base(self, *, leader_type: str, year: int, audience: str, original_language: str) -> Record:
        """Leader, 001 and the coded fields every record has."""
        rng = self.rng
        record = Record(leader=f"00000n{leader_type}m0a2200000   450 ", force_utf8=True)
        entered = f"{max(year, 2015)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        # 100$a: date entered, d + year, audience, not a government publication, Chinese, character set 50 (UTF-8)
        general = f"{entered}d{year}    {audience}y0chiy50      ea"
        language = _field("101", "1 " if original_language else "0 ", a="chi")
        if original_language:
            language.add_subfield("c", _LANGUAGES.get(original_language, "eng"))
        record.add_field(Field(tag="001", data=f"LL{self.number:09d}"), _field("100", a=general), language)
        self.number += 1
        return record

    def _record(
        self,
        *,
        title: str,
        responsibility: str,
        people: list[tuple[str, str, str]],
        prefix: str,
        year: int,
        clc: str,
        pages: int,
        volumes: int,
        headings: tuple[str, ...],
        series: str | None,
        edition: str | None,
        audience: str,
        original_language: str,
        price: str | None = None,
    ) -> Record:
        rng = self.rng
        record = self._base(leader_type="a", year=year, audience=audience, original_language=original_language)
        prefix, isbn = self._isbn(prefix)
        publisher, place = PUBLISHERS[prefix]
        price = price or _price(rng, pages)
        record.add_field(
            _field("010", a=isbn, d=f"CNY{price}"),
            _field("102", a="CN", b=_PROVINCE[place]),
            _title_field(title, responsibility),
        )
        if edition:
            record.add_field(_field("205", a=edition))
        extent = f"{volumes}册({pages}页)" if volumes > 1 else f"{pages}页"
        physical = _field("215", a=extent, d=rng.choice(_SIZES))
        if rng.random() < 0.3:
            physical.add_subfield("c", rng.choice(("图", "彩图", "照片")), pos=1)
        record.add_field(_field("210", a=place, c=publisher, d=str(year)), physical)
        if series:
            record.add_field(_field("225", "2 ", a=series))
        for heading in headings:
            record.add_field(_heading(heading))
        record.add_field(_field("690", a=clc, v="5"))
        for tag, name, role in people:
            record.add_field(_field(tag, "02" if tag == "711" else " 0", a=name, **{"4": role}))
        return record


def _title_field(title: str, responsibility: str) -> Field:
    """200 1#: $a title, $f first statement of responsibility, $g the translator's."""
    first, _, further = responsibility.partition(" ; ")
    field = _field("200", "1 ", a=title)
    if first:
        field.add_subfield("f", first)
    if further:
        field.add_subfield("g", further)
    return field


def _heading(text: str) -> Field:
    """606 0# from "长篇小说$y中国$z当代"."""
    main, *subdivisions = text.split("$")
    return Field(
        tag="606",
        indicators=Indicators("0", " "),
        subfields=[Subfield("a", main), *(Subfield(part[0], part[1:]) for part in subdivisions)],
    )


def _field(tag: str, indicators: str = "  ", **subfields: str) -> Field:
    return Field(tag=tag, indicators=Indicators(*indicators), subfields=[Subfield(c, v) for c, v in subfields.items()])


def _bare_name(responsibility: str) -> str:
    """曹雪芹 from "(清)曹雪芹著": the name access point from a statement of responsibility."""
    return re.sub(r"^\([^)]*\)|(等)?(著|撰|编著|编|修|演播)$", "", responsibility.split(",")[0].split(" ; ")[0])


def _price(rng: random.Random, pages: int) -> str:
    """What Chinese books cost: about 0.12 yuan a page, ending in .00, .80, .50 or .90."""
    yuan = max(8, int(pages * rng.uniform(0.09, 0.16)))
    return f"{yuan}.{rng.choice(('00', '00', '00', '80', '50', '90'))}"


def generate_titles(rng: random.Random, count: int, *, latest_year: int = 2025) -> Iterator[Title]:
    """``count`` realistic titles, deterministic for the state of ``rng``."""
    return CatalogueGenerator(rng, latest_year=latest_year).titles(count)


def generate_records(rng: random.Random, count: int, *, latest_year: int = 2025) -> Iterator[Record]:
    """Just the CNMARC records of ``generate_titles``."""
    return (title.record for title in generate_titles(rng, count, latest_year=latest_year))


# --- copies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Copy:
    """One item: where it stands, its barcode and call number, and what has happened to it."""

    barcode: str
    branch: str  # branch code
    location: str | None  # location code
    call_class: str | None
    book_number: int | None
    volume: int | None
    item_type: str
    status: str
    acquired_on: str
    source: str

    @property
    def call_number(self) -> str | None:
        if self.call_class is None:
            return None
        text = f"{self.call_class}/{self.book_number}"
        return f"{text}:{self.volume}" if self.volume else text


# (branch code, location code, weight): where copies of one collection go.
Shelves = Mapping[str, Sequence[tuple[str, str | None, float]]]
_ACQUIRED_FROM = dt.date(2015, 1, 1)
_PROCESSING_DAYS = 14  # copies bought this recently are still at the cataloguing desk
# How copies came to the library (item source), as (choices, weights).
_SOURCES = {
    LOCAL: (("征集", "捐赠", "采购"), (5, 3, 2)),
    ANCIENT: (("采购", "捐赠"), (6, 4)),
    DEVICE: (("调拨",), (1,)),
}
_BOOK_SOURCES = (("采购", "捐赠", "调拨"), (90, 8, 2))
_LATER_STATUSES = (("available", "damaged", "missing"), (96, 2, 2))


class Shelver:
    """Gives each title its call number (a running 种次号 per class), its copies' barcodes
    (one fixed-width number after another) and their places, acquisition dates and statuses."""

    def __init__(
        self,
        rng: random.Random,
        shelves: Shelves,
        *,
        today: dt.date,
        first_barcode: int = 1,
        barcode_width: int = BARCODE_WIDTH,
    ) -> None:
        self.rng = rng
        self.today = today
        self.barcode = first_barcode
        self.width = barcode_width
        self.book_numbers: dict[str, int] = {}
        self.shelves = {kind: (places, tuple(accumulate(w for *_, w in places))) for kind, places in shelves.items()}

    def copies(self, title: Title) -> list[Copy]:
        rng = self.rng
        number = None
        if title.clc_class:
            number = self.book_numbers[title.clc_class] = self.book_numbers.get(title.clc_class, 0) + 1
        acquired = self._acquired(title.year)
        places, weights = self.shelves[title.collection]
        sources, source_weights = _SOURCES.get(title.collection, _BOOK_SOURCES)
        made = []
        for _ in range(title.copies):
            branch, location, _weight = rng.choices(places, cum_weights=weights)[0]
            source = rng.choices(sources, source_weights)[0]
            for volume in range(1, title.volumes + 1):
                made.append(
                    Copy(
                        barcode=f"{self.barcode:0{self.width}d}",
                        branch=branch,
                        location=location,
                        call_class=title.clc_class,
                        book_number=number,
                        volume=volume if title.volumes > 1 else None,
                        item_type=title.item_type,
                        status=self._status(acquired),
                        acquired_on=acquired.isoformat(),
                        source=source,
                    )
                )
                self.barcode += 1
        return made

    def _acquired(self, year: int) -> dt.date:
        start = min(max(_ACQUIRED_FROM, dt.date(year, 1, 1)), self.today)
        return start + dt.timedelta(days=self.rng.randrange((self.today - start).days + 1))

    def _status(self, acquired: dt.date) -> str:
        if (self.today - acquired).days < _PROCESSING_DAYS:
            return "processing"
        return self.rng.choices(*_LATER_STATUSES)[0]


def holding_fields(copies: Iterable[Copy]) -> list[Field]:
    """905 local holdings as suppliers send them: $a branch $b barcode $c location $d class $e 种次号 $f volume."""
    fields = []
    for copy in copies:
        field = _field("905", a=copy.branch, b=copy.barcode)
        if copy.location:
            field.add_subfield("c", copy.location)
        if copy.call_class:
            field.add_subfield("d", copy.call_class)
            field.add_subfield("e", str(copy.book_number))
        if copy.volume:
            field.add_subfield("f", str(copy.volume))
        fields.append(field)
    return fields


# --- the demo step ---------------------------------------------------------------------------

# The central library's rooms (presets) and which collection each takes.
_CENTRAL = {CHILDREN: "ZG-SE", LOCAL: "ZG-DF", ANCIENT: "ZG-GJ", CERAMICS: "ZG-TC", AUDIO: "ZG-MR", DEVICE: "ZG-MR"}
_LENDING = "ZG-WJ"


def demo_shelves(session: Session) -> dict[str, list[tuple[str, str | None, float]]]:
    """Where the demo's copies go: the central rooms take most, each branch some.

    A branch without a location gets one named after it (code = branch code), as the
    preset branches have, so that its copies have a shelf.
    """
    preset = {branch.code for branch in presets.BRANCHES}
    branches = [b for b in list_branches(session) if b.active]
    have = {location.branch_code for location in list_locations()}
    for branch in branches:
        if branch.code not in have:
            add_location(session, branch=branch.code, code=branch.code, name=branch.name)
    first_location: dict[str, str | None] = {}
    for location in list_locations():
        first_location.setdefault(location.branch_code, location.code)
    outside: list[tuple[str, str | None, float]] = []
    for branch in branches:
        if branch.kind == "central":
            continue
        weight = {"van": 5.0, "self_service": 4.0}.get(branch.kind, 4.0 if branch.code in preset else 1.5)
        outside.append((branch.code, first_location[branch.code], weight))
    central = next(b.code for b in branches if b.kind == "central")
    shelves: dict[str, list[tuple[str, str | None, float]]] = {
        kind: [(central, code, 1.0)] for kind, code in _CENTRAL.items()
    }
    shelves[GENERAL] = [(central, _LENDING, 55.0), *outside]
    shelves[CHILDREN] = [(central, _CENTRAL[CHILDREN], 45.0), *((b, code, w / 2) for b, code, w in outside)]
    shelves[LOCAL] = [(central, _CENTRAL[LOCAL], 85.0), (central, _LENDING, 15.0)]
    shelves[CERAMICS] = [(central, _CENTRAL[CERAMICS], 80.0), (central, _LENDING, 20.0)]
    return shelves


def add_catalogue(session: Session, rng: random.Random, *, count: int = DEMO_TITLES) -> None:
    """The ``ils demo`` step: ``count`` titles and their copies, through the catalogue's own bulk path.

    Each batch is prepared outside the transaction, then stored in one write: records
    (``records.insert_prepared``), their copies (``items.insert_item``) and the 种次号
    ledger, every record and item journaled as an import would.
    """
    session.require(Permission.CATALOGUE)
    today = session.now().date()
    shelver = Shelver(rng, demo_shelves(session), today=today)
    branch_ids = dict(Branch.select(Branch.code, Branch.id).tuples())
    location_ids = dict(Location.select(Location.code, Location.id).tuples())
    titles = generate_titles(rng, count, latest_year=today.year - 1)  # this year's books are still on order
    while batch := list(islice(titles, _BATCH)):
        prepared = []
        for title in batch:
            copies = shelver.copies(title)
            title.record.add_field(*holding_fields(copies))
            prepared.append((records.prepare(title.record, CNMARC), title.volumes, copies))
        _store(session, prepared, branch_ids, location_ids)


def _store(
    session: Session,
    prepared: list[tuple[records.PreparedRecord, int, list[Copy]]],
    branch_ids: dict[str, str],
    location_ids: dict[str, str],
) -> None:
    library = session.library
    now = library.now_text()
    with session.write() as writer:
        doc = records.next_doc(library)
        ledger = []
        for record, volumes, copies in prepared:
            bib_id = records.insert_prepared(writer, library, record, doc=doc, source="demo")
            doc += 1
            columns = record.columns
            if columns["call_class"]:
                ledger.append((columns["call_class"], int(str(columns["book_number"])), bib_id, library.node_id, now))
            price = items.parse_price(record.fields.price)
            for copy in copies:
                call_number, shelf_key = items.clean_call_number(copy.call_number)
                items.insert_item(
                    writer,
                    bib_id=bib_id,
                    barcode=copy.barcode,
                    branch_id=branch_ids[copy.branch],
                    location_id=location_ids[copy.location] if copy.location else None,
                    call_number=call_number,
                    shelf_key=shelf_key,
                    now=now,
                    item_type=copy.item_type,
                    status=copy.status,
                    price_fen=None if price is None else price // volumes,
                    acquired_on=copy.acquired_on,
                    source=copy.source,
                )
        fields = [BookNumber.clc_class, BookNumber.number, BookNumber.bib, BookNumber.node_id, BookNumber.assigned_at]
        for start in range(0, len(ledger), 100):
            BookNumber.insert_many(ledger[start : start + 100], fields=fields).execute()
