"""The program's own log: what went wrong that no refusal explains, for whoever looks after the desk.

It lives in ``logs/ils.log`` beside the database (rotated at 1 MB, five kept), so a
librarian can send it with the database folder. When that folder cannot be written
(an archived copy on read-only media) it goes to the user's log folder instead
(``~/.local/state/ils/log`` on Linux). It records failures and their tracebacks,
never a reader's personal values: services put ids and codes in their errors, not
names or ID numbers, and a crash is logged with any long number in the exception's
message masked, since a message can quote the value it choked on (``log_crash``).
"""

from __future__ import annotations

import logging
import re
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from platformdirs import user_log_path

LOGGER = logging.getLogger("ils")


def log_path(db_path: Path) -> Path:
    return Path(db_path).parent / "logs" / "ils.log"


def fallback_log_path() -> Path:
    return user_log_path("ils", appauthor=False) / "ils.log"


def start_log(db_path: Path) -> Path:
    """Send the ``ils`` logger to the file beside ``db_path`` (else the user's log folder); returns where.

    Raises ``OSError`` only when neither place can be written.
    """
    handler: RotatingFileHandler | None = None
    error: OSError | None = None
    for path in (log_path(db_path), fallback_log_path()):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = RotatingFileHandler(
                path, maxBytes=1_000_000, backupCount=5, encoding="utf-8", errors="backslashreplace"
            )
            break
        except OSError as failed:
            error = failed
    if handler is None:
        assert error is not None
        raise error
    for old in list(LOGGER.handlers):
        LOGGER.removeHandler(old)
        old.close()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    return Path(handler.baseFilename)


_LONG_NUMBER = re.compile(r"\d[\d ]{4,}\d[\dXx]?")
_MESSAGE_CHARS = 300


def _described(error: BaseException) -> str:
    """``module.Type: message``, with long numbers (ID, phone, card) masked and the length capped."""
    text = _LONG_NUMBER.sub("<number>", str(error))[:_MESSAGE_CHARS]
    return f"{type(error).__module__}.{type(error).__qualname__}: {text}"


def log_crash(context: str, error: BaseException) -> None:
    """Log an unexpected failure with its stack, and the stacks of what caused it.

    ``ValueError("invalid literal for int(): '430281...'")`` quotes the value it
    choked on, which may be a reader's ID number or phone: long numbers are masked.
    """
    parts = [
        f"unexpected failure in {context}: {_described(error)}\n",
        "".join(traceback.format_tb(error.__traceback__)),
    ]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 12:
        parts += [f"caused by {_described(cause)}\n", "".join(traceback.format_tb(cause.__traceback__))]
        cause = cause.__cause__ or cause.__context__
    LOGGER.error("%s", "".join(parts).rstrip())
