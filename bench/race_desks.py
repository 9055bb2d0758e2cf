"""Desks racing for one copy: separate processes on one database file, a pause between read and write.

The attack that found the desks' races ran eight desk processes against one file and paused
each service between what it read and what it wrote. This does the same, round after round,
and counts what came of it. Each round every desk, at once:

1. **checkout**: lends the copy to its own reader (one must win, the others be refused);
2. **return**: takes the copy back ten days late, in fines mode (one return, one fine);
3. **renew**: renews the copy, lent again meanwhile, that has one renewal left (one renewal);
4. **mixed**: half the desks return the copy while the other half lend it (any order, but
   every copy's status must agree with its loans afterwards).

A desk's attempt ends as done, as a refusal with its code (``circ.copy_on_loan``,
``storage.conflict``), or as a raw exception, which is the bug. Afterwards the file is read:
loans ended twice (two ``loan.return`` journal rows), loans fined twice, copies whose status
disagrees with their loan, transit or hold (``ils.circulation.invariants``), and the whole of
``ils check``. The pause (``--pause``) is injected in each desk process where a service turns
from reading to writing (``Session.write``), so what a service read before the lock goes stale.

Run: ``.venv/bin/python bench/race_desks.py --procs 8 --rounds 20 [--pause 0.02] [--json]``.
Prints a table of figures, or with ``--json`` one JSON object (the reliability suite reads it);
exits 1 when any of the figures that must be zero is not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "race-desks-1"
BARCODE = "RACE0001"
TZ = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
LATE = dt.timedelta(days=40)  # past the 30-day loan: ten days late
ROUND = dt.timedelta(days=41)
FINE_PER_DAY = 10  # fen
PHASES = ("checkout", "return", "renew", "mixed")
WINNERS = {"checkout": 1, "return": 1, "renew": 1}
"""Exactly this many desks must succeed in a phase, every round."""
BARRIER_S = 300


@dataclass
class Figures:
    procs: int
    rounds: int
    pause_s: float
    attempts: int = 0
    done: dict[str, int] = field(default_factory=dict)  # per phase
    refused: dict[str, int] = field(default_factory=dict)  # per code
    raw_exceptions: int = 0
    raw_examples: list[str] = field(default_factory=list)
    wrong_winners: int = 0  # rounds where a phase had other than one winner
    double_returns: int = 0
    double_fines: int = 0
    status_disagreements: int = 0
    check_ok: bool = False
    check_problems: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    attempt_ms_median: float = 0.0
    attempt_ms_p99: float = 0.0

    @property
    def clean(self) -> bool:
        return (
            self.raw_exceptions == 0
            and self.wrong_winners == 0
            and self.double_returns == 0
            and self.double_fines == 0
            and self.status_disagreements == 0
            and self.check_ok
        )


def _record(title: str):
    from pymarc import Field, Indicators, Record, Subfield

    record = Record(force_utf8=True)
    record.add_field(Field("200", Indicators("1", " "), [Subfield("a", title)]))
    record.add_field(Field("690", Indicators(" ", " "), [Subfield("a", "I247.5"), Subfield("v", "5")]))
    return record


def _id_number(order: int) -> str:
    from stdnum.cn import ric

    body = f"430281198503{order % 28 + 1:02d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def prepare(path: Path, procs: int) -> list[str]:
    """A fresh library with the copy, fines on, and one reader per desk; returns their card numbers."""
    from ils.catalogue.items import add_item
    from ils.catalogue.records import add_record
    from ils.circulation.rules import set_rule
    from ils.circulation.settings import change_circulation_settings
    from ils.clock import FixedClock
    from ils.initialise import initialise
    from ils.readers.readers import Registration, register_reader
    from ils.staff import log_in

    library = initialise(path, admin_username="admin", admin_password=PASSWORD, clock=FixedClock(START))
    try:
        admin = log_in(library, "admin", PASSWORD)
        change_circulation_settings(admin, overdue_mode="fines", fine_block_fen=1_000_000)
        set_rule(admin, "*", "*", fine_fen_per_day=FINE_PER_DAY)
        add_item(admin, add_record(admin, _record("三体"), "cnmarc"), BARCODE, location="ZG-WJ", price="CNY23.00")
        return [
            register_reader(
                admin, Registration(name=f"读者{n}", id_type="resident", id_number=_id_number(n))
            ).summary.card_number
            for n in range(procs)
        ]
    finally:
        library.close()


def _pause_between_read_and_write(seconds: float) -> None:
    """Stall every service at the moment it turns from reading to writing (``Session.write``).

    A service that reads before it takes the write lock is caught here with what it read
    going stale; one that reads inside the lock (``@writes``) holds the lock through the pause,
    and the other desks wait.
    """
    from ils.session import Session

    write = Session.write

    def stalled(session: Session):
        time.sleep(seconds)
        return write(session)

    Session.write = stalled  # type: ignore[method-assign]


def _attempt(call) -> tuple[str, str, float]:
    """("done" | "refused" | "raw", the refusal's code or the exception, milliseconds)."""
    from ils.circulation.refusals import Refused
    from ils.errors import IlsError

    began = time.perf_counter()
    try:
        call()
    except IlsError as error:
        code = error.codes[0] if isinstance(error, Refused) and error.codes else error.code
        return "refused", code, (time.perf_counter() - began) * 1000
    except Exception as error:  # the bug this bench exists to find
        return "raw", f"{type(error).__name__}: {error}", (time.perf_counter() - began) * 1000
    return "done", "", (time.perf_counter() - began) * 1000


def desk(path: str, index: int, cards: list[str], rounds: int, pause: float, barrier, results) -> None:
    """One desk process: every phase of every round, in step with the others at a barrier."""
    try:
        from ils.circulation.loans import checkout, renew, return_item
        from ils.clock import FixedClock
        from ils.library import open_library
        from ils.staff import log_in

        _pause_between_read_and_write(pause)
        clock = FixedClock(START)
        library = open_library(Path(path), clock=clock)
        session = log_in(library, "admin", PASSWORD)
        card = cards[index]
        outcomes: list[tuple[int, str, str, str, float]] = []

        def step(when: dt.datetime) -> None:
            barrier.wait(BARRIER_S)
            clock.set(when)

        def setup(call) -> None:
            """Work one desk does between phases, so that every phase starts from the same state."""
            if index == 0:
                _attempt(call)

        for number in range(rounds):
            lent_on = START + number * ROUND
            step(lent_on)
            outcomes.append((number, "checkout", *_attempt(lambda: checkout(session, card, BARCODE))))
            step(lent_on + LATE)
            outcomes.append((number, "return", *_attempt(lambda: return_item(session, BARCODE))))
            step(lent_on + LATE)
            setup(lambda: checkout(session, cards[0], BARCODE))
            step(lent_on + LATE)
            outcomes.append((number, "renew", *_attempt(lambda: renew(session, BARCODE))))
            step(lent_on + LATE)
            mixed = (lambda: return_item(session, BARCODE)) if index % 2 else (lambda: checkout(session, card, BARCODE))
            outcomes.append((number, "mixed", *_attempt(mixed)))
            step(lent_on + LATE)
            setup(lambda: return_item(session, BARCODE))
        barrier.wait(BARRIER_S)
        library.close()
        results.put((index, outcomes, None))
    except Exception as error:  # a desk that could not take part is reported, not lost
        results.put((index, [], f"{type(error).__name__}: {error}"))
        barrier.abort()


def _check(path: Path, figures: Figures) -> None:
    from ils.circulation.invariants import circulation_problems
    from ils.library import open_library
    from ils.maintenance import check
    from ils.staff import log_in

    library = open_library(path)
    try:
        codes: Counter[str] = Counter()
        for problem in circulation_problems(library.database):  # a long list is cut: "... and 40 more"
            more = problem.code.endswith("_more")
            codes[problem.code.removesuffix("_more")] += problem.params["count"] if more else 1
        figures.double_returns = codes.pop("circ.loan_ended_twice", 0)
        figures.double_fines = codes.pop("circ.fine_charged_twice", 0)
        figures.status_disagreements = sum(codes.values())
        report = check(log_in(library, "admin", PASSWORD))
        figures.check_ok = report.ok
        figures.check_problems = [
            *report.integrity,
            *report.foreign_keys,
            *report.journal,
            *map(str, report.circulation),
        ][:20]
    finally:
        library.close()


def race(path: Path, procs: int, rounds: int, pause: float = 0.02) -> Figures:
    """Race ``procs`` desk processes for one copy for ``rounds`` rounds on a fresh file at ``path``."""
    cards = prepare(path, procs)
    figures = Figures(procs, rounds, pause)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(procs), context.Queue()
    began = time.perf_counter()
    desks = [
        context.Process(target=desk, args=(str(path), i, cards, rounds, pause, barrier, results)) for i in range(procs)
    ]
    for process in desks:
        process.start()
    collected = [results.get(timeout=BARRIER_S * 2) for _ in desks]
    for process in desks:
        process.join(60)
    figures.wall_s = time.perf_counter() - began
    timings: list[float] = []
    winners: Counter[tuple[int, str]] = Counter()
    done: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for _index, outcomes, failure in collected:
        if failure:
            figures.raw_exceptions += 1
            figures.raw_examples.append(failure)
        for number, phase, result, detail, ms in outcomes:
            figures.attempts += 1
            timings.append(ms)
            if result == "done":
                done[phase] += 1
                winners[number, phase] += 1
            elif result == "refused":
                refused[detail] += 1
            else:
                figures.raw_exceptions += 1
                if len(figures.raw_examples) < 5:
                    figures.raw_examples.append(f"{phase}: {detail}")
    figures.done, figures.refused = dict(done), dict(refused.most_common())
    figures.wrong_winners = sum(
        1 for number in range(rounds) for phase, count in WINNERS.items() if winners[number, phase] != count
    )
    if len(timings) > 1:
        figures.attempt_ms_median = round(statistics.median(timings), 1)
        figures.attempt_ms_p99 = round(statistics.quantiles(timings, n=100)[98], 1)
    figures.wall_s = round(figures.wall_s, 2)
    _check(path, figures)
    return figures


def _text(figures: Figures) -> str:
    rows: list[tuple[str, Any]] = [
        ("desk processes", figures.procs),
        ("rounds", figures.rounds),
        ("pause between read and write (s)", figures.pause_s),
        ("attempts", figures.attempts),
        *((f"done: {phase}", figures.done.get(phase, 0)) for phase in PHASES),
        *((f"refused: {code}", count) for code, count in figures.refused.items()),
        ("raw exceptions (must be 0)", figures.raw_exceptions),
        ("rounds with other than one winner (must be 0)", figures.wrong_winners),
        ("loans ended twice (must be 0)", figures.double_returns),
        ("loans fined twice (must be 0)", figures.double_fines),
        ("status disagreements (must be 0)", figures.status_disagreements),
        ("ils check clean", "yes" if figures.check_ok else "NO"),
        ("attempt median / p99 (ms)", f"{figures.attempt_ms_median} / {figures.attempt_ms_p99}"),
        ("wall time (s)", figures.wall_s),
    ]
    width = max(len(name) for name, _value in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines += [f"  {example}" for example in figures.raw_examples + figures.check_problems]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procs", type=int, default=8, help="desk processes racing (default 8)")
    parser.add_argument("--rounds", type=int, default=20, help="rounds of the four phases (default 20)")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between read and write (default 0.02)")
    parser.add_argument("--db", type=Path, help="database file to create (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    if args.procs < 2 or args.rounds < 1:
        parser.error("--procs must be at least 2 and --rounds at least 1")
    with tempfile.TemporaryDirectory(prefix="race-desks-") as folder:
        path = args.db or Path(folder) / "race.sqlite"
        if path.exists():
            parser.error(f"{path} exists: give a new file")
        figures = race(path, args.procs, args.rounds, args.pause)
    print(json.dumps({**asdict(figures), "clean": figures.clean}, ensure_ascii=False) if args.json else _text(figures))
    return 0 if figures.clean else 1


if __name__ == "__main__":
    sys.exit(main())
