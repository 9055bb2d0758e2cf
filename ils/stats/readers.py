"""B. Readers (DOMAIN 1.4 items 6–8): new cards, card-holders in both definitions of 有效持证读者
(a valid card; borrowed this year — the second is ``active_borrowers`` in circulation), and the
children's card-holders (the visually impaired ones are the blind room's, in ``special``)."""

from __future__ import annotations

from ils.stats.indicators import FLOW, LEVEL, bucket, family, flow_sql, indicator, level_sql, month_of

B = family("B", "读者", "Readers")

READER_KEYS = {
    "branch": ("r.branch_id", ""),
    "reader_type": ("r.reader_type", ""),
    "age_band": ("r.age_band", ""),
}

indicator(
    code="new_cards",
    family=B,
    zh="新增持证读者（发放借书证数）",
    en="New card-holders (cards issued)",
    unit="cards",
    definition_zh="本年新注册的读者人数，按注册时间和所属分馆统计；补办、换发的证不计。",
    definition_en="Readers registered in the year, in the month of registration, at their home branch;"
    " replaced or reissued cards do not count.",
    source="reader (created_at)",
    kind=FLOW,
    dimensions=tuple(READER_KEYS),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('r.created_at')}, COUNT(*) FROM reader r {{joins}}"
        " WHERE r.created_at >= :start AND r.created_at < :end GROUP BY 1, 2",
        READER_KEYS,
    ),
)

# A card stops counting at the first of: its cancellation, the day after it expired (a CASE, not
# SQLite's two-argument min(), so the union on PostgreSQL counts it alike).
_EXPIRED = (
    "(CASE WHEN r.expires_on IS NULL THEN 13 WHEN r.expires_on < :start THEN 0"
    " WHEN r.expires_on >= :end THEN 13 ELSE CAST(substr(r.expires_on, 6, 2) AS INTEGER) END)"
)
_CANCELLED = bucket("r.cancelled_at")
_VALID_END = f"(CASE WHEN {_CANCELLED} < {_EXPIRED} THEN {_CANCELLED} ELSE {_EXPIRED} END)"
VALID_SQL = (
    f"SELECT {{key}}, {bucket('r.created_at')} AS s, {_VALID_END} AS e, COUNT(*) FROM reader r {{joins}}"
    " WHERE r.created_at < :end {extra} GROUP BY 1, 2, 3"
)

indicator(
    code="valid_cards",
    family=B,
    zh="有效持证读者（证件有效）",
    en="Card-holders with a valid card",
    unit="people",
    definition_zh="月末证件未注销、未过期的读者人数；全年数为12月末人数。证件在某月到期的，自该月起不计。",
    definition_en="Readers whose card is neither cancelled nor expired at the end of the month; the"
    " year's figure is December's. A card that expires in a month stops counting from that month.",
    source="reader (created_at, cancelled_at, expires_on)",
    kind=LEVEL,
    dimensions=tuple(READER_KEYS),
    count=level_sql(VALID_SQL.replace("{extra}", ""), READER_KEYS),
)

indicator(
    code="child_card_holders",
    family=B,
    zh="少儿持证读者",
    en="Children's card-holders",
    unit="people",
    definition_zh="证件有效的少儿类型读者人数（月末数，全年为12月末）。",
    definition_en="Card-holders of the children's reader type with a valid card (at the month's end; the"
    " year's figure is December's).",
    source="reader (reader_type = child)",
    kind=LEVEL,
    dimensions=("branch",),
    count=level_sql(VALID_SQL.replace("{extra}", "AND r.reader_type = 'child'"), READER_KEYS),
)
