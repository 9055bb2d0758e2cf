"""``kill -9`` during checkouts and during MARC imports, then everything checked.

A desk process (``reliability_worker.py``) works on a copy of the base library
and is killed at a random moment, over and over. After every kill the database
is opened as the next desk would open it and must pass ``ils check`` and the
circulation invariants; every checkout and every file the worker reported as
committed must be there (``synchronous=FULL``: a commit survives), and every MARC
file must be in the catalogue wholly or not at all.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from reliability_base import BENCH, Outcome, copy_library, environment, ils, problems, python_script, timed
from reliability_marc import marc_file

WORKER = BENCH / "reliability_worker.py"
READY_TIMEOUT_S = 120


class Worker:
    """One worker process, its output read line by line."""

    def __init__(self, *args: str | Path) -> None:
        self.process = subprocess.Popen(
            python_script(WORKER, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment(), text=True
        )
        self.lines: list[str] = []

    def wait_ready(self) -> None:
        assert self.process.stdout is not None
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"worker ended before READY: {self.process.stderr.read()[-2000:]}")
            if line.strip() == "READY":
                return
        raise RuntimeError("worker not ready in time")

    def kill(self) -> list[str]:
        """SIGKILL, then everything it had printed (flushed lines survive in the pipe)."""
        self.process.send_signal(signal.SIGKILL)
        out, _err = self.process.communicate(timeout=60)
        self.lines = out.splitlines()
        return self.lines

    def finish(self) -> list[str]:
        out, err = self.process.communicate(timeout=600)
        self.lines = out.splitlines()
        if self.process.returncode != 0:
            self.lines.append(f"RAW exit {self.process.returncode}: {err[-500:]}")
        return self.lines


def _count(lines: list[str], word: str) -> list[str]:
    return [line.split(" ", 1)[1] if " " in line else "" for line in lines if line.startswith(word + " ")]


def kill_during_checkouts(base: Path, work: Path, kills: int, seed: int = 1) -> Outcome:
    outcome = Outcome("kill -9 during checkouts")
    rng = random.Random(seed)
    db = copy_library(base, work / "checkouts" / "lib.sqlite")
    refused: Counter[str] = Counter()
    lent_total = returned_total = raw = lost = broken = 0
    with timed(outcome):
        for cycle in range(kills):
            worker = Worker("checkouts", db, str(seed * 100_000 + cycle))
            worker.wait_ready()
            time.sleep(rng.uniform(0.05, 1.0))
            lines = worker.kill()
            lent = _count(lines, "LENT")
            lent_total += len(lent)
            returned_total += len(_count(lines, "RETURNED"))
            refused.update(_count(lines, "REFUSED"))
            raws = _count(lines, "RAW")
            raw += len(raws)
            for line in raws:
                outcome.example(f"kill {cycle}: {line}")
            found = problems(db)
            if found:
                broken += 1
                outcome.example(f"after kill {cycle}: {'; '.join(found[:3])}")
            lost += _missing_loans(db, lent)
        final = ils(db, "check", "--json")
    outcome.add("kills", kills)
    outcome.add("checkouts committed before a kill", lent_total)
    outcome.add("returns committed before a kill", returned_total)
    outcome.add("refusals (rules, all coded)", sum(refused.values()))
    outcome.add("raw exceptions", raw, zero=True)
    outcome.add("committed checkouts missing after the kill", lost, zero=True)
    outcome.add("kills after which ils check or an invariant failed", broken, zero=True)
    outcome.add("ils check at the end (exit code)", final.returncode, zero=True)
    return outcome


def _missing_loans(db: Path, loan_ids: list[str]) -> int:
    if not loan_ids:
        return 0
    import sqlite3

    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        marks = ",".join("?" * len(loan_ids))
        found = connection.execute(f"SELECT COUNT(*) FROM loan WHERE id IN ({marks})", loan_ids).fetchone()[0]
    finally:
        connection.close()
    return len(set(loan_ids)) - found


def kill_during_imports(base: Path, work: Path, kills: int, records: int = 50, seed: int = 2) -> Outcome:
    outcome = Outcome("kill -9 during MARC imports")
    rng = random.Random(seed)
    folder = work / "imports"
    db = copy_library(base, folder / "lib.sqlite")
    files_dir = folder / "files"
    files_dir.mkdir(parents=True, exist_ok=True)
    whole = none = half = lost = raw = broken = 0
    with timed(outcome):
        # One run to the end first: how long a file takes, so the kills land all over the work.
        calibration = _files(files_dir, "CAL", records, 0, rng)
        worker = Worker("imports", db, *calibration)
        worker.wait_ready()
        started = time.monotonic()
        worker.finish()
        per_file = max(0.2, (time.monotonic() - started) / len(calibration))
        for cycle in range(kills):
            files = _files(files_dir, f"RB{cycle:04d}", records, (cycle + 1) * 10, rng)
            worker = Worker("imports", db, *files)
            worker.wait_ready()
            time.sleep(rng.uniform(0.0, per_file * len(files)))
            lines = worker.kill()
            applied = set(_count(lines, "APPLIED"))
            raws = _count(lines, "RAW")
            raw += len(raws)
            for line in raws:
                outcome.example(f"kill {cycle}: {line}")
            found = problems(db)
            if found:
                broken += 1
                outcome.example(f"after kill {cycle}: {'; '.join(found[:3])}")
            for path in files:
                stored = _stored(db, path.stem)
                if stored == records:
                    whole += 1
                elif stored == 0:
                    none += 1
                    lost += path.name in applied
                else:
                    half += 1
                    outcome.example(f"kill {cycle}: {stored} of {records} records of {path.name} stored")
            for path in files:
                path.unlink()
        final = ils(db, "check", "--json")
    outcome.add("kills", kills)
    outcome.add("MARC files committed whole", whole)
    outcome.add("MARC files rolled back (not a record stored)", none)
    outcome.add("MARC files half-written", half, zero=True)
    outcome.add("files reported committed but missing", lost, zero=True)
    outcome.add("raw exceptions", raw, zero=True)
    outcome.add("kills after which ils check or an invariant failed", broken, zero=True)
    outcome.add("ils check at the end (exit code)", final.returncode, zero=True)
    return outcome


def _files(folder: Path, tag: str, records: int, block: int, rng: random.Random) -> list[Path]:
    """Three files of ``records`` records each, half of them CNMARC in GBK; unique titles and barcodes."""
    paths = []
    for part in "abc":
        name = f"{tag}{part}"
        path = folder / f"{name}.mrc"
        first = 900_000_000 + block * 1000 + "abc".index(part) * records
        path.write_bytes(marc_file(name, records, first, gbk=rng.random() < 0.5))
        paths.append(path)
    return paths


def _stored(db: Path, tag: str) -> int:
    import sqlite3

    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM bib_record WHERE title LIKE ?", (f"% {tag}-%",)).fetchone()[0]
    finally:
        connection.close()
