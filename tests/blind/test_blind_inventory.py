"""Inventory, the 循环出借 view, the waiting list, the call list, visits, the statistics, speech."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from db.models import BlindCall, Hold
from ils.blind import eligibility, inventory, lending, repairs, speech, stats, visits
from ils.blind.settings import change_blind_settings
from ils.circulation.loans import return_item
from tests.services.reader_samples import citizen, register


def _later(clock, days: int) -> None:
    clock.advance(days=days)


def test_inventory_by_state_batch_and_age(room):
    lending.lend(room.session, room.reader, room.devices[0])
    repairs.send_to_repair(room.session, room.devices[1], repairer="售后中心")
    found = inventory.inventory(room.session)
    states = {c.key: c.count for c in found.by_state}
    assert found.total == 3 and states["on_loan"] == 1 and states["in_repair"] == 1 and states["in_stock"] == 1
    assert [batch for batch, _counts in found.by_batch] == ["2017年第一批"]
    assert {c.key: c.count for c in found.by_age}["under 1 year"] == 3


def test_a_device_returned_at_the_front_desk_is_listed_as_not_checked(room, clerk):
    lending.lend(room.session, room.reader, room.devices[0])
    return_item(clerk, room.devices[0])
    assert inventory.inventory(room.session).not_checked == (room.devices[0],)
    lending.lend(room.session, room.reader, room.devices[0])
    lending.give_back(room.session, room.devices[0])
    assert inventory.inventory(room.session).not_checked == ()


def test_rotation_out_longest_waiting_longest_idle_longest(room, clock):
    lending.lend(room.session, room.reader, room.devices[0])
    _later(clock, 10)
    lending.lend(room.session, room.other, room.devices[1])
    lending.lend(room.session, room.other, room.braille)
    view = inventory.rotation(room.session)
    assert [d.serial for d in view.out_longest] == [room.devices[0], room.devices[1]]
    assert view.out_longest[0].days_out == 10 and view.out_longest[0].reader_name == "刘明"
    assert [d.serial for d in view.idle_longest] == [room.devices[2]]
    third = register(
        room.session, "张伟", citizen("19600606", order="555"), reader_type="blind", consents=frozenset({"disability"})
    ).summary.card_number
    eligibility.verify(room.session, third)
    lending.lend(room.session, third, room.devices[2])
    fourth = register(
        room.session, "黄丽", citizen("19580808", order="666"), reader_type="blind", consents=frozenset({"disability"})
    ).summary.card_number
    eligibility.verify(room.session, fourth)
    waiting = inventory.wait_for_device(room.session, fourth)
    assert waiting.state == "waiting"
    _later(clock, 3)
    assert [(w.reader_name, w.days_waiting) for w in inventory.rotation(room.session).waiting_longest] == [("黄丽", 3)]
    # The first device back is kept for the reader who waited.
    lending.give_back(room.session, room.devices[1])
    assert Hold.get_by_id(waiting.id).state == "ready"


def test_the_call_list_shows_long_overdue_devices_with_the_phone(room, clock):
    lent = lending.lend(room.session, room.reader, room.devices[0])
    _later(clock, 90 + 13)
    assert inventory.call_list(room.session) == []
    _later(clock, 1)
    [entry] = inventory.call_list(room.session)
    assert (entry.reader_name, entry.phone, entry.days_overdue) == ("刘明", "13912345678", 14)
    inventory.record_call(room.session, lent.loan.id, "will_return", note="下周送回")
    [again] = inventory.call_list(room.session)
    assert again.calls == 1 and again.last_outcome == "will_return"
    assert BlindCall.select().count() == 1


def test_the_figures_of_a_day_at_the_room(room, clock):
    lending.lend(room.session, room.reader, room.devices[0])
    lending.lend(room.session, room.reader, room.braille)
    lending.lend(room.session, room.other, room.audio)
    lending.renew(room.session, room.audio)
    repairs.send_to_repair(room.session, room.devices[1], repairer="售后中心")
    assert visits.record_visits(room.session, 3) == 3
    day = clock.now().date()
    figures = stats.blind_figures(room.session, day, day)
    assert (figures.registered_readers, figures.verified_readers, figures.new_readers) == (2, 2, 2)
    assert figures.visits == 3 and figures.events is None
    assert {m.medium: (m.loans, m.renewals) for m in figures.loans} == {
        "device": (1, 0),
        "audio": (1, 1),
        "braille": (1, 0),
        "large_print": (0, 0),
    }
    assert (figures.devices_total, figures.devices_out, figures.devices_in_repair, figures.devices_in_stock) == (
        3,
        1,
        1,
        1,
    )
    before = stats.blind_figures(room.session, day - dt.timedelta(days=30), day - dt.timedelta(days=1))
    assert before.devices_out == 0 and before.registered_readers == 0 and before.visits == 0


def test_statistics_staff_see_the_figures_and_nothing_else(room, library, admin):
    from ils.errors import PermissionDenied
    from ils.staff import add_staff, log_in

    add_staff(admin, username="numbers", display_name="统计员", password="numbers-pass-1", roles="statistics")
    numbers = log_in(library, "numbers", "numbers-pass-1")
    day = room.session.now().date()
    assert stats.blind_figures(numbers, day, day).registered_readers == 2
    with pytest.raises(PermissionDenied):
        inventory.call_list(numbers)


@pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("soxi") is None,
    reason="espeak-ng and sox are not installed (tools/test.sh installs them)",
)
def test_an_outcome_is_spoken_in_chinese_to_a_wav_file(tmp_path, room):
    wav = tmp_path / "due.wav"
    process = speech.speak("借出智能听书机，请在五月三十一日前归还。", wav=wav, wait=True)
    assert process is not None and process.returncode == 0
    seconds = float(subprocess.run(["soxi", "-D", str(wav)], capture_output=True, text=True, check=True).stdout)
    assert wav.stat().st_size > 10_000 and seconds > 1.5
    assert not speech.speaking(room.session.library)
    change_blind_settings(room.session, speech=True)
    assert speech.speaking(room.session.library)
