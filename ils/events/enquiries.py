"""The enquiry tally (检索与咨询): one row per question answered, by channel and kind.

It must take under three keystrokes at a desk, so a call carries everything: the channel
and kind chosen by one key each, the place and time from the desk and the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from db.models import Enquiry
from ils.events import vocabulary as v
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes


@dataclass(frozen=True)
class EnquiryTally:
    day: str
    today: int  # enquiries at this desk's branch today, this one included
    by_channel: tuple[tuple[str, int], ...]


def _today(session: Session, branch_id: str, day: dt.date) -> EnquiryTally:
    counts = dict(
        Enquiry.select(Enquiry.channel, fn.COUNT(Enquiry.id))
        .where((Enquiry.branch == branch_id) & (Enquiry.day == day.isoformat()))
        .group_by(Enquiry.channel)
        .tuples()
    )
    return EnquiryTally(
        day.isoformat(), sum(counts.values()), tuple((c, counts[c]) for c in v.ENQUIRY_CHANNELS if c in counts)
    )


@writes
def tally_enquiry(session: Session, *, channel: str = "in_person", kind: str = "lookup") -> EnquiryTally:
    """Count one enquiry answered now at this desk's branch."""
    session.require(Permission.TALLY_ENQUIRIES)
    how = v.choice(channel, v.ENQUIRY_CHANNELS, N_("Channel"))
    what = v.choice(kind, v.ENQUIRY_KINDS, N_("Kind of enquiry"))
    now = session.now()
    branch_id = session.library.node.branch_id
    with session.write() as writer:
        row = Enquiry.create(
            branch=branch_id,
            day=now.date().isoformat(),
            at=session.library.now_text(),
            channel=how,
            kind=what,
            recorded_by=session.staff.id,
        )
        writer.journal("visits.enquiry", "visit_enquiry", row.id, {"channel": how, "kind": what})
    return _today(session, branch_id, now.date())


def enquiries_today(session: Session) -> EnquiryTally:
    session.require(Permission.TALLY_ENQUIRIES)
    return _today(session, session.library.node.branch_id, session.now().date())
