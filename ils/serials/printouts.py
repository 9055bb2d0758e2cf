"""What the periodicals room prints: claim letters per supplier, routing slips per room, the
binding list, the year's order list (PDF and XLSX) and a practice sheet of cover barcodes.
Services gather plain values here and hand them to ``printing``; text in the caller's language."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from db.models import SerialSubscription, SerialTitle
from ils.errors import Invalid
from ils.i18n import _
from ils.money import yuan
from ils.permissions import Permission
from ils.printouts import write_pdf
from ils.serials import binding, claims, subscriptions
from ils.serials.checkin import received_on
from ils.serials.numbers import issn_ean
from ils.serials.subscriptions import expected_issues
from ils.session import Session
from printing.ean import CoverBarcode, render_cover_barcodes
from printing.serial_documents import Column, Section, SerialDocument, render_serial_document
from printing.xlsx import render_xlsx


def _document(session: Session, title: str, sections: list[Section], empty: str) -> bytes:
    return render_serial_document(
        SerialDocument(
            title,
            session.library.node.library_name,
            tuple(sections),
            footer=_("Printed {date}").format(date=session.now().date().isoformat()),
            empty_text=empty,
            page_word=_("Page {page}"),
        )
    )


def claim_letters(session: Session, *, supplier: str | None = None) -> bytes:
    """One letter per supplier listing the open claims: what to send again."""
    open_claims = claims.list_claims(session, supplier=supplier)
    if not open_claims:
        raise Invalid("serials.no_open_claims", "There are no open claims to print.")
    by_supplier: dict[str, list[claims.ClaimInfo]] = defaultdict(list)
    for c in open_claims:
        by_supplier[c.supplier_text].append(c)
    library = session.library.node.library_name
    columns = (
        Column(_("Title"), 0.25),
        Column(_("Issue"), 0.29),
        Column(_("Date"), 0.14),
        Column(_("Copies"), 0.07, "right"),
        Column(_("Claimed"), 0.25),
    )
    sections = [
        Section(
            _("To: {supplier}").format(supplier=name),
            columns,
            tuple(_claim_line(asked) for asked in _per_issue(found)),
            paragraphs=(
                _(
                    "The following issues of our subscriptions have not reached us. Please send them, or tell us "
                    "if they were not published."
                ),
            ),
            totals=("", "", _("Total"), str(sum(asked[-1].copies for asked in _per_issue(found))), ""),
            closing=(library, session.now().date().isoformat()),
        )
        for name, found in by_supplier.items()
    ]
    return _document(session, _("Claim for missing issues"), sections, "")


def _per_issue(found: list[claims.ClaimInfo]) -> list[list[claims.ClaimInfo]]:
    """The claims of each issue, oldest first: an issue asked for again is still one issue missing."""
    issues: dict[tuple[str, int, int], list[claims.ClaimInfo]] = defaultdict(list)
    for c in found:
        issues[(c.title, c.year, c.number)].append(c)
    return [sorted(asked, key=lambda c: c.claimed_at) for asked in issues.values()]


def _claim_line(asked: list[claims.ClaimInfo]) -> tuple[str, ...]:
    """One issue on the letter: the copies still missing and when it was last asked for (and how often)."""
    last = asked[-1]
    claimed = last.claimed_at[:10]
    if len(asked) > 1:
        claimed = _("{date} (claim {count})").format(date=claimed, count=len(asked))
    return (last.title, last.issue_label, last.issue_date or "", str(last.copies), claimed)


def routing_slips(session: Session, day: dt.date | None = None) -> bytes:
    """One slip per room or branch: the issues checked in on ``day`` that go there."""
    day = day or session.now().date()
    lines = received_on(session, day)
    by_place: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        by_place[line.place or _("This desk")][(line.title, line.issue_label)] += 1
    sections = [
        Section(
            _("Send to: {place}").format(place=place),
            (Column(_("Title"), 0.45), Column(_("Issue"), 0.43), Column(_("Copies"), 0.12, "right")),
            tuple((title, issue, str(n)) for (title, issue), n in sorted(rows.items())),
            totals=("", _("Total"), str(sum(rows.values()))),
            closing=(_("Checked in on {date}; received by: ________").format(date=day.isoformat()),),
        )
        for place, rows in sorted(by_place.items())
    ]
    return _document(
        session, _("Routing slip"), sections, _("Nothing was checked in on {date}.").format(date=day.isoformat())
    )


def binding_list(session: Session, first: dt.date, last: dt.date) -> bytes:
    """The volumes bound in a period, with their runs, barcodes, call numbers and gaps."""
    session.require(Permission.SERIALS)
    volumes = binding.bound_between(first, last)
    section = Section(
        _("Volumes bound {first} – {last}").format(first=first.isoformat(), last=last.isoformat()),
        (
            Column(_("Title"), 0.2),
            Column(_("Run"), 0.2),
            Column(_("Barcode"), 0.14),
            Column(_("Call number"), 0.2),
            Column(_("Issues"), 0.08, "right"),
            Column(_("Missing issues"), 0.18),
        ),
        tuple(
            (v.title, v.label, v.barcode, v.call_number or "", str(v.issues), "、".join(str(n) for n in v.missing))
            for v in volumes
        ),
        totals=("", "", "", _("Total"), str(sum(v.issues for v in volumes)), ""),
        new_page=False,
    )
    return _document(
        session, _("Binding list"), [section] if volumes else [], _("No volumes were bound in this period.")
    )


def _order_rows(order: subscriptions.OrderList) -> list[tuple[str, ...]]:
    return [
        (
            s.title,
            _("Newspaper") if s.kind == "newspaper" else _("Magazine"),
            s.supplier_text,
            yuan(s.total_fen // s.copies) if s.copies else "",
            str(s.copies),
            yuan(s.total_fen),
        )
        for s in order.lines
    ]


def order_list(session: Session, year: int) -> bytes:
    """The year's order list (征订单) with totals per supplier."""
    session.require(Permission.SERIALS)
    order = subscriptions.order_list(year)
    columns = (
        Column(_("Title"), 0.26),
        Column(_("Kind"), 0.1),
        Column(_("Supplier"), 0.26),
        Column(_("Per copy"), 0.14, "right"),
        Column(_("Copies"), 0.08, "right"),
        Column(_("Amount"), 0.16, "right"),
    )
    lines = Section(
        _("Subscriptions for {year}").format(year=year),
        columns,
        tuple(_order_rows(order)),
        totals=("", "", _("Total"), "", str(sum(s.copies for s in order.lines)), yuan(order.total_fen)),
        new_page=False,
    )
    totals = Section(
        _("Totals per supplier"),
        (
            Column(_("Supplier"), 0.5),
            Column(_("Titles"), 0.15, "right"),
            Column(_("Copies"), 0.15, "right"),
            Column(_("Amount"), 0.2, "right"),
        ),
        tuple((t.label, str(t.titles), str(t.copies), yuan(t.total_fen)) for t in order.suppliers),
        closing=(_("Cancelled: {titles}").format(titles="、".join(s.title for s in order.cancelled)),)
        if order.cancelled
        else (),
        new_page=False,
    )
    return _document(
        session,
        _("Order list {year}").format(year=year),
        [lines, totals] if order.lines else [],
        _("Nothing is on the list for {year}.").format(year=year),
    )


def order_list_xlsx(session: Session, year: int) -> bytes:
    """The order list as a spreadsheet for the bureau: one row per title, amounts in yuan."""
    session.require(Permission.SERIALS)
    order = subscriptions.order_list(year)
    header = [
        _("Title"),
        _("Kind"),
        "ISSN",
        _("CN number"),
        _("Post code"),
        _("Supplier"),
        _("Per copy (yuan)"),
        _("Copies"),
        _("Amount (yuan)"),
    ]
    titles = {t.id: t for t in SerialTitle.select()}
    rows: list[list] = [header]
    for s in order.lines:
        t = titles[s.title_id]
        per_copy = s.total_fen // s.copies if s.copies else 0
        rows.append(
            [
                s.title,
                _("Newspaper") if s.kind == "newspaper" else _("Magazine"),
                t.issn,
                t.cn,
                t.post_code,
                s.supplier_text,
                f"{per_copy / 100:.2f}",
                s.copies,
                f"{s.total_fen / 100:.2f}",
            ]
        )
    rows.append([])
    for total in order.suppliers:
        rows.append([_("Total"), "", "", "", "", total.label, "", total.copies, f"{total.total_fen / 100:.2f}"])
    rows.append(
        [_("Total"), "", "", "", "", "", "", sum(s.copies for s in order.lines), f"{order.total_fen / 100:.2f}"]
    )
    return render_xlsx(_("Order list {year}").format(year=year), rows)


def cover_barcodes(session: Session, year: int) -> bytes:
    """A practice sheet: each subscribed magazine's cover barcode with the add-on of its latest issue due."""
    session.require(Permission.SERIALS)
    today = session.now().date()
    found = []
    for sub in (
        SerialSubscription.select(SerialSubscription, SerialTitle)
        .join(SerialTitle)
        .where(SerialSubscription.year == year, SerialTitle.issn.is_null(False))
        .order_by(SerialTitle.title)
    ):
        due = [i for i in expected_issues(sub) if i.date <= today] or list(expected_issues(sub))[:1]
        number = due[-1].number if due else None
        add_on = f"{number:02d}" if number is not None and number < 100 else None
        caption = f"{sub.title.title} {due[-1].label(sub.title.kind)}" if due else sub.title.title
        found.append(CoverBarcode(caption, issn_ean(sub.title.issn), add_on))
    if not found:
        raise Invalid("serials.no_issn_titles", "No subscribed title of {year} has an ISSN.", year=year)
    return render_cover_barcodes(found, _("Cover barcodes for practice"))


def save_order_xlsx(session: Session, year: int) -> Path:
    """Write the order list spreadsheet beside the desk's printouts (``prints/order-<year>-<time>.xlsx``)."""
    data = order_list_xlsx(session, year)
    stamp = session.now().strftime("%Y%m%d-%H%M%S")
    return write_pdf(data, session.library.path.parent / "prints" / f"order-{year}-{stamp}.xlsx")
