"""A form in a dialog that calls a service and closes only when the service agreed.

Adding a branch, renaming a desk, resetting a password: each is a few labelled
fields and one service call. ``FormDialog`` lays the fields out, runs the call
in a worker, shows a refusal in red inside the dialog (so nothing typed is
lost) and dismisses itself with the service's result, which is never ``None``:
``None`` means the dialog was cancelled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, SelectionList

from ils.errors import Invalid
from ils.i18n import N_, _
from screens.base import IlsModal
from screens.widgets import StatusLine
from screens.work import call_service

T = TypeVar("T")
Values = dict[str, Any]


@dataclass(frozen=True)
class Field:
    """One labelled control of a form."""

    name: str
    label: str
    """Message id (``N_``)."""
    kind: Literal["text", "password", "select", "checks"] = "text"
    value: str | tuple[str, ...] = ""
    options: tuple[tuple[str, str], ...] = ()
    """(label, value) pairs for ``select`` and ``checks``."""
    translate_options: bool = False
    """Option labels are message ids rather than data such as branch names."""
    repeat_of: str | None = None
    """A second entry of a password: it must equal that field, and is not passed on."""
    placeholder: str = ""
    """Message id shown in an empty text field."""
    check: Callable[[str], object] | None = None
    """A live check of a text field as it is typed: raises ``Invalid`` saying what is wrong (pure, no
    database: it runs on every key), shown under the form in red until the text is right."""


class FormDialog(IlsModal[T]):
    """A titled form; ``submit(values)`` runs in a worker and its result is the answer."""

    CSS_PATH: ClassVar[str] = "dialogs.tcss"
    # Focus the first field as soon as the form is composed, not after it mounts:
    # keys typed while the dialog opens then land in the form instead of nowhere.
    AUTO_FOCUS: ClassVar[str] = ".field Input, .field Select, .field SelectionList"
    # Priority, as on the log-in screen: the app moves the focus as Tab arrives, before it hands
    # the next key to a field. Left to the field, a fast typist's next characters were queued to
    # the field Tab was leaving.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", N_("Next field"), show=False, key_display="Tab", priority=True),
        Binding("shift+tab", "app.focus_previous", N_("Previous field"), show=False, priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        submit: Callable[[Values], T],
        *,
        submit_label: str = N_("OK"),
        title_args: dict[str, str] | None = None,
    ) -> None:
        """``title`` and ``submit_label`` are message ids; ``title_args`` fill the title's placeholders."""
        super().__init__()
        self._title = title
        self._title_args = title_args or {}
        self._fields = tuple(fields)
        self._submit = submit
        self._submit_label = submit_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog") as dialog:
            dialog.border_title = _(self._title).format(**self._title_args)
            for field in self._fields:
                with Horizontal(classes=f"field field-{field.kind}"):
                    yield Label(_(field.label), classes="field-label")
                    yield self._control(field)
            yield StatusLine(id="dialog-status")
            with Horizontal(id="dialog-buttons"):
                yield Button(_(self._submit_label), id="dialog-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="dialog-cancel", compact=True)

    def _control(self, field: Field) -> Input | Select[str] | SelectionList[str]:
        control_id = f"field-{field.name}"
        options = [(_(label) if field.translate_options else label, value) for label, value in field.options]
        if field.kind == "select":
            value = field.value if isinstance(field.value, str) and field.value else Select.NULL
            return Select(options, id=control_id, prompt=_("Choose…"), value=value, compact=True)
        if field.kind == "checks":
            chosen = set(field.value)
            return SelectionList[str](*((label, value, value in chosen) for label, value in options), id=control_id)
        placeholder = _(field.placeholder) if field.placeholder else ""
        return Input(
            str(field.value), id=control_id, password=field.kind == "password", placeholder=placeholder, compact=True
        )

    def values(self) -> Values:
        values: Values = {}
        for field in self._fields:
            control = self.query_one(f"#field-{field.name}")
            if isinstance(control, Input):
                values[field.name] = control.value
            elif isinstance(control, Select):
                values[field.name] = "" if control.value is Select.NULL else str(control.value)
            elif isinstance(control, SelectionList):
                values[field.name] = tuple(control.selected)
        return values

    def on_input_changed(self, event: Input.Changed) -> None:
        """Run the field's live check, as the registration form does: a wrong digit is said at once."""
        field = next((f for f in self._fields if f"field-{f.name}" == event.input.id), None)
        if field is None or field.check is None:
            return
        event.stop()
        status = self.query_one("#dialog-status", StatusLine)
        try:
            if event.value.strip():
                field.check(event.value)
        except Invalid as error:
            status.error(str(error))
        else:
            status.clear()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter moves to the next field, and submits from the last text field."""
        event.stop()
        inputs = list(self.query(".field Input"))
        if event.input is inputs[-1]:
            self._send()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "dialog-ok":
            self._send()
        else:
            self.dismiss(None)

    def _send(self) -> None:
        values = self.values()
        for field in self._fields:
            if field.repeat_of and values[field.name] != values[field.repeat_of]:
                self._failed(_("The two passwords differ."))
                self.set_focus(self.query_one(f"#field-{field.name}"))
                return
        for field in self._fields:
            if field.repeat_of:
                del values[field.name]
        self.query_one("#dialog-status", StatusLine).info(_("Working…"))
        call_service(self, "form", lambda: self._submit(values), self.dismiss, self._failed)

    def _failed(self, text: str) -> None:
        self.query_one("#dialog-status", StatusLine).error(text)
