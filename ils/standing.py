"""A reader's standing across the domains: the blocks each one puts on a reader, and what each
one says stops the reader returning the card.

``ils.readers`` owns the reader and shows every block on one list, but the reasons come from
domains built on readers: circulation (items overdue, money owed), and later events and
periodicals. Readers importing each of them would make an import cycle with each. So each
domain registers what it contributes here, and readers asks here; this module knows no domain.

A domain contributes with a decorator on a function in one of its modules::

    @reader_blocks(kinds={"overdue": N_("Items overdue")})
    def overdue_blocks(reader_ids, day): ...      # {reader_id: [(kind, Message), ...]}

    @reader_obligations
    def loans_out(reader_id, day): ...            # (Message, ...)

and names that module once in ``ils.domains.CONTRIBUTORS``, which loads it on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ils import domains
from ils.errors import Message

#: ``(reader ids, day) -> {reader id: [(kind, detail), ...]}``; readers without a block may be left out.
BlocksOf = Callable[[Sequence[str], dt.date], Mapping[str, Sequence[tuple[str, Message]]]]
#: ``(reader id, day) -> what is still open``, each as a short phrase ("2 items still on loan").
ObligationsOf = Callable[[str, dt.date], Sequence[Message]]


@dataclass(frozen=True)
class _Source:
    blocks: BlocksOf
    kinds: Mapping[str, str]


_BLOCKS: list[_Source] = []
_OBLIGATIONS: list[ObligationsOf] = []


def reader_blocks(kinds: Mapping[str, str]) -> Callable[[BlocksOf], BlocksOf]:
    """Register a function that says which readers of a list are blocked, and why.

    ``kinds`` are the stable codes it may return (a SIP2 terminal maps them to patron-status
    bits) with their labels, marked ``N_``. It is called once for a whole list of readers,
    so it should read them together.
    """

    def register(blocks: BlocksOf) -> BlocksOf:
        _BLOCKS.append(_Source(blocks, dict(kinds)))
        return blocks

    return register


def reader_obligations(obligations: ObligationsOf) -> ObligationsOf:
    """Register a function that says what a reader still has to settle before returning the card."""
    _OBLIGATIONS.append(obligations)
    return obligations


def _sources() -> list[_Source]:
    domains.load()
    return sorted(_BLOCKS, key=lambda source: domains.rank(source.blocks.__module__))


def block_kinds() -> dict[str, str]:
    """Every kind of block the domains contribute, with its label (``N_``)."""
    return {kind: label for source in _sources() for kind, label in source.kinds.items()}


def blocks_of(reader_ids: Sequence[str], day: dt.date) -> dict[str, list[tuple[str, Message]]]:
    """The blocks the domains put on each reader, in the order the domains are registered."""
    found: dict[str, list[tuple[str, Message]]] = {reader: [] for reader in reader_ids}
    if not found:
        return found
    for source in _sources():
        for reader, blocks in source.blocks(list(found), day).items():
            found[reader].extend(blocks)
    return found


def obligations_of(reader_id: str, day: dt.date) -> tuple[Message, ...]:
    """What stops the reader returning the card, from every domain; empty when nothing does."""
    domains.load()
    sources = sorted(_OBLIGATIONS, key=lambda obligations: domains.rank(obligations.__module__))
    return tuple(owed for obligations in sources for owed in obligations(reader_id, day))
