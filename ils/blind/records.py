"""Catalogue records for what the blind room lends: a listening device's model, an audio book
(DAISY or MP3), a braille or large-print book.

Built as CNMARC, so they are searched and replicated like every record: the leader says what
the thing is (``i`` a sound recording, ``r`` an artefact, ``a`` text), 200 the title with its
general material designation ($b 录音制品, 盲文, 大字本, 实物), $f the author and $g the
narrator, 215 the extent and playing time, 017 a DAISY book's identifier, 300 its format.
They are stored through the catalogue's own insert path (``records.insert_prepared``), so the
full-text index and the journal row are the same as any record's; the room does not need the
cataloguing permission to describe its own stock.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymarc import Field, Indicators, Record, Subfield

from db.models import BibRecord, Item
from ils.catalogue.records import CNMARC, insert_prepared, next_doc, prepare
from ils.library import Writer
from ils.session import Session

GMD = {"audiobook": "录音制品", "braille": "盲文", "large_print": "大字本", "listening_device": "实物"}
LEADER_TYPE = {"audiobook": "i", "braille": "a", "large_print": "a", "listening_device": "r"}


@dataclass(frozen=True)
class Description:
    """What a record of the room's stock says; ``identifier`` is a DAISY book's dc:identifier."""

    kind: str
    title: str
    creator: str | None = None
    narrator: str | None = None
    publisher: str | None = None
    year: str | None = None
    extent: str | None = None
    total_time: str | None = None
    identifier: str | None = None
    format: str | None = None
    series: str | None = None
    volume: str | None = None


def _field(tag: str, indicators: str = "  ", **subfields: str | None) -> Field:
    return Field(
        tag=tag,
        indicators=Indicators(*indicators),
        subfields=[Subfield(code, value) for code, value in subfields.items() if value],
    )


def build_record(description: Description, entered: str) -> Record:
    """The CNMARC record of ``description``; ``entered`` is the date (YYYYMMDD) put in 100."""
    d = description
    record = Record(leader=f"00000n{LEADER_TYPE[d.kind]}m0a2200000   450 ", force_utf8=True)
    year = (d.year or entered[:4])[:4]
    record.add_field(_field("100", a=f"{entered}d{year:<4}    m  y0chiy50      ea"), _field("101", "0 ", a="chi"))
    if d.identifier:
        record.add_field(_field("017", "8 ", a=d.identifier, **{"2": "daisy"}))
    record.add_field(
        _field(
            "200",
            "1 ",
            a=d.title,
            b=GMD[d.kind],
            h=d.volume,
            f=d.creator,
            g=f"{d.narrator}演播" if d.narrator else None,
        )
    )
    if d.publisher or d.year:
        record.add_field(_field("210", c=d.publisher, d=d.year))
    if d.extent or d.total_time:
        record.add_field(_field("215", a=d.extent, c=d.total_time))
    if d.series:
        record.add_field(_field("225", "2 ", a=d.series))
    if d.format:
        record.add_field(_field("300", a=d.format))
    subject = {
        "audiobook": "有声读物",
        "braille": "盲文读物",
        "large_print": "大字本读物",
        "listening_device": "盲人读物",
    }[d.kind]
    record.add_field(_field("606", "0 ", a=subject, x="播放器" if d.kind == "listening_device" else None))
    if d.creator:
        record.add_field(_field("701", " 0", a=d.creator, **{"4": "著"}))
    if d.narrator:
        record.add_field(_field("702", " 0", a=d.narrator, **{"4": "演播"}))
    return record


def add_description(writer: Writer, session: Session, description: Description, *, source: str | None = None) -> str:
    """Store a new record for ``description`` inside the caller's write; its id."""
    entered = session.now().strftime("%Y%m%d")
    prepared = prepare(build_record(description, entered), CNMARC)
    return insert_prepared(writer, session.library, prepared, doc=next_doc(session.library), source=source)


def device_record(writer: Writer, session: Session, model: str) -> str:
    """The record that a model's devices are copies of: the one whose devices already have it, or a new one."""
    found = (
        BibRecord.select(BibRecord.id)
        .join(Item, on=(Item.bib == BibRecord.id))
        .where(
            BibRecord.title == model,
            BibRecord.deleted == False,  # noqa: E712
            Item.item_type == "listening_device",
        )
        .first()
    )
    if found is not None:
        return found.id
    return add_description(
        writer,
        session,
        Description("listening_device", model, publisher="中国盲文出版社", extent="1台"),
        source="blind-room",
    )
