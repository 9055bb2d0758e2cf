"""``pip install .`` gives a working ils: the wheel holds the code, the data and the command.

The wheel is built once for this module from a copy of the source (so the
build leaves nothing in the work tree), with pip's usual isolated build
(setuptools comes from the package index, as for a user). Then its contents
are checked against the source tree, and it is installed without its
dependencies into a scratch folder and run from there: the resources must be
found next to the installed modules, not in the work tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

import ils

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

_NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__",
                                     ".pytest_cache", "*.pyc")


def _setuptools_config() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    out = work / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q",
         "--progress-bar", "off", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, f"pip wheel failed:\n{result.stdout}\n{result.stderr}"
    wheels = list(out.glob("ils-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as zf:
        return set(zf.namelist())


def _dist_info_file(wheel: Path, names: set[str], filename: str) -> str:
    (name,) = [n for n in names if n.endswith(f".dist-info/{filename}")]
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(name).decode()


def test_wheel_version(wheel: Path, names: set[str]) -> None:
    assert wheel.name.startswith(f"ils-{ils.__version__}-py3-none-any"), wheel.name
    metadata = _dist_info_file(wheel, names, "METADATA")
    assert f"\nVersion: {ils.__version__}\n" in metadata


def test_wheel_has_the_ils_command(wheel: Path, names: set[str]) -> None:
    entry_points = _dist_info_file(wheel, names, "entry_points.txt")
    assert "[console_scripts]" in entry_points
    assert "ils = ils.__main__:main" in entry_points.replace("  ", " ")


def test_wheel_has_every_module_of_the_listed_packages(names: set[str]) -> None:
    for package in _setuptools_config()["packages"]:
        folder = ROOT / package.replace(".", "/")
        modules = sorted(p.relative_to(ROOT).as_posix() for p in folder.glob("*.py"))
        assert f"{package.replace('.', '/')}/__init__.py" in modules, f"{package} is not a package"
        missing = [m for m in modules if m not in names]
        assert not missing, missing
    assert "db/migrations/m0001_initial.py" in names


def test_wheel_has_the_data_files(names: set[str]) -> None:
    for package, patterns in _setuptools_config()["package-data"].items():
        folder = ROOT / package.replace(".", "/")
        for pattern in patterns:
            files = [p.relative_to(ROOT).as_posix() for p in folder.glob(pattern) if p.is_file()]
            missing = [f for f in files if f not in names]
            assert not missing, missing
    assert {"ils/locale/zh_CN.po", "ils/locale/en.po"} <= names
    assert "printing/fonts/wqy-microhei.ttc" in names
    assert any(n.startswith("screens/") and n.endswith(".tcss") for n in names), "no Textual style sheet"


def test_wheel_holds_only_the_project_packages(names: set[str]) -> None:
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == {"ils", "db", "screens", "printing"}, top
    assert not any(n.startswith(("packaging/", "tests/", "tools/")) for n in names)


def test_installed_wheel_runs_from_its_install_folder(wheel: Path, tmp_path: Path) -> None:
    """Installed (not editable), ils finds its translations and font next to the installed modules."""
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--disable-pip-version-check", "-q",
         "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    script = target / "bin" / "ils"
    assert script.is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ILS_")}
    env.update(PYTHONPATH=str(target), HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"))

    def run(*args: str | Path, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, str(script), *map(str, args)], env={**env, **(extra or {})},
                              cwd=tmp_path, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done

    where = subprocess.run(
        [sys.executable, "-c", "import ils.i18n, printing.fonts; print(ils.i18n.LOCALE_DIR); print(printing.fonts.FONT_PATH)"],
        env=env, cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert all(Path(p).is_relative_to(target) for p in where), where
    assert run("--version").stdout.strip() == f"ils {ils.__version__}"
    assert "用法" in run("--help").stdout
    db = tmp_path / "lib.sqlite"
    run("--db", db, "demo")
    pdf = tmp_path / "page.pdf"
    run("--db", db, "--staff", "admin", "print", "test-page", "--out", pdf, extra={"ILS_PASSWORD": "demo1234"})
    assert pdf.read_bytes().startswith(b"%PDF")
