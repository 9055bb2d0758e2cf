"""A. Collection (DOMAIN 1.4 items 1–4): holdings by material type and collection, what was added
and bought in the year and what it cost, and the periodicals taken.

An item counts in the holdings from the day it was acquired (its ``acquired_on``, else when it
was entered) until it is withdrawn or lost (its last change); e-books and digital resources are
not items, they are manual inputs (``ils.stats.inputs``).
"""

from __future__ import annotations

from ils.stats.indicators import FLOW, LEVEL, bucket, family, flow_sql, indicator, level_sql, month_of

A = family("A", "馆藏资源", "Collection")

_ACQUIRED = "COALESCE(i.acquired_on, i.created_at)"
ITEM_KEYS = {
    "branch": ("i.branch_id", ""),
    "location": ("i.location_id", ""),
    "item_type": ("i.item_type", ""),
    "clc": ("upper(substr(b.clc_class, 1, 1))", "JOIN bib_record b ON b.id = i.bib_id"),
}
_GONE = f"(CASE WHEN i.status IN ('withdrawn', 'lost') THEN {bucket('i.updated_at')} ELSE 13 END)"

indicator(
    code="holdings",
    family=A,
    zh="总藏量",
    en="Total holdings",
    unit="volumes",
    definition_zh="月末在藏的实体文献册（件）数：自入藏之日起计，剔除或丢失后不计；全年数为12月末数；不含电子图书。",
    definition_en="Physical items held at the end of the month: from the day acquired until withdrawn or"
    " lost; the year's figure is December's; e-books are not included.",
    source="item",
    kind=LEVEL,
    dimensions=tuple(ITEM_KEYS),
    count=level_sql(
        f"SELECT {{key}}, {bucket(_ACQUIRED)}, {_GONE}, COUNT(*) FROM item i {{joins}}"
        f" WHERE {_ACQUIRED} < :end GROUP BY 1, 2, 3",
        ITEM_KEYS,
    ),
)

_ADDED = (
    f"SELECT {{key}}, {month_of(_ACQUIRED)}, {{what}} FROM item i {{joins}}"
    f" WHERE {_ACQUIRED} >= :start AND {_ACQUIRED} < :end {{extra}} GROUP BY 1, 2"
)


def _added(what: str, extra: str = "") -> str:
    return _ADDED.replace("{what}", what).replace("{extra}", extra)


indicator(
    code="new_items",
    family=A,
    zh="本年新增藏量",
    en="Items added",
    unit="volumes",
    definition_zh="本年入藏的册（件）数，含采购、捐赠和调拨，按入藏月份统计。",
    definition_en="Items acquired in the year, bought, given or transferred, in the month acquired.",
    source="item (acquired_on)",
    kind=FLOW,
    dimensions=tuple(ITEM_KEYS),
    count=flow_sql(_added("COUNT(*)"), ITEM_KEYS),
)

_BOUGHT = "AND i.source = '采购'"
indicator(
    code="bought_items",
    family=A,
    zh="本年新购藏量",
    en="Items bought",
    unit="volumes",
    definition_zh="本年入藏、来源为采购的册（件）数；捐赠、调拨不计。",
    definition_en="Items acquired in the year whose source is purchase; gifts and transfers are excluded.",
    source="item (acquired_on, source)",
    kind=FLOW,
    dimensions=tuple(ITEM_KEYS),
    count=flow_sql(_added("COUNT(*)", _BOUGHT), ITEM_KEYS),
)

indicator(
    code="purchase_spend",
    family=A,
    zh="藏量购置费（按定价）",
    en="Acquisition spending (at list price)",
    unit="yuan",
    definition_zh="本年采购入藏文献的定价之和（元，四舍五入）；未录价格的不计。",
    definition_en="The list prices of the items bought in the year, in yuan (rounded); items without a"
    " price are left out.",
    source="item (price_fen)",
    kind=FLOW,
    dimensions=("branch", "location"),
    count=flow_sql(_added("CAST(ROUND(COALESCE(SUM(i.price_fen), 0) / 100.0) AS INTEGER)", _BOUGHT), ITEM_KEYS),
)

indicator(
    code="serial_titles",
    family=A,
    zh="报刊订阅种数",
    en="Periodical titles taken",
    unit="titles",
    definition_zh="本年订阅（含赠阅、交换）且未停订的报纸、期刊种数，每种只计一次。",
    definition_en="Newspapers and magazines taken for the year (bought, given or exchanged) and not"
    " cancelled, each title once.",
    source="serial_subscription",
    kind=LEVEL,
    dimensions=("kind",),
    count=level_sql(
        "SELECT {key}, 0, 13, COUNT(DISTINCT s.title_id) FROM serial_subscription s"
        " JOIN serial_title t ON t.id = s.title_id {joins}"
        " WHERE s.year = CAST(substr(:start, 1, 4) AS INTEGER) AND s.state != 'cancelled' GROUP BY 1",
        {"kind": ("t.kind", "")},
    ),
)

indicator(
    code="serial_receipts",
    family=A,
    zh="报刊到馆份数",
    en="Periodical copies received",
    unit="issues",
    definition_zh="本年登到的报刊期（份）数，每一份计一次，按登到时间和登到分馆统计。",
    definition_en="Copies of issues checked in during the year, each copy once, in the month and at the"
    " branch of check-in.",
    source="serial_receipt",
    kind=FLOW,
    dimensions=("branch",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('x.received_at')}, COUNT(*) FROM serial_receipt x {{joins}}"
        " WHERE x.received_at >= :start AND x.received_at < :end GROUP BY 1, 2",
        {"branch": ("x.branch_id", "")},
    ),
)
