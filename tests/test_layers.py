"""Dependencies point down: screens -> ils -> db; printing imports none of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_services_and_cli_load_without_textual():
    code = "import sys, ils.cli, ils.staff, ils.maintenance, ils.printouts; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stdout.strip() == "False", done.stderr


def test_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(linter), "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_packaging_folder_is_not_a_python_package():
    assert not (ROOT / "packaging" / "__init__.py").exists()
