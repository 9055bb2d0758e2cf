"""Backups taken while a desk writes, backups killed half way, and a disk that is full.

Backups: a desk process lends and returns copies the whole time; backups are
taken through the command line meanwhile, every third one killed with ``kill -9``
while it copies. Each finished backup must pass ``ils check FILE``, the next backup must
remove what a killed one left, and the desk must never fail or stall for long.

Full disk: the library is put on a small file system of its own (a tmpfs mounted
for the run, when this user may mount one; otherwise each command runs with
``RLIMIT_FSIZE`` set so that growing any file fails as on a full disk; the
figures say which). The disk is filled to the last few kilobytes, then desks
lend, import, register and back up through the command line. Each must end as a
coded refusal (exit 1) or succeed, never crash; once space is freed the library
must pass ``ils check`` and work again.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from reliability_base import (
    Outcome,
    copy_library,
    crashed,
    environment,
    ils,
    phone,
    problems,
    refusal_code,
    resident_id,
    timed,
)
from reliability_kill import Worker, _count
from reliability_marc import marc_file


def backups_during_writes(base: Path, work: Path, backups: int, seed: int = 3) -> Outcome:
    outcome = Outcome("backups during writes")
    rng = random.Random(seed)
    db = copy_library(base, work / "backups" / "lib.sqlite")
    out = work / "backups" / "out"
    completed = killed = failed_checks = leftovers_removed = crashes = 0
    longest = 0.0
    with timed(outcome):
        desk = Worker("checkouts", db, str(seed))
        desk.wait_ready()
        try:
            for number in range(backups):
                target = out / f"b{number:03d}.sqlite"
                if number % 3 == 1:  # never the last one: the last backup must clean up after it
                    process = subprocess.Popen(
                        [sys.executable, "-m", "ils", "--db", str(db), "backup", str(target)],
                        env=environment(),
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                    _wait_for(out / f".{target.name}.partial", process)  # the copy has begun
                    time.sleep(rng.uniform(0.0, 1.0))  # copying the demo library takes a second or two
                    process.send_signal(signal.SIGKILL)
                    process.wait(timeout=60)
                    killed += 1
                    continue
                started = time.monotonic()
                done = ils(db, "backup", target, "--json")
                longest = max(longest, time.monotonic() - started)
                if crashed(done) or done.returncode != 0:
                    crashes += 1
                    outcome.example(f"backup {number}: exit {done.returncode}: {done.stderr[-300:]!r}")
                    continue
                completed += 1
                leftovers_removed += len(json.loads(done.stdout)["removed"])
                checked = ils(db, "check", target, "--json")
                if checked.returncode != 0:
                    failed_checks += 1
                    outcome.example(f"backup {number}: ils check FILE exit {checked.returncode}")
        finally:
            lines = desk.kill()
        raws = _count(lines, "RAW")
        for line in raws:
            outcome.example(f"desk: {line}")
        left = [p.name for p in out.iterdir() if p.name.startswith(".")] if out.exists() else []
        found = problems(db)
    outcome.add("backups finished", completed)
    outcome.add("backups killed part way", killed)
    outcome.add("leftovers of killed backups removed by the next one", leftovers_removed)
    outcome.add("leftovers remaining after the last backup", len(left) if completed else "-", zero=True)
    outcome.add("backups failing ils check FILE", failed_checks, zero=True)
    outcome.add("backups that failed or crashed", crashes, zero=True)
    outcome.add("longest backup while the desk wrote (s)", round(longest, 2))
    outcome.add("desk checkouts and returns meanwhile", len(_count(lines, "LENT")) + len(_count(lines, "RETURNED")))
    outcome.add("desk raw exceptions", len(raws), zero=True)
    outcome.add("problems in the library after", len(found), zero=True)
    return outcome


def _wait_for(path: Path, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)


# --- a full disk --------------------------------------------------------------------------------


@contextlib.contextmanager
def small_disk(folder: Path, size_mb: int) -> Iterator[bool]:
    """A tmpfs of ``size_mb`` at ``folder`` if it can be mounted (yields True), else a plain folder (False)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = False
    if shutil.which("mount") and os.geteuid() == 0:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(folder)], capture_output=True, timeout=30
        )
        mounted = done.returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], capture_output=True, timeout=60)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    filler = folder / "filler.bin"
    with open(filler, "ab") as out:
        while True:
            free = shutil.disk_usage(folder).free
            if free <= leave:
                break
            try:
                out.write(b"\0" * min(1 << 20, free - leave))
                out.flush()
            except OSError:
                break
    return filler


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def full_disk(base: Path, work: Path, rounds: int, seed: int = 4) -> Outcome:
    outcome = Outcome("full disk")
    rng = random.Random(seed)
    folder = work / "disk"
    marc = work / "disk-input" / "delivery.mrc"
    marc.parent.mkdir(parents=True, exist_ok=True)
    codes: Counter[str] = Counter()
    attempts = crashes = succeeded = 0
    recovered = True
    size_mb = int(base.stat().st_size / 1e6) + 24
    with timed(outcome), small_disk(folder, size_mb) as mounted:
        db = copy_library(base, folder / "lib.sqlite")
        cards, barcodes = _cards_and_barcodes(db)
        method = f"tmpfs of {size_mb} MB" if mounted else "RLIMIT_FSIZE (no tmpfs could be mounted)"
        for number in range(rounds):
            leave = rng.choice([0, 16_384, 262_144, 1 << 20, 4 << 20])
            filler = _fill(folder, leave) if mounted else None
            # Without a small disk: no file may grow past the largest database file by more than ``leave``.
            limit = None if mounted else max(p.stat().st_size for p in folder.glob("lib.sqlite*")) + leave
            marc.write_bytes(marc_file(f"FD{number:03d}", 200, 800_000_000 + number * 1000))
            operations = [
                ("circ", "checkout", rng.choice(cards), rng.choice(barcodes), "--json"),
                ("catalogue", "import", str(marc), "--json"),
                ("readers", "add", "满盘", "--id-number", resident_id(rng), "--phone", phone(rng), "--json"),
                ("branches", "add", f"FD{number:03d}", "满盘分馆" * 200, "--json"),
                ("backup", str(folder / "bk" / f"b{number}.sqlite"), "--json"),
            ]
            for args in operations:
                attempts += 1
                done = ils(db, *args, preexec_fn=_file_size_limit(limit) if limit else None)
                if crashed(done):
                    crashes += 1
                    outcome.example(f"{' '.join(args[:2])}: exit {done.returncode}: {done.stderr[-300:]!r}")
                elif done.returncode == 0:
                    succeeded += 1
                else:
                    code = refusal_code(done)
                    codes[code or "(no code)"] += 1
                    if code is None:
                        outcome.example(
                            f"{' '.join(args[:2])}: exit {done.returncode} without a code: {done.stderr[-300:]!r}"
                        )
            if filler is not None:
                filler.unlink()
            found = problems(db)
            again = ils(db, "circ", "checkout", rng.choice(cards), rng.choice(barcodes), "--json")
            if found or crashed(again):
                recovered = False
                outcome.example(f"round {number} after freeing space: {found[:3]} exit {again.returncode}")
    outcome.add("method", method)
    outcome.add("free space left, per round", "0 to 4 MB")
    outcome.add("commands run on a full disk", attempts)
    outcome.add("of them done (they fit)", succeeded)
    outcome.add("refused with a code", sum(codes.values()))
    outcome.add("refusal codes", ", ".join(f"{code} {count}" for code, count in codes.most_common()) or "-")
    outcome.add("refused without a code", codes.get("(no code)", 0), zero=True)
    outcome.add("crashes (exit 70 or a traceback)", crashes, zero=True)
    outcome.add("rounds after which ils check failed or the desk did not work again", 0 if recovered else 1, zero=True)
    return outcome


def _cards_and_barcodes(db: Path) -> tuple[list[str], list[str]]:
    import sqlite3

    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        cards = [r[0] for r in connection.execute("SELECT card_number FROM reader_card WHERE state = 'active'")]
        barcodes = [r[0] for r in connection.execute("SELECT barcode FROM item WHERE status = 'available' LIMIT 500")]
    finally:
        connection.close()
    return cards, barcodes
