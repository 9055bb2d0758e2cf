"""Running a service call in a worker and bringing its answer back as a message.

Every database, file or printer call goes through ``call_service``: it runs the
call on a thread (scrypt, a backup or a PDF must never freeze the desk) in the
language the desk speaks at the moment of the call, renders an ``IlsError`` in
that language, and posts the outcome to the widget that asked. The worker itself
never touches a widget. Any other exception is a bug: it is written to the log
with its traceback and shown as a short apology, and the desk stays open, so a
clerk in the middle of a queue never loses the application.

What comes back is made harmless for the terminal on the way (``ils.terminal``):
Textual passes an escape sequence in a string straight to the terminal, so a
MARC title holding one could retitle the window or clear the screen. Every
string in a result, and every refusal's text, has its control characters shown
instead before a screen can draw it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from ils.errors import IlsError
from ils.i18n import _, current_language, use_language
from ils.logs import log_crash
from ils.terminal import harmless, harmless_values
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

    language = current_language()

    def run() -> None:
        with use_language(language):
            try:
                result = harmless_values(call())
            except IlsError as error:
                node.post_message(ServiceFailed(harmless(error.render(language)), failed))
            except Exception as error:
                log_crash(group, error)
                node.post_message(
                    ServiceFailed(
                        _(
                            "Something unexpected went wrong; the desk stays open. Look again before going on: "
                            "the details are in the log."
                        ),
                        failed,
                    )
                )
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
