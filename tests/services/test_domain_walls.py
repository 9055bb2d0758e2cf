"""The walls between domains: what one domain asks of those built on it goes through a registry,
registration rules are decided once, and the shared helpers behave as every domain expects."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

from db import journal
from db.models import Journal
from ils import domains, retention, standing
from ils.errors import Invalid, message
from ils.i18n import N_
from ils.readers.consents import DISABILITY, GUARDIAN, SMS, UNION_SHARING
from ils.readers.privacy import run_retention_jobs
from ils.readers.readers import Registration, register_reader
from ils.readers.requirements import requirements
from ils.readers.rows import block_label, reader_by_card, summary
from ils.text import code_text, fold, name_keys, one_line
from tests.services.reader_samples import CHILD, citizen, register

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def contributed(monkeypatch):
    """A domain added for the test: its registrations vanish with it."""
    monkeypatch.setattr(standing, "_BLOCKS", list(standing._BLOCKS))
    monkeypatch.setattr(standing, "_OBLIGATIONS", list(standing._OBLIGATIONS))
    monkeypatch.setattr(retention, "_JOBS", list(retention._JOBS))


def test_every_contributor_registers_something():
    domains.load()
    registered = (
        {source.blocks.__module__ for source in standing._BLOCKS}
        | {function.__module__ for function in standing._OBLIGATIONS}
        | {job.run.__module__ for job in retention._JOBS}
    )
    for name in domains.CONTRIBUTORS:
        importlib.import_module(name)
        assert name in registered, name


def test_a_domain_registers_a_block_and_the_reader_shows_it_with_its_label(admin, contributed, english):
    record = register(admin)

    @standing.reader_blocks(kinds={"event_no_show": N_("Items overdue")})
    def no_shows(reader_ids, day):
        return {reader_ids[0]: [("event_no_show", message("events.no_show", "Missed three events."))]}

    @standing.reader_obligations
    def tickets(reader_id, day):
        return (message("events.ticket", "A ticket not yet returned"),)

    reader = reader_by_card(record.summary.card_number)
    blocks = summary(reader, TODAY).blocks
    assert [block.kind for block in blocks] == ["event_no_show"]
    assert block_label("event_no_show") == "Items overdue"
    assert str(blocks[0].detail) == "Missed three events."
    assert [o.code for o in standing.obligations_of(reader.id, TODAY)] == ["events.ticket"]


def test_circulations_blocks_and_retention_jobs_come_in_the_registered_order():
    kinds = standing.block_kinds()
    assert {"overdue", "owes"} <= set(kinds)
    codes = [job.code for job in retention.retention_jobs()]
    assert codes == [
        "deidentify_loan_history",
        "anonymise_returned_cards",
        "expire_sync_bundles",
        "deidentify_blind_room",
    ]


def test_retention_runs_the_registered_jobs(admin):
    assert [result.job for result in run_retention_jobs(admin)][-1] == "deidentify_blind_room"


# --- registration rules, once -------------------------------------------------------------------


def test_what_a_child_an_adult_a_blind_reader_and_an_organisation_must_give():
    child = requirements(id_type="resident", birth_date=dt.date(2018, 6, 1), blind_service=False, today=TODAY)
    assert child.guardian and child.age == 7 and child.birth_date_asked
    assert child.consents == (GUARDIAN, UNION_SHARING, SMS) and child.required_consents == {GUARDIAN}
    adult = requirements(id_type="resident", birth_date=dt.date(1985, 3, 12), blind_service=True, today=TODAY)
    assert not adult.guardian and adult.consents == (UNION_SHARING, SMS, DISABILITY)
    assert adult.required_consents == {DISABILITY}
    group = requirements(id_type="organisation", birth_date=None, blind_service=False, today=TODAY)
    assert not group.birth_date_asked and not group.guardian and group.age is None
    # The day before the 14th birthday a child, on it not.
    assert requirements(id_type="resident", birth_date=dt.date(2012, 3, 3), blind_service=False, today=TODAY).guardian
    assert not requirements(
        id_type="resident", birth_date=dt.date(2012, 3, 2), blind_service=False, today=TODAY
    ).guardian


def test_the_service_refuses_what_the_form_is_told_is_required(admin):
    guardian = register(admin, "李建国", citizen("19800520", order="456"))
    form = Registration(
        name="李小明",
        id_type="resident",
        id_number=CHILD,
        guardian_card=guardian.summary.card_number,
        consents=frozenset({SMS}),
    )
    with pytest.raises(Invalid) as refused:
        register_reader(admin, form)
    assert refused.value.code == "readers.child_needs_guardian_consent"


# --- shared text helpers --------------------------------------------------------------------------


def test_folding_and_name_keys():
    assert fold("ＡＢＣ１２３") == "ABC123" and fold(None) == ""
    assert one_line(" 瓷城\n大道  12号 ") == "瓷城 大道 12号"
    assert code_text(" zntsj１７-001 ") == "ZNTSJ17-001"
    assert name_keys("曾丽") == ("zengli", "zl")
    assert name_keys("单于明") == ("chanyuming", "cym")


# --- one bulk journal path ------------------------------------------------------------------------


def test_journal_many_writes_the_rows_journal_would(library, admin):
    entries = [("loan.load", "loan", f"L{n}", {"n": n}) for n in range(5)]
    with admin.write() as writer:
        writer.journal("test.before", "test", None, {})
        writer.journal_many(entries)
        last = writer.journal("test.after", "test", None, {})
    rows = journal.entries(library.database, limit=10_000)[-7:]
    assert [row.action for row in rows] == ["test.before", *["loan.load"] * 5, "test.after"]
    assert [row.seq for row in rows] == list(range(rows[0].seq, rows[0].seq + 7))
    assert [row.hlc for row in rows] == list(range(rows[0].hlc, rows[0].hlc + 7))
    assert [row.data for row in rows[1:6]] == [{"n": n} for n in range(5)]
    assert last.seq == rows[-1].seq and Journal.select().count() >= 7
