"""``ils demo --year 2021``: a library whose raw data gives the 2021 annual report's figures.

The seed report (醴陵市图书馆年报 2021) says: about 560,000 loans over 26 branches, two months
closed, about 400,000 visits, 800 new cards, 160 periodicals, 30+ events with about 50,000
participants besides the exhibition's 26,000, 180,000 e-book clicks and 9,500 volumes
rotated. This builds that year the way the ordinary demo builds its year — through the same
steps, the bulk loan history and the services — only bigger, with the clock set to early the
next year. Nothing is typed as a total: every figure of the report is counted from the rows,
except the manual inputs (population, floor area, seats, staff …) and the texts staff write
(工作总结, 工作计划, the 概况's paragraphs), which are entered here as staff would.

Separate from ``ils demo`` because it is big: the ordinary demo is built by many tests and
must stay fast. ``scale`` shrinks every count alike (the tests build a hundredth).
"""

from __future__ import annotations

import datetime as dt
import random
from importlib import resources
from pathlib import Path

from ils import staff
from ils.clock import FixedClock
from ils.demo import ADMIN, DEMO_PASSWORD, Progress, Step, _barcode_range, _branches_and_staff, no_progress, run_steps
from ils.demo.blind import add_blind_room
from ils.demo.catalogue import add_catalogue, person_name
from ils.demo.circulation import add_current_circulation, add_loan_history, add_rotation_year, day_weight
from ils.demo.events import CLOSED_MONTHS, add_events
from ils.demo.readers import _at, add_readers
from ils.demo.serials import add_serials
from ils.i18n import N_
from ils.initialise import initialise
from ils.library import Library
from ils.session import Session
from ils.stats import inputs

TZ = dt.timezone(dt.timedelta(hours=8))
TITLES = 57_000  # about 95,000 copies over 26 branches: about 6 loans a copy, none turned away
EARLIER_READERS = 15_000  # card-holders registered in the three years before
NEW_CARDS = 800  # "新增读者证注册800余张"
LOANS = 560_000  # "总分馆图书外借总量约56万册"
ROTATED = 9_500  # "截至年底共流转图书9500余册"

#: What no system records, as the library would enter it for the year: (code, value, source).
MANUAL_INPUTS = (
    ("population", "950000", "市统计局年度人口数（演示数据）"),
    ("building_area", "7000", "馆舍竣工验收资料"),
    ("stack_area", "1800", "馆舍竣工验收资料（演示数据）"),
    ("seats", "500", "馆内座席清点"),
    ("terminals", "60", "固定资产台账（演示数据）"),
    ("opening_hours", "70", "开放时间公告：每周开放7天"),
    ("staff", "7", "人事编制表"),
    ("budget", "320", "年度财务决算（演示数据）"),
    ("acquisition_budget", "60", "年度财务决算（演示数据）"),
    ("satisfaction", "96.5", "读者满意度问卷调查（演示数据）"),
    ("digital_tb", "30", "数字资源平台统计（演示数据）"),
    ("ebooks", "120000", "电子书平台合同（演示数据）"),
)


def _report_texts(rng: random.Random) -> dict[str, str]:
    """The texts staff wrote, by part (``data/report_2021.txt``: ``[part]`` lines, then its
    paragraphs; in a text, a line ``# …`` is a heading). Leaders' names are made up."""
    text: dict[str, list[str]] = {}
    current: list[str] = []
    for line in resources.files(__package__).joinpath("data", "report_2021.txt").read_text("utf-8").splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = text.setdefault(line[1:-1], [])
        elif line.strip():
            current.append(line.strip())
    made = {part: "\n".join(lines) for part, lines in text.items()}
    curator, secretary, deputy = (person_name(rng) for _ in range(3))
    made["leadership"] = made["leadership"].format(curator=curator, secretary=secretary, deputy=deputy)
    return made


def _open(day: dt.date) -> bool:
    return day.month not in CLOSED_MONTHS


def _open_days(day: dt.date) -> float:
    """The desks' weight on ``day``, none in the months the library was closed."""
    return day_weight(day) if _open(day) else 0.0


def _inputs_and_texts(session: Session, rng: random.Random, year: int) -> None:
    for code, value, source in MANUAL_INPUTS:
        inputs.set_input(session, year=year, code=code, value=value, source=source)
    for part, body in _report_texts(rng).items():
        if part in inputs.TEXTS:
            inputs.set_text(session, year=year, kind=part, body=body)
        else:
            inputs.set_overview(session, part=part, text=body)


def build_year(
    path: Path,
    *,
    year: int = 2021,
    seed: int = 2021,
    scale: float = 1.0,
    progress: Progress = no_progress,
) -> Library:
    """Create at ``path`` (which must not exist) a library with ``year`` shaped like 2021's,
    telling ``progress`` each step."""
    rng = random.Random(seed)
    library = initialise(
        path,
        admin_username=ADMIN,
        admin_password=DEMO_PASSWORD,
        admin_display_name=f"{person_name(rng)}（馆长）",
        node_name="总馆-流通台1",
        clock=FixedClock(dt.datetime(year + 1, 1, 10, 9, 0, tzinfo=TZ)),
    )
    session = staff.log_in(library, ADMIN, DEMO_PASSWORD)

    def n(count: int) -> int:
        return max(1, round(count * scale))

    def earlier_readers(s: Session, r: random.Random) -> None:
        with _at(library, dt.datetime(year - 1, 12, 31, 18, 0, tzinfo=TZ)):  # all registered before the year
            add_readers(s, r, count=n(EARLIER_READERS), years=3)

    def new_readers(s: Session, r: random.Random) -> None:
        with _at(library, dt.datetime(year + 1, 1, 1, 0, 0, tzinfo=TZ)):
            add_readers(s, r, count=n(NEW_CARDS), years=1, open_on=_open)

    def loans(s: Session, r: random.Random) -> None:
        add_loan_history(
            s,
            r,
            start=dt.date(year, 1, 1),
            end=dt.date(year, 12, 31),
            loans_per_year=n(LOANS) * 365.25 / 365,
            weight=_open_days,
        )

    steps: list[tuple[str, Step]] = [
        (N_("Branches and staff"), _branches_and_staff),
        (N_("Catalogue"), lambda s, r: add_catalogue(s, r, count=n(TITLES))),
        (N_("Barcode range"), _barcode_range),
        (N_("Readers of earlier years"), earlier_readers),
        (N_("New readers of the year"), new_readers),
        (N_("Loans and returns"), loans),
        (N_("Book rotation"), lambda s, r: add_rotation_year(s, r, year=year, volumes=n(ROTATED), open_on=_open)),
        (N_("Today's desks"), lambda s, r: add_current_circulation(s, r)),
        (N_("Blind reading room"), add_blind_room),
        (N_("Events and visits"), add_events),
        (N_("Periodicals"), add_serials),
        (N_("Manual inputs and texts"), lambda s, r: _inputs_and_texts(s, r, year)),
    ]
    run_steps(session, rng, steps, progress)
    return library
