"""The front desk's scan: one input line, and the code alone decides what happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from db.models import Item, Loan, database_proxy
from ils.circulation import desk, holds
from ils.circulation.desk import reader_at_desk, scan
from ils.readers.lifecycle import report_lost, suspend
from ils.readers.rows import reader_by_card
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ

pytestmark = pytest.mark.usefixtures("english")


def at_desk(session, code, open_card=None, mode=desk.CHECKOUT, point=None, override=None):
    return scan(session, code, open_card=open_card, mode=mode, point=point, override=override)


def test_a_card_opens_its_reader_and_a_second_scan_says_it_is_open(clerk, shelf):
    opened = at_desk(clerk, shelf.adult)
    assert opened.kind == desk.READER_OPENED and opened.success
    assert opened.reader.card_number == shelf.adult and opened.reader.reader.name == "王芳"
    assert opened.message.startswith("王芳 (") and "0 on loan, 0 holds" in opened.message
    again = at_desk(clerk, shelf.adult, open_card=shelf.adult)
    assert again.kind == desk.READER_OPENED and again.success
    assert again.message == "王芳's card is already open."
    other = at_desk(clerk, shelf.other, open_card=shelf.adult)
    assert other.reader.card_number == shelf.other


def test_an_item_goes_to_the_open_reader_and_comes_back_with_no_reader_open(clerk, shelf):
    lent = at_desk(clerk, "t0001", open_card=shelf.adult)
    assert lent.kind == desk.CHECKED_OUT and lent.success
    assert lent.message == "Lent 《三体》 (T0001): due 2026-04-01."
    assert [loan.barcode for loan in lent.reader.loans] == ["T0001"]
    back = at_desk(clerk, "T0001")
    assert back.kind == desk.RETURNED and back.reader is None
    assert back.message == "Returned 《三体》 (T0001). Shelve it."
    assert back.disposition.action == "shelve"
    assert Item.get(Item.barcode == "T0001").status == "available"


def test_return_mode_takes_an_item_back_while_a_reader_is_open(clerk, shelf):
    at_desk(clerk, "T0001", open_card=shelf.adult)
    back = at_desk(clerk, "T0001", open_card=shelf.adult, mode=desk.RETURN)
    assert back.kind == desk.RETURNED and back.reader.loans == ()


def test_returning_at_another_branch_says_where_to_send_it_and_the_other_end_receives_it(clerk, shelf):
    at_desk(clerk, "T0001", open_card=shelf.adult)
    back = at_desk(clerk, "T0001", point="XHMZ-JH")
    assert back.disposition.action == "transit" and back.disposition.to_branch_code == "ZG"
    assert "Send it to 总馆" in back.message
    received = at_desk(clerk, "T0001", mode=desk.RECEIVE, point="ZG-WJ")
    assert received.kind == desk.RECEIVED and received.message == "Received 《三体》 (T0001): Shelve it."


def test_renew_mode_renews_the_scanned_item(clerk, shelf):
    at_desk(clerk, "T0001", open_card=shelf.adult)
    renewed = at_desk(clerk, "T0001", open_card=shelf.adult, mode=desk.RENEW)
    assert renewed.kind == desk.RENEWED and renewed.loan.due_on == "2026-04-16"
    assert renewed.reader.loans[0].renewals == 1
    again = at_desk(clerk, "T0001", open_card=shelf.adult, mode=desk.RENEW)
    assert again.kind == desk.REFUSED and again.codes == ("circ.no_renewals_left",)


def test_an_unknown_code_is_said_in_words(clerk, shelf):
    for code in ("ZZ999", "图书", "4302810000000000"):
        unknown = at_desk(clerk, code, open_card=shelf.adult)
        assert unknown.kind == desk.UNKNOWN and not unknown.success
        assert unknown.codes == ("circ.scan_unknown",) and unknown.message == str(unknown.reasons[0])
        assert unknown.reader.card_number == shelf.adult  # the reader stays open
    empty = at_desk(clerk, "  ")
    assert empty.kind == desk.REFUSED and empty.codes == ("circ.scan_empty",)


def test_the_loan_limit_is_refused_with_reasons_and_overridden_with_one(admin, clerk, shelf):
    for barcode in ("T0001", "T0003", "T0004", "T0005", "T0006"):
        assert at_desk(clerk, barcode, open_card=shelf.adult).success
    refused = at_desk(clerk, "T0007", open_card=shelf.adult)
    assert refused.kind == desk.REFUSED and not refused.success and refused.overridable
    assert refused.codes == ("circ.loan_limit",) and "T0007" in refused.message
    assert len(refused.reader.loans) == 5
    no_right = at_desk(clerk, "T0007", open_card=shelf.adult, override="exam week")
    assert no_right.kind == desk.REFUSED and no_right.codes == ("staff.not_permitted",)
    lent = at_desk(admin, "T0007", open_card=shelf.adult, override="exam week")
    assert lent.kind == desk.CHECKED_OUT and "Rules overridden: exam week" in lent.message
    assert Loan.get(Loan.id == lent.loan.id).override_reason == "exam week"


def test_hard_refusals_cannot_be_overridden(admin, clerk, shelf):
    at_desk(clerk, "T0001", open_card=shelf.adult)
    taken = at_desk(clerk, "T0001", open_card=shelf.other)
    assert taken.codes == ("circ.copy_on_loan",) and not taken.overridable


def test_a_desk_that_loses_a_race_gets_a_refusal_not_a_traceback(clerk, shelf, monkeypatch):
    """The database refuses a second open loan of one copy; the desk reads it out as a Conflict."""
    from ils.circulation import loans

    at_desk(clerk, "T0001", open_card=shelf.adult)
    monkeypatch.setattr(loans, "_item_refusal", lambda item, reader, here: ([], []))  # as if read before the loan
    lost_race = at_desk(clerk, "T0001", open_card=shelf.other)
    assert lost_race.kind == desk.REFUSED and lost_race.codes == ("storage.conflict",)
    assert not lost_race.overridable and lost_race.reader.card_number == shelf.other
    assert Loan.select().where(Loan.ended_at.is_null()).count() == 1


def test_a_blocked_reader_opens_loudly_and_a_lost_card_is_refused(admin, clerk, shelf):
    suspend(admin, shelf.other, "damaged a book")
    blocked = at_desk(clerk, shelf.other)
    assert blocked.kind == desk.READER_OPENED and not blocked.success
    assert [block.kind for block in blocked.reader.reader.blocks] == ["suspended"]
    report_lost(clerk, shelf.adult)
    lost = at_desk(clerk, shelf.adult, open_card=shelf.other)
    assert lost.kind == desk.REFUSED and lost.codes[0].startswith("readers.")
    assert lost.reader.card_number == shelf.other


def test_a_returned_copy_is_trapped_for_a_hold_and_lent_to_its_reader(clerk, shelf):
    at_desk(clerk, "T0003", open_card=shelf.other)
    hold = holds.place_hold(clerk, shelf.adult, "T0003")
    assert reader_at_desk(clerk, shelf.adult).holds[0].id == hold.id
    back = at_desk(clerk, "T0003")
    assert back.disposition.action == "hold_shelf" and "hold shelf" in back.message
    opened = at_desk(clerk, shelf.adult)
    assert "1 hold is waiting on the hold shelf." in opened.message
    lent = at_desk(clerk, "T0003", open_card=shelf.adult)
    assert "This fills the reader's hold." in lent.message and lent.reader.holds == ()


def test_the_desk_view_counts_loans_owed_and_history(admin, clerk, shelf, clock):
    at_desk(clerk, "T0001", open_card=shelf.adult)
    at_desk(clerk, "T0003", open_card=shelf.adult)
    at_desk(clerk, "T0003")
    clock.set(dt.datetime(2026, 4, 5, 10, 0, tzinfo=TZ))
    view = reader_at_desk(clerk, shelf.adult)
    assert [loan.barcode for loan in view.loans] == ["T0001"]
    assert view.overdue == 1 and view.past_loans == 1 and view.owed_fen == 0
    assert [block.kind for block in view.reader.blocks] == ["overdue"]


def give_history(session, card: str, count: int) -> None:
    """``count`` returned loans for the reader: one real loan and return, then copies of it."""
    at_desk(session, "T0008", open_card=card)
    at_desk(session, "T0008", point="XHMZ-JH")
    past = Loan.get(
        Loan.item == Item.get(Item.barcode == "T0008").id,
        Loan.ended_at.is_null(False),
        Loan.reader == reader_by_card(card).id,
    )
    row = {field: getattr(past, field.name) for field in Loan._meta.sorted_fields if field.name != "id"}
    with session.write() as writer:
        Loan.insert_many([row] * (count - 1)).execute()
        writer.journal("test.history", "reader", past.reader_id, {"count": count})


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement run on this thread's connection meanwhile."""
    seen: list[str] = []
    connection = database_proxy.obj.connection()
    connection.set_trace_callback(seen.append)
    try:
        yield seen
    finally:
        connection.set_trace_callback(None)


def test_a_reader_with_400_past_loans_loads_with_the_same_queries_as_one_with_4(clerk, shelf):
    give_history(clerk, shelf.adult, 4)
    give_history(clerk, shelf.other, 400)
    for card in (shelf.adult, shelf.other):
        at_desk(clerk, "T0001" if card == shelf.adult else "T0003", open_card=card)
        holds.place_hold(clerk, card, "T0006")
    with statements() as few:
        small = reader_at_desk(clerk, shelf.adult)
    with statements() as many:
        large = reader_at_desk(clerk, shelf.other)
    assert (small.past_loans, large.past_loans) == (4, 400)
    assert (len(small.loans), len(large.loans), len(small.holds), len(large.holds)) == (1, 1, 1, 1)
    assert len(few) == len(many) and few, (few, many)
    counting = next(sql for sql in many if "COUNT(*)" in sql and '"loan"' in sql)
    plan = database_proxy.obj.execute_sql("EXPLAIN QUERY PLAN " + counting).fetchall()
    assert any("COVERING INDEX loan_reader_history" in row[-1] for row in plan), plan
