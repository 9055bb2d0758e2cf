"""A library with a periodicals clerk and a few titles subscribed for 2026 (the clock: 2026-03-02)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ils.serials import subscriptions, titles
from ils.serials.numbers import issn_ean
from ils.session import Session
from ils.staff import add_staff, log_in
from tests.services.conftest import admin, clock, english, library  # noqa: F401  (shared fixtures)

READER_ISSN = "1005-1805"  # a made-up ISSN with a correct check digit, standing for 读者
STORY_ISSN = "1002-4980"


@dataclass
class Room:
    session: Session
    reader: str  # 读者: semi-monthly magazine, 2 copies (报刊阅览室 and 少儿阅览室)
    story: str  # 故事会: monthly, 1 copy
    paper: str  # 湖南日报: daily, no Sunday edition, 春节 pause of 3 days; 1 copy here, 1 at 阳三分馆
    weekly: str  # 南方周末: weekly on Thursday


def ean(issn: str, number: int | None = None) -> str:
    code = issn_ean(issn)
    return code + (f"{number:02d}" if number is not None else "")


@pytest.fixture
def room(library, admin) -> Room:
    add_staff(admin, username="bk", display_name="周敏", password="bk-pass-1", roles="periodicals", branch="ZG")
    session = log_in(library, "bk", "bk-pass-1")
    titles.add_title(
        session,
        titles.TitleForm(
            "读者",
            "magazine",
            "semimonthly",
            issn=READER_ISSN,
            cn="CN 62-1118/Z",
            post_code="54-17",
            publisher="读者出版集团",
        ),
    )
    titles.add_title(
        session, titles.TitleForm("故事会", "magazine", "monthly", issn=STORY_ISSN, cn="CN 31-1079/I", post_code="4-60")
    )
    titles.add_title(
        session,
        titles.TitleForm(
            "湖南日报",
            "newspaper",
            "daily",
            cn="CN 43-0001",
            post_code="41-1",
            weekdays=(0, 1, 2, 3, 4, 5),
            pause=3,
            lending="none",
        ),
    )
    titles.add_title(
        session, titles.TitleForm("南方周末", "newspaper", "weekly", cn="CN 44-0003", post_code="45-4", weekdays=(3,))
    )
    subscriptions.subscribe(
        session,
        "读者",
        2026,
        price_issue="6.00",
        copies=2,
        routing=[("ZG-BK", 1), ("ZG-SE", 1)],
        volume=46,
        first_total=801,
    )
    subscriptions.subscribe(
        session, "故事会", 2026, price_year="120", copies=1, supplier="agent", supplier_name="湖南省报刊发行公司"
    )
    subscriptions.subscribe(
        session, "湖南日报", 2026, price_year="498", copies=2, routing=[("ZG-BK", 1), ("YS", 1)], first_total=25001
    )
    subscriptions.subscribe(session, "南方周末", 2026, price_year="180")
    return Room(session, "读者", "故事会", "湖南日报", "南方周末")
