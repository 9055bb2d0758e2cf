"""Two desk processes writing one database file at once, and a backup taken meanwhile."""

from __future__ import annotations

import multiprocessing
import sqlite3

from db.backup import backup_to, integrity_problems
from ils.initialise import initialise

WRITES = 60


def _desk(path: str, name: str, barrier, errors) -> None:
    from ils.branches import add_service_point
    from ils.library import open_library
    from ils.staff import log_in

    try:
        library = open_library(path)
        session = log_in(library, "admin", "admin-pass-1")
        barrier.wait()
        for i in range(WRITES):
            add_service_point(session, branch="ZG", code=f"{name}-{i}", name=f"{name} 服务点 {i}")
        library.close()
    except Exception as error:  # reported to the parent, which fails the test
        errors.put(f"{name}: {error!r}")


def test_two_processes_write_at_once_without_locking_errors(tmp_path):
    path = tmp_path / "shared.sqlite"
    initialise(path, admin_username="admin", admin_password="admin-pass-1").close()
    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(2), ctx.Queue()
    desks = [ctx.Process(target=_desk, args=(str(path), name, barrier, errors)) for name in ("A", "B")]
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.join(120)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert all(desk.exitcode == 0 for desk in desks)
    raw = sqlite3.connect(path)
    assert (
        raw.execute("SELECT COUNT(*) FROM service_point WHERE code LIKE 'A-%' OR code LIKE 'B-%'").fetchone()[0]
        == 2 * WRITES
    )
    # one node, one sequence: the two processes never handed out the same number
    seqs = [row[0] for row in raw.execute("SELECT seq FROM journal ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    raw.close()


def test_backup_taken_while_another_process_writes_is_sound(tmp_path):
    path = tmp_path / "busy.sqlite"
    initialise(path, admin_username="admin", admin_password="admin-pass-1").close()
    ctx = multiprocessing.get_context("spawn")
    barrier, errors = ctx.Barrier(2), ctx.Queue()
    writer = ctx.Process(target=_desk, args=(str(path), "W", barrier, errors))
    writer.start()
    barrier.wait()
    copies = [backup_to(path, tmp_path / f"copy-{i}.sqlite") for i in range(3)]
    writer.join(120)
    assert writer.exitcode == 0 and errors.empty()
    for copy in copies:
        assert integrity_problems(copy) == []
        raw = sqlite3.connect(copy)
        assert raw.execute("SELECT COUNT(*) FROM branch").fetchone()[0] == 8
        raw.close()
