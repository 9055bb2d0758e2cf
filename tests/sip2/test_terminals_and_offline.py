"""Per-terminal settings (``ils sip2 terminals``) and the offline policy of the 24-hour room."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ils.errors import IlsError
from ils.sip2 import selfcheck, terminals
from tests.sip2.conftest import ADMIN_PASSWORD, DATE, NOW, Raw, checksummed, login_frame

BLANK = " " * 18


def _checkout(card: str, barcode: str, sequence: int) -> bytes:
    return checksummed(f"11NN{DATE}{BLANK}AOZZ24|AA{card}|AB{barcode}|AC|".encode(), sequence)


def test_settings_are_checked_and_journaled(room):
    admin = room.admin()
    changed = room.run(lambda: terminals.change_terminal(admin, "zzj1", encoding="gbk", idle_timeout_s=600))
    assert changed.encoding == "gbk" and changed.idle_timeout_s == 600
    for bad in ({"idle_timeout_s": 120}, {"encoding": "latin-1"}, {"delimiter": "ab"}, {"allowed_addresses": "x.y"}):
        with pytest.raises(IlsError) as caught:
            room.run(lambda bad=bad: terminals.change_terminal(admin, "zzj1", **bad))
        assert caught.value.code.startswith("sip2.")
    assert room.sql("SELECT COUNT(*) FROM journal WHERE action = 'sip2.terminal_change'") == [(1,)]
    # The hash is scrypt like a staff password's, and never in the journal.
    stored = room.sql("SELECT password_hash FROM sip2_terminal WHERE account = 'zzj1'")[0][0]
    assert stored.startswith("scrypt$")
    assert "zizhu" not in str(room.sql("SELECT data FROM journal"))


def test_only_an_administrator_manages_terminals(room):
    from ils.staff import add_staff, log_in

    admin = room.admin()
    room.run(
        lambda: add_staff(admin, username="clerk", display_name="李芳", password="clerk-pass-1", roles="circulation")
    )
    library = room.library
    clerk = room.run(lambda: log_in(library, "clerk", "clerk-pass-1"))
    with pytest.raises(IlsError) as caught:
        room.run(lambda: terminals.list_terminals(clerk))
    assert caught.value.code == "staff.not_permitted"


def test_the_command_line_adds_lists_and_changes_terminals(room_template, tmp_path):
    import shutil

    from ils.readers.keys import key_path

    template = room_template[0]
    path = tmp_path / "cli.sqlite"
    shutil.copy(template, path)
    shutil.copy(key_path(template), key_path(path))
    env = {**os.environ, "ILS_DB": str(path), "ILS_STAFF": "admin", "ILS_PASSWORD": ADMIN_PASSWORD, "ILS_LANG": "en"}
    env["ILS_TERMINAL_PASSWORD"] = "another-pass-1"

    def ils(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ils", *args], env=env, capture_output=True, text=True, timeout=900
        )

    added = ils("sip2", "terminals", "add", "zzj9", "--point", "ZZ24-ZZ", "--encoding", "gbk", "--allow", "10.1.2.0/24")
    assert added.returncode == 0, added.stderr
    listed = ils("sip2", "terminals", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"account": "zzj9"' in listed.stdout and "10.1.2.0/24" in listed.stdout
    refused = ils("sip2", "terminals", "set", "zzj9", "--idle-timeout", "60")
    assert refused.returncode == 1 and "480" in refused.stderr
    assert ils("sip2", "offline", "--after-hours", "12", "--loan-limit", "1").returncode == 0


def test_offline_a_reader_of_another_branch_gets_the_smaller_limit(room):
    library = room.library
    room.run(
        lambda: library.database.execute_sql(
            "INSERT INTO sync_peer (node_id, role, name, public_key, fingerprint, trusted_at, last_in)"
            " VALUES ('union-node', 'union', '联合目录', 'key', 'ab-cd', ?, ?)",
            ("2026-01-01T00:00:00+08:00", "2026-02-20T09:00:00+08:00"),
        )
    )
    admin = room.admin()
    room.run(lambda: selfcheck.change_offline_policy(admin, after_hours=48, loan_limit=1))
    assert room.run(lambda: selfcheck.is_offline(admin))
    raw = Raw(room.port)
    assert raw.ask(login_frame()).startswith(b"941")
    status = raw.ask(checksummed(b"9900802.00", 1)).decode()
    assert "AF" in status  # the machine's screen says it works offline
    visitor, home = room.cards["外馆读者"], room.cards["王芳"]
    assert raw.ask(_checkout(visitor, room.barcodes["活着"][0], 2)).startswith(b"121")
    refused = raw.ask(_checkout(visitor, room.barcodes["活着"][1], 3)).decode()
    assert refused.startswith("120") and "1" in refused.split("|AF")[1]
    journal = room.sql("SELECT data FROM journal WHERE action = 'sip2.refused'")
    assert "sip2.offline_limit" in journal[-1][0]
    # The library's own readers borrow as usual.
    assert raw.ask(_checkout(home, room.barcodes["活着"][1], 4)).startswith(b"121")
    assert raw.ask(_checkout(home, room.barcodes["活着"][2], 5)).startswith(b"121")
    # Heard from the union again: the visitor borrows as usual.
    room.run(
        lambda: library.database.execute_sql(
            "UPDATE sync_peer SET last_in = ? WHERE role = 'union'", (NOW.isoformat(timespec="seconds"),)
        )
    )
    assert raw.ask(_checkout(visitor, room.barcodes["活着"][3], 6)).startswith(b"121")
