"""``ils demo``: a realistic Chinese demo library a new user can explore at once.

Deterministic for a given ``--seed``. Later parts of the system add their own
steps to ``STEPS`` (records, readers, loans), each a name and a function of the
admin's session and the seeded random generator, so one demo grows with the system.
Building takes a while, so the builder tells a ``Progress`` callback which step
it is on: the TUI shows a progress bar, the CLI a line per step.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from db.models import Item
from ils import branches, staff
from ils.catalogue.book_numbers import reserve_range
from ils.clock import Clock
from ils.demo.blind import add_blind_room
from ils.demo.catalogue import add_catalogue, person_name
from ils.demo.circulation import add_circulation
from ils.demo.events import add_events
from ils.demo.readers import add_readers
from ils.demo.serials import add_serials
from ils.i18n import N_
from ils.initialise import initialise
from ils.library import Library
from ils.session import Session

DEMO_PASSWORD = "demo1234"
ADMIN = "admin"

# The report names five of the 26 branches and mentions the towns 枫林 and 茶山;
# the rest are towns and communities of Liling, as a plausible demo network.
OTHER_BRANCHES = (
    ("FL", "枫林镇分馆"),
    ("CS", "茶山镇分馆"),
    ("JS", "嘉树乡分馆"),
    ("SF", "泗汾镇分馆"),
    ("GZ", "官庄镇分馆"),
    ("MY", "明月镇分馆"),
    ("JC", "均楚镇分馆"),
    ("CW", "船湾镇分馆"),
    ("ST", "石亭镇分馆"),
    ("WX", "王仙镇分馆"),
    ("SJW", "孙家湾镇分馆"),
    ("SHT", "沈潭镇分馆"),
    ("DF", "东富镇分馆"),
    ("LT", "李畋镇分馆"),
    ("SFG", "神福港镇分馆"),
    ("FLI", "富里镇分馆"),
    ("JTZ", "枧头洲镇分馆"),
    ("HTZ", "黄獭嘴镇分馆"),
    ("XS", "西山街道分馆"),
    ("LLM", "来龙门街道分馆"),
    ("XYS", "仙岳山街道分馆"),
)

STAFF = (
    ("circ", "流通台", "circulation"),
    ("cat", "编目室", "cataloguing"),
    ("blind", "盲人阅览室", "blind_room"),
    ("events", "活动部", "events"),
    ("stats", "统计", "statistics"),
)

Step = Callable[[Session, random.Random], object]
Progress = Callable[[int, int, str], object]
"""Called as ``progress(done, total, step)`` before each step (``done`` steps of ``total`` are
finished; ``step`` is the English name of the one starting, a catalogue msgid to translate) and
once more with ``done == total`` and an empty name when the library is built. It may be called
from a worker thread: a screen posts a message rather than touch a widget."""


def no_progress(_done: int, _total: int, _step: str) -> None:
    """The builder's default: nobody is watching."""


def run_steps(
    session: Session, rng: random.Random, steps: list[tuple[str, Step]], progress: Progress = no_progress
) -> None:
    """Each step in turn, telling ``progress`` before each and when all are done."""
    for done, (name, step) in enumerate(steps):
        progress(done, len(steps), name)
        step(session, rng)
    progress(len(steps), len(steps), "")


def _branches_and_staff(session: Session, rng: random.Random) -> None:
    for code, name in OTHER_BRANCHES:
        branches.add_branch(session, code=code, name=name, kind="branch")
        branches.add_service_point(session, branch=code, code=f"{code}-JH", name="借还台")
    for username, desk, role in STAFF:
        staff.add_staff(
            session,
            username=username,
            display_name=f"{person_name(rng)}（{desk}）",
            password=DEMO_PASSWORD,
            roles=role,
            branch="ZG",
        )


def _barcode_range(session: Session, rng: random.Random) -> None:
    """This desk's block of barcodes, after the copies the catalogue came with, as the central
    library reserves one for each desk: staff adding a copy in the demo draw from it."""
    highest = max(int(code) for (code,) in Item.select(Item.barcode).tuples() if code.isdigit())
    reserve_range(session, kind="barcode", first=highest + 1, last=highest + 100_000)


STEPS: list[tuple[str, Step]] = [
    (N_("Branches and staff"), _branches_and_staff),
    (N_("Catalogue"), add_catalogue),
    (N_("Barcode range"), _barcode_range),
    (N_("Readers"), add_readers),
    (N_("Loans and returns"), add_circulation),
    (N_("Blind reading room"), add_blind_room),
    (N_("Events and visits"), add_events),
    (N_("Periodicals"), add_serials),
]


def build_demo(
    path: Path, *, seed: int = 2021, clock: Clock | None = None, progress: Progress = no_progress
) -> Library:
    """Create a demo library at ``path`` (which must not exist yet), telling ``progress`` each step."""
    rng = random.Random(seed)
    library = initialise(
        path,
        admin_username=ADMIN,
        admin_password=DEMO_PASSWORD,
        admin_display_name=f"{person_name(rng)}（馆长）",
        node_name="总馆-流通台1",
        clock=clock,
    )
    session = staff.log_in(library, ADMIN, DEMO_PASSWORD)
    run_steps(session, rng, STEPS, progress)
    return library
