"""``pip install`` of the wheel gives a working ils, in a virtual environment of its own.

The wheel is built once for this module from a copy of the source (so the build
leaves nothing in the work tree), with pip's usual isolated build. Its contents
are checked against the source tree: every file of the four packages' folders
must be in it (a module, a style sheet or a data file cannot be forgotten).

Then it is installed the way a user installs it, into a fresh virtual
environment made here (``python -m venv``, no system site-packages) and run with
that environment's Python in isolated mode (``-I``: no ``PYTHONPATH``, no current
folder on the path, no user site-packages) from a folder outside the repository.
Nothing of the work tree or of the editable install can be found from there, so
a module missing from the wheel fails the test.

The dependencies come from the test environment, offline: each distribution the
wheel requires (and what those require) is packed back into a wheel from its
installed files, listed in its ``RECORD``, into a local wheel house; pip installs
from there with ``--no-index``. pip resolves the wheel's declared dependencies
itself, so a dependency missing from ``pyproject.toml`` fails too. (pip's cache
holds HTTP responses, not wheels, and ``--system-site-packages`` would also
expose the editable install of ils itself.)
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import click
import pytest
from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name

import ils

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
TOP_LEVEL = ("ils", "db", "screens", "printing")

_NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "*.pyc"
)
_INSTALL_ONLY = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}
_SUPPORTED_TAGS = {str(tag) for tag in sys_tags()}


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
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "-q",
            "--progress-bar",
            "off",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
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
    metadata_text = _dist_info_file(wheel, names, "METADATA")
    assert f"\nVersion: {ils.__version__}\n" in metadata_text


def test_wheel_has_the_ils_command(wheel: Path, names: set[str]) -> None:
    entry_points = _dist_info_file(wheel, names, "entry_points.txt")
    assert "[console_scripts]" in entry_points
    assert "ils = ils.__main__:main" in entry_points.replace("  ", " ")


def test_wheel_has_every_file_of_the_source_folders(names: set[str]) -> None:
    """Every module of every subpackage, and every data file: discovery and package-data miss nothing."""
    source = sorted(
        p.relative_to(ROOT).as_posix()
        for top in TOP_LEVEL
        for p in (ROOT / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    missing = [name for name in source if name not in names]
    assert not missing, missing
    assert {
        "ils/circulation/loans.py",
        "db/migrations/m0001_initial.py",
        "ils/locale/zh_CN.po",
        "printing/fonts/wqy-microhei.ttc",
        "screens/widgets/table.py",
    } <= names


def test_wheel_holds_only_the_project_packages(names: set[str]) -> None:
    top = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top == set(TOP_LEVEL), top
    assert not any(n.startswith(("packaging/", "tests/", "tools/", "bench/")) for n in names)


def test_every_package_data_pattern_matches_a_file() -> None:
    """A pattern that matches nothing is a list drifted from the tree (build.spec refuses it too)."""
    for package, patterns in _setuptools_config()["package-data"].items():
        for pattern in patterns:
            assert any(p.is_file() for p in (ROOT / package.replace(".", "/")).glob(pattern)), f"{package}/{pattern}"


# --- installed into a fresh virtual environment ----------------------------------------------


def _requirements(dist_metadata: metadata.PackageMetadata, extras: set[str] = frozenset()) -> list[Requirement]:
    """What a distribution requires on this machine, with ``extras`` (``markdown-it-py[linkify]``)."""
    wanted = []
    for line in dist_metadata.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in ("", *extras)):
            wanted.append(requirement)
    return wanted


def _closure(roots: list[Requirement]) -> list[metadata.Distribution]:
    """The installed distributions the requirements need, transitively."""
    found: dict[str, metadata.Distribution] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = list(roots)
    while todo:
        requirement = todo.pop()
        key = canonicalize_name(requirement.name)
        if (key, frozenset(requirement.extras)) in seen:
            continue
        seen.add((key, frozenset(requirement.extras)))
        dist = found.get(key) or metadata.distribution(requirement.name)
        assert not requirement.specifier or dist.version in requirement.specifier, (requirement, dist.version)
        found[key] = dist
        todo += _requirements(dist.metadata, set(requirement.extras))
    return list(found.values())


def _repack(dist: metadata.Distribution, house: Path) -> Path:
    """A wheel of the installed distribution ``dist``, from the files its RECORD lists."""
    root = Path(str(dist.locate_file("")))
    files = [f for f in dist.files or [] if not str(f).startswith("..") and "__pycache__" not in f.parts]
    info = next(f for f in files if f.parts[0].endswith(".dist-info")).parts[0]
    wheel_meta = (root / info / "WHEEL").read_text(encoding="utf-8")
    tags = [line.split(":", 1)[1].strip() for line in wheel_meta.splitlines() if line.startswith("Tag:")]
    tag = next(t for t in tags if t in _SUPPORTED_TAGS)  # e.g. py3-none-any of a py2.py3 wheel
    name = canonicalize_name(dist.metadata["Name"]).replace("-", "_")
    target = house / f"{name}-{dist.version}-{tag}.whl"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for file in files:
            if file.parts[0] == info and file.name in _INSTALL_ONLY:
                continue
            data = (root / file).read_bytes()
            zf.writestr(file.as_posix(), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([file.as_posix(), f"sha256={digest}", len(data)])
        writer.writerow([f"{info}/RECORD", "", ""])
        zf.writestr(f"{info}/RECORD", record.getvalue())
    return target


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, and its dependencies from a local wheel house."""
    work = tmp_path_factory.mktemp("venv")
    house = work / "house"
    house.mkdir()
    with zipfile.ZipFile(wheel) as zf:
        (meta,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        wheel_metadata = metadata.PathDistribution(zipfile.Path(zf, meta).parent).metadata  # type: ignore[arg-type]
        requirements = _requirements(wheel_metadata)
    for dist in _closure(requirements):
        _repack(dist, house)
    env_dir = work / "env"
    made = subprocess.run([sys.executable, "-m", "venv", str(env_dir)], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-index",
            "--find-links",
            str(house),
            "--no-cache-dir",
            "--disable-pip-version-check",
            "-q",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=work,
    )
    assert installed.returncode == 0, f"{installed.stdout}\n{installed.stderr}"
    return env_dir


@pytest.fixture
def run_installed(venv: Path, tmp_path: Path):
    """Run the installed ils with the venv's Python in isolated mode, from a folder outside the repository."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    assert not outside.is_relative_to(ROOT)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ILS_", "PYTHON", "VIRTUAL_ENV")) and k != "PYTEST_XDIST_WORKER"
    }
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), XDG_STATE_HOME=str(tmp_path / "state"))

    def run(
        *args: str | Path, module: bool = True, extra: dict[str, str] | None = None, ok: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = [str(venv / "bin" / "python"), "-I", *(["-m", "ils"] if module else []), *map(str, args)]
        done = subprocess.run(
            command,
            env={**env, **(extra or {})},
            cwd=outside,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        if ok:
            assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    run.folder = outside  # type: ignore[attr-defined]
    return run


def test_the_installed_packages_are_the_venvs_own_and_every_module_imports(run_installed, venv: Path) -> None:
    """Every module of the four packages imports from the venv's site-packages (none from the work tree),
    except those that need the ``union`` extra (PostgreSQL, watched folders), not installed here."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import ils, db, screens, printing, ils.i18n, printing.fonts\n"
        "for top in (ils, db, screens, printing):\n"
        "    print(top.__file__)\n"
        "    for info in pkgutil.walk_packages(top.__path__, top.__name__ + '.'):\n"
        "        try:\n"
        "            importlib.import_module(info.name)\n"
        "        except ModuleNotFoundError as error:\n"
        "            if error.name not in ('psycopg', 'watchdog'):\n"
        "                raise\n"
        "print(ils.i18n.LOCALE_DIR); print(printing.fonts.FONT_PATH)\n"
    )
    where = run_installed("-c", script, module=False).stdout.split()
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert where and all(Path(p).is_relative_to(site) for p in where), where


def _groups(command: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in sorted(command.commands.items()):
        if isinstance(sub, click.Group):
            found += _groups(sub, (*path, name))
    return found


def test_every_command_group_shows_its_help_in_chinese(run_installed) -> None:
    from ils.cli import cli

    groups = _groups(cli)
    assert len(groups) > 10, groups
    for group in groups:
        shown = run_installed(*group, "--help").stdout
        assert "用法" in shown, (group, shown)


def test_the_installed_console_script_and_the_demo(run_installed, venv: Path) -> None:
    script = venv / "bin" / "ils"
    assert script.is_file()
    assert run_installed(script, "--version", module=False).stdout.strip() == f"ils {ils.__version__}"
    db = run_installed.folder / "lib.sqlite"
    run_installed("--db", db, "demo")
    login = {"ILS_STAFF": "admin", "ILS_PASSWORD": "demo1234"}
    assert '"ok": true' in run_installed("--db", db, "check", "--json", extra=login).stdout
    pdf = run_installed.folder / "page.pdf"
    run_installed("--db", db, "print", "test-page", "--out", pdf, extra=login)
    assert pdf.read_bytes().startswith(b"%PDF")
    refused = run_installed("--db", db, "branches", "rename", "NOPE", "x", extra=login, ok=False)
    assert refused.returncode == 1 and "NOPE" in refused.stderr
