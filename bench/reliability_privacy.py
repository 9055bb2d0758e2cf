"""The personal-data scan: no raw ID or phone number of a reader anywhere on disk.

Readers are registered through the command line (their numbers typed as
arguments), then put through what a year at the desk does to them: loans,
returns, a lost card and its replacement, look-ups by ID and phone number, the
card and the reader's own export printed, backups with and without the sealed
key file, a desk killed with ``kill -9`` (its WAL left behind). Then every file
the suite wrote is read, byte by byte: databases, WAL and journal files, logs,
backups, PDFs (their text too, through ``pdftotext``), exports. A number found
in plain text, UTF-16, or as digits with separators between them is a hit.

Left out on purpose: ``ils circ sms-export`` and ``ils circ overdue``, which
write and show phone numbers because sending the SMS needs them.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import time
from pathlib import Path

from reliability_base import Outcome, copy_library, crashed, ils, phone, resident_id
from reliability_kill import Worker

NAMES = ("张秀英", "李建国", "王小红", "刘德华", "陈静", "杨帆", "赵丽", "黄晓明", "周杰", "吴磊")
_NOT_DIGIT = re.compile(rb"\D")


def _card_of(done: subprocess.CompletedProcess[bytes]) -> str | None:
    """The card number in a reader record printed with ``--json``."""
    if done.returncode != 0:
        return None
    try:
        return json.loads(done.stdout)["summary"]["card_number"]
    except (ValueError, KeyError, TypeError):
        return None


def register_and_use(base: Path, work: Path, readers: int, seed: int = 6) -> tuple[Path, list[str], Outcome]:
    """A library in ``work``, readers with known numbers, and a year of use. Returns the numbers."""
    outcome = Outcome("personal-data scan")
    rng = random.Random(seed)
    folder = work / "privacy"
    db = copy_library(base, folder / "lib.sqlite")
    secrets: list[str] = []
    failures = 0
    cards: list[str] = []

    def run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
        nonlocal failures
        done = ils(db, *args)
        if crashed(done):
            failures += 1
            outcome.example(f"{' '.join(map(str, args[:2]))}: exit {done.returncode} {done.stderr[-200:]!r}")
        return done

    barcodes = _shelf_barcodes(db)
    for number in range(readers):
        id_number, mobile = resident_id(rng), phone(rng)
        secrets += [id_number, mobile]
        done = run("readers", "add", NAMES[number % len(NAMES)], "--id-number", id_number, "--phone", mobile, "--json")
        if done.returncode != 0:
            outcome.example(f"register: {done.stderr[-200:]!r}")
            continue
        card = _card_of(done)
        if card is None:
            continue
        cards.append(card)
        run("readers", "find", id_number)
        run("readers", "find", mobile, "--json")
        run("readers", "verify", card, "--id-number", id_number)
        run("readers", "add", "重复", "--id-number", id_number, "--json")  # refused: one card per person
        barcode = barcodes.pop()
        run("circ", "checkout", card, barcode)
        run("readers", "card", card, "--out", folder / "printouts" / f"card-{number}.pdf")
        run("readers", "export", card, "--out", folder / "printouts" / f"export-{number}.pdf")
        if number % 2:
            run("circ", "return", barcode)
        if number % 3 == 0:
            run("readers", "lost", card)
            replaced = _card_of(run("readers", "replace", card, "--json"))
            cards[-1] = replaced or card
    run("backup", folder / "backups" / "plain.sqlite")
    run("backup", "--with-keys", folder / "backups" / "sealed.sqlite")
    run("check", folder / "backups" / "plain.sqlite")
    desk = Worker("checkouts", db, str(seed))
    desk.wait_ready()
    time.sleep(1.0)
    desk.kill()  # leaves its WAL and shared-memory files behind
    outcome.add("readers registered through the command line", len(cards))
    outcome.add("commands that crashed", failures, zero=True)
    return db, secrets, outcome


def _shelf_barcodes(db: Path) -> list[str]:
    import sqlite3

    connection = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [
            r[0]
            for r in connection.execute(
                "SELECT barcode FROM item WHERE status = 'available' AND branch_id = "
                "(SELECT value FROM setting WHERE key = 'node.branch_id') ORDER BY barcode DESC LIMIT 500"
            )
        ]
    finally:
        connection.close()


def scan(folders: list[Path], secrets: list[str]) -> tuple[int, int, list[str]]:
    """Files and bytes read under ``folders``, and where a secret was found."""
    needles = [(s, s.encode()) for s in secrets]
    wide = [(s, s.encode("utf-16-le")) for s in secrets]
    files = size = 0
    hits: list[str] = []
    pdftotext = shutil.which("pdftotext")
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            files += 1
            size += len(data)
            texts = [data, _NOT_DIGIT.sub(b"", data)]
            if path.suffix == ".pdf" and pdftotext:
                text = subprocess.run(
                    [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120
                ).stdout
                texts += [text, _NOT_DIGIT.sub(b"", text)]
            for secret, needle in needles:
                if any(needle in text for text in texts):
                    hits.append(f"{path.relative_to(folder.parent)}: {secret[:3]}…")
            for secret, needle in wide:
                if needle in data:
                    hits.append(f"{path.relative_to(folder.parent)} (UTF-16): {secret[:3]}…")
    return files, size, hits


def personal_data(base: Path, work: Path, readers: int, scanned: list[Path] | None = None) -> Outcome:
    """Register and use ``readers`` readers, then scan ``scanned`` (default: the whole ``work`` folder)."""
    started = time.monotonic()
    _db, secrets, outcome = register_and_use(base, work, readers)
    files, size, hits = scan(scanned or [work], secrets)
    outcome.seconds = time.monotonic() - started
    for hit in hits:
        outcome.example(hit)
    outcome.add("numbers looked for (ID and mobile)", len(secrets))
    outcome.add("files scanned (databases, WAL, logs, backups, PDFs)", files)
    outcome.add("bytes scanned", f"{size / 1e6:.1f} MB")
    outcome.add("raw ID or phone numbers found", len(hits), zero=True)
    return outcome
