"""Defects found when the desks were tried as a new user would (issue 18), at the services."""

from __future__ import annotations

import datetime as dt

import pytest

from ils.circulation import loans, receipts
from ils.circulation.refusals import Refused
from ils.i18n import use_language
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ
from tests.services.test_receipts_service import text_of

pytestmark = pytest.mark.usefixtures("english")


def test_returns_of_two_readers_at_one_desk_print_a_receipt_each(library, clerk, shelf):  # noqa: F811
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.other, "T0003")
    returned = [(None, loans.return_item(clerk, "T0001")), (None, loans.return_item(clerk, "T0003"))]
    printed = receipts.transaction_receipts(clerk, None, [], returned)
    assert len(printed.paths) == 2 and printed.folder == library.path.parent / "prints" and printed.printer is None
    first, second = (text_of(path) for path in printed.paths)
    assert "三体" in first and "呐喊" not in first and receipts.mask_card_number(shelf.adult) in first
    assert "呐喊" in second and "三体" not in second and receipts.mask_card_number(shelf.other) in second


def test_an_overdue_refusal_says_it_once_with_full_width_punctuation_in_chinese(clerk, shelf, clock):  # noqa: F811
    loans.checkout(clerk, shelf.adult, "T0001")
    clock.set(dt.datetime(2026, 5, 20, 10, 0, tzinfo=TZ))
    with use_language("zh_CN"), pytest.raises(Refused) as refused:
        loans.checkout(clerk, shelf.adult, "T0003")
    chinese = refused.value.render("zh_CN")
    assert chinese.count("逾期") == 2 and ": " not in chinese and "：" in chinese, chinese  # 图书逾期：归还逾期的…
    assert "Return the overdue item to borrow again." in refused.value.render("en")


def test_the_desk_says_特批_for_an_override_never_越权():
    """越权 reads as "abuse of authority"; the desk, the CLI and the guide say 特批."""
    from ils.i18n import translate

    for msgid in ("Override", "Override for {code}", "Rules overridden: {reason}", "Why the rules are set aside"):
        assert "特批" in translate(msgid, "zh_CN") and "越权" not in translate(msgid, "zh_CN"), msgid
