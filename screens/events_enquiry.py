"""The enquiry tally (检索与咨询): a small dialog that counts one enquiry in one key.

Opened by F11 from the circulation desk or F8 from the events desk, a digit counts an
in-person enquiry of that kind and closes the dialog (two keys in all); P or O first switches
the channel to phone or online (three keys).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from ils.events import enquiries
from ils.events import vocabulary as v
from ils.i18n import N_, _
from screens.base import IlsModal
from screens.widgets import StatusLine
from screens.work import call_service

KIND_KEYS = tuple(v.ENQUIRY_KINDS)  # 1 … 5 in this order


class EnquiryDialog(IlsModal[enquiries.EnquiryTally]):
    """Count one enquiry: a digit for its kind; P, O or I for the channel first."""

    CSS_PATH: ClassVar[str] = "events_desk.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"tally({n})", N_("Count an enquiry of this kind"), show=False, key_display=str(n))
            for n in range(1, len(KIND_KEYS) + 1)
        ),
        Binding("p", "channel('phone')", N_("By phone"), key_display="P"),
        Binding("o", "channel('online')", N_("Online"), key_display="O"),
        Binding("i", "channel('in_person')", N_("In person"), key_display="I"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.channel = "in_person"

    def compose(self) -> ComposeResult:
        with Vertical(id="enquiry-dialog") as box:
            box.border_title = _("Count an enquiry")
            yield Label("", id="enquiry-channel", markup=False)
            yield Static(
                "\n".join(f"{n}  {_(label)}" for n, label in enumerate(v.ENQUIRY_KINDS.values(), start=1)),
                id="enquiry-kinds",
                markup=False,
            )
            yield Label(_("P by phone · O online · I in person · Esc closes"), id="enquiry-hint", markup=False)
            yield StatusLine(id="enquiry-status")

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        self.query_one("#enquiry-channel", Label).update(
            _("Channel: {channel}").format(channel=v.label(v.ENQUIRY_CHANNELS, self.channel))
        )

    def action_channel(self, channel: str) -> None:
        self.channel = channel
        self._draw()

    def action_tally(self, number: int) -> None:
        session, channel, kind = self.session, self.channel, KIND_KEYS[number - 1]
        call_service(
            self,
            "enquiry",
            lambda: enquiries.tally_enquiry(session, channel=channel, kind=kind),
            self.dismiss,
            self.query_one("#enquiry-status", StatusLine).error,
        )


def tallied_text(tally: enquiries.EnquiryTally) -> str:
    return _("Enquiry counted: {count} today.").format(count=tally.today)
