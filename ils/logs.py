"""The program's own log: what went wrong that no refusal explains, for whoever looks after the desk.

It lives in ``logs/ils.log`` beside the database (rotated at 1 MB, five kept), so a
librarian can send it with the database folder. It records failures and their
tracebacks, never a reader's personal values: services put ids and codes in their
errors, not names or ID numbers.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = logging.getLogger("ils")


def log_path(db_path: Path) -> Path:
    return Path(db_path).parent / "logs" / "ils.log"


def start_log(db_path: Path) -> Path:
    """Send the ``ils`` logger to the file beside ``db_path``; returns where it writes."""
    path = log_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for handler in list(LOGGER.handlers):
        LOGGER.removeHandler(handler)
        handler.close()
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    return path
