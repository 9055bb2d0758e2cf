"""One reader at the desk: who they are (numbers masked), whether they may borrow and why not,
and every step of the card's life.

F6 reports the card lost, F7 replaces it, F8 prints it: as on the catalogue record, F6-F8
act on the record and F8 prints. The rarer steps have letter keys; the list on the right
shows every step with its key, and Enter runs the one highlighted. Each step is a service
call in a worker; a refusal rings the bell and shows the service's reason in red.

Opening the screen is a journaled view (``view_reader``); after a step the screen shows
the record the step returned, which is not journaled again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ils import printouts
from ils.i18n import N_, _
from ils.readers import lifecycle
from ils.readers.consents import ConsentInfo, consent_text
from ils.readers.idnumbers import check_id_number
from ils.readers.lifecycle import Verification
from ils.readers.printouts import card_pdf, export_pdf
from ils.readers.readers import ReaderRecord, reveal_id_number, view_reader
from ils.readers.rows import SUSPENDED, ReaderSummary, date_of
from ils.session import Session
from screens.base import DeskScreen, IlsModal
from screens.dialogs import Field
from screens.reader_dialogs import ConfirmDialog, ConsentsDialog, LoudForm, RevealDialog
from screens.widgets import StatusLine
from screens.work import call_service

ID_FIELD = Field("id_number", N_("ID number"), placeholder=N_("From the document the reader shows"))


STEP_KEYS: list[Binding] = [
    Binding("f6", "report_lost", N_("Report the card lost"), key_display="F6"),
    Binding("u", "cancel_loss", N_("Cancel the loss report"), key_display="U", show=False),
    Binding("f7", "replace", N_("Replace the card"), key_display="F7"),
    Binding("n", "renew", N_("Renew the card"), key_display="N", show=False),
    Binding("s", "suspend", N_("Suspend"), key_display="S", show=False),
    Binding("r", "unsuspend", N_("Lift a suspension"), key_display="R", show=False),
    Binding("c", "cancel_card", N_("Return the card"), key_display="C", show=False),
    Binding("v", "verify", N_("Verify an ID number"), key_display="V", show=False),
    Binding("i", "reveal", N_("Show full ID number"), key_display="I", show=False),
    Binding("f8", "print_card", N_("Print the card"), key_display="F8"),
    Binding("e", "export", N_("Export reader's data"), key_display="E", show=False),
    Binding("o", "consents", N_("Consents"), key_display="O", show=False),
]
"""Every step, in the order the list on the screen shows them."""


def save_card(session: Session, card_number: str) -> Path:
    """The card as a PDF in ``prints/``, for the desk's card printer."""
    return printouts.save_pdf(session, f"card-{card_number}", card_pdf(session, card_number))


def aligned(rows: list[tuple[str, str]]) -> str:
    """``label  value`` lines with the values in one column, Chinese labels counted by their width."""
    width = max((cell_len(label) for label, _value in rows), default=0)
    return "\n".join(f"{label}{' ' * (width - cell_len(label))}  {value}" for label, value in rows)


def fact_rows(record: ReaderRecord) -> list[tuple[str, str]]:
    """Who the reader is, as the desk may see it: numbers masked, nothing more than the card needs."""
    s = record.summary
    rows = [
        (_("Pinyin"), record.name_pinyin),
        (_("ID document"), f"{record.id_type_label} {record.id_masked}".strip()),
        (
            _("Birth date"),
            _("{date} (age {age})").format(date=record.birth_date, age=record.age) if record.birth_date else _("none"),
        ),
        (_("Mobile phone"), record.phone_masked or _("none")),
    ]
    if record.guardian is not None:
        rows.append((_("Guardian"), f"{record.guardian.name} ({record.guardian.card_number})"))
    if record.wards:
        rows.append((_("Guardian of"), _(", ").join(f"{w.name} ({w.card_number})" for w in record.wards)))
    rows += [
        (_("Card valid until"), s.expires_on or _("no end date")),
        (_("Registered on"), date_of(record.created_at)),
    ]
    if record.notes:
        rows.append((_("Notes"), record.notes))
    return rows


def card_lines(record: ReaderRecord) -> list[str]:
    lines = []
    for card in record.cards:
        parts = [card.card_number, card.state_label, _("issued {date}").format(date=date_of(card.issued_at))]
        if card.lost_at:
            parts.append(_("reported lost {date}").format(date=date_of(card.lost_at)))
        if card.ended_at:
            parts.append(_("ended {date}").format(date=date_of(card.ended_at)))
        lines.append("  ".join(parts))
    return lines


def consent_lines(consents: tuple[ConsentInfo, ...]) -> list[str]:
    """Each consent ticked (holds now) or crossed (withdrawn), with when and under which notice."""
    lines = [_("{label}: {detail}").format(label=c.kind_label, detail=consent_text(c)) for c in consents]
    return [("✓ " if c.current else "✗ ") + line for c, line in zip(consents, lines, strict=True)] or [_("none")]


def block_lines(reader: ReaderSummary) -> list[str]:
    """Each reason the reader cannot borrow, with since when and what to do about it."""
    return [
        "■ "
        + (_("{label} since {date}: {detail}") if b.since else _("{label}: {detail}")).format(
            label=b.label, date=b.since, detail=b.detail
        )
        for b in reader.blocks
    ]


class ReaderScreen(DeskScreen):
    """The reader's record and the card steps; Esc goes back to the desk."""

    TITLE_ID: ClassVar[str] = N_("Reader record")
    CSS_PATH: ClassVar[str] = "readers_desk.tcss"
    AUTO_FOCUS: ClassVar[str] = "#reader-actions"
    BINDINGS: ClassVar[list[BindingType]] = list(STEP_KEYS)

    def __init__(
        self, card_number: str, record: ReaderRecord | None = None, *, offer_print: bool = False, message: str = ""
    ) -> None:
        """``record``: one a service just returned (a registration), shown without a second journaled view;
        ``offer_print``: a new card, offered for printing at once; ``message``: what just happened."""
        super().__init__()
        self.card_number = card_number
        self.record = record
        self._offer_print = offer_print
        self._message = message

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="reader-body"):
            with VerticalScroll(id="reader-details"):
                yield Static("", id="reader-title", markup=False)
                yield Static("", id="reader-blocks", markup=False)
                yield Static("", id="reader-facts", markup=False)
                yield Static("", id="reader-cards", markup=False)
                yield Static("", id="reader-consents", markup=False)
            yield OptionList(
                *(Option(f"{b.key_display:<4}{_(b.description)}", id=b.action) for b in STEP_KEYS), id="reader-actions"
            )
        yield StatusLine(id="reader-status")

    def on_mount(self) -> None:
        if self.record is not None:
            self._show(self.record, self._message)
            if self._offer_print:
                self._ask_to_print(self._message)
            return
        session, card = self.session, self.card_number
        call_service(self, "reader", lambda: view_reader(session, card), self._show)

    async def relocalise(self) -> None:
        await super().relocalise()
        if self.record is not None:
            self._show(self.record)

    def status(self) -> StatusLine:
        return self.query_one("#reader-status", StatusLine)

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()

    def _show(self, record: ReaderRecord, message: str | None = None) -> None:
        self.record = record
        s = record.summary
        self.card_number = s.card_number
        title = f"{s.name}  {s.card_number}  {s.reader_type_name} · {s.branch_name}"
        self.query_one("#reader-title", Static).update(title)
        blocks = self.query_one("#reader-blocks", Static)
        blocks.set_class(s.blocked, "-blocked")
        blocks.update("\n".join(block_lines(s)) if s.blocked else _("No blocks: the card is in use."))
        self.query_one("#reader-facts", Static).update(aligned(fact_rows(record)))
        self.query_one("#reader-cards", Static).update("\n".join([_("Cards"), *card_lines(record)]))
        self.query_one("#reader-consents", Static).update("\n".join([_("Consents"), *consent_lines(record.consents)]))
        if message:
            self.status().info(message)

    # --- running the steps ----------------------------------------------------------------

    def _ask(self, dialog: IlsModal[Any], then: Callable[[Any], object]) -> None:
        """Show ``dialog``; ``then(answer)`` unless it was cancelled."""

        def answered(answer: Any) -> None:
            if answer is not None:
                then(answer)

        self.app.push_screen(dialog, answered)

    def _stepped(self, done: Callable[[ReaderRecord], str]) -> Callable[[ReaderRecord], None]:
        """Show the record a step returned, with ``done(record)`` saying what happened."""
        return lambda record: self._show(record, done(record))

    def _step(self, call: Callable[[], ReaderRecord], done: Callable[[ReaderRecord], str]) -> None:
        """A step that needs no question: run it and show the record it returns."""
        call_service(self, "card-step", call, self._stepped(done))

    def _ask_to_print(self, done: str = "") -> None:
        """Offer the new card for printing; ``done`` (what just happened) stays on the status line."""
        if self.record is None:
            return
        session, card = self.session, self.card_number
        dialog = ConfirmDialog(
            _("Print the card"),
            _("Print card {card} for {name} now?").format(card=card, name=self.record.summary.name),
            lambda: save_card(session, card),
            ok_label=_("Print"),
        )
        self._ask(dialog, lambda path: self._printed(path, done))

    def _printed(self, path: Path, done: str = "") -> None:
        self.status().info(" ".join(filter(None, (done, _("Saved the card as {path}.").format(path=path)))))

    def action_report_lost(self) -> None:
        if self.record is None:
            return
        session, card, name = self.session, self.card_number, self.record.summary.name
        dialog = ConfirmDialog(
            _("Report card {card} lost").format(card=card),
            _(
                "Card {card} of {name} is blocked at once. Only the holder's ID number (or the guardian's) "
                "cancels the report."
            ).format(card=card, name=name),
            lambda: lifecycle.report_lost(session, card),
            ok_label=_("Report lost"),
        )
        self._ask(dialog, self._stepped(lambda r: _("Card {card} is reported lost and blocked.").format(card=card)))

    def action_cancel_loss(self) -> None:
        session, card = self.session, self.card_number
        dialog = LoudForm(
            N_("Cancel the loss report of card {card}"),
            [self._id_field()],
            lambda v: lifecycle.cancel_loss(session, card, v["id_number"]),
            submit_label=N_("Cancel the loss report"),
            title_args={"card": card},
        )
        self._ask(
            dialog,
            self._stepped(lambda r: _("The loss report is cancelled; card {card} works again.").format(card=card)),
        )

    def _id_field(self) -> Field:
        """The ID number field, checked as it is typed against the reader's kind of document, as on the
        registration form: 36 digits are said to be wrong at once, not after the step is refused."""
        if self.record is None:
            return ID_FIELD
        id_type, today = self.record.id_type, self.session.now().date()
        return dataclasses.replace(ID_FIELD, check=lambda text: check_id_number(id_type, text, today))

    def action_replace(self) -> None:
        session, card = self.session, self.card_number
        fields = [
            self._id_field(),
            Field(
                "new_card", N_("New card number"), placeholder=N_("Only for a pre-printed card; empty: a new number")
            ),
        ]
        dialog = LoudForm(
            N_("Replace card {card}"),
            fields,
            lambda v: lifecycle.replace_card(
                session, card, v["id_number"], new_card_number=v["new_card"].strip() or None
            ),
            submit_label=N_("Replace the card"),
            title_args={"card": card},
        )
        self._ask(dialog, self._replaced)

    def _replaced(self, record: ReaderRecord) -> None:
        done = _("Card {old} is replaced by card {new}; the old card no longer works.").format(
            old=self.card_number, new=record.summary.card_number
        )
        self._show(record, done)
        self._ask_to_print(done)

    def action_renew(self) -> None:
        session, card = self.session, self.card_number
        self._step(
            lambda: lifecycle.renew(session, card),
            lambda r: _("Card {card} is valid until {date}.").format(card=card, date=r.summary.expires_on),
        )

    def action_suspend(self) -> None:
        if self.record is None:
            return
        session, card = self.session, self.card_number
        dialog = LoudForm(
            N_("Suspend {name}"),
            [Field("reason", N_("Reason"), placeholder=N_("What the desk will read out"))],
            lambda v: lifecycle.suspend(session, card, v["reason"]),
            submit_label=N_("Suspend"),
            title_args={"name": self.record.summary.name},
        )
        self._ask(dialog, self._stepped(lambda r: _("Suspended; the reason is shown with the blocks.")))

    def action_unsuspend(self) -> None:
        if self.record is None:
            return
        session, card = self.session, self.card_number
        suspensions = [b for b in self.record.summary.blocks if b.kind == SUSPENDED and b.block_id]

        def done(_record: ReaderRecord) -> str:
            return _("The suspension is lifted.")

        if not suspensions:  # the service says why there is nothing to lift
            self._step(lambda: lifecycle.unsuspend(session, card), done)
            return
        options = tuple((f"{b.since} {b.detail}", b.block_id or "") for b in suspensions)
        if len(options) > 1:
            options += ((_("All suspensions"), ""),)
        dialog = LoudForm(
            N_("Lift a suspension of {name}"),
            [Field("which", N_("Suspension"), "select", value=options[0][1], options=options)],
            lambda v: lifecycle.unsuspend(session, card, block_id=v["which"] or None),
            submit_label=N_("Lift"),
            title_args={"name": self.record.summary.name},
        )
        self._ask(dialog, self._stepped(done))

    def action_cancel_card(self) -> None:
        if self.record is None:
            return
        session, card, name = self.session, self.card_number, self.record.summary.name
        dialog = ConfirmDialog(
            _("Return card {card}").format(card=card),
            _(
                "{name} returns card {card}: it stops working and the reader can no longer borrow. The record is "
                "kept for disputes, then anonymised."
            ).format(card=card, name=name),
            lambda: lifecycle.cancel_card(session, card),
            ok_label=_("Return the card"),
        )
        self._ask(dialog, self._stepped(lambda r: _("Card {card} is returned.").format(card=card)))

    def action_verify(self) -> None:
        session, card = self.session, self.card_number
        dialog = LoudForm(
            N_("Verify card {card}"),
            [self._id_field()],
            lambda v: lifecycle.verify(session, card, v["id_number"]),
            submit_label=N_("Verify"),
            title_args={"card": card},
        )
        self._ask(dialog, self._verified)

    def _verified(self, answer: Verification) -> None:
        if answer.matches:
            self.status().info(
                _("The ID number belongs to {name}, the holder of card {card}.").format(
                    name=answer.name, card=answer.card_number
                )
            )
        else:
            self.show_error(
                _("The ID number does NOT belong to the holder of card {card}.").format(card=answer.card_number)
            )

    def action_reveal(self) -> None:
        if self.record is None:
            return
        session, card, name = self.session, self.card_number, self.record.summary.name
        call_service(
            self,
            "reveal",
            lambda: reveal_id_number(session, card),
            lambda number: self.app.push_screen(RevealDialog(name, card, number)),
        )

    def action_print_card(self) -> None:
        session, card = self.session, self.card_number
        call_service(self, "print", lambda: save_card(session, card), self._printed)

    def action_export(self) -> None:
        session, card = self.session, self.card_number
        call_service(
            self,
            "print",
            lambda: printouts.save_pdf(session, f"reader-data-{card}", export_pdf(session, card)),
            lambda path: self.status().info(
                _("Saved the reader's own data as {path}: hand it to the reader only.").format(path=path)
            ),
        )

    def action_consents(self) -> None:
        if self.record is None:
            return
        self._ask(ConsentsDialog(self.card_number, self.record.consents), self._consents_changed)

    def _consents_changed(self, consents: tuple[ConsentInfo, ...]) -> None:
        if self.record is not None:
            self._show(dataclasses.replace(self.record, consents=consents), _("The consents are recorded."))

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            await self.run_action(event.option.id)
