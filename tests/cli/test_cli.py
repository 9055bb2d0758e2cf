"""The ``ils`` command as a script or a librarian uses it: exit codes, --json, languages."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ils.__main__ import main


def ils(*args, env=None, stdin=None):
    full_env = {**os.environ, "ILS_PASSWORD": "demo1234", "ILS_STAFF": "admin", **(env or {})}
    full_env.pop("ILS_LANG", None) if "ILS_LANG" not in (env or {}) else None
    return subprocess.run(
        [sys.executable, "-m", "ils", *args], capture_output=True, text=True, env=full_env, input=stdin, timeout=900
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite"
    done = ils("--db", str(path), "demo", "--json")
    assert done.returncode == 0, done.stderr
    return path


def test_version():
    from ils import __version__

    done = ils("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"ils {__version__}"


def test_init_creates_the_database_and_reports_json(tmp_path):
    path = tmp_path / "lib.sqlite"
    done = ils("--db", str(path), "init", "--branch", "XHMZ", "--admin-password", "password1", "--json")
    assert done.returncode == 0, done.stderr
    node = json.loads(done.stdout)
    assert node["branch_name"] == "星海明筑分馆" and node["library_name"] == "醴陵市图书馆"
    again = ils("--db", str(path), "init", "--admin-password", "password1")
    assert again.returncode == 1 and "已有图书馆数据库" in again.stderr


def test_ils_db_environment_variable_chooses_the_file(tmp_path):
    path = tmp_path / "env.sqlite"
    done = ils("init", "--admin-password", "password1", env={"ILS_DB": str(path)})
    assert done.returncode == 0 and path.is_file()


def test_help_is_chinese_by_default_and_english_on_request():
    assert "新建图书馆数据库" in ils("--help").stdout
    assert "用法" in ils("--help").stdout
    english = ils("--lang", "en", "--help").stdout
    assert "Create a new library database" in english and "Usage:" in english
    assert "Create a new library database" in ils("--help", env={"ILS_LANG": "en"}).stdout


def test_wrong_password_exits_non_zero_with_a_message(demo_db):
    done = ils("--db", str(demo_db), "staff", "list", env={"ILS_PASSWORD": "wrong-password"})
    assert done.returncode == 1 and "用户名或密码错误" in done.stderr
    english = ils("--db", str(demo_db), "--lang", "en", "staff", "list", env={"ILS_PASSWORD": "wrong-password"})
    assert "Wrong user name or password" in english.stderr


def test_no_password_and_no_terminal_is_a_clear_refusal(demo_db):
    env = {k: v for k, v in os.environ.items() if k != "ILS_PASSWORD"}
    done = subprocess.run(
        [sys.executable, "-m", "ils", "--db", str(demo_db), "--staff", "admin", "check"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 1 and "ILS_PASSWORD" in done.stderr


def test_staff_and_branches_round_trip_with_json(demo_db):
    done = ils("--db", str(demo_db), "branches", "add", "TEST1", "测试分馆", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(ils("--db", str(demo_db), "branches", "list", "--json").stdout)
    assert "测试分馆" in [b["name"] for b in listed]
    added = ils(
        "--db",
        str(demo_db),
        "staff",
        "add",
        "wang",
        "--name",
        "王芳",
        "--roles",
        "circulation",
        "--password",
        "password1",
        "--json",
    )
    assert json.loads(added.stdout)["roles"] == ["circulation"]
    as_clerk = ils(
        "--db", str(demo_db), "branches", "add", "TEST2", "x", env={"ILS_STAFF": "wang", "ILS_PASSWORD": "password1"}
    )
    assert as_clerk.returncode == 1 and "无权" in as_clerk.stderr


def test_unknown_branch_is_a_clear_error(demo_db):
    done = ils("--db", str(demo_db), "branches", "rename", "NOPE", "x")
    assert done.returncode == 1 and "没有代码为 NOPE 的分馆" in done.stderr


def test_backup_check_and_restore(demo_db, tmp_path):
    copy = tmp_path / "copy.sqlite"
    assert ils("--db", str(demo_db), "backup", str(copy)).returncode == 0
    checked = json.loads(ils("--db", str(demo_db), "check", "--json").stdout)
    assert checked["ok"] is True and checked["counts"]["branch"] >= 29
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 1000)
    refused = ils("--db", str(demo_db), "restore", str(bad))
    assert refused.returncode == 1 and "不是 ils 数据库" in refused.stderr
    restored = ils("--db", str(demo_db), "restore", str(copy), "--json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["previous_saved_as"]


def test_not_a_database_file(tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"\x00not sqlite" * 500)
    done = ils("--db", str(junk), "node", "show")
    assert done.returncode == 1 and "不是 ils 数据库" in done.stderr
    assert junk.read_bytes() == b"\x00not sqlite" * 500


def test_print_test_page_embeds_the_chinese_font(demo_db, tmp_path):
    out = tmp_path / "test.pdf"
    done = ils("--db", str(demo_db), "print", "test-page", "--out", str(out))
    assert done.returncode == 0, done.stderr
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and " no " not in fonts.split("\n", 2)[2]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "醴陵市图书馆" in text and "打印机测试页" in text


def test_in_process_main_returns_exit_codes(tmp_path):
    assert main(["--db", str(tmp_path / "x.sqlite"), "node", "show"]) == 1
    assert main(["--version"]) == 0


# --- exit codes: refused 1, usage 2, crash 70 -----------------------------------------------


def test_a_refusal_exits_1_and_with_json_prints_the_coded_error_on_stderr(demo_db):
    done = ils("--db", str(demo_db), "branches", "rename", "NOPE", "x", "--json")
    assert done.returncode == 1 and done.stdout == ""
    error = json.loads(done.stderr)["error"]
    assert error["code"].startswith("branches.")  # a coded refusal of the branches service
    assert "NOPE" in error["message"]
    english = ils("--db", str(demo_db), "--lang", "en", "branches", "rename", "NOPE", "x", "--json")
    assert "NOPE" in json.loads(english.stderr)["error"]["message"] and "分馆" not in english.stderr


def test_a_usage_error_exits_2_in_the_users_language():
    done = ils("--verison")
    assert done.returncode == 2
    assert "您是不是想输入 '--version'" in done.stderr and "Did you mean" not in done.stderr
    english = ils("--lang", "en", "--verison")
    assert english.returncode == 2 and "Did you mean '--version'?" in english.stderr
    missing = ils("circ", "checkout")
    assert missing.returncode == 2 and "缺少参数" in missing.stderr


def test_a_crash_exits_70_with_one_sentence_and_the_traceback_in_the_log(demo_db, tmp_path, monkeypatch, capsys):
    import shutil

    from ils import branches

    db = tmp_path / "lib.sqlite"
    shutil.copy(demo_db, db)

    number = "4302811990" + "01011234"  # split, so the traceback's source line does not hold it

    def broken(*_args, **_kwargs):
        raise ValueError(f"invalid literal for int(): {number!r}")  # a message quoting a value

    monkeypatch.setattr(branches, "list_branches", broken)
    monkeypatch.setenv("ILS_STAFF", "admin")
    monkeypatch.setenv("ILS_PASSWORD", "demo1234")
    assert main(["--db", str(db), "branches", "list"]) == 70
    out, err = capsys.readouterr()
    log = tmp_path / "logs" / "ils.log"
    assert out == "" and str(log) in err and "Traceback" not in err and "ValueError" not in err
    logged = log.read_text(encoding="utf-8")
    assert "ValueError" in logged and "broken" in logged and "ils branches" in logged
    assert number not in logged and "<number>" in logged  # a long number in the message is masked
    assert main(["--db", str(db), "branches", "list", "--json"]) == 70
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "cli.crash"


# --- text that is not text, and text a terminal would obey ----------------------------------


def test_an_argument_that_is_not_utf8_is_refused_with_a_code(demo_db):
    env = {**os.environ, "ILS_PASSWORD": "demo1234", "ILS_STAFF": "admin"}
    env.pop("ILS_LANG", None)
    done = subprocess.run(
        [sys.executable, "-m", "ils", "--db", str(demo_db), "readers", "find", b"\xff\xfe"],
        capture_output=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 1
    stderr = done.stderr.decode("utf-8")  # the refusal itself is valid UTF-8
    assert "UTF-8" in stderr and "\\xff\\xfe" in stderr and "Traceback" not in stderr
    as_json = subprocess.run(
        [sys.executable, "-m", "ils", "--db", str(demo_db), "readers", "find", b"\xff", "--json"],
        capture_output=True,
        env=env,
        timeout=900,
    )
    assert json.loads(as_json.stderr)["error"]["code"] == "cli.argument_not_utf8"


POISON = "毒\x1b]2;PWNED\x07\x1b[6n\x9b6n\x7f\u202e名"


def test_control_characters_from_data_are_shown_not_obeyed_in_text_and_escaped_in_json(demo_db):
    # Typed, such a name is refused; it reaches a desk as data from elsewhere (a record, a
    # bundle, an old file), which is what is written here behind the services' back.
    refused_typed = ils("--db", str(demo_db), "branches", "add", "POIS", POISON)
    assert refused_typed.returncode == 1 and "\x1b" not in refused_typed.stderr
    added = ils("--db", str(demo_db), "branches", "add", "POIS", "待改名")
    assert added.returncode == 0, added.stderr
    raw = sqlite3.connect(demo_db)
    with raw:
        raw.execute("UPDATE branch SET name = ? WHERE code = 'POIS'", (POISON,))
    raw.close()
    text = ils("--db", str(demo_db), "branches", "list")
    assert text.returncode == 0
    for output in (text.stdout, added.stdout):
        assert "\x1b" not in output and "\x9b" not in output and "\x07" not in output and "\u202e" not in output
    assert "毒␛]2;PWNED␇␛[6n\\x9b6n␡\\u202e名" in text.stdout
    listed = ils("--db", str(demo_db), "branches", "list", "--json")
    assert "\x1b" not in listed.stdout and "\x9b" not in listed.stdout and "\\u009b" in listed.stdout
    assert POISON in [b["name"] for b in json.loads(listed.stdout)]  # the data itself, unchanged
    refused = ils("--db", str(demo_db), "branches", "rename", "NO\x1b]2;X\x07PE", "x")
    # A typed code is checked like any typed text: refused, the character named, never obeyed.
    assert refused.returncode == 1 and "\x1b" not in refused.stderr and "U+001B" in refused.stderr


# --- read-only databases and checking a backup ----------------------------------------------


def _files(folder):
    import hashlib

    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def archive(demo_db, tmp_path):
    """A backup of the demo library in a folder of its own, with the reader key file beside it."""
    folder = tmp_path / "archive"
    copy = folder / "archive.sqlite"
    done = ils("--db", str(demo_db), "backup", str(copy))
    assert done.returncode == 0, done.stderr
    import shutil

    shutil.copy(demo_db.with_suffix(".keys"), copy.with_suffix(".keys"))
    return copy


def test_a_read_only_database_answers_searches_and_refuses_changes(archive):
    before = _files(archive.parent)
    found = ils("--db", str(archive), "--read-only", "catalogue", "search", "红楼梦", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)
    refused = ils("--db", str(archive), "--read-only", "branches", "add", "RO", "只读", "--json")
    assert refused.returncode == 1 and json.loads(refused.stderr)["error"]["code"] == "storage.read_only"
    assert _files(archive.parent) == before  # no log-in row, no -wal or -shm, nothing


def test_a_file_that_cannot_be_written_is_opened_read_only_by_itself(archive):
    archive.chmod(0o444)
    found = ils("--db", str(archive), "catalogue", "search", "红楼梦")
    assert found.returncode == 0, found.stderr
    refused = ils("--db", str(archive), "branches", "add", "RO", "只读", "--json")
    assert json.loads(refused.stderr)["error"]["code"] == "storage.read_only"


def test_checking_a_backup_needs_no_log_in_and_changes_nothing(archive):
    before = _files(archive.parent)
    env = {k: v for k, v in os.environ.items() if k not in ("ILS_PASSWORD", "ILS_STAFF")}
    done = subprocess.run(
        [sys.executable, "-m", "ils", "check", str(archive), "--json"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    assert _files(archive.parent) == before


def test_backup_with_keys_and_restore_them_through_the_command_line(demo_db, tmp_path):
    env = {"ILS_BACKUP_PASSPHRASE": "a long enough passphrase"}
    copy = tmp_path / "keyed" / "b.sqlite"
    done = ils("--db", str(demo_db), "backup", "--with-keys", str(copy), "--json", env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["keys_included"] is True and Path(result["sealed_keys"]).is_file()
    assert "WARNING" not in done.stderr and "警告" not in done.stderr
    target = tmp_path / "restored" / "lib.sqlite"
    target.parent.mkdir()
    restored = ils("--db", str(target), "restore", str(copy), "--json", env=env)
    assert restored.returncode == 0, restored.stderr
    assert target.with_suffix(".keys").read_bytes() == demo_db.with_suffix(".keys").read_bytes()
    found = ils("--db", str(target), "readers", "find", "张", "--json")
    assert found.returncode == 0 and json.loads(found.stdout)


def test_backup_without_keys_says_loudly_where_the_key_file_is(demo_db, tmp_path):
    done = ils("--db", str(demo_db), "backup", str(tmp_path / "b.sqlite"))
    assert done.returncode == 0
    assert "警告" in done.stderr and str(demo_db.with_suffix(".keys").resolve()) in done.stderr
