"""Watched folders (``ils.sync.watch``), each in a temporary folder:

- a bundle copied in 1 KB pieces with pauses is applied once, after it is complete;
- 50 bundles dropped at once are all applied;
- a watcher killed (SIGKILL) and started again picks up what was left;
- an inbox removed and made again is watched again;
- a refused bundle goes to ``rejected/`` with the reason beside it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ils.sync import exchange
from ils.sync.watch import Watcher, WatchSettings
from tests.sync.network import PASSWORD, Network, build, catalogue

MODES = [pytest.param(False, id="inotify"), pytest.param(True, id="polling")]


@pytest.fixture
def network(tmp_path, sqlite_templates):
    net = build(tmp_path / "net", sqlite_templates, {"a": "ZG", "b": "YS"})
    yield net
    net.close()


def _bundles(network: Network, count: int) -> list[Path]:
    """``count`` bundles from desk a, each with one new record (kept outside any inbox)."""
    made = []
    for n in range(count):
        catalogue(network.desks["a"], f"书{n}", (f"W{n:04d}", "ZG"))
        made.append(network.export("a"))
    return made


def _watcher(network: Network, inbox: Path, polling: bool, **kwargs) -> tuple[Watcher, list[tuple[str, Path | None]]]:
    events: list[tuple[str, Path | None]] = []
    settings = WatchSettings(inbox, polling=polling, settle=0.6, rescan=2.0, tick=0.05, **kwargs)

    def told(what, path, detail=""):
        events.append((what, path))

    return Watcher(network.union.session(), settings, exchange.import_bundle, on_event=told), events


@pytest.mark.parametrize("polling", MODES)
def test_a_bundle_copied_in_pieces_is_applied_once_after_it_is_complete(network, tmp_path, polling):
    (bundle,) = _bundles(network, 1)
    data = bundle.read_bytes()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    target = inbox / bundle.name
    written = threading.Event()
    sizes: list[int] = []

    def copy_slowly():
        with open(target, "wb") as out:  # one open file, 1 KB at a time, with pauses
            for start in range(0, len(data), 1024):
                out.write(data[start : start + 1024])
                out.flush()
                written.wait(0.03)
        written.set()

    watcher, _events = _watcher(network, inbox, polling)
    real = watcher.apply

    def apply(session, path):
        sizes.append(path.stat().st_size)
        return real(session, path)

    watcher.apply = apply
    writer = threading.Thread(target=copy_slowly)
    writer.start()
    stop = threading.Event()
    report = watcher.run(stop, until=lambda r: bool(r.applied) and written.is_set())
    writer.join()
    assert report.applied == [bundle.name] and report.rejected == []
    assert sizes == [len(data)]  # read once, whole
    assert not target.exists()
    assert network.union.hashes()["bib_record"] == network.desks["a"].hashes()["bib_record"]


def test_fifty_bundles_dropped_at_once_are_all_applied(network, tmp_path):
    bundles = _bundles(network, 50)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for bundle in bundles:
        shutil.copy(bundle, inbox / bundle.name)
    watcher, _events = _watcher(network, inbox, False)
    report = watcher.run(threading.Event(), until=lambda r: len(r.applied) + len(r.rejected) >= 50)
    assert sorted(report.applied) == sorted(b.name for b in bundles) and report.rejected == []
    assert list(inbox.glob("*.ilsync")) == []
    assert network.union.hashes()["item"] == network.desks["a"].hashes()["item"]


def test_a_killed_watcher_started_again_picks_up_what_was_left(network, tmp_path):
    bundles = _bundles(network, 12)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for bundle in bundles:
        shutil.copy(bundle, inbox / bundle.name)
    union = network.union
    union.close()  # the watcher process opens the union itself
    env = {**os.environ, "ILS_PASSWORD": PASSWORD, "ILS_STAFF": "admin", "ILS_LANG": "en"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ils",
            "--db",
            str(union.library.path),
            "union",
            "watch",
            "--inbox",
            str(inbox),
            "--settle",
            "0.2",
            "--json",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:  # killed as soon as it has applied one
            if '"applied' in line:
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=900)
    left = sorted(p.name for p in inbox.glob("*.ilsync"))
    assert 0 < len(left) < len(bundles)
    from ils.library import open_library

    union.library = open_library(union.library.path, union.clock)
    union._session = None
    watcher, _events = _watcher(network, inbox, False)
    report = watcher.run(threading.Event(), until=lambda r: len(r.applied) + len(r.rejected) >= len(left))
    assert sorted(report.applied) == left and report.rejected == []
    assert network.union.hashes()["item"] == network.desks["a"].hashes()["item"]


@pytest.mark.parametrize("polling", MODES)
def test_an_inbox_removed_and_made_again_is_watched_again(network, tmp_path, polling):
    (bundle,) = _bundles(network, 1)
    inbox = tmp_path / "stick" / "inbox"
    inbox.mkdir(parents=True)
    watcher, events = _watcher(network, inbox, polling)
    watching, gone, back = threading.Event(), threading.Event(), threading.Event()
    real = watcher.on_event

    def told(what, path, detail=""):
        real(what, path, detail)
        if what == "watching":
            watching.set()
        if what == "inbox gone":
            gone.set()
        if what == "rearmed" and gone.is_set():
            back.set()

    watcher.on_event = told

    def pull_out_and_put_back():
        watching.wait(600)
        shutil.rmtree(inbox.parent)  # the stick is pulled out
        gone.wait(600)
        inbox.mkdir(parents=True)  # and put back
        back.wait(600)
        part = inbox / f"{bundle.name}.part"
        part.write_bytes(bundle.read_bytes())
        part.rename(inbox / bundle.name)

    helper = threading.Thread(target=pull_out_and_put_back)
    helper.start()
    report = watcher.run(threading.Event(), until=lambda r: bool(r.applied))
    helper.join()
    assert report.applied == [bundle.name] and report.rearmed >= 1


def test_a_refused_bundle_goes_to_rejected_with_its_reason(network, tmp_path):
    (bundle,) = _bundles(network, 1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    broken = bytearray(bundle.read_bytes())
    broken[len(broken) // 2] ^= 0xFF
    (inbox / bundle.name).write_bytes(bytes(broken))
    watcher, _events = _watcher(network, inbox, False)
    report = watcher.run(threading.Event(), until=lambda r: bool(r.rejected))
    assert report.rejected == [bundle.name] and report.applied == []
    reason = (inbox / "rejected" / f"{bundle.name}.reason.txt").read_text(encoding="utf-8").splitlines()
    assert reason[1].startswith("sync.")
    assert (inbox / "rejected" / bundle.name).read_bytes() == bytes(broken)


def test_refused_bundles_expire_on_the_privacy_schedule_with_their_reasons(network, tmp_path):
    from ils.readers.settings import reader_settings
    from ils.sync.retention import expire_bundles

    old, new = _bundles(network, 2)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for bundle in (old, new):
        (inbox / bundle.name).write_bytes(b"not a bundle" + bundle.read_bytes())
    watcher, _events = _watcher(network, inbox, False)
    watcher.run(threading.Event(), until=lambda r: len(r.rejected) == 2)
    rejected = inbox / "rejected"
    assert len(list(rejected.iterdir())) == 4  # two bundles, two reasons
    session = network.union.session()
    days = reader_settings(session.library).loan_history_days
    past = (session.now() - dt.timedelta(days=days + 1)).timestamp()
    for path in (rejected / old.name, rejected / f"{old.name}.reason.txt"):
        os.utime(path, (past, past))
    assert expire_bundles(session) == 1  # the retention job finds the inbox the watcher used
    assert sorted(p.name for p in rejected.iterdir()) == [new.name, f"{new.name}.reason.txt"]
    assert expire_bundles(session) == 0  # the same day again changes nothing
