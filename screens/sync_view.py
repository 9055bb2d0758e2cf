"""What the System desk's sync tab and the union's desk show alike: stored times as local
times and lags in words, and a conflict's facts side by side with the dialog that settles it.

Times are stored as ISO text with the offset of the desk that wrote them; a librarian reads
them in this desk's time zone, to the minute, as the rest of the desk shows times
(``2026-12-06 14:05``), and a lag as words ("3 hours ago"), never as raw ISO text.

A conflict's two sides say what each desk recorded in the words a librarian checks them by:
the action, the reader's card number (never an ID number; "not shared" when the reader does not
share with the union), the copy's barcode, the time and the branch, and how the fact ended.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ils.i18n import _, ngettext
from ils.session import Session
from ils.sync import conflicts
from ils.sync.conflicts import ConflictInfo, Fact
from screens.base import IlsModal
from screens.widgets import StatusLine
from screens.work import call_service


def _moment(text: str, now: dt.datetime) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=now.tzinfo)
    return moment.astimezone(now.tzinfo) if now.tzinfo else moment


def local_time(text: str | None, now: dt.datetime, *, never: str = "—") -> str:
    """A stored ISO time in this desk's zone, to the minute (``never`` when there is none)."""
    if not text:
        return never
    moment = _moment(text, now)
    return moment.strftime("%Y-%m-%d %H:%M") if moment else text


def lag_words(text: str | None, now: dt.datetime) -> str:
    """How long ago ``text`` was, in words: "just now", "5 minutes ago", "3 hours ago", "2 days ago"."""
    if not text:
        return _("never")
    moment = _moment(text, now)
    if moment is None:
        return text
    seconds = int((now - moment).total_seconds())
    if seconds < 60:
        return _("just now")  # a clock a little ahead reads as now too
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 60:
        return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
    if hours < 48:
        return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def fact_text(fact: Fact, now: dt.datetime) -> str:
    """One side of a conflict, a fact a line."""
    lines = [
        _("Action: {action}").format(action=fact.action.render()),
        _("Branch: {code}").format(code=fact.branch or "—"),
        _("Time: {when}").format(when=local_time(fact.at, now)),
        _("Reader card: {card}").format(card=fact.card or _("not shared")),
        _("Copy barcode: {barcode}").format(barcode=fact.barcode or "—"),
    ]
    if fact.ended is not None:
        lines.append(
            _("Ended: {how} at {branch}, {when}").format(
                how=fact.ended.render(), branch=fact.end_branch or "—", when=local_time(fact.ended_at, now)
            )
        )
    elif fact.table == "loan":
        lines.append(_("Ended: {how}").format(how=_("still open")))
    return "\n".join(lines)


def keepable(info: ConflictInfo | None, side: int) -> str | None:
    """The loan on ``side`` that a copy lent twice can be kept with (None: nothing to keep there)."""
    if info is None or info.kind != "copy_lent_twice":
        return None
    loans = [f for f in info.sides if f.table == "loan"]
    return loans[side].id if side < len(loans) else None


class ConflictSides(Vertical):
    """A conflict's kind and copy, then its facts side by side: the oldest on the left."""

    DEFAULT_CSS = """
    ConflictSides { height: auto; }
    ConflictSides .conflict-heading { height: auto; text-style: bold; }
    ConflictSides Horizontal { height: auto; }
    ConflictSides .conflict-side { width: 1fr; height: auto; min-height: 8; border: round $primary; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static("", classes="conflict-heading", markup=False)
        with Horizontal():
            yield Static("", classes="conflict-side conflict-left", markup=False)
            yield Static("", classes="conflict-side conflict-right", markup=False)

    def show(self, info: ConflictInfo | None, now: dt.datetime) -> None:
        heading = self.query_one(".conflict-heading", Static)
        left, right = self.query(".conflict-side").results(Static)
        self.query_one(Horizontal).display = info is not None
        if info is None:
            heading.update(_("No open conflicts."))
            return
        heading.update(f"{info.kind_label}  {info.title or ''}  {info.barcode or ''}".rstrip())
        sides = list(info.sides)
        left.update(fact_text(sides[0], now) if sides else "")
        right.update("\n\n".join(fact_text(f, now) for f in sides[1:]))


class ResolveDialog(IlsModal[ConflictInfo]):
    """Settle one conflict from its facts side by side: keep one loan (for a copy lent twice) or
    record what was decided. The resolution is a replicated change."""

    CSS_PATH: ClassVar[str] = "sync_view.tcss"
    AUTO_FOCUS: ClassVar[str] = "#resolve-note"

    def __init__(self, session: Session, info: ConflictInfo) -> None:
        super().__init__()
        self._session = session
        self._info = info

    def compose(self) -> ComposeResult:
        with Vertical(id="resolve-dialog") as dialog:
            dialog.border_title = _("Resolve the conflict")
            yield ConflictSides(id="resolve-sides")
            with Horizontal(classes="field"):
                yield Label(_("What was decided"), classes="field-label")
                yield Input(id="resolve-note", placeholder=_("optional"), compact=True)
            yield StatusLine(id="resolve-status")
            with Horizontal(id="resolve-buttons"):
                if self._info.kind == "copy_lent_twice":
                    yield Button(_("Keep the left loan"), id="resolve-keep-left", compact=True)
                    yield Button(_("Keep the right loan"), id="resolve-keep-right", compact=True)
                else:
                    yield Button(_("Resolve"), id="resolve-ok", variant="primary", compact=True)
                yield Button(_("Cancel"), id="resolve-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one(ConflictSides).show(self._info, self._session.now())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "resolve-cancel":
            self.dismiss(None)
            return
        keep = keepable(self._info, 0 if event.button.id == "resolve-keep-left" else 1)
        if event.button.id != "resolve-ok" and keep is None:
            self.query_one(StatusLine).error(_("This conflict has no loan on that side."))
            return
        session, info = self._session, self._info
        note = self.query_one("#resolve-note", Input).value
        self.query_one(StatusLine).info(_("Working…"))
        call_service(
            self,
            "resolve",
            lambda: conflicts.resolve(session, info.id, keep=keep, note=note),
            self.dismiss,
            self.query_one(StatusLine).error,
        )
