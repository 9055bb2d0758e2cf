"""The bibliographic facts a catalogue needs, pulled out of a CNMARC or MARC21 record.

The import, duplicate check and spine labels all want the same handful of
values (title, ISBN, 中图法 class, holdings); extracting them once here keeps
each consumer from knowing which tag and subfield holds what in which format.

Local holdings layout (CNMARC 905, the Chinese convention; DOMAIN.md §3):

    $a holding library code   $b barcode (册条码)   $c shelving location
    $d class part of the call number   $e book number (种次号/著者号)
    $f volume / copy (辅助区分号)   $s whole call number (some systems, e.g. the dp2 sample)

The call number is ``$s`` when present, else ``$d/$e`` plus ``:$f`` when
there is a volume. 905 carries no per-copy price, so ``Holding.price`` is
``None`` for CNMARC; the title's price is in ``BibFields.price`` (010$d).
MARC21 holdings come from Koha's 952 ($a home library, $c location, $o call
number, $p barcode, $g price) or standard 852 ($b library, $c location,
$h/$i call number, $p barcode, $9 price).
"""

from __future__ import annotations

from dataclasses import dataclass

from pymarc import Field, Record

from ils.catalogue.callnumbers import normalise_class
from ils.errors import Invalid

CNMARC = "cnmarc"
MARC21 = "marc21"

_ISBD_TAIL = " /:;,.="


@dataclass(frozen=True)
class Holding:
    """One physical copy as the supplier or source system described it."""

    barcode: str | None
    library: str | None
    location: str | None
    call_number: str | None
    price: str | None


@dataclass(frozen=True)
class BibFields:
    """The searchable and printable facts of one bibliographic record."""

    title: str | None
    parallel_title: str | None
    other_title: str | None
    responsibility: str | None
    authors: tuple[str, ...]
    publisher: str | None
    place: str | None
    year: str | None
    isbns: tuple[str, ...]
    clc_class: str | None
    subjects: tuple[str, ...]
    series: str | None
    price: str | None
    material_type: str | None
    edition: str | None
    holdings: tuple[Holding, ...]
    part: str | None = None
    """Number and name of the part (CNMARC 200 $h $i, MARC21 245 $n $p): 上册, 第1卷, Volume 2."""


def clean(value: str | None) -> str | None:
    """Strip ISBD punctuation that cataloguers type before the next element.

    ' /', ' :', ';', '=' and a final '.' belong to the display, not the value;
    keeping them would make duplicate checks and sorting see two titles.
    """
    if value is None:
        return None
    text = value.strip().rstrip(_ISBD_TAIL).strip()
    return text or None


class _DataFields:
    """A record's data fields by tag, gathered in one pass: extraction asks for a dozen tags,
    and ``Record.get_fields`` walks every field of the record for each."""

    def __init__(self, record: Record) -> None:
        self.fields = [field for field in record.fields if not field.control_field]
        self.by_tag: dict[str, list[Field]] = {}
        for field in self.fields:
            self.by_tag.setdefault(field.tag, []).append(field)

    def get_fields(self, *tags: str) -> list[Field]:
        """The data fields with any of ``tags``, in the record's order."""
        if len(tags) == 1:
            return self.by_tag.get(tags[0], [])
        return [field for field in self.fields if field.tag in tags]


def _first(record: _DataFields, tags: tuple[str, ...], code: str) -> str | None:
    for field in record.get_fields(*tags):
        for value in field.get_subfields(code):
            if cleaned := clean(value):
                return cleaned
    return None


def _all(record: _DataFields, tags: tuple[str, ...], code: str) -> tuple[str, ...]:
    values: list[str] = []
    for field in record.get_fields(*tags):
        for value in field.get_subfields(code):
            if (cleaned := clean(value)) and cleaned not in values:
                values.append(cleaned)
    return tuple(values)


def _names(record: _DataFields, tags: tuple[str, ...], codes: str) -> tuple[str, ...]:
    """Name access points, main entry first. CNMARC splits some names into $a (entry
    element) and $b (the rest); Chinese names are written together (曹 + 雪芹 → 曹雪芹),
    Western ones with a comma (Smith, John)."""
    names: list[str] = []
    for field in record.get_fields(*tags):
        parts = [c for v in field.get_subfields(*codes) if (c := clean(v))]
        if not parts:
            continue
        joiner = ", " if all(p.isascii() for p in parts) else ""
        name = joiner.join(parts)
        if name not in names:
            names.append(name)
    return tuple(names)


def _joined(field, codes: str) -> str | None:
    parts = [c for v in field.get_subfields(*codes) if (c := clean(v))]
    return " ; ".join(parts) or None


def extract(record: Record, fmt: str) -> BibFields:
    """Read the catalogue facts out of ``record`` laid out as ``fmt`` ('cnmarc' or 'marc21')."""
    fields = _DataFields(record)
    return _cnmarc(fields, record) if fmt == CNMARC else _marc21(fields, record)


def _cnmarc(fields: _DataFields, record: Record) -> BibFields:
    title_field = next(iter(fields.get_fields("200")), None)
    responsibility = _joined(title_field, "fg") if title_field else None
    return BibFields(
        title=_first(fields, ("200",), "a"),
        parallel_title=_first(fields, ("200",), "d"),
        other_title=_first(fields, ("200",), "e"),
        responsibility=responsibility,
        authors=_names(fields, ("700", "701", "702", "710", "711", "712"), "ab"),
        publisher=_first(fields, ("210",), "c"),
        place=_first(fields, ("210",), "a"),
        year=_first(fields, ("210",), "d"),
        isbns=_all(fields, ("010",), "a"),
        clc_class=_first(fields, ("690",), "a"),
        subjects=_all(fields, ("606",), "a"),
        series=_first(fields, ("225",), "a"),
        price=_first(fields, ("010",), "d"),
        material_type=_material_type(record),
        edition=_first(fields, ("205",), "a"),
        holdings=tuple(_holding_905(f) for f in fields.get_fields("905")),
        part=_joined(title_field, "hi") if title_field else None,
    )


def _marc21(fields: _DataFields, record: Record) -> BibFields:
    title_field = next(iter(fields.get_fields("245")), None)
    publication = ("260", "264")
    clc = None
    for field in fields.get_fields("084"):
        if (field.get("2") or "").strip().lower() == "clc":
            clc = clean(field.get("a"))
            break
    holdings = [_holding_952(f) for f in fields.get_fields("952")]
    holdings += [_holding_852(f) for f in fields.get_fields("852")]
    return BibFields(
        title=_first(fields, ("245",), "a"),
        parallel_title=None,
        other_title=_first(fields, ("245",), "b"),
        responsibility=clean(title_field.get("c")) if title_field else None,
        authors=_names(fields, ("100", "110", "111", "700", "710", "711"), "a"),
        publisher=_first(fields, publication, "b"),
        place=_first(fields, publication, "a"),
        year=_first(fields, publication, "c"),
        isbns=_all(fields, ("020",), "a"),
        clc_class=clc,
        subjects=_all(fields, ("650",), "a"),
        series=_first(fields, ("490",), "a"),
        price=_first(fields, ("020",), "c"),
        material_type=_material_type(record),
        edition=_first(fields, ("250",), "a"),
        holdings=tuple(holdings),
        part=_joined(title_field, "np") if title_field else None,
    )


def _material_type(record: Record) -> str | None:
    """Leader/06-07 (type of record + bibliographic level), e.g. 'am' for a printed book."""
    leader = str(record.leader or "")
    kind = leader[6:8].strip()
    return kind or None


def _sub(field, code: str) -> str | None:
    return clean(field.get(code))


def _holding_905(field) -> Holding:
    call = _sub(field, "s")
    if call is None:
        parts = [p for p in (_sub(field, "d"), _sub(field, "e")) if p]
        call = "/".join(parts) or None
        if call and (volume := _sub(field, "f")):
            call = f"{call}:{volume}"
    return Holding(
        barcode=_sub(field, "b"),
        library=_sub(field, "a"),
        location=_sub(field, "c"),
        call_number=call,
        price=None,
    )


def _holding_952(field) -> Holding:
    return Holding(
        barcode=_sub(field, "p"),
        library=_sub(field, "a"),
        location=_sub(field, "c"),
        call_number=_sub(field, "o"),
        price=_sub(field, "g"),
    )


def _holding_852(field) -> Holding:
    return Holding(
        barcode=_sub(field, "p"),
        library=_sub(field, "b"),
        location=_sub(field, "c"),
        call_number=_call_852(_sub(field, "h"), _sub(field, "i")),
        price=_sub(field, "9"),
    )


def _call_852(class_part: str | None, item_part: str | None) -> str | None:
    """852 splits a call number into $h (class) and $i (item part). A 中图法 class is
    followed by "/" and its book number (I247.5/12), as on the spine; other schemes
    (LC: QA76.73 .P98) are joined with a space."""
    if not (class_part and item_part):
        return class_part or item_part
    try:
        normalise_class(class_part)
    except Invalid:
        return f"{class_part} {item_part}"
    return f"{class_part}/{item_part}"
