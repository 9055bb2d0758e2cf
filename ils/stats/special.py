"""F. Special services (DOMAIN 1.4 item 21): the blind reading room's visits, its loans of braille,
audiobooks and listening devices, and what it posts and delivers."""

from __future__ import annotations

from ils.stats.circulation import LOAN_KEYS
from ils.stats.indicators import FLOW, family, flow_sql, indicator, month_of

F = family("F", "特殊服务", "Special services")

indicator(
    code="blind_visits",
    family=F,
    zh="盲人阅览室到馆人次",
    en="Blind reading room visits",
    unit="person_times",
    definition_zh="盲人阅览室每日登记的到馆人次之和；已含在总流通人次的门禁计数中，不另加。",
    definition_en="The blind reading room's daily visit tallies, added up; already inside the gate"
    " count of total visits, never added to it.",
    source="blind_visit",
    kind=FLOW,
    dimensions=("branch",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('v.day')}, SUM(v.visits) FROM blind_visit v {{joins}}"
        " WHERE v.day >= :start AND v.day < :end GROUP BY 1, 2",
        {"branch": ("v.branch_id", "")},
    ),
)

indicator(
    code="blind_loans",
    family=F,
    zh="盲文、有声读物和听书机外借册次",
    en="Braille, audiobook and listening-device loans",
    unit="volume_times",
    definition_zh="文献类型为盲文、有声读物或听书机的借阅册次（不含续借），按借出月份统计。",
    definition_en="Loans of braille, audiobooks and listening devices (renewals not counted), in the month lent.",
    source="loan (item_type)",
    kind=FLOW,
    dimensions=("branch", "item_type", "reader_type"),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(*) FROM loan l {{joins}}"
        " WHERE l.loaned_at >= :start AND l.loaned_at < :end"
        " AND l.item_type IN ('braille', 'audiobook', 'listening_device') GROUP BY 1, 2",
        LOAN_KEYS,
    ),
)

indicator(
    code="blind_dispatches",
    family=F,
    zh="邮寄、送书上门次数",
    en="Parcels posted and home deliveries",
    unit="times",
    definition_zh="本年寄出的邮包和送书上门的次数，每次计一次，不论几册。",
    definition_en="Parcels posted and home deliveries made in the year, each once however many items.",
    source="blind_dispatch",
    kind=FLOW,
    dimensions=("kind",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('d.dispatched_at')}, COUNT(*) FROM blind_dispatch d {{joins}}"
        " WHERE d.dispatched_at >= :start AND d.dispatched_at < :end GROUP BY 1, 2",
        {"kind": ("d.method", "")},
    ),
)
