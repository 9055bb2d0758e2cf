"""The desk application: start-up to the log-in screen, scan-to-screen at the front desk, and
the desk process's peak memory, each beside a bare Textual floor measured in the same run.

- Start-up: a new process per run, from ``exec`` until the log-in screen is up (interpreter,
  imports, opening the database, first screen), timed by the parent. Floor: a process that
  imports Textual and shows one Input.
- Scan-to-screen: in one desk process on the database, a reader is open at the front desk;
  an item barcode is typed as a scanner types it, and the time runs from its Enter until the
  loan is on the screen. Each copy is then returned through the service, untimed. Floor: a
  bare Textual app whose Enter writes the typed code into a label.
- Peak memory: ``ru_maxrss`` of the desk process after a catalogue search and the scans,
  beside the bare app's; and the database file's size.

Both apps run headless through Textual's Pilot (``App.run_test``), as the tests drive them.

Run: ``.venv/bin/python bench/bench_tui.py --db PATH [--runs N] [--starts N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PASSWORD  # noqa: E402
from stats import Figure  # noqa: E402

SIZE = (100, 30)
# Poll by yielding to the app's event loop for a moment: Pilot.pause() waits for whole refresh
# cycles, which would hide the difference between the desk and the floor.
POLL_S = 0.001


def _figure(name: str, times_ms: list[float], cpu_ms: list[float]) -> Figure:
    return Figure.of(name, times_ms, cpu_ms)


# --- children: each prints one JSON line and leaves at once ---------------------------------


def _enter(app) -> None:
    """Enter as the terminal driver delivers it, without Pilot's waits, so the clock starts at the key."""
    from textual import events

    app._driver.send_message(events.Key("enter", "\r"))


async def _bare_app(runs: int, out: dict) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Input, Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="scan")
            yield Label("", id="shown")

        def on_input_submitted(self, event: Input.Submitted) -> None:
            self.query_one("#shown", Label).update(event.value)
            event.input.value = ""

    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        _ready(out, runs)
        times, cpu = [], []
        for i in range(runs):
            code = f"{i:010d}"
            await pilot.press(*code)
            start, start_cpu = time.perf_counter(), time.process_time()
            _enter(app)
            while str(app.query_one("#shown", Label).content) != code:
                await asyncio.sleep(POLL_S)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        out["scan_ms"], out["scan_cpu_ms"] = times, cpu


async def _desk_app(db: Path, runs: int, password: str, out: dict) -> None:
    from db.models import Branch, Item, Loan, Location, Reader, ReaderCard
    from ils.catalogue.search import search
    from ils.circulation.loans import return_item
    from ils.readers.readers import scan_card
    from screens.app import make_app
    from screens.login import LoginScreen
    from screens.widgets import ListTable

    app = make_app(db, language="zh_CN")
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause()
        _ready(out, runs)
        await pilot.press(*"admin", "enter", *password, "enter")
        while getattr(app, "session", None) is None:
            await pilot.pause()
        await pilot.pause()
        await pilot.press("1")  # the front desk is the first desk
        while app.screen.__class__.__name__ != "CirculationScreen":
            await pilot.pause()
        session = app.session
        search("中国")
        # Lists, not lazy queries: a cursor left open would pin this thread's read snapshot.
        readers = list(
            Reader.select()
            .join(ReaderCard, on=(ReaderCard.card_number == Reader.card_number))
            .where(Reader.reader_type == "adult", ReaderCard.state == "active", Reader.cancelled_at.is_null())
            .limit(200)
        )
        card = next(
            r.card_number
            for r in readers
            if not scan_card(session, r.card_number).blocks
            and not Loan.select().where(Loan.reader == r.id, Loan.ended_at.is_null()).exists()
        )
        copies = [
            i.barcode
            for i in Item.select()
            .join(Location)
            .switch(Item)
            .join(Branch)
            .where(
                Item.status == "available",
                Item.item_type == "book",
                Location.loanable == True,  # noqa: E712
                Branch.id == session.library.node.branch_id,
                Item.rotation_batch.is_null(),
            )
            .limit(runs * 3)
        ]
        await pilot.press(*card, "enter")
        table = app.screen.query_one("#desk-loans", ListTable)
        while table.row_count == 0 and card not in str(app.screen.query_one("#desk-reader").content):
            await pilot.pause()
        times, cpu = [], []
        for barcode in copies:
            if len(times) == runs:
                break
            await pilot.press(*barcode)
            start, start_cpu = time.perf_counter(), time.process_time()
            _enter(app)
            deadline = start + 5
            shown = False
            while time.perf_counter() < deadline:
                await asyncio.sleep(POLL_S)
                if any(str(table.get_row_at(r)[0]) == barcode for r in range(table.row_count)):
                    shown = True
                    break
            if shown:
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                return_item(session, barcode)
        out["scan_ms"], out["scan_cpu_ms"] = times, cpu


def _ready(out: dict, runs: int) -> None:
    """The first screen is up: when only start-up is measured, report and leave without teardown."""
    if runs == 0:
        print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
        os._exit(0)


def child(kind: str, db: Path | None, runs: int, password: str) -> None:
    out: dict = {}
    if kind == "bare":
        asyncio.run(_bare_app(runs, out))
    else:
        asyncio.run(_desk_app(db, runs, password, out))
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out), flush=True)
    os._exit(0)


def _children_cpu_ms() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (used.ru_utime + used.ru_stime) * 1000


def _spawn(kind: str, db: Path | None, runs: int, password: str = PASSWORD) -> tuple[float, float, dict]:
    """Run a child; (milliseconds from spawn until it left, the CPU milliseconds it used, its report)."""
    command = [sys.executable, __file__, "--child", kind, "--runs", str(runs), "--password", password]
    if db is not None:
        command += ["--db", str(db)]
    start, start_cpu = time.perf_counter(), _children_cpu_ms()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return (
        (time.perf_counter() - start) * 1000,
        _children_cpu_ms() - start_cpu,
        json.loads(done.stdout.strip().splitlines()[-1]),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--password", default=PASSWORD, help="the admin's password in the database")
    parser.add_argument("--child", choices=("bare", "desk"))
    args = parser.parse_args()
    if args.child:
        child(args.child, args.db, args.runs, args.password)
        return
    if args.db is None:
        parser.error("--db is required")
    desk_starts, bare_starts = [], []
    for _ in range(args.starts):
        desk_starts.append(_spawn("desk", args.db, 0, args.password)[:2])
        bare_starts.append(_spawn("bare", None, 0)[:2])
    _total, _cpu, desk = _spawn("desk", args.db, args.runs, args.password)
    _total, _cpu, bare = _spawn("bare", None, args.runs)
    start_desk = _figure("start-up to the log-in screen", *map(list, zip(*desk_starts, strict=False)))
    start_bare = _figure("  bare Textual app floor", *map(list, zip(*bare_starts, strict=False)))
    print(start_desk.line(start_bare))
    print(start_bare.line())
    scan_desk = _figure("scan-to-screen (Enter until the loan shows)", desk["scan_ms"], desk["scan_cpu_ms"])
    scan_bare = _figure("  bare Textual app floor", bare["scan_ms"], bare["scan_cpu_ms"])
    print(scan_desk.line(scan_bare))
    print(scan_bare.line())
    print(f"{'desk peak RSS':<44} {desk['rss_mb']:8.1f} MB   bare Textual app {bare['rss_mb']:.1f} MB")
    size = sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*"))
    print(f"{'database file (with WAL)':<44} {size / 1e9:8.2f} GB")


if __name__ == "__main__":
    main()
