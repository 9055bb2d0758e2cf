"""Input that lies: fuzzed MARC files, and injection strings typed at the command line.

Fuzzed MARC: sound files made here (and, when present, the real-world files of
``../shared/testdata/marc``) broken ``reliability_marc.mutate``'s ways, then
staged and applied through the import service. Each must be stored or refused
with a code; none may raise anything else, print to the terminal (pymarc's own
warnings) or take long. A sample goes through ``ils catalogue import`` too.

Injection: SQL, FTS ``MATCH`` syntax, terminal escapes, path traversal, long and
odd text, typed as arguments of the commands that search and look up. Each
command must end done, refused or as a usage error; nothing a terminal would obey
may come out; the library's tables must not change; no file may appear.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import random
import signal
import sqlite3
import time
import warnings
from collections import Counter
from pathlib import Path

from reliability_base import (
    Outcome,
    copy_library,
    crashed,
    ils,
    problems,
    refusal_code,
    timed,
    unsafe_output,
)
from reliability_marc import marc_file, mutate

SHARED_MARC = Path(__file__).resolve().parents[2] / "shared" / "testdata" / "marc"
SLOW_S = 10.0


class _TooSlow(Exception):
    pass


def _alarm(_signum: int, _frame: object) -> None:
    raise _TooSlow


def _seeds() -> list[bytes]:
    seeds = [marc_file("FZ", 4, 700_000_000), marc_file("FZ", 4, 700_000_100, gbk=True)]
    if SHARED_MARC.is_dir():
        for path in sorted(SHARED_MARC.rglob("*")):
            if (
                path.is_file()
                and path.suffix.lower() in (".mrc", ".iso", ".marc", ".xml")
                and path.stat().st_size < 300_000
            ):
                seeds.append(path.read_bytes())
    return seeds


def fuzzed_marc(base: Path, work: Path, files: int, cli_samples: int = 50, seed: int = 5) -> Outcome:
    from ils.catalogue import marc_import
    from ils.errors import IlsError
    from ils.library import open_library
    from ils.staff import log_in

    outcome = Outcome("fuzzed MARC")
    rng = random.Random(seed)
    folder = work / "fuzz"
    db = copy_library(base, folder / "lib.sqlite")
    seeds = _seeds()
    results: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    slow: Counter[str] = Counter()
    raw = printed = cli_crashes = cli_runs = 0
    longest = (0.0, "")
    with timed(outcome):
        library = open_library(db)
        session = log_in(library, "admin", "demo1234")
        previous = signal.signal(signal.SIGALRM, _alarm)
        try:
            for number in range(files):
                kind, data = mutate(rng.choice(seeds), rng)
                said = io.StringIO()
                started = time.monotonic()
                signal.setitimer(signal.ITIMER_REAL, SLOW_S)
                try:
                    with (
                        warnings.catch_warnings(record=True) as caught,
                        contextlib.redirect_stdout(said),
                        contextlib.redirect_stderr(said),
                    ):
                        warnings.simplefilter("always")
                        batch = marc_import.stage(session, data, source_name=f"fuzz{number}.mrc")
                        if batch.records:
                            marc_import.apply(session, batch)
                            results["stored"] += 1
                        else:
                            results["nothing to store (every record refused with its reason)"] += 1
                    if said.getvalue() or caught:
                        printed += 1
                        outcome.example(
                            f"file {number} ({kind}) printed: {(said.getvalue() or str(caught[0].message))[:200]!r}"
                        )
                except _TooSlow:
                    slow[kind] += 1
                    outcome.example(f"file {number} ({kind}, {len(data):,} bytes) still staging after {SLOW_S:.0f} s")
                except IlsError as error:
                    codes[error.code] += 1
                except Exception as error:
                    raw += 1
                    outcome.example(f"file {number} ({kind}): {type(error).__name__}: {str(error)[:200]}")
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                elapsed = time.monotonic() - started
                if elapsed > longest[0]:
                    longest = (elapsed, f"{kind}, {len(data):,} bytes")
                if number % max(1, files // cli_samples) == 0:  # a sample through the command line
                    path = folder / f"fuzz{number}.mrc"
                    path.write_bytes(data)
                    done = ils(db, "catalogue", "import", path, "--dry-run", "--json", timeout=600)
                    cli_runs += 1
                    if crashed(done) or unsafe_output(done):
                        cli_crashes += 1
                        outcome.example(
                            f"ils catalogue import fuzz{number}.mrc: exit {done.returncode} {done.stderr[-200:]!r}"
                        )
                    path.unlink()
        finally:
            signal.signal(signal.SIGALRM, previous)
            library.close()
        found = problems(db)
    outcome.add("files", files)
    outcome.add("seed files", len(seeds))
    for label, count in results.most_common():
        outcome.add(f"files {label}", count)
    outcome.add("files refused with a code", sum(codes.values()))
    outcome.add("raw exceptions", raw, zero=True)
    outcome.add(f"files still staging after {SLOW_S:.0f} s", sum(slow.values()), zero=True)
    outcome.add("files whose import printed to the terminal (pymarc's warnings)", printed, zero=True)
    outcome.add("slowest file (s)", f"{longest[0]:.2f} ({longest[1]})")
    outcome.add("sample through ils catalogue import: runs / crashes", f"{cli_runs} / {cli_crashes}")
    outcome.add("crashes through the command line", cli_crashes, zero=True)
    outcome.add("problems in the library after", len(found), zero=True)
    return outcome


# --- injection strings at the command line ------------------------------------------------------

INJECTIONS: tuple[tuple[str, str | bytes], ...] = (
    ("sql", "' OR '1'='1"),
    ("sql", "'; DROP TABLE item; --"),
    ("sql", "1; DELETE FROM loan"),
    ("sql", "红楼梦' UNION SELECT id_cipher FROM reader --"),
    ("sql", "%"),
    ("sql", "_"),
    ("fts", '"'),
    ("fts", "*"),
    ("fts", "红楼梦 OR"),
    ("fts", "title:红楼梦"),
    ("fts", "NEAR(红楼 梦, 2)"),
    ("fts", "AND NOT OR"),
    ("fts", "-红楼梦 ^x {a b}"),
    ("fts", "(((("),
    ("escape", "\x1b]2;PWNED\x07"),
    ("escape", "\x1b[2J\x1b[H\x1b[6n"),
    ("escape", "\x9b31m\x07\x08\x7f"),
    ("escape", "红\u202e楼梦"),
    ("traversal", "../../../../etc/passwd"),
    ("traversal", "/etc/shadow"),
    ("traversal", "..\\..\\windows\\system32"),
    ("long", "红" * 40_000),
    ("long", "9" * 100_000),
    ("odd", "\u200b\ufeff"),
    ("odd", "％＿＊"),
    ("not utf-8", b"\xff\xfe\xc0\xaf"),
    ("not utf-8", b"\xed\xa0\x80"),
)
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("catalogue", "search", "{}", "--json"),
    ("catalogue", "search", "{}"),
    ("readers", "find", "{}", "--json"),
    ("readers", "show", "{}"),
    ("items", "show", "{}", "--json"),
    ("circ", "checkout", "{}", "{}", "--json"),
    ("circ", "return", "{}"),
    ("catalogue", "import", "{}", "--dry-run"),
)


def _table_digests(db: Path) -> dict[str, str]:
    """A digest of each table but the journal (which records log-ins and refusals) and the sync
    clock (whose stamp moves with every journaled row), so a change can be named."""
    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    digests: dict[str, str] = {}
    try:
        tables = [
            r[0]
            for r in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE '%fts%' AND name NOT IN ('journal', 'sync_clock') ORDER BY name"
            )
        ]
        for table in tables:
            digest = hashlib.sha256()
            rows = sorted(repr(row) for row in connection.execute(f"SELECT * FROM {table}"))  # names from the schema
            digest.update(f"{table}:{len(rows)}".encode())
            for row in rows:
                digest.update(row.encode())
            digests[table] = digest.hexdigest()
    finally:
        connection.close()
    return digests


def injection(base: Path, work: Path, limit: int | None = None) -> Outcome:
    outcome = Outcome("injection strings at the command line")
    folder = work / "inject"
    db = copy_library(base, folder / "lib.sqlite")
    cwd = folder / "cwd"
    cwd.mkdir(parents=True, exist_ok=True)
    exits: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    crashes = unsafe = runs = 0
    cases = INJECTIONS if limit is None else INJECTIONS[:: max(1, len(INJECTIONS) // limit)]
    with timed(outcome):
        # The copy is a new file here, so its first opening settles its sync identity (a copy
        # becomes a node of its own): that is done before the comparison starts.
        ils(db, "branches", "list", cwd=cwd)
        before = _table_digests(db)
        for kind, text in cases:
            for command in COMMANDS:
                args = [text if part == "{}" else part for part in command]
                done = ils(db, *args, cwd=cwd)
                runs += 1
                exits[done.returncode] += 1
                if code := refusal_code(done):
                    codes[code] += 1
                if crashed(done):
                    crashes += 1
                    outcome.example(
                        f"{kind} via {' '.join(command[:2])}: exit {done.returncode} "
                        f"{done.stderr.decode('utf-8', 'replace')[-200:]!r}"
                    )
                if unsafe_output(done):
                    unsafe += 1
                    outcome.example(f"{kind} via {' '.join(command[:2])}: a control character reached the terminal")
        after = _table_digests(db)
        changed = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
        for table in changed:
            outcome.example(f"table changed: {table}")
        appeared = sorted(p.name for p in cwd.iterdir())
        found = problems(db)
    outcome.add("strings", len(cases))
    outcome.add("commands run", runs)
    outcome.add("exit codes", ", ".join(f"{code}: {count}" for code, count in sorted(exits.items())))
    outcome.add("refusal codes seen (--json)", len(codes))
    outcome.add("crashes (exit 70 or a traceback)", crashes, zero=True)
    outcome.add("outputs with a control character a terminal would obey", unsafe, zero=True)
    outcome.add("tables changed (other than the journal)", len(changed), zero=True)
    outcome.add("files that appeared", len(appeared), zero=True)
    outcome.add("problems in the library after", len(found), zero=True)
    return outcome
