"""The ``ils`` command as a script or a librarian uses it: exit codes, --json, languages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ils.__main__ import main


def ils(*args, env=None, stdin=None):
    import os

    full_env = {**os.environ, "ILS_PASSWORD": "demo1234", "ILS_STAFF": "admin", **(env or {})}
    full_env.pop("ILS_LANG", None) if "ILS_LANG" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", "ils", *args], capture_output=True, text=True, env=full_env,
                          input=stdin, timeout=120)


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
    import os

    env = {k: v for k, v in os.environ.items() if k != "ILS_PASSWORD"}
    done = subprocess.run([sys.executable, "-m", "ils", "--db", str(demo_db), "--staff", "admin", "check"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 1 and "ILS_PASSWORD" in done.stderr


def test_staff_and_branches_round_trip_with_json(demo_db):
    done = ils("--db", str(demo_db), "branches", "add", "TEST1", "测试分馆", "--json")
    assert done.returncode == 0, done.stderr
    listed = json.loads(ils("--db", str(demo_db), "branches", "list", "--json").stdout)
    assert "测试分馆" in [b["name"] for b in listed]
    added = ils("--db", str(demo_db), "staff", "add", "wang", "--name", "王芳", "--roles", "circulation",
                "--password", "password1", "--json")
    assert json.loads(added.stdout)["roles"] == ["circulation"]
    as_clerk = ils("--db", str(demo_db), "branches", "add", "TEST2", "x", env={"ILS_STAFF": "wang",
                                                                             "ILS_PASSWORD": "password1"})
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
