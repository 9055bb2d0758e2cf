"""The one-file executable: built for real with PyInstaller, then run as a user would.

The build (``build.spec``) happens once per test session, in a temporary
folder, with the Python that runs the tests. Every test here runs the built
file, never the source, so a module, a translation, the font or a style sheet
missing from the bundle shows up as a failure.
"""

from __future__ import annotations

import fcntl
import os
import shlex
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import ils

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

BUILD_TIMEOUT = 20 * 60
RUN_TIMEOUT = 900
#: How long the desk application may take to show its log-in screen.
TUI_TIMEOUT = 90


def _shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session that every xdist worker sees."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def executable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``dist/ils`` built from build.spec, once per session.

    tools/test.sh runs pytest with ``--dist loadfile``, which keeps this file's
    tests on one worker; the lock makes any other distribution build once too.
    """
    shared = _shared_dir(tmp_path_factory)
    out = shared / "pyinstaller"
    exe = out / "dist" / "ils"
    done = out / "built"
    with open(shared / "pyinstaller.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            out.mkdir(exist_ok=True)
            env = {**os.environ, "PYINSTALLER_CONFIG_DIR": str(out / "config")}
            started = time.monotonic()
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "PyInstaller",
                    "--noconfirm",
                    "--log-level",
                    "WARN",
                    "--distpath",
                    str(out / "dist"),
                    "--workpath",
                    str(out / "work"),
                    str(ROOT / "build.spec"),
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
            )
            assert result.returncode == 0, f"PyInstaller failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
            done.write_text(f"{time.monotonic() - started:.1f} s\n")
    assert exe.is_file() and os.access(exe, os.X_OK), exe
    return exe


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    """The environment for the built program: no ILS_* from the developer, scratch folders."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ILS_")}
    home = tmp_path / "home"
    home.mkdir()
    # Unpacking goes to TMPDIR: keep it (and any leftover) inside the test's folder.
    env.update(
        HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"), TMPDIR=str(tmp_path)
    )
    return env


def _run(
    exe: Path, *args: str | Path, env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=RUN_TIMEOUT,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


@pytest.fixture
def demo_db(executable: Path, run_env: dict[str, str], tmp_path: Path) -> Path:
    """A demo library made by the built program (admin / demo1234)."""
    db = tmp_path / "demo.sqlite"
    _ok(_run(executable, "--db", db, "demo", env=run_env))
    assert db.is_file()
    return db


def test_version(executable: Path, run_env: dict[str, str]) -> None:
    result = _ok(_run(executable, "--version", env=run_env))
    assert result.stdout.strip() == f"ils {ils.__version__}"


def test_init_creates_the_database(executable: Path, run_env: dict[str, str], tmp_path: Path) -> None:
    db = tmp_path / "new" / "library.sqlite"
    db.parent.mkdir()
    result = _ok(_run(executable, "--db", db, "init", "--admin-password", "Frozen-pass-1", env=run_env))
    assert db.is_file()
    assert str(db) in result.stdout
    # The new database opens again, with the migrations and a log-in, from the frozen program.
    _ok(_run(executable, "--db", db, "--staff", "admin", "check", env={**run_env, "ILS_PASSWORD": "Frozen-pass-1"}))


def test_help_is_chinese_by_default_and_english_on_request(executable: Path, run_env: dict[str, str]) -> None:
    chinese = _ok(_run(executable, "--help", env=run_env)).stdout
    english = _ok(_run(executable, "--lang", "en", "--help", env=run_env)).stdout
    assert "用法" in chinese and "Usage:" not in chinese, chinese
    assert "Usage:" in english and "Options:" in english, english
    assert "用法" not in english and "选项" not in english, english


def test_print_test_page_embeds_the_font(
    executable: Path, run_env: dict[str, str], demo_db: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "test-page.pdf"
    env = {**run_env, "ILS_DB": str(demo_db), "ILS_STAFF": "admin", "ILS_PASSWORD": "demo1234"}
    _ok(_run(executable, "print", "test-page", "--out", pdf, env=env))
    assert pdf.read_bytes().startswith(b"%PDF")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    assert any("WenQuanYiMicroHei" in row and row.split()[-5] == "yes" for row in rows), fonts
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "打印机测试页" in text, text


def test_desk_application_shows_the_log_in_screen(
    executable: Path, run_env: dict[str, str], demo_db: Path, tmp_path: Path
) -> None:
    """The TUI, started for real in a terminal (tmux), gets as far as the log-in screen."""
    socket = f"ils-exe-{uuid.uuid4().hex[:12]}"
    conf = tmp_path / "tmux.conf"
    # Keep the pane after the program exits, so a crash leaves its traceback to read.
    conf.write_text("set -g remain-on-exit on\n")
    tmux = ["tmux", "-L", socket, "-f", str(conf)]
    command = shlex.join(["env", f"ILS_DB={demo_db}", f"TMPDIR={tmp_path}", str(executable)])
    env = {**run_env, "ILS_DB": str(demo_db)}
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "100", "-y", "30", "-s", "ils", command], env=env, check=True, timeout=30
    )
    screen = ""
    try:
        deadline = time.monotonic() + TUI_TIMEOUT
        while time.monotonic() < deadline:
            captured = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "ils"], env=env, capture_output=True, text=True, timeout=30
            )
            screen = captured.stdout
            if "登录" in screen:
                break
            dead = subprocess.run(
                [*tmux, "display-message", "-p", "-t", "ils", "#{pane_dead}"],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout.strip()
            if dead == "1":
                pytest.fail(f"the program exited before showing the log-in screen:\n{screen}")
            time.sleep(0.5)
        assert "登录" in screen, f"no log-in screen after {TUI_TIMEOUT} s; the screen shows:\n{screen}"
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, capture_output=True, timeout=30)
