"""A library with a blind reading room: its staff member, a verified blind reader, devices and a braille set."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ils.blind.eligibility import verify
from ils.blind.records import Description, add_description
from ils.blind.stock import add_device, add_set
from ils.session import Session
from ils.staff import add_staff, log_in
from tests.services.conftest import admin, clerk, clock, english, library  # noqa: F401  (shared fixtures)
from tests.services.reader_samples import citizen, register


@dataclass
class Room:
    session: Session
    reader: str  # a verified blind reader's card number
    other: str  # a second verified blind reader
    sighted: str  # an adult reader, not served by the room
    devices: tuple[str, ...]  # serial numbers
    braille: str  # a braille set's barcode, 5 volumes
    audio: str  # a DAISY set's barcode, 3 discs
    bib: str  # the braille set's record


@pytest.fixture
def room(library, admin) -> Room:
    add_staff(admin, username="room", display_name="赵敏", password="room-pass-1", roles="blind_room", branch="ZG")
    session = log_in(library, "room", "room-pass-1")
    reader = register(
        session,
        "刘明",
        citizen("19700101", order="333"),
        reader_type="blind",
        phone="13912345678",
        consents=frozenset({"disability"}),
    ).summary.card_number
    other = register(
        session,
        "陈静",
        citizen("19650505", order="444"),
        reader_type="blind",
        consents=frozenset({"disability", "union_sharing"}),
    ).summary.card_number
    sighted = register(session, "王芳", citizen("19850312")).summary.card_number
    verify(session, reader)
    verify(session, other, document="other")
    devices = tuple(
        add_device(session, serial=f"TSJ2017A{n:04d}", model="智能听书机", batch="2017年第一批").serial
        for n in range(1, 4)
    )
    with session.write() as writer:
        bib = add_description(writer, session, Description("braille", "平凡的世界", creator="路遥"))
        daisy = add_description(writer, session, Description("audiobook", "活着", creator="余华", narrator="关山"))
    add_set(session, bib, barcode="BR0001", volumes=5)
    add_set(session, daisy, barcode="DA0001", volumes=3, item_type="audiobook")
    return Room(session, reader, other, sighted, devices, "BR0001", "DA0001", bib)
