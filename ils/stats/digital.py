"""E. Digital (DOMAIN 1.4 item 20): e-resource clicks, booklists pushed and online reach, from the
monthly figures the events desk enters from each platform's back office and the reach of each
online item."""

from __future__ import annotations

from ils.stats.indicators import FLOW, family, flow_sql, indicator, month_of

E = family("E", "数字服务", "Digital services")

_MEASURE = (
    "SELECT {key}, CAST(substr(d.month, 6, 2) AS INTEGER), SUM(d.value) FROM visit_digital d {joins}"
    " WHERE d.month >= substr(:start, 1, 7) AND d.month < substr(:end, 1, 7) AND d.measure = '{measure}'"
    " GROUP BY 1, 2"
)
_PLATFORM = {"kind": ("d.platform", "")}

indicator(
    code="ebook_clicks",
    family=E,
    zh="数字资源（电子书刊）点击量",
    en="E-resource clicks",
    unit="clicks",
    definition_zh="各数字资源平台后台报告的月点击量之和，按平台分列。",
    definition_en="The monthly clicks each digital platform's back office reports, added up, by platform.",
    source="visit_digital (measure clicks)",
    kind=FLOW,
    dimensions=tuple(_PLATFORM),
    count=flow_sql(_MEASURE.replace("{measure}", "clicks"), _PLATFORM),
)

indicator(
    code="booklists_pushed",
    family=E,
    zh="微信推送书单、电子书次数",
    en="Booklists and e-books pushed",
    unit="times",
    definition_zh="公众号等平台每月推送书单、电子书的次数之和。",
    definition_en="Booklists and e-books pushed on WeChat and other platforms, by month, added up.",
    source="visit_digital (measure booklists)",
    kind=FLOW,
    dimensions=tuple(_PLATFORM),
    count=flow_sql(_MEASURE.replace("{measure}", "booklists"), _PLATFORM),
)

indicator(
    code="online_clicks",
    family=E,
    zh="线上活动推文点击量",
    en="Online items' clicks",
    unit="clicks",
    definition_zh="本年发布的线上展览、报道推文的点击量之和，按发布月份统计。",
    definition_en="Clicks on online exhibitions and posts published in the year, in the month published.",
    source="event_reach",
    kind=FLOW,
    dimensions=("kind",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('e.published_on')}, SUM(e.clicks) FROM event_reach e {{joins}}"
        " WHERE e.published_on >= :start AND e.published_on < :end GROUP BY 1, 2",
        {"kind": ("e.channel", "")},
    ),
)
