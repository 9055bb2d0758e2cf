"""Where the database lives when the user does not say: the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "ils"


def default_db_path() -> Path:
    """``ILS_DB`` if set, else ``<user data folder>/ils/ils.sqlite``."""
    env = os.environ.get("ILS_DB")
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "ils.sqlite"
