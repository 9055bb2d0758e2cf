"""Amounts of money typed at the desk and on the command line: refused when they could lie.

The attack's cases (``-5`` stored as ¥5.00, ``1e309`` as ¥1.00) are each refused with the
code that says why, and nothing is stored; what ``yuan`` shows, ``parse_yuan`` reads back.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db.models import Journal, LoanRule, Payment, Setting
from ils.__main__ import main
from ils.catalogue.items import add_item
from ils.circulation import loans, losses
from ils.circulation.settings import FINE_BLOCK_FEN
from ils.errors import Invalid
from ils.i18n import set_language
from ils.library import open_library
from ils.money import MAX_FEN, parse_yuan, yuan
from tests.services.conftest import ADMIN_PASSWORD
from tests.services.reader_samples import register
from tests.services.test_book_numbers import new_record

ATTACK = {
    "-5": "money.negative",
    "abc": "money.not_an_amount",
    "1e300": "money.not_an_amount",
    "12.5.7": "money.not_an_amount",
    "0x10": "money.not_an_amount",
    "1,000,000": "money.not_an_amount",
    "-0.10": "money.negative",
    "1e309": "money.not_an_amount",
    "-99.5": "money.negative",
}


@pytest.mark.parametrize(("typed", "code"), ATTACK.items())
def test_the_attacks_amounts_are_refused_with_their_code(typed, code):
    with pytest.raises(Invalid) as refused:
        parse_yuan(typed)
    assert refused.value.code == code


def test_amounts_a_cashier_types_are_read_exactly():
    assert [parse_yuan(text) for text in ("12", "12.5", "12.50", "¥12.50", "12.50元", "０.１０", " 3 ")] == [
        1200,
        1250,
        1250,
        1250,
        1250,
        10,
        300,
    ]
    assert parse_yuan("-99.5", refund=True) == -9950
    for typed, code in (("", "money.empty"), ("1.005", "money.too_many_decimals"), ("1000000.01", "money.too_large")):
        with pytest.raises(Invalid) as refused:
            parse_yuan(typed)
        assert refused.value.code == code


@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN))
def test_every_amount_shown_reads_back_as_itself(fen):
    assert parse_yuan(yuan(fen), refund=fen < 0) == fen


AMOUNTISH = st.text(alphabet="-+－¥￥ 0123456789.,eEx元RMBCNY", max_size=14)
"""Text made of what amounts are made of, so the search spends its time near real ones."""


@given(st.one_of(AMOUNTISH, st.text(max_size=12)))
def test_nothing_reads_as_negative_unless_a_refund_is_meant(text):
    try:
        fen = parse_yuan(text)
    except Invalid as refused:
        assert refused.code.startswith("money.")
        return
    assert 0 <= fen <= MAX_FEN
    refund = parse_yuan(text, refund=True)
    assert refund == fen


@pytest.fixture
def cli_desk(library, admin, monkeypatch):
    """A library with one damaged-copy charge to pay, driven through ``ils`` in this process."""
    add_item(admin, new_record(admin, "三体", clc="I247.5"), "T0001", location="ZG-WJ")
    add_item(admin, new_record(admin, "呐喊", clc="I246.7"), "T0002", location="ZG-WJ")
    card = register(admin, "王芳").summary.card_number
    loans.checkout(admin, card, "T0001")
    loans.checkout(admin, card, "T0002")
    charge = losses.mark_damaged(admin, "T0001", 1000).charges[0].id
    library.close()  # the command line opens the file itself, as a second desk would
    monkeypatch.setenv("ILS_STAFF", "admin")
    monkeypatch.setenv("ILS_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("ILS_DB", str(library.path))
    yield library.path, charge
    set_language("zh_CN")


def _stored(path) -> tuple[int, int, int, str | None, tuple]:
    library = open_library(path)
    try:
        rules = tuple(LoanRule.select(LoanRule.id, LoanRule.fine_fen_per_day).order_by(LoanRule.id).tuples())
        setting = Setting.get_or_none(Setting.key == FINE_BLOCK_FEN)
        return (
            Journal.select().count(),
            Payment.select().count(),
            library.database.execute_sql("SELECT COUNT(*) FROM charge").fetchone()[0],
            setting.value if setting else None,
            rules,
        )
    finally:
        library.close()


def test_the_command_line_stores_nothing_for_an_amount_that_could_lie(cli_desk, capsys):
    path, charge = cli_desk
    before = _stored(path)
    for typed in ATTACK:
        for command in (
            ["circ", "pay", charge, "--amount", typed],
            ["circ", "damaged", "T0002", "--amount", typed],
            ["circ", "settings", "--fine-block", typed],
            ["circ", "rules", "set", "*", "*", "--fine", typed],
        ):
            assert main(["--lang", "en", *command]) == 1, (command, capsys.readouterr())
            said = capsys.readouterr().err
            assert typed in said or "negative" in said, said
    assert _stored(path) == before
    assert main(["--lang", "en", "circ", "pay", charge, "--amount", "¥2.50"]) == 0
    assert _stored(path)[1] == before[1] + 1
