"""Who is visually impaired, their address and the call list are for the blind room only: a clerk
sees none of them at the desk, in the command line or in ``--json``, and no receipt or slip says it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ils.blind import desk, dispatch, inventory, lending, profiles
from ils.circulation import receipts
from ils.circulation.desk import reader_at_desk
from ils.circulation.loans import checkout
from ils.errors import PermissionDenied
from ils.readers.consents import consents_of, grant_consent
from ils.readers.readers import find_readers, scan_card, view_reader
from ils.readers.rows import reader_by_card
from tests.services.reader_samples import citizen, register

ADDRESS = "湖南省株洲市醴陵市瓷城大道128号"


@pytest.fixture
def addressed(room):
    profiles.set_profile(room.session, room.reader, address=ADDRESS, postcode="412200")
    return room


def test_a_clerk_sees_an_adult_reader_with_no_disability_consent(addressed, clerk):
    room = addressed
    for summary in (
        scan_card(clerk, room.reader),
        find_readers(clerk, "刘明")[0],
        view_reader(clerk, room.reader).summary,
        reader_at_desk(clerk, room.reader).reader,
    ):
        assert (summary.reader_type, summary.reader_type_name) == ("adult", "成人")
    assert [c.kind for c in view_reader(clerk, room.reader).consents] == []
    assert view_reader(room.session, room.reader).summary.reader_type_name == "视障"
    assert [c.kind for c in view_reader(room.session, room.reader).consents] == ["disability"]
    assert [c.kind for c in consents_of(reader_by_card(room.reader))] == ["disability"]  # the last call was the room's
    lent = checkout(clerk, room.reader, room.braille)
    assert lent.reader.reader_type_name == "成人"


def test_a_clerk_cannot_reach_the_rooms_services_nor_make_anyone_visually_impaired(addressed, clerk):
    room = addressed
    for call in (
        lambda: desk.open_reader(clerk, room.reader),
        lambda: profiles.reader_profile(clerk, room.reader),
        lambda: inventory.call_list(clerk),
        lambda: dispatch.delivery_rounds(clerk, clerk.now().date()),
        lambda: lending.lend(clerk, room.reader, room.devices[0]),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        register(
            clerk, "赵敏", citizen("19800808", order="777"), reader_type="blind", consents=frozenset({"disability"})
        )
    with pytest.raises(PermissionDenied):
        grant_consent(clerk, room.sighted, "disability")


def test_no_receipt_or_slip_says_the_reader_is_visually_impaired(addressed, clerk):
    room = addressed
    device = lending.lend(room.session, room.reader, room.devices[0])
    book = lending.lend(room.session, room.reader, room.braille)
    paths = [
        receipts.checkout_receipt(room.session, room.reader, [device.loan.id, book.loan.id]),
        receipts.checkout_receipt(clerk, room.reader, [device.loan.id]),
    ]
    back = lending.give_back(room.session, room.braille)
    paths.append(receipts.return_receipt(room.session, [back.returned]))
    for path in paths:
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert text.strip()
        for word in ("视障", "盲", "残疾", "blind", "Blind", "impair", ADDRESS):
            assert word not in text, (path.name, word)


def _cli(db, user: str, password: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ILS_STAFF": user, "ILS_PASSWORD": password, "ILS_DB": str(db)}
    env.pop("ILS_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "ils", "--lang", "zh_CN", *args],
        capture_output=True,
        text=True,
        env=env,
        input="",
        timeout=900,
    )


def test_the_command_line_and_json_keep_it_from_a_clerk(addressed, clerk, library):
    room = addressed
    database = library.path
    library.close()
    shown = _cli(database, "clerk", "clerk-pass-1", "readers", "show", room.reader, "--json")
    assert shown.returncode == 0, shown.stderr
    record = json.loads(shown.stdout)
    assert record["summary"]["reader_type"] == "adult" and record["consents"] == []
    for word in ("视障", "blind", "disability", ADDRESS):
        assert word not in shown.stdout
    refused = _cli(database, "clerk", "clerk-pass-1", "blind", "reader", room.reader, "--json")
    assert refused.returncode == 1 and not refused.stdout and ADDRESS not in refused.stderr
    calls = _cli(database, "clerk", "clerk-pass-1", "blind", "calls", "--json")
    assert calls.returncode == 1 and not calls.stdout
    opened = _cli(database, "room", "room-pass-1", "blind", "reader", room.reader, "--json")
    assert opened.returncode == 0, opened.stderr
    found = json.loads(opened.stdout)
    assert found["summary"]["reader_type"] == "blind" and found["profile"]["address"]["text"] == ADDRESS
    assert found["phone"] == "13912345678" and found["eligibility"]["eligible"]


def test_the_front_desks_overdue_list_leaves_the_rooms_readers_to_its_call_list(addressed, clerk, clock):
    from ils.circulation.overdues import overdue_list

    room = addressed
    lending.lend(room.session, room.reader, room.devices[0])
    adult = register(clerk, "周敏", citizen("19880808", order="888")).summary.card_number
    checkout(clerk, adult, room.audio)
    clock.advance(days=120)
    assert [o.card_number for o in overdue_list(clerk)] == [adult]
    assert {o.card_number for o in overdue_list(room.session)} == {adult, room.reader}
    assert [e.card_number for e in inventory.call_list(room.session)] == [room.reader]
