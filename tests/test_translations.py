"""Every string the code shows has a translation in both catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_string_is_translated_into_chinese_and_english():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "check"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout


def test_switching_language_changes_service_messages():
    from ils.i18n import _, set_language

    set_language("en")
    assert _("Wrong user name or password.") == "Wrong user name or password."
    set_language("zh_CN")
    assert _("Wrong user name or password.") == "用户名或密码错误。"
