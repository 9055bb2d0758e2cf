"""Starting the desk application: the one place ``ils`` reaches up to ``screens``.

Kept apart from the command modules so that importing the CLI or the services
never loads Textual.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ils.i18n import current_language

if TYPE_CHECKING:
    from ils.session import Session
    from ils.sip2.terminals import Terminal


def run_desk(db_path: Path, read_only: bool | None = None) -> None:
    from screens.app import make_app

    make_app(db_path, language=current_language(), read_only=read_only).run()


def run_kiosk(session: Session, terminal: Terminal, *, speech: bool = False) -> None:
    from screens.kiosk import KioskApp

    KioskApp(session, terminal, speech=speech).run()
