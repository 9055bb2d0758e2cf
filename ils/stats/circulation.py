"""C. Circulation (DOMAIN 1.4 items 9–17): loans with and without renewals, borrowers, returns,
renewals, holds, borrow-anywhere-return-anywhere, transits, outreach loans, rotation and visits.

Loans count where they were made (the lending branch and desk), in the month of the checkout;
the borrower's type, age band and home branch are the snapshot the loan row keeps, so a loan
cut from its reader by the privacy job still counts in every breakdown.
"""

from __future__ import annotations

from ils.stats.indicators import DISTINCT, FLOW, SumCounter, distinct_sql, family, flow_sql, indicator, month_of

C = family("C", "流通服务", "Circulation")

_ITEM = "JOIN item i ON i.id = l.item_id"
_BIB = "JOIN item i ON i.id = l.item_id JOIN bib_record b ON b.id = i.bib_id"
LOAN_KEYS = {
    "branch": ("l.branch_id", ""),
    "service_point": ("l.service_point_id", ""),
    "reader_type": ("l.reader_type", ""),
    "age_band": ("l.age_band", ""),
    "location": ("i.location_id", _ITEM),
    "clc": ("upper(substr(b.clc_class, 1, 1))", _BIB),
    "item_type": ("l.item_type", ""),
}
_IN_YEAR = "l.loaned_at >= :start AND l.loaned_at < :end"
LOANS_SQL = f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(*) FROM loan l {{joins}} WHERE {_IN_YEAR} GROUP BY 1, 2"
RENEWALS_SQL = (
    f"SELECT {{key}}, {month_of('r.renewed_at')}, COUNT(*) FROM loan_renewal r {{joins}}"
    " WHERE r.renewed_at >= :start AND r.renewed_at < :end GROUP BY 1, 2"
)
RENEWAL_KEYS = {"branch": ("r.branch_id", ""), "service_point": ("r.service_point_id", "")}

indicator(
    code="loans",
    family=C,
    zh="书刊文献外借册次（不含续借）",
    en="Loans (without renewals)",
    unit="volume_times",
    definition_zh="本年借出的每一册次计一次，按借出时间所在月份、借出分馆和服务点统计；不含续借；"
    "已去标识化的借阅照常计入；还书日期不影响计入年份。",
    definition_en="Each copy lent in the year counts once, in the month of the checkout, at the lending"
    " branch and desk; renewals are not counted; de-identified loans count as any other; when the copy"
    " came back does not matter.",
    source="loan (checkouts)",
    kind=FLOW,
    dimensions=tuple(LOAN_KEYS),
    count=flow_sql(LOANS_SQL, LOAN_KEYS),
)

indicator(
    code="renewals",
    family=C,
    zh="续借册次",
    en="Renewals",
    unit="volume_times",
    definition_zh="本年每次续借计一次，按续借时间和办理续借的分馆统计（一册借出后续借两次计两次）。",
    definition_en="Each renewal made in the year counts once, in its month, at the branch that renewed it"
    " (a loan renewed twice counts twice).",
    source="loan_renewal",
    kind=FLOW,
    dimensions=tuple(RENEWAL_KEYS),
    count=flow_sql(RENEWALS_SQL, RENEWAL_KEYS),
)

indicator(
    code="loans_with_renewals",
    family=C,
    zh="书刊文献外借册次（含续借）",
    en="Loans including renewals",
    unit="volume_times",
    definition_zh="借出册次与续借册次之和：借出按借出月份和分馆计，续借按续借月份和分馆计。",
    definition_en="Loans plus renewals: a loan in the month and branch of its checkout, a renewal in the"
    " month and branch where it was made.",
    source="loan, loan_renewal",
    kind=FLOW,
    dimensions=tuple(RENEWAL_KEYS),
    count=SumCounter("loans", "renewals"),
)

# A borrower is the reader when the loan still names them; a de-identified loan is known only
# by its snapshot, so loans of one snapshot at one desk on one day count as one borrower.
_BORROWER = (
    "COALESCE(l.reader_id, l.reader_type || '|' || COALESCE(l.age_band, '') || '|'"
    " || COALESCE(l.reader_branch_id, '') || '|' || COALESCE(l.service_point_id, '')) || substr(l.loaned_at, 1, 10)"
)
_BORROWER_KEYS = {k: LOAN_KEYS[k] for k in ("branch", "service_point", "reader_type", "age_band")}
indicator(
    code="borrowers",
    family=C,
    zh="外借人次",
    en="Borrowing person-times",
    unit="person_times",
    definition_zh="一位读者一天在一个分馆借书计一人次（同日借多册仍计一次）；已去标识化的借阅按读者类型、"
    "年龄段、所属分馆和服务点相同者同日计一人次。",
    definition_en="A reader borrowing on a day at a branch counts once however many copies; loans cut from"
    " their reader count once per day for each reader type, age band, home branch and desk.",
    source="loan",
    kind=FLOW,
    dimensions=tuple(_BORROWER_KEYS),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(DISTINCT {_BORROWER}) FROM loan l {{joins}}"
        f" WHERE {_IN_YEAR} GROUP BY 1, 2",
        _BORROWER_KEYS,
    ),
)

_RETURN_KEYS = {"branch": ("l.end_branch_id", ""), "service_point": ("l.end_service_point_id", "")}
indicator(
    code="returns",
    family=C,
    zh="还书册次",
    en="Returns",
    unit="volume_times",
    definition_zh="本年归还的每一册计一次，按还书时间和还书分馆统计；1月1日归还的上一年借阅计入本年；"
    "丢失赔偿、撤销借阅不计。",
    definition_en="Each copy returned in the year counts once, in the month and at the branch of the"
    " return; a loan of last year returned on 1 January counts this year; loans ended as lost or"
    " written off do not count.",
    source="loan (ended_as = returned)",
    kind=FLOW,
    dimensions=tuple(_RETURN_KEYS),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.ended_at')}, COUNT(*) FROM loan l {{joins}}"
        " WHERE l.ended_at >= :start AND l.ended_at < :end AND l.ended_as = 'returned' GROUP BY 1, 2",
        _RETURN_KEYS,
    ),
)

indicator(
    code="cross_branch_loans",
    family=C,
    zh="通借：外馆读者借阅册次",
    en="Loans to readers of another branch",
    unit="volume_times",
    definition_zh="借出分馆不是读者所属分馆的借阅（通借通还），按借出分馆统计；读者所属分馆不明的不计。",
    definition_en="Loans made at a branch other than the borrower's home branch (borrow anywhere), at the"
    " lending branch; loans whose home branch is unknown do not count.",
    source="loan (branch_id, reader_branch_id)",
    kind=FLOW,
    dimensions=("branch", "reader_type"),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(*) FROM loan l {{joins}} WHERE {_IN_YEAR}"
        " AND l.reader_branch_id IS NOT NULL AND l.reader_branch_id != l.branch_id GROUP BY 1, 2",
        LOAN_KEYS,
    ),
)

indicator(
    code="cross_branch_returns",
    family=C,
    zh="通还：异馆还书册次",
    en="Returns at another branch",
    unit="volume_times",
    definition_zh="在借出分馆以外的分馆归还的册次（通借通还），按还书分馆统计。",
    definition_en="Copies returned at a branch other than the one that lent them (return anywhere), at"
    " the returning branch.",
    source="loan (branch_id, end_branch_id)",
    kind=FLOW,
    dimensions=("branch",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.ended_at')}, COUNT(*) FROM loan l {{joins}}"
        " WHERE l.ended_at >= :start AND l.ended_at < :end AND l.ended_as = 'returned'"
        " AND l.end_branch_id != l.branch_id GROUP BY 1, 2",
        _RETURN_KEYS,
    ),
)

indicator(
    code="outreach_loans",
    family=C,
    zh="馆外流动服务点借阅册次",
    en="Outreach loans (van and self-service)",
    unit="volume_times",
    definition_zh="流动图书车各停靠点和24小时自助借还室借出的册次，不含续借。",
    definition_en="Loans made by the mobile library van at its stops and in the 24-hour self-service room;"
    " renewals not counted.",
    source="loan, branch (kind van / self_service)",
    kind=FLOW,
    dimensions=("branch", "service_point"),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(*) FROM loan l JOIN branch br ON br.id = l.branch_id"
        f" {{joins}} WHERE {_IN_YEAR} AND br.kind IN ('van', 'self_service') GROUP BY 1, 2",
        LOAN_KEYS,
    ),
)

indicator(
    code="holds",
    family=C,
    zh="预约次数",
    en="Holds placed",
    unit="times",
    definition_zh="本年读者提出的每一次预约计一次，按提出时间和取书分馆统计；之后取消或过期的照常计入。",
    definition_en="Each hold placed in the year counts once, in its month, at its pickup branch; holds"
    " later cancelled or expired still count.",
    source="hold",
    kind=FLOW,
    dimensions=("branch", "reader_type"),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('h.placed_at')}, COUNT(*) FROM hold h {{joins}}"
        " WHERE h.placed_at >= :start AND h.placed_at < :end GROUP BY 1, 2",
        {"branch": ("h.pickup_branch_id", ""), "reader_type": ("h.reader_type", "")},
    ),
)

indicator(
    code="transits",
    family=C,
    zh="馆际调运册次（在途）",
    en="Copies sent between branches",
    unit="volumes",
    definition_zh="本年从一个分馆发往另一分馆的册次（回原馆、预约取书、图书流转），按发出分馆统计。",
    definition_en="Copies sent from one branch to another in the year (home, to a hold's pickup branch,"
    " on rotation), at the sending branch.",
    source="transit",
    kind=FLOW,
    dimensions=("branch", "kind"),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('t.sent_at')}, COUNT(*) FROM transit t {{joins}}"
        " WHERE t.sent_at >= :start AND t.sent_at < :end GROUP BY 1, 2",
        {"branch": ("t.from_branch_id", ""), "kind": ("t.reason", "")},
    ),
)

indicator(
    code="rotated_volumes",
    family=C,
    zh="图书流转册数",
    en="Volumes sent on rotation",
    unit="volumes",
    definition_zh="本年流转批次发出的册数，按发出时间和接收分馆统计；同一册一年内流转两次计两次。",
    definition_en="Copies sent out in rotation batches in the year, in the month sent, at the receiving"
    " branch; a copy sent twice in the year counts twice.",
    source="rotation_item, rotation_batch",
    kind=FLOW,
    dimensions=("branch",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('ri.sent_at')}, COUNT(*) FROM rotation_item ri"
        " JOIN rotation_batch rb ON rb.id = ri.batch_id {joins}"
        " WHERE ri.sent_at >= :start AND ri.sent_at < :end GROUP BY 1, 2",
        {"branch": ("rb.to_branch_id", "")},
    ),
)

indicator(
    code="rotated_loans",
    family=C,
    zh="流转图书借阅册次",
    en="Loans of rotated copies",
    unit="volume_times",
    definition_zh="借出时属于流转批次的图书的借阅册次，按借出分馆统计。",
    definition_en="Loans of copies that were out on a rotation batch when lent, at the lending branch.",
    source="loan (rotation_batch_id)",
    kind=FLOW,
    dimensions=("branch",),
    count=flow_sql(
        f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(*) FROM loan l {{joins}}"
        f" WHERE {_IN_YEAR} AND l.rotation_batch_id IS NOT NULL GROUP BY 1, 2",
        LOAN_KEYS,
    ),
)

_VISIT_KEYS = {"branch": ("branch_id", "")}
indicator(
    code="visits",
    family=C,
    zh="总流通人次（到馆人次）",
    en="Visits",
    unit="person_times",
    definition_zh="门禁计数器记录的进馆人次，加上无计数器的分馆、流动车停靠点的人工日计数；盲人阅览室和"
    "各阅览室的分项计数不重复计入。",
    definition_en="Entries counted by the gate counters plus the daily manual tallies of branches and van"
    " stops without a counter; room tallies (the blind room, reading rooms) are not added again.",
    source="visit_gate_count, visit_tally",
    kind=FLOW,
    dimensions=tuple(_VISIT_KEYS),
    count=flow_sql(
        "SELECT {key}, m, SUM(n) FROM ("
        f"SELECT s.branch_id AS branch_id, {month_of('g.day')} AS m, SUM(g.entries) AS n FROM visit_gate_count g"
        " JOIN visit_gate_site s ON s.id = g.site_id WHERE g.day >= :start AND g.day < :end GROUP BY 1, 2"
        f" UNION ALL SELECT t.branch_id, {month_of('t.day')}, SUM(t.count) FROM visit_tally t"
        " WHERE t.day >= :start AND t.day < :end AND t.site_kind != 'room' GROUP BY 1, 2"
        ") u {joins} GROUP BY 1, 2",
        _VISIT_KEYS,
    ),
)

indicator(
    code="active_borrowers",
    family=C,
    zh="有效持证读者（本年有借阅）",
    en="Active card-holders (borrowed this year)",
    unit="people",
    definition_zh="本年至少借过一次书的读者人数，每人只计一次（ISO 2789“活跃用户”），按读者所属分馆分列；"
    "已去标识化、不再关联读者的借阅无法计入，故为下限。",
    definition_en="Readers who borrowed at least once in the year, each counted once (ISO 2789 active"
    " user), by their home branch; loans already cut from their reader cannot be counted, so this is a"
    " lower bound.",
    source="loan (reader_id)",
    kind=DISTINCT,
    dimensions=("branch", "reader_type"),
    count=distinct_sql(
        f"SELECT {{key}}, {month_of('l.loaned_at')}, COUNT(DISTINCT l.reader_id) FROM loan l {{joins}}"
        f" WHERE {_IN_YEAR} AND l.reader_id IS NOT NULL GROUP BY 1, 2",
        f"SELECT {{key}}, COUNT(DISTINCT l.reader_id) FROM loan l {{joins}} WHERE {_IN_YEAR}"
        " AND l.reader_id IS NOT NULL GROUP BY 1",
        {"branch": ("l.reader_branch_id", ""), "reader_type": ("l.reader_type", "")},
    ),
)
