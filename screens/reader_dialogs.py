"""Dialogs of the reader desk: confirm a card step, show a revealed ID number, record consents.

Simple forms (an ID number, a reason) are ``FormDialog``s; ``LoudForm`` only adds the
bell to a refusal, since at the reader desk a refusal often means "this is not the
holder" and must not go unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from ils.i18n import N_, _
from ils.readers import consents as consent_rules
from ils.readers.consents import ConsentInfo, NoticeInfo, consent_text
from ils.readers.rows import date_of
from screens.base import IlsModal
from screens.dialogs import FormDialog
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

T = TypeVar("T")


class LoudForm(FormDialog[T]):
    """A ``FormDialog`` whose refusals ring the bell too."""

    def _failed(self, text: str) -> None:
        super()._failed(text)
        self.app.bell()


def latest_consent(consents: tuple[ConsentInfo, ...], kind: str) -> ConsentInfo | None:
    """The consent of this kind that holds now, or else the last one withdrawn."""
    rows = [c for c in consents if c.kind == kind]
    return next((c for c in rows if c.current), rows[-1] if rows else None)


class ReaderDialog(IlsModal[T]):
    """A bordered box with a status line where refusals appear in red, with the bell."""

    CSS_PATH: ClassVar[str] = "readers_desk.tcss"

    def status(self) -> StatusLine:
        return self.query_one("#dialog-status", StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()


class ConfirmDialog(ReaderDialog[Any]):
    """Say what is about to happen; Enter runs it (in a worker) and the dialog answers with its result."""

    AUTO_FOCUS: ClassVar[str] = "#dialog-ok"

    def __init__(self, title: str, text: str, run: Callable[[], object], *, ok_label: str) -> None:
        """``title``, ``text`` and ``ok_label`` are already translated; ``run`` must not return ``None``."""
        super().__init__()
        self._title = title
        self._text = text
        self._run = run
        self._ok_label = ok_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = self._title
            yield Static(self._text, id="confirm-text", markup=False)
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(self._ok_label, id="dialog-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="dialog-cancel", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id != "dialog-ok":
            self.dismiss(None)
            return
        self.status().info(_("Working…"))
        call_service(self, "confirm", self._run, self.dismiss)


class RevealDialog(ReaderDialog[None]):
    """The full ID number, here and nowhere else; closing the dialog forgets it."""

    AUTO_FOCUS: ClassVar[str] = "#dialog-ok"

    def __init__(self, name: str, card_number: str, number: str) -> None:
        super().__init__()
        self._name = name
        self._card_number = card_number
        self._number = number

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as box:
            box.border_title = _("Full ID number of {name} ({card})").format(name=self._name, card=self._card_number)
            yield Static(self._number, id="reveal-number", markup=False)
            yield Static(_("This look was recorded in the journal. Close the window when done."), classes="hint")
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Close"), id="dialog-ok", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def on_unmount(self) -> None:
        """Forget the number once the dialog is gone, so no attribute keeps it."""
        self._number = ""


CONSENT_STATES = {True: N_("Given"), False: N_("Not given")}


class ConsentsDialog(ReaderDialog[tuple[ConsentInfo, ...]]):
    """Every kind of consent with its state; Enter gives or withdraws the highlighted one.

    Each change is one service call, recorded at once under the current privacy notice;
    the dialog answers with the reader's consents as they now stand.
    """

    AUTO_FOCUS: ClassVar[str] = "#consent-kinds"

    def __init__(self, card_number: str, consents: tuple[ConsentInfo, ...]) -> None:
        super().__init__()
        self._card_number = card_number
        self._consents = consents
        self._changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide") as box:
            box.border_title = _("Consents of card {card}").format(card=self._card_number)
            yield Static("", id="consent-notice", classes="hint", markup=False)
            yield ListTable(N_("Consent"), N_("Status"), N_("Since"), id="consent-kinds")
            yield Static(_("Enter gives or withdraws the consent highlighted; Esc closes."), classes="hint")
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Close"), id="dialog-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._fill()
        call_service(self, "notice", consent_rules.current_notice, self._show_notice)

    def _show_notice(self, notice: NoticeInfo) -> None:
        self.query_one("#consent-notice", Static).update(
            _("Consents given now are recorded under privacy notice version {version} of {date}.").format(
                version=notice.version, date=date_of(notice.published_at)
            )
        )

    def _fill(self, select: str | None = None) -> None:
        rows = []
        for kind in consent_rules.CONSENT_KINDS:
            latest = latest_consent(self._consents, kind)
            given = latest is not None and latest.current
            rows.append(
                (
                    kind,
                    (
                        consent_rules.consent_label(kind),
                        _(CONSENT_STATES[given]),
                        consent_text(latest) if latest else "",
                    ),
                )
            )
        self.query_one("#consent-kinds", ListTable).show_rows(rows, select)

    def on_data_table_row_selected(self, event: ListTable.RowSelected) -> None:
        event.stop()
        kind = event.row_key.value
        if not kind:
            return
        latest = latest_consent(self._consents, kind)
        session, card = self.session, self._card_number
        if latest is not None and latest.current:
            call_service(
                self,
                "consent",
                lambda: consent_rules.withdraw_consent(session, card, kind),
                lambda consents: self._changed_to(consents, kind, _("Withdrawn: {kind}.")),
            )
        else:
            call_service(
                self,
                "consent",
                lambda: consent_rules.grant_consent(session, card, kind),
                lambda consents: self._changed_to(consents, kind, _("Given: {kind}.")),
            )

    def _changed_to(self, consents: tuple[ConsentInfo, ...], kind: str, done: str) -> None:
        self._consents = consents
        self._changed = True
        self._fill(kind)
        self.status().info(done.format(kind=consent_rules.consent_label(kind)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(self._consents if self._changed else None)
