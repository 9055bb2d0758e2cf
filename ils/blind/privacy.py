"""The blind room's part of the retention jobs (``ils readers deidentify``).

- Requests closed and parcels back longer ago than the loan-history period lose their link
  to the reader, like loans: their statistics need no reader.
- Follow-up calls about loans ended that long ago are deleted (they are notes about a person).
- A reader who has been anonymised keeps nothing here: the address and contact, the proxies,
  a kept certificate number are removed.
"""

from __future__ import annotations

import datetime as dt

from db.models import (
    BlindCall,
    BlindDispatch,
    BlindLoan,
    BlindProfile,
    BlindProxy,
    BlindRequest,
    BlindVerification,
    Loan,
    Reader,
)
from ils.i18n import N_
from ils.permissions import Permission
from ils.readers.settings import reader_settings
from ils.retention import retention_job
from ils.session import Session


@retention_job("deidentify_blind_room", N_("Blind room requests, parcels, calls and addresses no longer kept"))
def deidentify_blind(session: Session) -> int:
    """One sweep; running it again the same day changes nothing. Returns the rows changed."""
    session.require(Permission.RUN_PRIVACY_JOBS)
    days = reader_settings(session.library).loan_history_days
    cutoff = (session.now() - dt.timedelta(days=days)).isoformat(timespec="seconds")
    now = session.library.now_text()
    gone = Reader.select(Reader.id).where(Reader.anonymised_at.is_null(False))
    with session.write() as writer:
        requests = (
            BlindRequest.update(reader=None, deidentified_at=now)
            .where(BlindRequest.reader.is_null(False), BlindRequest.state != "open", BlindRequest.closed_at <= cutoff)
            .execute()
        )
        parcels = (
            BlindDispatch.update(reader=None, deidentified_at=now)
            .where(
                BlindDispatch.reader.is_null(False),
                BlindDispatch.back_at.is_null(False),
                BlindDispatch.back_at <= cutoff,
            )
            .execute()
        )
        old_loans = Loan.select(Loan.id).where(Loan.ended_at.is_null(False), Loan.ended_at <= cutoff)
        calls = BlindCall.delete().where(BlindCall.loan.in_(old_loans)).execute()
        proxies = BlindProxy.select(BlindProxy.id).where(BlindProxy.reader.in_(gone))
        BlindLoan.update(proxy=None).where(BlindLoan.proxy.in_(proxies)).execute()
        people = BlindProxy.delete().where(BlindProxy.reader.in_(gone)).execute()
        people += BlindProfile.delete().where(BlindProfile.reader.in_(gone)).execute()
        people += (
            BlindVerification.update(certificate_cipher=None)
            .where(BlindVerification.reader.in_(gone), BlindVerification.certificate_cipher.is_null(False))
            .execute()
        )
        if requests or parcels or calls or people:
            writer.journal(
                "blind.deidentify",
                "blind_request",
                None,
                {"before": cutoff, "requests": requests, "parcels": parcels, "calls": calls, "people": people},
            )
    return requests + parcels + calls + people
