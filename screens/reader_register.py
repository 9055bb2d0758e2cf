"""Reader desk, Register tab: the registration form (办证), checked as the clerk types.

The ID number is checked on every key press (length, check digit, birth date) by
``idnumbers.check_id_number``, which is pure and safe on the UI thread. What the reader
must give follows from the document, the birth date and the reader type; the form asks
the service (``requirements.requirements``, pure too) and shows the birth date, the
guardian's card and the consents it names. The guardian's card is looked up (a database
call, so in a worker) when the clerk leaves the field.

The ID number is shown as typed, not masked like a password: the clerk copies it from
the document in their hand and must be able to compare the two, and the live check
points at a mistyped digit only if the digits can be seen. The screen faces the clerk;
the number is never logged (``Registration`` keeps it out of ``repr``), the services
never put it into a message, and the form is emptied once the reader is registered.

Nothing else is asked than the card needs (PIPL minimum necessary): no address, photo
or occupation; the phone is optional, for SMS notices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from ils.branches import list_branches
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.readers.consents import SMS, NoticeInfo, consent_label, current_notice
from ils.readers.idnumbers import ID_TYPES, RESIDENT, IdNumber, check_id_number, id_type_label
from ils.readers.readers import ReaderRecord, Registration, clean_phone, register_reader, scan_card
from ils.readers.requirements import Requirements, requirements
from ils.readers.rows import ReaderSummary
from ils.readers.types import ReaderTypeInfo, list_reader_types
from ils.session import Session
from screens.base import DeskPane
from screens.reader_record import ReaderScreen
from screens.widgets import StatusLine, TickBox, TickBoxes
from screens.work import call_service


@dataclass(frozen=True)
class RegisterChoices:
    """The form's lists, read from the database once."""

    reader_types: tuple[ReaderTypeInfo, ...]
    branches: tuple[tuple[str, str], ...]
    """(name, code) of the branches in service."""
    home: str
    """This desk's branch, the default home branch."""
    notice: NoticeInfo


def load_choices(session: Session) -> RegisterChoices:
    return RegisterChoices(
        reader_types=tuple(list_reader_types()),
        branches=tuple((b.name, b.code) for b in list_branches(session) if b.active),
        home=session.library.node.branch_code,
        notice=current_notice(),
    )


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise Invalid("screens.type_birth_date_yyyy", "Type the birth date as YYYY-MM-DD, e.g. 1985-03-12.") from error


_ENTER_STOPS = ("reg-name", "reg-id-number", "reg-birth", "reg-phone", "reg-guardian")
"""The fields Enter goes to, in form order; card number and notes are rare, and reached with Tab."""


class RegisterPane(DeskPane):
    """Fill in, watch the checks under the fields, then Register (Ctrl+S)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "register", N_("Register"), key_display="Ctrl+S")]

    @dataclass
    class ChoicesLoaded(Message):
        """The form's lists were read; the desk keeps them for when the form is drawn again."""

        choices: RegisterChoices

    def __init__(self, choices: RegisterChoices | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._choices = choices
        self._kinds: tuple[str, ...] = ()
        self._born: dt.date | None = None
        """The birth date the form shows (from the ID number or typed), once it is valid."""

    def compose(self) -> ComposeResult:
        choices = self._choices
        with VerticalScroll(id="register-form", can_focus=False):
            yield self._row(N_("Full name"), Input(id="reg-name", compact=True, placeholder=_("As on the document")))
            yield self._row(
                N_("ID document"),
                Select(
                    [(id_type_label(code), code) for code in ID_TYPES],
                    value=RESIDENT,
                    allow_blank=False,
                    id="reg-id-type",
                    compact=True,
                ),
            )
            yield self._row(N_("ID number"), Input(id="reg-id-number", compact=True))
            yield self._check("reg-id-check")
            yield self._row(
                N_("Birth date"), Input(id="reg-birth", compact=True, placeholder=_("YYYY-MM-DD")), row_id="row-birth"
            )
            yield self._check("reg-birth-check")
            yield self._row(
                N_("Reader type"), Select(self._type_options(), id="reg-type", allow_blank=not choices, compact=True)
            )
            yield self._row(
                N_("Home branch"),
                Select(
                    choices.branches if choices else (),
                    id="reg-branch",
                    value=choices.home if choices else Select.NULL,
                    allow_blank=not choices,
                    compact=True,
                ),
            )
            yield self._row(
                N_("Mobile phone"), Input(id="reg-phone", compact=True, placeholder=_("Optional, for SMS notices"))
            )
            yield self._check("reg-phone-check")
            yield self._row(
                N_("Guardian's card"),
                Input(id="reg-guardian", compact=True, placeholder=_("Scan or type the guardian's card")),
                row_id="row-guardian",
            )
            yield self._check("reg-guardian-check")
            yield Static("", id="reg-notice", markup=False)
            yield TickBoxes(id="reg-consents")
            yield self._row(
                N_("Card number"),
                Input(id="reg-card", compact=True, placeholder=_("Only for a pre-printed card; empty: a new number")),
            )
            yield self._row(N_("Notes"), Input(id="reg-notes", compact=True, placeholder=_("Optional")))
            with Horizontal(id="reg-buttons"):
                yield Button(_("Register"), id="reg-submit", variant="primary", compact=True)
                yield Button(_("Clear the form"), id="reg-clear", compact=True)
        yield StatusLine(id="register-status")

    def _type_options(self) -> list[tuple[str, str]]:
        return [(t.name, t.code) for t in self._choices.reader_types] if self._choices else []

    @staticmethod
    def _row(label: str, control: Widget, *, row_id: str | None = None) -> Horizontal:
        return Horizontal(Label(_(label), classes="field-label"), control, classes="field", id=row_id)

    @staticmethod
    def _check(check_id: str) -> Static:
        """The line under a field where its live check speaks; hidden while it has nothing to say."""
        line = Static("", id=check_id, classes="check", markup=False)
        line.display = False
        return line

    def on_mount(self) -> None:
        if self._choices is None:
            call_service(self, "register-choices", lambda: load_choices(self.session), self._loaded)
        else:
            self._show_notice()
        self._check_person()

    def _loaded(self, choices: RegisterChoices) -> None:
        self._choices = choices
        self.post_message(self.ChoicesLoaded(choices))
        kind = self.query_one("#reg-type", Select)
        kind.set_options(self._type_options())
        kind.value = self._type_options()[0][1]
        branch = self.query_one("#reg-branch", Select)
        branch.set_options(choices.branches)
        branch.value = choices.home
        self._show_notice()
        self._refresh_consents()

    def _show_notice(self) -> None:
        if self._choices is not None:
            self.query_one("#reg-notice", Static).update(
                _("Consents, as the reader chooses (privacy notice version {version}):").format(
                    version=self._choices.notice.version
                )
            )

    def show_error(self, text: str) -> None:
        self.status().error(text)
        self.app.bell()

    # --- live checks --------------------------------------------------------------------------

    def _say(self, check_id: str, text: str, kind: str = "-error") -> None:
        """Show ``text`` under a field as an error, ``-ok`` or a ``-hint``; empty text hides the line."""
        line = self.query_one(f"#{check_id}", Static)
        line.update(text)
        for style in ("-error", "-ok", "-hint"):
            line.set_class(bool(text) and kind == style, style)
        line.display = bool(text)

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _selected(self, widget_id: str) -> str:
        value = self.query_one(f"#{widget_id}", Select).value
        return "" if value is Select.NULL else str(value)

    def _today(self) -> dt.date:
        return self.session.now().date()

    def _id_number(self) -> IdNumber | None:
        """The ID number as typed, checked; the message under the field says what is wrong."""
        text = self._value("reg-id-number")
        if not text.strip():
            self._say("reg-id-check", "")
            return None
        try:
            return check_id_number(self._selected("reg-id-type"), text, self._today())
        except Invalid as error:
            self._say("reg-id-check", str(error))
            return None

    def _birth_date(self) -> dt.date | None:
        """From the ID number when it carries one, else as typed: what decides on a guardian."""
        number = self._id_number()
        birth = self.query_one("#reg-birth", Input)
        self.query_one("#row-birth").display = self._needs(None).birth_date_asked
        if number is not None and number.birth_date is not None:
            birth.value = number.birth_date.isoformat()
            birth.disabled = True
            return number.birth_date
        if birth.disabled:
            birth.value = ""
            birth.disabled = False
        if number is not None:
            self._say("reg-id-check", _("The number is valid."), "-ok")
        if not birth.value.strip():
            self._say("reg-birth-check", "")
            return None
        try:
            born = parse_date(birth.value)
        except Invalid as error:
            self._say("reg-birth-check", str(error))
            return None
        self._say("reg-birth-check", "")
        return born

    def _needs(self, born: dt.date | None) -> Requirements:
        """What the service says a reader of the chosen type and document, born then, must give."""
        types = {t.code: t for t in self._choices.reader_types} if self._choices else {}
        chosen = types.get(self._selected("reg-type"))
        return requirements(
            id_type=self._selected("reg-id-type"),
            birth_date=born,
            blind_service=chosen is not None and chosen.blind_service,
            today=self._today(),
        )

    def _check_person(self) -> None:
        """ID number, birth date and age: show the checks, the guardian field and the consents that apply."""
        born = self._birth_date()
        self._born = born
        needs = self._needs(born)
        self.query_one("#row-guardian").display = needs.guardian
        if born is not None and self.query_one("#reg-birth", Input).disabled:
            self._say(
                "reg-id-check",
                _("The number is valid: born {date}, age {age}.").format(date=born.isoformat(), age=needs.age),
                "-ok",
            )
        self._guardian_hint()
        self._refresh_consents()

    def _guardian_hint(self) -> None:
        """Under the empty guardian field of a child: that it must be filled, before anyone is refused."""
        if not self.query_one("#row-guardian").display:
            self._say("reg-guardian-check", "")
        elif not self._value("reg-guardian").strip():
            self._say(
                "reg-guardian-check",
                _("Under {age}: the guardian's card is required.").format(age=self._needs(self._born).child_age),
                "-hint",
            )

    def _check_phone(self) -> None:
        """The phone as typed, and whether SMS notices, when ticked, have a number to go to."""
        text = self._value("reg-phone")
        try:
            if text.strip():
                clean_phone(text)
        except Invalid as error:
            self._say("reg-phone-check", str(error))
        else:
            sms = SMS in self.query_one("#reg-consents", TickBoxes).selected
            self._say(
                "reg-phone-check", _("SMS notices need a mobile phone number.") if sms and not text.strip() else ""
            )

    def on_checkbox_changed(self, event: TickBox.Changed) -> None:
        event.stop()
        self._check_phone()

    def _check_guardian(self) -> None:
        card = self._value("reg-guardian")
        if not card.strip():
            self._guardian_hint()
            return
        session = self.session
        call_service(
            self,
            "guardian",
            lambda: scan_card(session, card),
            self._guardian_found,
            lambda text: self._say("reg-guardian-check", text),
        )

    def _guardian_found(self, guardian: ReaderSummary) -> None:
        self._say(
            "reg-guardian-check",
            _("Guardian: {name}, {type}, {branch}.").format(
                name=guardian.name, type=guardian.reader_type_name, branch=guardian.branch_name
            ),
            "-ok",
        )

    def _refresh_consents(self) -> None:
        """The consents the service offers a reader of this type and age."""
        kinds = self._needs(self._born).consents
        if kinds == self._kinds:
            return
        self._kinds = kinds
        consents = self.query_one("#reg-consents", TickBoxes)
        ticked = set(consents.selected)
        consents.set_options([(consent_label(kind), kind, kind in ticked) for kind in kinds])
        self._check_phone()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id in ("reg-id-number", "reg-birth"):
            self._check_person()
        elif event.input.id == "reg-phone":
            self._check_phone()
        elif event.input.id == "reg-guardian":
            self._guardian_hint()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "reg-guardian":
            self._check_guardian()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "reg-id-type":
            self._check_person()
        elif event.select.id == "reg-type":
            self._refresh_consents()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field to type in, or to the first consent: the lists keep their
        defaults (resident ID card, adult, this branch), which Tab reaches when they must change."""
        event.stop()
        stops = [
            widget
            for widget in self.query("#register-form Input, #register-form TickBox")
            if widget.focusable and widget.display and widget.parent is not None and widget.parent.display
        ]
        after = stops[stops.index(event.input) + 1 :] if event.input in stops else []
        following = next((w for w in after if isinstance(w, TickBox) or w.id in _ENTER_STOPS), None)
        if following is not None:
            following.focus()
        else:
            self.screen.focus_next()

    # --- registering --------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reg-submit":
            self.action_register()
        else:
            self._clear()

    def action_register(self) -> None:
        birth = self.query_one("#reg-birth", Input)
        try:
            typed_birth = parse_date(birth.value) if birth.value.strip() and not birth.disabled else None
        except Invalid as error:
            self.show_error(str(error))
            return
        guardian = self._value("reg-guardian").strip() if self.query_one("#row-guardian").display else ""
        form = Registration(
            name=self._value("reg-name"),
            id_type=self._selected("reg-id-type"),
            id_number=self._value("reg-id-number"),
            reader_type=self._selected("reg-type"),
            birth_date=typed_birth,
            phone=self._value("reg-phone").strip() or None,
            branch=self._selected("reg-branch") or None,
            guardian_card=guardian or None,
            notes=self._value("reg-notes").strip() or None,
            consents=frozenset(self.query_one("#reg-consents", TickBoxes).selected),
            card_number=self._value("reg-card").strip() or None,
        )
        session = self.session
        self.status().info(_("Working…"))
        call_service(self, "register", lambda: register_reader(session, form), self._registered)

    def _registered(self, record: ReaderRecord) -> None:
        self._clear()
        done = _("Registered {name}: card {card}.").format(name=record.summary.name, card=record.summary.card_number)
        self.status().info(done)
        self.app.push_screen(ReaderScreen(record.summary.card_number, record, offer_print=True, message=done))

    def filled(self) -> bool:
        """Something typed or ticked that leaving the desk would lose (a birth date read from the ID number is not)."""
        typed = any(
            field.value.strip() and not field.disabled for field in self.query("#register-form Input").results(Input)
        )
        return typed or bool(self.query_one("#reg-consents", TickBoxes).selected)

    def _clear(self) -> None:
        """An empty form for the next reader; the lists keep their defaults."""
        for field in self.query("#register-form Input").results(Input):
            field.value = ""
        self.query_one("#reg-id-type", Select).value = RESIDENT
        if self._choices is not None:
            self.query_one("#reg-type", Select).value = self._type_options()[0][1]
            self.query_one("#reg-branch", Select).value = self._choices.home
        self.query_one("#reg-consents", TickBoxes).deselect_all()
        self.status().clear()
        self.query_one("#reg-name", Input).focus()
