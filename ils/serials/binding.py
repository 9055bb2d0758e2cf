"""Binding (合订): a run of loose issues made into one bound volume, a copy in the catalogue.

A run is a quarter (``q1``–``q4``), a half year (``h1``, ``h2``), a month (``m1``–``m12``), the
whole year (``year``) or a range of issue numbers (``n5-8``). The run is checked against the
issues the pattern predicts and the copies received: a run with missing issues is refused
unless the binder accepts it, and then the gaps are recorded with the volume. Binding takes
one received copy of each issue (retired, with the volume's id), adds a copy (item type
``periodical``) of the title's record with a barcode, the call number ``class/刊号:year+run``
(``Z/430001:2026Q1``; the title's own call number when its record has one) and the run in its
note, so a search finds the volume with its run; its spine label goes to the label queue.

Historical runs (湖南日报 since 1951) are entered as bound volumes directly, without issues.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass

from db.ids import new_id
from db.models import Item, Location, SerialReceipt, SerialSubscription, SerialTitle, SerialVolume
from ils.catalogue.items import clean_call_number, insert_item, normalise_barcode
from ils.catalogue.labels import queue_labels
from ils.errors import Invalid
from ils.i18n import _, use_language
from ils.permissions import Permission
from ils.serials.checkin import desk_locations
from ils.serials.patterns import Issue
from ils.serials.subscriptions import expected_issues, slots
from ils.serials.titles import find_title
from ils.session import Session, writes

_RUN = re.compile(r"^(?:(q)([1-4])|(h)([12])|(m)(1[0-2]|[1-9])|(year)|(n)(\d{1,3})-(\d{1,3}))$")


@dataclass(frozen=True)
class Run:
    code: str  # q1, h2, m3, year, n5-8
    year: int
    months: tuple[int, ...] = ()
    numbers: tuple[int, int] | None = None

    @property
    def token(self) -> str:
        """The run in a call number's volume part: 2026Q1, 2026H2, 2026M3, 2026, 2026N5."""
        if self.numbers:
            return f"{self.year}N{self.numbers[0]}"
        return f"{self.year}{'' if self.code == 'year' else self.code.upper()}"

    def label(self) -> str:
        if self.numbers:
            return _("{year} Nos. {first}–{last}").format(year=self.year, first=self.numbers[0], last=self.numbers[1])
        if self.code == "year":
            return _("{year}, whole year").format(year=self.year)
        if self.code[0] == "q":
            return _("{year} Q{n}").format(year=self.year, n=self.code[1])
        if self.code[0] == "h":
            return (_("{year} first half") if self.code == "h1" else _("{year} second half")).format(year=self.year)
        return _("{year}-{month:02d}").format(year=self.year, month=self.months[0])

    def holds(self, issue: Issue) -> bool:
        if self.numbers:
            return self.numbers[0] <= issue.number <= self.numbers[1]
        return issue.date.month in self.months

    def dates(self) -> tuple[str | None, str | None]:
        if not self.months:
            return None, None
        last = self.months[-1]
        return (
            dt.date(self.year, self.months[0], 1).isoformat(),
            dt.date(self.year, last, calendar.monthrange(self.year, last)[1]).isoformat(),
        )


def parse_run(year: int, text: str) -> Run:
    code = (text or "").strip().lower().replace(" ", "")
    match = _RUN.match(code)
    if match is None or not 1800 <= year <= 2200:
        raise Invalid("serials.bad_run", "A run is q1–q4, h1, h2, m1–m12, year or a range of issues like n5-8.")
    g = match.groups()
    if g[0]:
        n = int(g[1])
        return Run(code, year, tuple(range(3 * n - 2, 3 * n + 1)))
    if g[2]:
        return Run(code, year, tuple(range(1, 7)) if g[3] == "1" else tuple(range(7, 13)))
    if g[4]:
        return Run(code, year, (int(g[5]),))
    if g[6]:
        return Run(code, year, tuple(range(1, 13)))
    first, last = int(g[8]), int(g[9])
    if not 1 <= first <= last:
        raise Invalid("serials.bad_run", "A run is q1–q4, h1, h2, m1–m12, year or a range of issues like n5-8.")
    return Run(code, year, numbers=(first, last))


@dataclass(frozen=True)
class RunCheck:
    title: str
    year: int
    run: str
    label: str
    expected: int
    present: tuple[int, ...]
    missing: tuple[int, ...]

    @property
    def complete(self) -> bool:
        return not self.missing and self.expected > 0


@dataclass(frozen=True)
class VolumeInfo:
    id: str
    title: str
    year: int
    run: str
    label: str
    barcode: str
    call_number: str | None
    issues: int
    missing: tuple[int, ...]
    historical: bool
    first_date: str | None
    last_date: str | None


def _subscription(title: SerialTitle, year: int) -> SerialSubscription:
    sub = SerialSubscription.get_or_none(SerialSubscription.title == title.id, SerialSubscription.year == year)
    if sub is None:
        raise Invalid("serials.not_subscribed", "{title} is not on the list for {year}.", title=title.title, year=year)
    return sub


def _loose(sub: SerialSubscription) -> dict[int, list[SerialReceipt]]:
    """Received copies not yet bound, by issue number, lowest copy first."""
    found: dict[int, list[SerialReceipt]] = {}
    for row in (
        SerialReceipt.select()
        .where(SerialReceipt.subscription == sub.id, SerialReceipt.retired_at.is_null())
        .order_by(SerialReceipt.number, SerialReceipt.copy)
    ):
        found.setdefault(row.number, []).append(row)
    return found


def _check(title: SerialTitle, sub: SerialSubscription, run: Run) -> tuple[RunCheck, list[Issue]]:
    issues = [i for i in expected_issues(sub) if run.holds(i)]
    loose = _loose(sub)
    if run.numbers or title.frequency == "irregular":
        extra = [n for n in loose if run.numbers and run.holds(Issue(sub.year, n, dt.date(sub.year, 1, 1)))]
        known = {i.number for i in issues}
        issues += [
            Issue(sub.year, n, dt.date(sub.year, 1, 1), sub.volume, expected=False) for n in extra if n not in known
        ]
    present = tuple(sorted(i.number for i in issues if loose.get(i.number)))
    missing = tuple(sorted(i.number for i in issues if not loose.get(i.number)))
    return RunCheck(title.title, sub.year, run.code, run.label(), len(issues), present, missing), issues


def check_run(session: Session, title: str, year: int, run: str) -> RunCheck:
    """Whether every issue of the run is here and loose, and which are missing."""
    session.require(Permission.SERIALS)
    row = find_title(title)
    return _check(row, _subscription(row, year), parse_run(year, run))[0]


def default_call_number(title: SerialTitle, run: Run) -> str | None:
    bib = title.bib
    if bib.call_class and bib.book_number:
        return f"{bib.call_class}/{bib.book_number}:{run.token}"
    if title.cn:
        digits = re.sub(r"\D", "", title.cn.split("/")[0])
        return f"{title.clc_class}/{digits}:{run.token}"
    return None


def _new_volume(
    session: Session,
    writer,
    title: SerialTitle,
    run: Run,
    *,
    barcode: str,
    call_number: str | None,
    location_id: str | None,
    issues: int,
    missing: tuple[int, ...],
    historical: bool,
    dates: tuple[str | None, str | None],
    spine: bool,
) -> str:
    code = normalise_barcode(barcode)
    if Item.get_or_none(Item.barcode == code) is not None:
        raise Invalid("serials.barcode_taken", "The barcode {barcode} is already on another item.", barcode=code)
    printed, shelf = clean_call_number(call_number or default_call_number(title, run))
    if not printed:
        raise Invalid(
            "serials.call_number_needed",
            "{title} has no CN number or call number to shelve its volumes by; type the volume's call number.",
            title=title.title,
        )
    with use_language("zh_CN"):
        label = run.label()
    note = f"{title.title} {label}" + (f"（缺{'、'.join(str(n) for n in missing)}期）" if missing else "")
    item_id = insert_item(
        writer,
        bib_id=title.bib_id,
        barcode=code,
        branch_id=session.library.node.branch_id,
        location_id=location_id,
        call_number=printed,
        shelf_key=shelf,
        now=session.library.now_text(),
        item_type="periodical",
        acquired_on=session.now().date().isoformat(),
        source="合订" if not historical else "过刊回溯",
        note=note[:200],
    )
    volume_id = new_id()
    SerialVolume.insert(
        id=volume_id,
        title=title.id,
        item=item_id,
        year=run.year,
        run=run.code,
        label=label,
        first_date=dates[0],
        last_date=dates[1],
        issues=issues,
        missing=json.dumps(list(missing)),
        historical=historical,
        created_at=session.library.now_text(),
        created_by=session.staff.id,
    ).execute()
    writer.journal(
        "serials.bind",
        "serial_volume",
        volume_id,
        {
            "title_id": title.id,
            "item_id": item_id,
            "year": run.year,
            "run": run.code,
            "issues": issues,
            "missing": list(missing),
            "historical": historical,
        },
    )
    if spine and session.may(Permission.PRINT_LABELS):
        queue_labels(session, [code], ["spine"])
    return volume_id


def _binding_place(session: Session, title: SerialTitle) -> str | None:
    """Where a volume is shelved: the room here that the title's latest subscription sends copies to,
    else this branch's periodicals room (``…-BK``), else its first location."""
    here = desk_locations(session)
    latest = (
        SerialSubscription.select()
        .where(SerialSubscription.title == title.id)
        .order_by(SerialSubscription.year.desc())
        .first()
    )
    routed = next((loc for _copy, loc in slots(latest) if loc in here), None) if latest else None
    if routed:
        return routed
    branch = session.library.node.branch_id
    room = (
        Location.select().where(Location.branch == branch, Location.code.endswith("-BK")).first()
        or Location.select().where(Location.branch == branch).order_by(Location.code).first()
    )
    return room.id if room else None


@writes
def bind(
    session: Session,
    title: str,
    year: int,
    run: str,
    *,
    barcode: str,
    call_number: str | None = None,
    accept_missing: bool = False,
    spine: bool = True,
) -> VolumeInfo:
    """Bind a run of loose issues into one volume; a run with gaps only when ``accept_missing``.

    ``spine``: queue its spine label (off for a binding entered after its labels were printed)."""
    session.require(Permission.SERIALS)
    row = find_title(title)
    sub = _subscription(row, year)
    chosen = parse_run(year, run)
    check, issues = _check(row, sub, chosen)
    if not check.present:
        raise Invalid(
            "serials.run_empty", "No loose issue of {title} {run} is here to bind.", title=row.title, run=check.label
        )
    if check.missing and not accept_missing:
        raise Invalid(
            "serials.run_incomplete",
            "{title} {run} is missing issues {numbers}; bind it anyway only if they will not come.",
            title=row.title,
            run=check.label,
            numbers="、".join(str(n) for n in check.missing),
        )
    loose = _loose(sub)
    present_issues = [i for i in issues if i.number in check.present]
    dates = (
        (min(i.date for i in present_issues).isoformat(), max(i.date for i in present_issues).isoformat())
        if present_issues and not chosen.numbers
        else chosen.dates()
    )
    with session.write() as writer:
        volume_id = _new_volume(
            session,
            writer,
            row,
            chosen,
            barcode=barcode,
            call_number=call_number,
            location_id=_binding_place(session, row),
            issues=len(check.present),
            missing=check.missing,
            historical=False,
            dates=dates,
            spine=spine,
        )
        now = session.library.now_text()
        for number in check.present:
            SerialReceipt.update(retired_at=now, bound_volume_id=volume_id).where(
                SerialReceipt.id == loose[number][0].id
            ).execute()
    return volume_info(SerialVolume.get_by_id(volume_id))


@writes
def add_bound_volume(
    session: Session,
    title: str,
    year: int,
    run: str,
    *,
    barcode: str,
    call_number: str | None = None,
    spine: bool = True,
) -> VolumeInfo:
    """Enter a volume bound long ago (a historical run) directly, without its issues."""
    session.require(Permission.SERIALS)
    row = find_title(title)
    chosen = parse_run(year, run)
    with session.write() as writer:
        volume_id = _new_volume(
            session,
            writer,
            row,
            chosen,
            barcode=barcode,
            call_number=call_number,
            location_id=_binding_place(session, row),
            issues=0,
            missing=(),
            historical=True,
            dates=chosen.dates(),
            spine=spine,
        )
    return volume_info(SerialVolume.get_by_id(volume_id))


def volume_info(row: SerialVolume) -> VolumeInfo:
    item = row.item
    return VolumeInfo(
        row.id,
        row.title.title,
        row.year,
        row.run,
        parse_run(row.year, row.run).label(),
        item.barcode,
        item.call_number,
        row.issues,
        tuple(json.loads(row.missing)),
        bool(row.historical),
        row.first_date,
        row.last_date,
    )


def volumes_of(title: str) -> list[VolumeInfo]:
    row = find_title(title)
    return [
        volume_info(v)
        for v in SerialVolume.select()
        .where(SerialVolume.title == row.id)
        .order_by(SerialVolume.year, SerialVolume.first_date, SerialVolume.run)
    ]


def bound_between(first: dt.date, last: dt.date) -> list[VolumeInfo]:
    """Volumes bound (not historical) in a period: the binding list."""
    rows = (
        SerialVolume.select()
        .where(
            SerialVolume.historical == False,  # noqa: E712
            SerialVolume.created_at >= first.isoformat(),
            SerialVolume.created_at < (last + dt.timedelta(days=1)).isoformat(),
        )
        .order_by(SerialVolume.created_at)
    )
    return [volume_info(v) for v in rows]
