"""The demo year shaped like 2021, built at a fiftieth: every figure the seed's report prints
comes out of the raw rows at its (scaled) target, because the generator draws each target once
and splits it exactly, and the two closed months show in the loans by month.

What the scale does not shrink (events, visits, e-book clicks, periodicals: cheap, and the
report's own numbers) must come out exactly; what it shrinks (loans, new cards, rotation) hits
the scaled target, plus the few loans and the one rotation batch today's desks make through the
services."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from db.models import Journal
from ils import staff
from ils.demo import ADMIN, DEMO_PASSWORD
from ils.demo.circulation import DEMO_OPEN_LOANS, LOAD_ACTION, ROTATION_COPIES
from ils.demo.events import CLOSED_MONTHS, EXHIBITION_TARGET, PARTICIPANTS_TARGET, VISITS_TARGET
from ils.demo.year2021 import LOANS, NEW_CARDS, ROTATED, build_year
from ils.stats import exports
from ils.stats.annual import Year
from printing.text import NO_LINE_END, NO_LINE_START

SCALE = 0.02
YEAR = 2021


def scaled(count: int) -> int:
    return max(1, round(count * SCALE))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    steps: list[tuple[int, int, str]] = []
    library = build_year(
        tmp_path_factory.mktemp("year") / "lib.sqlite",
        year=YEAR,
        scale=SCALE,
        progress=lambda done, total, step: steps.append((done, total, step)),
    )
    session = staff.log_in(library, ADMIN, DEMO_PASSWORD)
    yield Year(session, YEAR), steps
    library.close()


def test_the_builder_reports_each_step_then_the_end(built):
    _year, steps = built
    total = steps[0][1]
    assert [done for done, _total, _step in steps] == list(range(total + 1))
    assert all(step for _d, _t, step in steps[:-1]) and steps[-1] == (total, total, "")
    assert "Loans and returns" in {step for _d, _t, step in steps}


def test_the_loan_history_has_its_target_exactly_and_the_closed_months_show(built):
    year, _steps = built
    loaded = Journal.select().where(Journal.action == LOAD_ACTION).count()
    assert loaded == scaled(LOANS)
    loans = year.series("loans")
    # Besides the history: today's desks (up to DEMO_OPEN_LOANS checkouts over the last two months)
    # and the blind room's loans by post and of devices, made through the services.
    assert scaled(LOANS) <= loans.total <= scaled(LOANS) + DEMO_OPEN_LOANS + 300
    open_months = [n for m, n in enumerate(loans.months, 1) if m not in CLOSED_MONTHS]
    for month in CLOSED_MONTHS:
        assert loans.months[month - 1] < min(open_months) / 10
    assert year.closed_months() == list(CLOSED_MONTHS)


def test_the_figures_the_report_prints_hit_their_targets(built):
    year, _steps = built
    assert year.total("visits") == VISITS_TARGET
    assert year.total("event_attendance") == PARTICIPANTS_TARGET
    exhibitions = year.series("event_attendance", "kind").row("exhibition")
    assert exhibitions is not None and EXHIBITION_TARGET <= exhibitions.total <= EXHIBITION_TARGET * 1.1
    assert year.total("event_programmes") >= 30
    assert year.total("ebook_clicks") == 180_000
    assert 160 <= year.total("serial_titles") <= 170
    assert year.total("new_cards") == scaled(NEW_CARDS)
    new_cards = year.series("new_cards").months
    assert all(new_cards[month - 1] == 0 for month in CLOSED_MONTHS)
    assert scaled(ROTATED) <= year.total("rotated_volumes") <= scaled(ROTATED) + ROTATION_COPIES


def test_the_report_is_dated_after_the_year(built):
    year, _steps = built
    assert year.session.now().date() > dt.date(YEAR, 12, 31)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_the_report_pdf_breaks_its_lines_by_the_chinese_rule(built, tmp_path):
    """The seed report's own paragraphs, printed: no line opens with closing punctuation (reportlab's
    own CJK breaking started two of them with "，") and none ends with opening punctuation."""
    year, _steps = built
    path = tmp_path / "report.pdf"
    path.write_bytes(exports.annual_report_pdf(year.session, YEAR))
    printed = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    assert len(lines) > 300
    assert not [line for line in lines if line[0] in NO_LINE_START]
    assert not [line for line in lines if line[-1] in NO_LINE_END]
