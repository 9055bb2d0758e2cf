"""MARC export of chosen records, with their copies written back as holdings fields.

A record is stored without its local holdings (``records``): the items are the truth
about copies. Export writes each item back into the record as CNMARC 905 or MARC21 852,
so another system (or this one, importing again) gets the copies with the record:

- 905: $a branch code, $b barcode, $c location code, $d class, $e book number,
  $f volume, $s the whole call number (which ``marc_fields`` prefers on import);
- 852: $b branch code, $c location code, $h class, $i the rest of the call number
  after the class, $p barcode, $9 price.

A call number that does not parse as 中图法 class + book number goes whole into 905$s
or 852$h.

Character sets, and what the records say about them:

- UTF-8, ISO 2709: leader/09 'a'; CNMARC 100$a/26-29 '50  ' (ISO 10646).
- GBK, ISO 2709: leader/09 blank; CNMARC 100$a/26-29 '0120' (ISO 646 + GB 2312,
  the value Chinese systems write for their GB files). MARC21 has no code for GBK, so
  a MARC21 record in GBK must be read back with the character set named
  (``ils catalogue import --encoding gbk``). A character GBK cannot hold (e.g. 𠮷,
  which only GB18030 has) refuses the export with the record's title and id: a GBK
  reader would show the GB18030 bytes as garbage, and the cataloguer can choose UTF-8
  or MARCXML instead.
- MARCXML, either encoding: the XML declaration names the encoding and an XML parser
  hands the text over as Unicode, so leader/09 is 'a' and 100$a says '50  '. A
  character GBK cannot hold is written as an XML character reference, which loses
  nothing.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN
from pymarc import Field, Indicators, Leader, RawField, Record, Subfield
from pymarc.marcxml import record_to_xml_node

from db.models import BibRecord, Branch, Item, Location
from ils.catalogue.callnumbers import CallNumber, parse_call_number
from ils.catalogue.items import get_item
from ils.catalogue.marc_fields import CNMARC
from ils.catalogue.marc_read import ISO2709, MARCXML
from ils.catalogue.records import record_from_json
from ils.errors import DatabaseProblem, Invalid, NotFound
from ils.permissions import Permission
from ils.session import Session

SERIALISATIONS = (ISO2709, MARCXML)
UTF8 = "utf-8"
GBK = "gbk"
ENCODINGS = (UTF8, GBK)

_MARCXML_NS = "http://www.loc.gov/MARC21/slim"
_ISO2709_LIMIT = 99_999  # five digits of record length in the leader
_CHARSET_100 = {UTF8: "50  ", GBK: "0120"}
_CHUNK = 500


@dataclass(frozen=True)
class _Copy:
    """An item as export writes it back: plain values, no live rows."""

    barcode: str
    branch_code: str
    location_code: str | None
    call_number: str | None
    price_fen: int | None


def all_bib_ids() -> list[str]:
    """Every live record, in the order they were catalogued: for exporting the whole catalogue."""
    query = BibRecord.select(BibRecord.id).where(BibRecord.deleted == False).order_by(BibRecord.doc)  # noqa: E712
    return [bib_id for (bib_id,) in query.tuples()]


def bib_ids_for_barcodes(barcodes: Sequence[str]) -> list[str]:
    """The records of the items with these barcodes, each once, in the order given."""
    return list(dict.fromkeys(get_item(barcode).bib_id for barcode in barcodes))


def export_records(
    session: Session, bib_ids: Sequence[str], *, serialisation: str = ISO2709, encoding: str = UTF8
) -> bytes:
    """The records ``bib_ids`` with their copies, as one ISO 2709 or MARCXML file's bytes."""
    session.require(Permission.CATALOGUE)
    if serialisation not in SERIALISATIONS:
        raise Invalid(
            "catalogue.export_unknown_format",
            "Unknown export format {format}; choose one of: {choices}.",
            format=serialisation,
            choices=", ".join(SERIALISATIONS),
        )
    key = encoding.strip().lower()
    if key not in ENCODINGS:
        raise Invalid(
            "catalogue.export_unknown_encoding",
            "Records can be exported in UTF-8 or GBK, not {encoding}.",
            encoding=encoding,
        )
    wanted = list(dict.fromkeys(bib_ids))
    if not wanted:
        raise Invalid("catalogue.export_nothing_chosen", "Choose at least one record to export.")
    # Each record is turned into bytes as soon as it is read, so exporting the whole
    # catalogue holds the file in memory, not 600,000 parsed records.
    if serialisation == MARCXML:
        parts = [_marcxml_record(row, record, key) for row, record in _records_with_copies(wanted)]
        data = _marcxml(parts, key)
    else:
        parts = [_iso2709(row, record, key) for row, record in _records_with_copies(wanted)]
        data = b"".join(parts)
    with session.write() as writer:
        writer.journal(
            "catalogue.export",
            "export",
            None,
            {
                "records": len(parts),
                "serialisation": serialisation,
                "encoding": key,
            },
        )
    return data


def write_export(data: bytes, path: Path) -> Path:
    """Write an export to ``path`` whole or not at all: a temporary file renamed into place.

    A half-written MARC file would look like a good one with records missing, and the
    library that reads it would not know.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise DatabaseProblem(
            "catalogue.export_cannot_write", "Cannot write to {path}: check the folder's permissions.", path=path
        ) from error
    return path


def _records_with_copies(bib_ids: list[str]) -> Iterator[tuple[BibRecord, Record]]:
    """Each record as stored, with its copies added as holdings fields, in the order asked."""
    for start in range(0, len(bib_ids), _CHUNK):
        chunk = bib_ids[start : start + _CHUNK]
        rows = {
            row.id: row
            for row in BibRecord.select(BibRecord.id, BibRecord.format, BibRecord.marc, BibRecord.title).where(
                BibRecord.id.in_(chunk) & (BibRecord.deleted == False)
            )
        }  # noqa: E712
        copies = _copies_of(chunk)
        for bib_id in chunk:
            row = rows.get(bib_id)
            if row is None:
                raise NotFound("catalogue.no_such_record_id", "There is no catalogue record {id}.", id=bib_id)
            record = record_from_json(row.marc)
            for copy in copies.get(bib_id, ()):
                record.add_field(_cnmarc_905(copy) if row.format == CNMARC else _marc21_852(copy))
            yield row, record


def _copies_of(bib_ids: list[str]) -> dict[str, list[_Copy]]:
    query = (
        Item.select(Item.bib, Item.barcode, Branch.code, Location.code, Item.call_number, Item.price_fen)
        .join(Branch)
        .switch(Item)
        .join(Location, JOIN.LEFT_OUTER)
        .where(Item.bib.in_(bib_ids))
        .order_by(Item.barcode)
        .tuples()
    )
    copies: dict[str, list[_Copy]] = {}
    for bib_id, barcode, branch_code, location_code, call_number, price_fen in query:
        copies.setdefault(bib_id, []).append(_Copy(barcode, branch_code, location_code, call_number, price_fen))
    return copies


def _parsed(call_number: str | None) -> CallNumber | None:
    if not call_number:
        return None
    try:
        return parse_call_number(call_number)
    except Invalid:
        return None


def _field(tag: str, pairs: list[tuple[str, str | None]]) -> Field:
    return Field(tag=tag, indicators=Indicators(" ", " "), subfields=[Subfield(c, v) for c, v in pairs if v])


def _cnmarc_905(copy: _Copy) -> Field:
    parsed = _parsed(copy.call_number)
    return _field(
        "905",
        [
            ("a", copy.branch_code),
            ("b", copy.barcode),
            ("c", copy.location_code),
            ("d", parsed.clc_class if parsed else None),
            ("e", parsed.book_number if parsed else None),
            ("f", parsed.volume if parsed else None),
            ("s", copy.call_number),
        ],
    )


def _marc21_852(copy: _Copy) -> Field:
    parsed = _parsed(copy.call_number)
    class_part: str | None
    item_part: str | None
    if parsed:
        class_part, item_part = parsed.clc_class, str(parsed).split("/", 1)[1]
    else:
        class_part, item_part = copy.call_number, None
    price = None if copy.price_fen is None else f"{copy.price_fen / 100:.2f}"
    return _field(
        "852",
        [
            ("b", copy.branch_code),
            ("c", copy.location_code),
            ("h", class_part),
            ("i", item_part),
            ("p", copy.barcode),
            ("9", price),
        ],
    )


def _mark_charset(record: Record, fmt: str, leader09: str, charset_100: str) -> None:
    """Make leader/09 and (CNMARC) 100$a/26-29 say what the bytes will be."""
    leader = str(record.leader)
    record.leader = Leader(leader[:9] + leader09 + leader[10:])
    if fmt != CNMARC:
        return
    for field in record.get_fields("100"):
        if not field.is_control_field() and (value := field.get("a")) is not None:
            padded = value.ljust(30)
            field["a"] = padded[:26] + charset_100 + padded[30:]


def _iso2709(row: BibRecord, record: Record, encoding: str) -> bytes:
    if encoding == UTF8:
        _mark_charset(record, row.format, "a", _CHARSET_100[UTF8])
        record.force_utf8 = True
        data = record.as_marc()
    else:
        _mark_charset(record, row.format, " ", _CHARSET_100[GBK])
        data = _gbk_record(row, record).as_marc()
    if len(data) > _ISO2709_LIMIT:
        raise Invalid(
            "catalogue.export_record_too_large",
            "The record {title} ({id}) is {size} bytes, more than ISO 2709 can hold; export it as MARCXML.",
            title=row.title,
            id=row.id,
            size=len(data),
        )
    return data


def _gbk_record(row: BibRecord, record: Record) -> Record:
    """The record with every field already encoded as GBK bytes, which pymarc writes as they are."""
    raw = Record(leader=str(record.leader), to_unicode=False)
    try:
        for field in record.fields:
            if field.is_control_field():
                # A RawField holds bytes, which pymarc writes as they are; its hints say str.
                raw.add_field(RawField(tag=field.tag, data=(field.data or "").encode(GBK)))  # type: ignore[arg-type]
            else:
                raw.add_field(
                    RawField(
                        tag=field.tag,
                        indicators=field.indicators,
                        subfields=[
                            Subfield(code=s.code, value=s.value.encode(GBK))  # type: ignore[arg-type]  # bytes, as above
                            for s in field.subfields
                        ],
                    )
                )
    except UnicodeEncodeError as error:
        raise Invalid(
            "catalogue.export_character_not_in_gbk",
            "The record {title} ({id}) has the character {char}, which GBK cannot hold; "
            "export it in UTF-8 or as MARCXML.",
            title=row.title,
            id=row.id,
            char=error.object[error.start : error.end],
        ) from None
    return raw


def _xml_codec(encoding: str) -> str:
    return "GBK" if encoding == GBK else "UTF-8"


def _marcxml_record(row: BibRecord, record: Record, encoding: str) -> bytes:
    """One <record> element; ElementTree writes a character GBK lacks as a character reference."""
    _mark_charset(record, row.format, "a", _CHARSET_100[UTF8])
    node = record_to_xml_node(record)
    ET.indent(node, level=1)
    return b"  " + ET.tostring(node, encoding=_xml_codec(encoding), xml_declaration=False) + b"\n"


def _marcxml(parts: list[bytes], encoding: str) -> bytes:
    head = f"<?xml version='1.0' encoding='{_xml_codec(encoding)}'?>\n<collection xmlns=\"{_MARCXML_NS}\">\n"
    return head.encode("ascii") + b"".join(parts) + b"</collection>\n"
