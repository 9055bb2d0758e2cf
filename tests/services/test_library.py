"""Initialisation, branches, the node, and the rule that every write is journaled."""

from __future__ import annotations

import datetime as dt
import hashlib
import pathlib
import re
import sqlite3

import pytest

from db import journal
from db.models import Branch, Setting
from ils import branches, node
from ils.clock import FixedClock
from ils.demo import build_demo
from ils.errors import DatabaseProblem, Invalid
from ils.initialise import initialise
from ils.library import open_library
from tests.codes import refused
from tests.services.conftest import TZ


def test_init_presets_the_library_from_the_annual_report(library):
    names = [b.name for b in branches.list_branches(None)]
    for name in (
        "总馆",
        "星海明筑分馆",
        "阳三分馆",
        "左权分馆",
        "白兔潭镇汆溪分馆",
        "浦口镇荷花垅分馆",
        "流动汽车图书屋",
        "24小时自助借还室",
    ):
        assert name in names
    assert library.node.library_name == "醴陵市图书馆"
    assert library.node.branch_code == "ZG"
    central = next(b for b in branches.list_branches(None) if b.code == "ZG")
    assert {"少儿阅览室", "地方文献室", "古籍室", "陶瓷资料室", "盲人阅览室"} <= {
        p.name for p in central.service_points
    }


def test_every_row_made_by_init_is_journaled(library):
    entries = journal.entries(library.database, limit=10_000)
    journaled = {(e.entity_type, e.entity_id) for e in entries}
    for branch in Branch.select():
        assert ("branch", branch.id) in journaled
    assert {e.node_id for e in entries} == {library.node_id}


def test_init_refuses_bad_input_and_leaves_no_file(tmp_path):
    path = tmp_path / "lib.sqlite"
    with pytest.raises(Invalid, match="未知分馆"):
        initialise(path, admin_username="admin", admin_password="password1", branch_code="NOPE")
    with pytest.raises(Invalid, match="至少需要 8 个字符"):
        initialise(path, admin_username="admin", admin_password="short")
    with refused("staff.username_invalid"):
        initialise(path, admin_username="a b", admin_password="password1")
    assert list(tmp_path.iterdir()) == []


def test_init_refuses_an_existing_database(library):
    with pytest.raises(Invalid, match="已有图书馆数据库"):
        initialise(library.path, admin_username="admin", admin_password="password1")


def test_open_refuses_missing_and_foreign_files(tmp_path):
    with pytest.raises(DatabaseProblem, match="ils init"):
        open_library(tmp_path / "none.sqlite")
    junk = tmp_path / "junk.sqlite"
    junk.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(DatabaseProblem, match="不是 ils 数据库"):
        open_library(junk)


def test_read_only_folder_gives_a_clear_message(tmp_path):
    import os

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):  # root ignores folder modes; /proc refuses new files even to root
        folder = pathlib.Path("/proc/self")
    try:
        with pytest.raises(DatabaseProblem, match="无法写入"):
            initialise(folder / "lib.sqlite", admin_username="admin", admin_password="password1")
    finally:
        (tmp_path / "ro").chmod(0o700)


def test_staff_can_add_and_rename_branches_and_service_points(admin):
    branches.add_branch(admin, code="fl", name="枫林镇分馆")
    branches.add_service_point(admin, branch="FL", code="FL-JH", name="借还台")
    branches.rename_branch(admin, "FL", "枫林镇图书分馆")
    branches.rename_service_point(admin, "FL-JH", "一楼借还台")
    fl = next(b for b in branches.list_branches(admin) if b.code == "FL")
    assert fl.name == "枫林镇图书分馆" and [p.name for p in fl.service_points] == ["一楼借还台"]
    with refused("branches.branch_code_taken"):
        branches.add_branch(admin, code="FL", name="重复")
    with pytest.raises(Invalid):
        branches.add_branch(admin, code="枫林", name="中文代码")


def test_this_desk_cannot_close_its_own_branch(admin):
    with refused("branches.desk_branch_cannot_close"):
        branches.set_branch_active(admin, "ZG", False)
    branches.set_branch_active(admin, "YS", False)
    with refused("node.branch_closed"):
        node.move_node(admin, "YS")


def test_node_names_show_in_the_header_data(admin, library):
    node.set_library_name(admin, "醴陵市图书馆（测试）")
    node.move_node(admin, "LDQC")
    node.set_node_name(admin, "流动车-笔记本")
    assert (library.node.library_name, library.node.branch_name, library.node.node_name) == (
        "醴陵市图书馆（测试）",
        "流动汽车图书屋",
        "流动车-笔记本",
    )


def test_a_write_without_a_journal_row_is_rolled_back(library):
    with pytest.raises(RuntimeError, match="without journaling"), library.write(None):
        Setting.create(key="sneaky", value="x")
    assert Setting.get_or_none(Setting.key == "sneaky") is None


#: What differs between two builds by design: keys and what they seal or hash, the salted
#: password hashes, where the file lives and the key's fingerprint. Ids differ too (UUIDv7 carries
#: random bits) and are compared by where they first appear, so every link between rows counts.
_RANDOM_COLUMNS = ("_cipher", "_hash")
_RANDOM_SETTINGS = {"node.home", "readers.key_fingerprint"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _random_setting(table: str, row: dict) -> bool:
    """A random setting's row, or the journal row that set it."""
    if table == "setting":
        return row["key"] in _RANDOM_SETTINGS
    return table == "journal" and row["entity_type"] == "setting" and row["entity_id"] in _RANDOM_SETTINGS


def table_hashes(path: pathlib.Path) -> dict[str, str]:
    """A hash of every table's rows, ids renamed by where they first appear: tables with a rowid in
    the order their rows were written (which names every id), then those without one in key order."""
    raw = sqlite3.connect(path)
    names: dict[str, str] = {}

    def canonical(value):
        if isinstance(value, str):
            return _UUID.sub(lambda match: names.setdefault(match.group(), f"#{len(names)}"), value)
        return value.hex() if isinstance(value, bytes) else value

    tables = sorted(
        raw.execute(
            "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_master"
            " WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ),
        key=lambda t: (t[1], t[0]),
    )
    hashes = {}
    for table, without_rowid in tables:
        columns = [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
        kept = [c for c in columns if not c.endswith(_RANDOM_COLUMNS)]
        selected = ", ".join(f'"{column}"' for column in kept)
        rows = [
            [canonical(value) for value in row]
            for row in raw.execute(f'SELECT {selected} FROM "{table}"' + ("" if without_rowid else " ORDER BY rowid"))
            if not _random_setting(table, dict(zip(kept, row, strict=False)))
        ]
        lines = [repr(row) for row in rows]
        hashes[table] = hashlib.sha256("\n".join(sorted(lines) if without_rowid else lines).encode()).hexdigest()
    raw.close()
    return hashes


def test_demo_is_deterministic(tmp_path):
    """The same seed on the same clock builds the same library: every table, row by row."""

    def build(path):
        build_demo(path, seed=7, clock=FixedClock(dt.datetime(2026, 3, 2, 9, 30, tzinfo=TZ))).close()
        return table_hashes(path)

    first, second = build(tmp_path / "a.sqlite"), build(tmp_path / "b.sqlite")
    assert len(first) > 40
    assert [table for table in first if first[table] != second[table]] == []
    assert len(branches_in(tmp_path / "a.sqlite")) == 26 + 3


def branches_in(path):
    raw = sqlite3.connect(path)
    rows = raw.execute("SELECT code FROM branch").fetchall()
    raw.close()
    return rows


def test_a_desk_kept_waiting_by_another_is_told_so_and_nothing_changes(library, admin, english):
    """Another process holds the write lock past the busy timeout: a clear message, no half write."""
    library.database.execute_sql("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(library.path, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseProblem, match="busy for too long; nothing was changed"):
            branches.add_branch(admin, code="FL2", name="枫林二分馆")
    finally:
        other.rollback()
        other.close()
    assert Branch.get_or_none(Branch.code == "FL2") is None
