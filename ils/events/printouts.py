"""The year's ledger (台账) for the evaluation: the figures, the national return's lines, every
programme with its sessions, attendance and evidence, visits by month, media reports, honours,
the 大事记 and the 4-year window; written as a PDF with the evidence files copied beside it.

Everything is counted from the rows by ``figures`` and the ledgers' own lists, then handed to
``printing.ledger`` as translated strings.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from db.models import EventEvidence, EventProgramme, EventSession
from ils.errors import DatabaseProblem
from ils.events import evidence, figures, ledgers
from ils.events import vocabulary as v
from ils.events.attendance import day_counts
from ils.i18n import N_, _
from ils.library import LIBRARY_NAME
from ils.permissions import Permission
from ils.session import Session
from printing.ledger import Ledger, Table, render_ledger


@dataclass(frozen=True)
class LedgerExport:
    pdf: Path
    evidence_files: int
    missing: int  # evidence rows whose file is not on this desk


def _n(value: float) -> str:
    return f"{value:,.1f}" if isinstance(value, float) and not value.is_integer() else f"{int(value):,}"


def _summary(f: figures.Figures) -> Table:
    digital = {line.code: line.people for line in f.digital}
    rows = [
        (_("Programmes"), _n(f.programmes)),
        (_("Sessions"), _n(f.sessions)),
        (_("Participants"), _n(f.attendance)),
        (_("Of them adults / children (where split)"), f"{_n(f.adults)} / {_n(f.children)}"),
        (
            _("Reading-for-all sessions / participants"),
            f"{_n(f.reading_for_all.count)} / {_n(f.reading_for_all.people)}",
        ),
        (_("Visits (gate counters and tallies)"), _n(f.visits)),
        (_("Online items / views / clicks"), f"{_n(f.online_items)} / {_n(f.online_views)} / {_n(f.online_clicks)}"),
        (_("E-resource clicks"), _n(digital.get("clicks", 0))),
        (_("Booklists pushed"), _n(digital.get("booklists", 0))),
        (_("Enquiries"), _n(f.enquiries)),
        (
            _("Training for branch staff: sessions / attendees / hours"),
            f"{_n(f.branch_training.count)} / {_n(f.branch_training.people)} / {_n(f.branch_training_hours)}",
        ),
        (
            _("Staff training: sessions / attendees / hours"),
            f"{_n(f.staff_training.count)} / {_n(f.staff_training.people)} / {_n(f.staff_training_hours)}",
        ),
        (_("Volunteers: person-times / hours"), f"{_n(f.volunteer_people)} / {_n(f.volunteer_hours)}"),
        (_("Media reports"), _n(f.media_reports)),
        (_("Honours"), _n(f.honours)),
    ]
    return Table(_("The year at a glance"), (_("Indicator"), _("This year")), tuple(rows), (3, 2))


def _programmes(year: int) -> Table:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    sessions = list(
        EventSession.select(EventSession, EventProgramme)
        .join(EventProgramme)
        .where(
            EventSession.cancelled_at.is_null()
            & (EventSession.starts_at.between(first.isoformat(), f"{year}-12-31 99"))
        )
        .order_by(EventSession.starts_at)
    )
    counts = day_counts([s.id for s in sessions], first, last) if sessions else {}
    by_programme: dict[str, list] = {}
    for s in sessions:
        by_programme.setdefault(s.programme_id, []).append(s)
    rows = []
    for items in by_programme.values():
        p = items[0].programme
        people = sum(d.total for (sid, _day), d in counts.items() if sid in {s.id for s in items})
        files = EventEvidence.select().where(EventEvidence.programme == p.id).count()
        start = items[0].starts_at[:10]
        end = max((s.ends_on or s.starts_at[:10]) for s in items)
        rows.append(
            (
                start if end == start else f"{start}–{end}",
                p.title,
                v.label(v.PROGRAMME_KINDS, p.kind),
                v.label(v.AUDIENCES, p.audience),
                _n(len(items)),
                _n(people),
                _n(files),
            )
        )
    return Table(
        _("Programmes"),
        (_("Date"), _("Title"), _("Type"), _("Target group"), _("Sessions"), _("Participants"), _("Evidence")),
        tuple(rows),
        (3.3, 4, 1.8, 1.3, 0.8, 1.1, 0.8),
        _("None recorded."),
    )


def year_ledger(session: Session, year: int) -> Ledger:
    """The ledger of ``year`` as plain values for ``printing.ledger``."""
    f = figures.year_figures(session, year)
    w = figures.window(session, year)
    tables = [
        _summary(f),
        Table(
            _("National return: activities"),
            (_("Kind"), _("Sessions"), _("Participants")),
            tuple((line.label, _n(line.count), _n(line.people)) for line in f.national_return),
            (3, 1, 1),
        ),
        Table(
            _("By type"),
            (_("Type"), _("Sessions"), _("Participants")),
            tuple((line.label, _n(line.count), _n(line.people)) for line in f.by_kind),
            (3, 1, 1),
            _("None recorded."),
        ),
        Table(
            _("By target group"),
            (_("Target group"), _("Sessions"), _("Participants")),
            tuple((line.label, _n(line.count), _n(line.people)) for line in f.by_audience),
            (3, 1, 1),
            _("None recorded."),
        ),
        _programmes(year),
        Table(
            _("Visits by month"),
            (_("Month"), _("Visits")),
            tuple((line.code, _n(line.people)) for line in f.visits_by_month),
            (1, 1),
        ),
        Table(
            _("Media reports"),
            (_("Date"), _("Outlet"), _("Title")),
            tuple((m.reported_on, m.outlet, m.title) for m in ledgers.media_reports(session, year)),
            (1.2, 1.6, 5),
            _("None recorded."),
        ),
        Table(
            _("Honours"),
            (_("Date"), _("Awarding body"), _("Title"), _("Recipient")),
            tuple(
                (h.awarded_on, h.body, h.title, h.recipient or v.label(v.RECIPIENTS, h.recipient_kind))
                for h in ledgers.honours(session, year)
            ),
            (1.2, 3, 3, 1.5),
            _("None recorded."),
        ),
        Table(
            _("Milestones (大事记)"),
            (_("Date"), _("Entry")),
            tuple((m.day, m.text) for m in ledgers.milestones(session, year)),
            (1, 6),
            _("None recorded."),
        ),
        Table(
            _("Four-year window"),
            (_("Indicator"), *map(str, w.years), _("Average")),
            tuple((window_label(r.code), *map(_n, r.values), _n(r.average)) for r in w.rows),
            (3, 1, 1, 1, 1, 1),
        ),
    ]
    name = session.library.setting(LIBRARY_NAME) or ""
    printed = session.now().strftime("%Y-%m-%d %H:%M")
    return Ledger(
        _("{year} ledger of activities and services").format(year=year),
        _("{name}, 1 January to 31 December {year}").format(name=name, year=year).lstrip(", "),
        tuple(tables),
        _("Printed {when} from the library system's records.").format(when=printed),
        _("Page {page}"),
    )


WINDOW_LABELS = {
    "programmes": N_("Programmes"),
    "sessions": N_("Sessions"),
    "attendance": N_("Participants"),
    "visits": N_("Visits (gate counters and tallies)"),
    "online_clicks": N_("Online clicks"),
    "enquiries": N_("Enquiries"),
    "branch_training": N_("Training sessions for branch staff"),
    "volunteer_hours": N_("Volunteer hours"),
    "media_reports": N_("Media reports"),
}


def window_label(code: str) -> str:
    return _(WINDOW_LABELS[code])


def export_ledger(session: Session, year: int, folder: Path | str) -> LedgerExport:
    """Write the year's ledger PDF into ``folder`` with the evidence files beside it."""
    if not session.may(Permission.VIEW_STATISTICS):
        session.require(Permission.RECORD_EVENTS)
    target = Path(folder)
    pdf = target / f"ledger-{year}.pdf"
    data = render_ledger(year_ledger(session, year))
    copied = missing = 0
    try:
        target.mkdir(parents=True, exist_ok=True)
        partial = pdf.with_name(pdf.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, pdf)
        rows = (
            EventEvidence.select()
            .join(EventSession, on=(EventSession.programme == EventEvidence.programme))
            .where(EventSession.starts_at.between(f"{year}-01-01", f"{year}-12-31 99"))
            .distinct()
        )
        for row in rows:
            source = evidence.folder(session.library) / row.stored
            if not source.is_file():
                missing += 1
                continue
            out = target / "evidence" / f"{row.sha256[:12]}-{row.name}"
            out.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, out)
            copied += 1
    except OSError as error:
        raise DatabaseProblem(
            "events.ledger_cannot_write", "Cannot write the ledger to {path}.", path=target
        ) from error
    return LedgerExport(pdf, copied, missing)
