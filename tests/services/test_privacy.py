"""PIPL duties: the reader's own data, anonymising returned cards, and no raw ID number on disk."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest

from db.models import Reader, ReaderBlock, ReaderConsent
from ils import maintenance
from ils.errors import PermissionDenied
from ils.readers import lifecycle, privacy, settings
from ils.readers.ages import age_band, age_on
from ils.readers.keys import ensure_keys
from ils.readers.printouts import card_pdf, export_pdf
from ils.readers.readers import Registration, find_readers, insert_reader, scan_card, view_reader
from tests.codes import refused
from tests.services.reader_samples import ADULT, CHILD, GUARDIAN, citizen, register

pytestmark = pytest.mark.usefixtures("english")


def test_age_bands_keep_what_statistics_need():
    today = dt.date(2026, 3, 2)
    assert age_on(dt.date(2012, 3, 3), today) == 13 and age_on(dt.date(2012, 3, 2), today) == 14
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    bands = [age_band(dt.date(today.year - age, 1, 1), today) for age in (3, 7, 13, 14, 17, 18, 34, 35, 59, 60, 90)]
    assert bands == ["0-6", "7-13", "7-13", "14-17", "14-17", "18-34", "18-34", "35-59", "35-59", "60+", "60+"]
    assert age_band(None, today) == "unknown"


def test_retention_settings_have_defaults_and_are_checked(admin, clerk):
    assert settings.reader_settings(admin.library) == settings.ReaderSettings("430281", 90, 365)
    changed = settings.change_reader_settings(admin, card_prefix="0281", loan_history_days=60, anonymise_after_days=180)
    assert changed == settings.ReaderSettings("0281", 60, 180)
    assert register(admin, "王芳", ADULT).summary.card_number.startswith("0281")
    with refused("readers.retention_out_of_range"):
        settings.change_reader_settings(admin, loan_history_days=0)
    with refused("readers.card_prefix_invalid"):
        settings.change_reader_settings(admin, card_prefix="LL")
    with refused("staff.not_permitted", PermissionDenied):
        settings.change_reader_settings(clerk, anonymise_after_days=30)


def test_the_export_holds_everything_about_the_reader_masked_and_is_journaled(admin, clerk):
    card = register(
        admin, "王芳", ADULT, phone="13812345678", consents=frozenset({"union_sharing", "sms"})
    ).summary.card_number
    lifecycle.suspend(admin, card, "馆内违规")
    view_reader(clerk, card)
    with refused("staff.not_permitted", PermissionDenied):
        privacy.export_reader_data(clerk, card)
    export = privacy.export_reader_data(admin, card)
    text = repr(export)
    assert "王芳" in text and "430281********" + ADULT[-4:] in text and "138****5678" in text
    assert ADULT not in text and "13812345678" not in text
    headings = [part.heading for part in export.sections]
    assert headings == [
        "Personal details",
        "Cards",
        "Consents",
        "Suspensions",
        "Loans",
        "Use of your data",
        "How your data is kept",
    ]
    uses = [value for _time, value in export.sections[5].rows]
    assert "Record viewed by staff · 李芳" in uses
    assert any("Consent given: SMS notices" in use for use in uses)
    assert ("Shared with the union catalogue", "yes") in export.sections[6].rows
    last = admin.library.database.execute_sql("SELECT action FROM journal ORDER BY rowid DESC LIMIT 1").fetchone()
    assert last == ("reader.export",)


def test_the_export_and_the_card_print_as_pdf(admin, tmp_path):
    guardian = register(admin, "李强", GUARDIAN).summary.card_number
    child = register(
        admin,
        "李小明",
        CHILD,
        reader_type="blind",
        guardian_card=guardian,
        consents=frozenset({"guardian", "disability"}),
    ).summary.card_number
    (tmp_path / "export.pdf").write_bytes(export_pdf(admin, child))
    (tmp_path / "card.pdf").write_bytes(card_pdf(admin, child))
    export = subprocess.run(["pdftotext", str(tmp_path / "export.pdf"), "-"], capture_output=True, text=True).stdout
    assert "李小明" in export and "430281********" + CHILD[-4:] in export and CHILD not in export
    card = subprocess.run(["pdftotext", str(tmp_path / "card.pdf"), "-"], capture_output=True, text=True).stdout
    assert "李小明" in card and child in card and "视障" in card and "Blind reading room" in card
    actions = [
        r[0]
        for r in admin.library.database.execute_sql(
            "SELECT action FROM journal WHERE action IN ('reader.export', 'reader.card_print')"
        )
    ]
    assert actions == ["reader.export", "reader.card_print"]


def test_a_lost_card_is_not_reprinted(admin):
    card = register(admin, "王芳", ADULT).summary.card_number
    lifecycle.report_lost(admin, card)
    with refused("readers.card_print_not_in_use"):
        card_pdf(admin, card)


def test_returned_cards_are_anonymised_after_the_retention_period_once(admin, clock):
    guardian = register(admin, "李强", GUARDIAN, phone="13812345678", notes="住在阳三石").summary
    old = register(admin, "王芳", ADULT, consents=frozenset({"union_sharing"})).summary
    lifecycle.suspend(admin, old.card_number, "损坏图书未赔偿")
    lifecycle.cancel_card(admin, old.card_number)
    clock.advance(days=300)
    recent = register(
        admin,
        "李小明",
        CHILD,
        reader_type="child",
        guardian_card=guardian.card_number,
        consents=frozenset({"guardian"}),
    ).summary
    lifecycle.cancel_card(admin, recent.card_number)
    clock.advance(days=66)
    assert privacy.anonymise_due(admin) == 1
    assert privacy.anonymise_due(admin) == 0  # idempotent
    row = Reader.get_by_id(old.id)
    assert (row.name, row.id_cipher, row.id_hash, row.birth_date, row.phone_cipher, row.notes) == (
        "",
        None,
        None,
        None,
        None,
        None,
    )
    assert (row.age_band, row.reader_type_id, row.branch.code, row.anonymised_at[:10]) == (
        "35-59",
        "adult",
        "ZG",
        "2027-03-03",
    )
    assert ReaderBlock.get(ReaderBlock.reader == old.id).reason == ""
    assert find_readers(admin, "王芳") == [] and find_readers(admin, ADULT) == []
    with refused("readers.card_returned"):
        scan_card(admin, old.card_number)
    assert view_reader(admin, old.card_number).summary.name == "(anonymised)"
    assert "王芳" not in " ".join(r[0] for r in admin.library.database.execute_sql("SELECT data FROM journal"))
    assert Reader.get_by_id(recent.id).name == "李小明"  # returned 66 days ago: kept for disputes


def test_a_reader_may_ask_to_be_anonymised_at_once_after_returning_the_card(admin):
    guardian = register(admin, "李强", GUARDIAN).summary
    child = register(
        admin,
        "李小明",
        CHILD,
        reader_type="child",
        guardian_card=guardian.card_number,
        consents=frozenset({"guardian"}),
    ).summary
    with refused("readers.anonymise_card_in_use"):
        privacy.anonymise_reader(admin, child.card_number)
    lifecycle.cancel_card(admin, child.card_number)
    assert privacy.anonymise_reader(admin, child.card_number).status == "anonymised"
    assert Reader.get_by_id(child.id).age_band == "7-13"
    assert ReaderConsent.get(ReaderConsent.reader == child.id).guardian_id is None
    with refused("readers.reader_anonymised"):
        privacy.anonymise_reader(admin, child.card_number)
    with refused("readers.reader_anonymised"):
        privacy.export_reader_data(admin, child.card_number)


def test_the_retention_jobs_run_together_and_need_the_permission(admin, clerk, clock):
    card = register(admin, "王芳", ADULT).summary.card_number
    lifecycle.cancel_card(admin, card)
    with refused("staff.not_permitted", PermissionDenied):
        privacy.run_retention_jobs(clerk)
    clock.advance(days=366)
    results = privacy.run_retention_jobs(admin)
    assert [(r.job, r.count) for r in results] == [
        ("deidentify_loan_history", 0),
        ("anonymise_returned_cards", 1),
        ("expire_sync_bundles", 0),
        ("deidentify_blind_room", 0),
    ]
    assert [r.count for r in privacy.run_retention_jobs(admin)] == [0, 0, 0, 0]


# --- no raw ID number anywhere on disk ---------------------------------------------------------


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _on_disk(files, wanted: set[str], lengths: tuple[int, ...]) -> set[str]:
    """Which of ``wanted`` appear in the files, as runs of digits (and X) of the given lengths."""
    found = set()
    for path in files:
        for run in re.findall(rb"[0-9Xx]{11,}", path.read_bytes()):
            text = run.decode()
            for length in lengths:
                found |= {text[i : i + length] for i in range(len(text) - length + 1)} & wanted
    return found


def test_no_raw_id_or_phone_number_sits_anywhere_on_disk(admin, tmp_path):
    """1,000 readers through the services (the bulk path), their cards worked, a backup made:
    then every file under the library's folder is searched for every raw number."""
    numbers = []
    phones = []
    session = admin
    with session.write() as writer:
        keys = ensure_keys(writer, session.library)
        for i in range(1000):
            born = dt.date(1940, 1, 1) + dt.timedelta(days=17 * i)
            number = citizen(born.strftime("%Y%m%d"), ("430281", "430202", "430223")[i % 3], f"{i % 997:03d}")
            phone = f"139{i:08d}"
            numbers.append(number)
            phones.append(phone)
            typed = number.lower() if i % 3 == 0 else _full_width(number) if i % 3 == 1 else number
            insert_reader(
                writer,
                session,
                keys,
                Registration(
                    name=f"读者{i}", id_type="resident", id_number=typed, phone=phone, consents=frozenset({"sms"})
                ),
            )
    cards = [r.card_number for r in Reader.select().order_by(Reader.created_at).limit(5)]
    lifecycle.report_lost(session, cards[0])
    lifecycle.replace_card(session, cards[0], numbers[0])
    lifecycle.verify(session, cards[1], numbers[1])
    with refused("readers.one_card_per_person"):
        register(session, "重复", numbers[2])
    maintenance.backup(session, tmp_path / "backups" / "copy.sqlite")
    (tmp_path / "export.pdf").write_bytes(export_pdf(session, cards[3]))
    assert (tmp_path / "lib.sqlite-wal").stat().st_size > 0

    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"lib.sqlite", "lib.sqlite-wal", "copy.sqlite", "lib.keys", "export.pdf"}
    assert _on_disk(files, set(cards), (16,)) == set(cards)  # the search does see numbers that are stored
    assert _on_disk(files, set(numbers) | {n.lower() for n in numbers} | set(phones), (18, 11)) == set()
    assert Reader.select().count() == 1000


def test_a_card_that_expires_says_until_when_and_one_that_does_not_says_nothing(admin, tmp_path, english):
    """Issue 18: a reader card carried no expiry date for types that expire."""
    from ils.readers.types import add_reader_type

    add_reader_type(admin, code="temp", name="临时读者", validity_months=12)
    expiring = register(admin, "赵敏", reader_type="temp").summary
    lasting = register(admin, "钱进", citizen("19800101", order="333")).summary
    texts = {}
    for summary in (expiring, lasting):
        path = tmp_path / f"{summary.card_number}.pdf"
        path.write_bytes(card_pdf(admin, summary.card_number))
        texts[summary.card_number] = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True
        ).stdout
    expires_on = Reader.get(Reader.card_number == expiring.card_number).expires_on
    assert expires_on and f"Valid until {expires_on[:10]}" in texts[expiring.card_number]
    assert "Valid until" not in texts[lasting.card_number]
