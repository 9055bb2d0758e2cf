"""The hybrid logical clock: strictly increasing whatever the wall clock does."""

from __future__ import annotations

import datetime as dt

from db import dialect_sqlite, journal
from db.connection import connect
from db.migrations import migrate

TZ = dt.UTC


def _append(db, node, moment):
    """One write transaction, as ``Library.write`` makes it: a stamp from the clock row, one journal row."""
    with db.atomic():
        stamp = dialect_sqlite.take_stamp(db, int(moment.timestamp() * 1000), node)
        entry = journal.append(
            db,
            node_id=node,
            now=moment,
            staff_id=None,
            action="t",
            entity_type="t",
            entity_id=None,
            data={"at": moment.isoformat()},
            hlc=stamp,
        )
        dialect_sqlite.finish_stamp(db, entry.hlc)
        return entry


def test_stamps_increase_when_the_clock_jumps_back_and_across_restarts(tmp_path):
    path = tmp_path / "j.sqlite"
    db = connect(path)
    migrate(db, path)
    noon = dt.datetime(2026, 5, 1, 12, 0, tzinfo=TZ)
    first = _append(db, "A", noon)
    same_ms = _append(db, "A", noon)
    back = _append(db, "A", noon - dt.timedelta(hours=3))  # the desk PC's clock was reset
    db.close()
    db = connect(path)  # restart
    after_restart = _append(db, "A", noon - dt.timedelta(days=1))
    later = _append(db, "A", noon + dt.timedelta(minutes=1))
    stamps = [e.hlc for e in (first, same_ms, back, after_restart, later)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert [e.seq for e in (first, same_ms, back, after_restart, later)] == [1, 2, 3, 4, 5]
    assert journal.hlc_wall_ms(later.hlc) == int((noon + dt.timedelta(minutes=1)).timestamp() * 1000)
    db.close()


def test_stamps_stay_ahead_of_rows_from_other_nodes(tmp_path):
    path = tmp_path / "j.sqlite"
    db = connect(path)
    migrate(db, path)
    now = dt.datetime(2026, 5, 1, 12, 0, tzinfo=TZ)
    remote = journal.hlc_from_wall(now + dt.timedelta(hours=2))  # a change from a node whose clock runs fast
    with db.atomic():
        dialect_sqlite.receive(db, remote)  # an import raises the clock to the stamps it accepts
    local = _append(db, "A", now)
    assert local.hlc > remote
    assert local.seq == 1
    db.close()


def test_entries_decode_chinese_values(tmp_path):
    path = tmp_path / "j.sqlite"
    db = connect(path)
    migrate(db, path)
    with db.atomic():
        journal.append(
            db,
            node_id="A",
            now=dt.datetime(2026, 1, 1, tzinfo=TZ),
            staff_id="s",
            action="branch.add",
            entity_type="branch",
            entity_id="b",
            data={"name": "阳三分馆"},
            hlc=1,
        )
    (entry,) = journal.entries(db)
    assert entry.data == {"name": "阳三分馆"} and entry.action == "branch.add"
    raw = db.execute_sql("SELECT data FROM journal").fetchone()[0]
    assert "阳三分馆" in raw
    db.close()
