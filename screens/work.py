"""Running a service call in a worker and bringing its answer back as a message.

Every database, file or printer call goes through ``call_service``: it runs the
call on a thread (scrypt, a backup or a PDF must never freeze the desk), turns
an ``IlsError`` into the already-translated text the user reads, and posts the
outcome to the widget that asked. The worker itself never touches a widget.
Any other exception is a programming error and stops the app with a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from ils.errors import IlsError
from screens.messages import ServiceDone, ServiceFailed

T = TypeVar("T")


def call_service(
    node: DOMNode,
    group: str,
    call: Callable[[], T],
    then: Callable[[T], object],
    failed: Callable[[str], object] | None = None,
) -> Worker[None]:
    """Run ``call`` in a thread worker of ``node``; ``then`` or ``failed`` runs on the UI thread.

    ``group`` names the task: a new call in the same group replaces one still
    running (``exclusive``), so pressing a key twice does not queue two calls.
    """

    def run() -> None:
        try:
            result = call()
        except IlsError as error:
            node.post_message(ServiceFailed(str(error), failed))
        else:
            node.post_message(ServiceDone(then, result))

    return node.run_worker(run, name=group, group=group, exclusive=True, thread=True)


class ServiceCaller:
    """Mixin for a widget or screen that calls services: runs the answers that come back."""

    def show_error(self, text: str) -> None:
        """Where a refusal appears when the caller gave no ``failed``; a toast by default."""
        self.app.notify(text, severity="error")  # type: ignore[attr-defined]

    def on_service_done(self, message: ServiceDone) -> None:
        message.then(message.result)

    def on_service_failed(self, message: ServiceFailed) -> None:
        (message.then or self.show_error)(message.text)

