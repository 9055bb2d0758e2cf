"""The reliability suite: every way the desks were broken before, at full size, with a table of figures.

    .venv/bin/python bench/reliability.py [--size full|ci] [--work DIR] [--only NAME ...]

(``bash bench/reliability.sh`` runs it at full size.) The scenarios, each on its
own copy of the demo library built once in ``--work``:

- ``checkouts``: kill -9 ×300 during checkouts and returns (``reliability_kill``);
- ``imports``: kill -9 ×300 during MARC imports;
- ``race``: 8 desk processes racing for one copy (``bench/race_desks.py``);
- ``backups``: backups while a desk writes, some killed part way (``reliability_disk``);
- ``disk``: a full disk;
- ``fuzz``: fuzzed MARC ×1,000 (``reliability_input``);
- ``injection``: SQL, FTS, escapes and path traversal typed at the command line;
- ``privacy``: readers created and used, then every file written scanned for
  their raw ID and phone numbers (``reliability_privacy``), last, over everything.

Prints the figures as a Markdown table (also written to ``WORK/results.md``) with
the machine and the commit, for ``docs/RELIABILITY.md``. Exits 1 when a figure
that must be 0 is not.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from reliability_base import BENCH, ROOT, Outcome, build_base, python_script, timed  # noqa: E402

SIZES: dict[str, dict[str, int]] = {
    "full": {
        "checkout_kills": 300,
        "import_kills": 300,
        "import_records": 50,
        "race_procs": 8,
        "race_rounds": 20,
        "backups": 30,
        "disk_rounds": 10,
        "fuzz": 1000,
        "fuzz_cli": 50,
        "injections": 0,
        "readers": 30,
    },
    "ci": {
        "checkout_kills": 2,
        "import_kills": 2,
        "import_records": 10,
        "race_procs": 4,
        "race_rounds": 2,
        "backups": 3,
        "disk_rounds": 1,
        "fuzz": 30,
        "fuzz_cli": 2,
        "injections": 2,
        "readers": 1,
    },
}
RACE = BENCH / "race_desks.py"


def race(work: Path, procs: int, rounds: int) -> Outcome:
    """Desk processes racing for one copy: ``bench/race_desks.py``."""
    outcome = Outcome(f"{procs} desks racing")
    folder = work / "race"
    folder.mkdir(parents=True, exist_ok=True)
    with timed(outcome):
        done = subprocess.run(
            python_script(RACE, "--procs", procs, "--rounds", rounds, "--json", "--db", folder / "race.sqlite"),
            capture_output=True,
            text=True,
            timeout=6 * 3600,
        )
    try:
        figures = json.loads(done.stdout)
    except ValueError:
        outcome.add("race_desks.py ended without figures (exit code)", done.returncode or "no JSON", zero=True)
        outcome.example(done.stderr[-1000:])
        return outcome
    outcome.add("desk attempts", figures.get("attempts"))
    outcome.add("refusals", sum((figures.get("refused") or {}).values()))
    for name in ("raw_exceptions", "wrong_winners", "double_returns", "double_fines", "status_disagreements"):
        outcome.add(name.replace("_", " "), figures.get(name), zero=True)
    outcome.add(
        "ils check problems after",
        0 if figures.get("check_ok") else len(figures.get("check_problems") or [1]),
        zero=True,
    )
    outcome.examples += [str(e) for e in (figures.get("raw_examples") or [])[:5]]
    return outcome


def scenarios(size: dict[str, int]) -> dict[str, Callable[[Path, Path], Outcome]]:
    from reliability_disk import backups_during_writes, full_disk
    from reliability_input import fuzzed_marc, injection
    from reliability_kill import kill_during_checkouts, kill_during_imports
    from reliability_privacy import personal_data

    return {
        "checkouts": lambda base, work: kill_during_checkouts(base, work, size["checkout_kills"]),
        "imports": lambda base, work: kill_during_imports(base, work, size["import_kills"], size["import_records"]),
        "race": lambda base, work: race(work, size["race_procs"], size["race_rounds"]),
        "backups": lambda base, work: backups_during_writes(base, work, size["backups"]),
        "disk": lambda base, work: full_disk(base, work, size["disk_rounds"]),
        "fuzz": lambda base, work: fuzzed_marc(base, work, size["fuzz"], size["fuzz_cli"]),
        "injection": lambda base, work: injection(base, work, size["injections"] or None),
        "privacy": lambda base, work: personal_data(base, work, size["readers"]),
    }


def machine() -> str:
    cores = os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = (
        subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        or "unknown"
    )
    return (
        f"{dt.datetime.now().isoformat(timespec='seconds')}, {cores} cores, {memory:.0f} GB, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, commit {commit}"
    )


def table(outcomes: list[Outcome]) -> str:
    lines = ["| scenario | figure | value | must be 0 |", "|---|---|---|---|"]
    for outcome in outcomes:
        if outcome.skipped:
            lines.append(f"| {outcome.scenario} | not run | {outcome.skipped} | |")
            continue
        for number, figure in enumerate(outcome.figures):
            name = f"{outcome.scenario} ({outcome.seconds:.0f} s)" if number == 0 else ""
            mark = ("**FAILED**" if figure.failed else "yes") if figure.zero else ""
            lines.append(f"| {name} | {figure.name} | {figure.value} | {mark} |")
    return "\n".join(lines)


def run(size_name: str, work: Path, only: list[str] | None = None) -> list[Outcome]:
    size = SIZES[size_name]
    work.mkdir(parents=True, exist_ok=True)
    for old in work.iterdir():  # the last run's files; the base library is kept
        if old.name != "base":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    # Logs that cannot go beside a database (a full disk) go to the user's log folder: keep it in
    # the work folder, so the personal-data scan reads it too.
    os.environ["XDG_STATE_HOME"] = str(work / "state")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    base = build_base(work / "base" / "demo.sqlite")
    outcomes = []
    for name, scenario in scenarios(size).items():
        if only and name not in only:
            continue
        print(f"# {name} ...", file=sys.stderr, flush=True)
        outcome = scenario(base, work)
        print(
            f"#   {'ok' if outcome.ok else 'skipped' if outcome.skipped else 'FAILED'} in {outcome.seconds:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        outcomes.append(outcome)
        write_report(work, size_name, outcomes)  # after each scenario: a run stopped later keeps these figures
    return outcomes


def write_report(work: Path, size_name: str, outcomes: list[Outcome]) -> str:
    """The figures so far as Markdown, written to ``WORK/results.md``; returns the text."""
    report = [f"Run: {machine()}, size {size_name}.", "", table(outcomes)]
    for outcome in outcomes:
        if outcome.examples:
            report += ["", f"{outcome.scenario}, examples:", *(f"- {e}" for e in outcome.examples)]
    text = "\n".join(report)
    (work / "results.md").write_text(text + "\n", encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("/tmp/ils-reliability"),
        help="folder for the libraries and files (default /tmp/ils-reliability)",
    )
    parser.add_argument("--only", nargs="*", choices=list(scenarios(SIZES["ci"])), help="run only these scenarios")
    args = parser.parse_args(argv)
    outcomes = run(args.size, args.work, args.only)
    print(write_report(args.work, args.size, outcomes))
    return 0 if all(o.ok or o.skipped for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
