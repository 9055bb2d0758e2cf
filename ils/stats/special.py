"""F. Special services (DOMAIN 1.4 items 8 and 21): the blind reading room's card-holders, visits,
loans of its media and what it posts and delivers.

The room defines these figures itself (``ils.blind.stats.blind_figures``: who counts as a
registered visually impaired reader, which item types are its media); the indicators here are
that function asked month by month, so the report and the room's own figures cannot differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from ils.blind.stats import BlindFigures, blind_figures
from ils.session import Session
from ils.stats.indicators import FLOW, LEVEL, MONTHS, TOTAL, Counted, Counter, family, indicator, remember

F = family("F", "特殊服务", "Special services")


def _month(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _by_month(pick: Callable[[BlindFigures], dict[str, int]]) -> Counter:
    """A counter asking the room's figures for each month; ``pick`` gives the month's values by key."""

    def count(session: Session, year: int, dimension: str) -> Counted:
        months: dict[str, list[int]] = {}
        for m in range(1, MONTHS + 1):
            figures = remember(("blind", year, m), partial(blind_figures, session, *_month(year, m)))
            for key, value in pick(figures).items():
                months.setdefault(key if dimension != "total" else TOTAL, [0] * MONTHS)[m - 1] += value
        return Counted(months)

    return count


indicator(
    code="blind_card_holders",
    family=F,
    zh="视障持证读者",
    en="Visually impaired card-holders",
    unit="people",
    definition_zh="月末持证的视障服务类型读者：当时已注册、未退证、未匿名化（月末数，全年为12月末）。",
    definition_en="Readers of a blind-service type holding a card at the month's end: registered by then,"
    " not returned, not anonymised (the year's figure is December's).",
    source="reader, reader_type (ils.blind.stats)",
    kind=LEVEL,
    dimensions=(),
    count=_by_month(lambda f: {TOTAL: f.registered_readers}),
)

indicator(
    code="blind_visits",
    family=F,
    zh="盲人阅览室到馆人次",
    en="Blind reading room visits",
    unit="person_times",
    definition_zh="盲人阅览室每日登记的到馆人次之和；已含在总流通人次的门禁计数中，不另加。",
    definition_en="The blind reading room's daily visit tallies, added up; already inside the gate"
    " count of total visits, never added to it.",
    source="blind_visit (ils.blind.stats)",
    kind=FLOW,
    dimensions=(),
    count=_by_month(lambda f: {TOTAL: f.visits}),
)

indicator(
    code="blind_loans",
    family=F,
    zh="听书机、有声读物、盲文和大字本外借册次",
    en="Listening-device, audiobook, braille and large-print loans",
    unit="volume_times",
    definition_zh="文献类型为听书机、有声读物、盲文或大字本的借阅册次（不含续借），无论在哪个借还台借出，"
    "按借出月份统计。",
    definition_en="Loans of listening devices, audiobooks, braille and large print (renewals not counted),"
    " wherever they were made, in the month lent.",
    source="loan (item_type; ils.blind.stats)",
    kind=FLOW,
    dimensions=("kind",),
    count=_by_month(lambda f: {m.medium: m.loans for m in f.loans}),
)

indicator(
    code="blind_dispatches",
    family=F,
    zh="邮寄、送书上门次数",
    en="Parcels posted and home deliveries",
    unit="times",
    definition_zh="本年寄出的邮包和送书上门的次数，每次计一次，不论几册。",
    definition_en="Parcels posted and home deliveries made in the year, each once however many items.",
    source="blind_dispatch (ils.blind.stats)",
    kind=FLOW,
    dimensions=("kind",),
    count=_by_month(lambda f: {"post": f.postal_dispatches, "home": f.home_deliveries}),
)
