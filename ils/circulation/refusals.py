"""Refusals for several reasons at once, each reason a value with its own code.

A desk reads a refusal out; a SIP2 terminal answers with patron-status bits; a test asserts
what was meant. So a refusal keeps its reasons as ``Message`` values (``circ.loan_limit``,
``circ.reader_overdue``) in ``reasons``, and renders them joined only when someone reads it.
A reader's blocks come from the readers domain with a ``kind``; ``block_reason`` gives each
kind its code here, in one table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ils.errors import Invalid, Message

if TYPE_CHECKING:
    from ils.readers.rows import Block

BLOCK_CODES: dict[str, str] = {
    "cancelled": "circ.card_returned",
    "lost": "circ.card_lost",
    "suspended": "circ.reader_suspended",
    "expired": "circ.card_expired",
    "overdue": "circ.reader_overdue",
    "owes": "circ.reader_owes",
}
BLOCKED = "circ.reader_blocked"
"""The code of a block of a kind this table does not know yet (a domain added one)."""

_CLOSING = "。！？；：”）"


def sentences(parts: Iterable[str]) -> str:
    """Sentences run together as the language writes them: a space after "." but none after "。"."""
    text = ""
    for part in filter(None, parts):
        text += part if not text or text[-1] in _CLOSING else " " + part
    return text


@dataclass(frozen=True)
class Reasons(Message):
    """Several reasons read one after another, each in the language of the reader."""

    parts: tuple[Message, ...] = ()

    def render(self, language: str | None = None) -> str:
        return sentences(part.render(language) for part in self.parts)


def joined(reasons: Iterable[Message]) -> Reasons:
    return Reasons("circ.reasons", "", parts=tuple(reasons))


def block_reason(block: Block) -> Message:
    """A block on the reader as a reason with a code: "Suspended: damaged a book"."""
    return Message(
        BLOCK_CODES.get(block.kind, BLOCKED), "{label}: {detail}", {"label": block.label, "detail": block.detail}
    )


class Refused(Invalid):
    """Refused for ``reasons`` (each a ``Message`` with its code), rendered joined into ``template``'s
    ``{reasons}``. Mark the template with ``N_`` where it is written, for the catalogue."""

    def __init__(self, code: str, template: str, reasons: Sequence[Message], /, **params: Any) -> None:
        self.reasons = tuple(reasons)
        super().__init__(code, template, reasons=joined(self.reasons), **params)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)
