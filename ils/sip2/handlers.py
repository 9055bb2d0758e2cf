"""One function per SIP2 request: read the request's fields, call the self-service services,
answer with the matching response.

A handler runs in the server's database thread, in the terminal's language, with the
terminal's session. It never lets an ``IlsError`` out: a refusal is the response's
"not ok" with the refusal in the screen message (AF) and, where the protocol has it, the
patron-status bits of its codes. Anything else (a bug) is the server's to log; the machine
gets the same "not ok" answer (``negative``), never a dropped connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from db.models import BibRecord, Item
from ils.catalogue.items import get_item
from ils.circulation.settings import circulation_settings
from ils.circulation.transit import HOLD_SHELF, TRANSIT
from ils.errors import IlsError, message
from ils.money import parse_yuan, yuan
from ils.session import Session
from ils.sip2 import selfcheck
from ils.sip2.codec import Reply, flag, sip_date
from ils.sip2.terminals import Terminal

#: Positions of the 98 answer's BX field, in the order the standard lists the requests.
SUPPORTED_ORDER = ("23", "11", "09", "01", "99", "97", "93", "63", "35", "37", "17", "19", "25", "15", "29", "65")
#: SIP2 language codes this library speaks: 001 English, 019 Chinese.
LANGUAGE_CODES = {"001": "en", "019": "zh_CN"}
SIP_LANGUAGE = {language: code for code, language in LANGUAGE_CODES.items()}
#: Item circulation status (18): what each copy status reads as.
CIRCULATION_STATUS = {
    "available": "03",
    "on_loan": "04",
    "processing": "06",
    "on_hold_shelf": "08",
    "in_transit": "10",
    "lost": "12",
    "missing": "13",
    "damaged": "01",
    "withdrawn": "01",
}


@dataclass
class Context:
    """What a handler knows of its connection."""

    terminal: Terminal
    session: Session
    language: str

    @property
    def point(self) -> str:
        return self.terminal.point_code

    @property
    def now(self) -> dt.datetime:
        return self.session.now()


def language_of(request_code: str, terminal_language: str) -> str:
    return LANGUAGE_CODES.get(request_code, terminal_language)


def _due(due_on: str) -> str:
    return sip_date(dt.date.fromisoformat(due_on))


def supported(fines: bool) -> str:
    answered = {"23", "11", "09", "01", "99", "97", "93", "63", "35", "17", "29", "65"} | ({"37"} if fines else set())
    return "".join(flag(command in answered) for command in SUPPORTED_ORDER)


# --- answers when nothing can be done ---------------------------------------------------------


def negative(command: str, fields: Callable[[str], str], text: str, now: dt.datetime, language: str) -> Reply | None:
    """A valid "not ok" answer to ``command`` carrying ``text``; None for a command we do not know."""
    date = sip_date(now)
    lang = SIP_LANGUAGE.get(language, "000")
    ao, aa, ab = ("AO", fields("AO")), ("AA", fields("AA")), ("AB", fields("AB"))
    af = ("AF", text)
    denied = "Y" * 4 + " " * 10
    shapes: dict[str, Reply] = {
        "23": Reply("24", denied + lang + date, (ao, aa, ("AE", ""), ("BL", "N"), af)),
        "01": Reply("24", denied + lang + date, (ao, aa, ("AE", ""), ("BL", "N"), af)),
        "25": Reply("26", denied + lang + date, (ao, aa, ("AE", ""), ("BL", "N"), af)),
        "63": Reply("64", denied + lang + date + "0000" * 6, (ao, aa, ("AE", ""), ("BL", "N"), af)),
        "11": Reply("12", "0NNN" + date, (ao, aa, ab, ("AJ", ""), ("AH", ""), af)),
        "29": Reply("30", "0NNN" + date, (ao, aa, ab, ("AJ", ""), ("AH", ""), af)),
        "09": Reply("10", "0NNN" + date, (ao, ab, ("AQ", ""), af)),
        "65": Reply("66", "000000000" + date, (ao, af)),
        "35": Reply("36", "N" + date, (ao, aa, af)),
        "37": Reply("38", "N" + date, (ao, aa, af)),
        "17": Reply("18", "010001" + date, (ab, ("AJ", ""), af)),
        "19": Reply("20", "0" + date, (ab, af)),
        "15": Reply("16", "0N" + date, (ao, aa, af)),
        "99": Reply("98", "NNNNNN" + "999" + "003" + date + "2.00", (ao, ("BX", supported(False)), af)),
    }
    return shapes.get(command)


# --- the requests -----------------------------------------------------------------------------


def sc_status(ctx: Context, fields: Callable[[str], str]) -> Reply:
    fines = circulation_settings().fines
    notes = []
    if selfcheck.is_offline(ctx.session):
        limit = selfcheck.offline_policy(ctx.session).loan_limit
        notes.append(
            (
                "AF",
                message(
                    "sip2.offline_notice",
                    "Working offline: readers of other branches may borrow {limit} items here.",
                    limit=limit,
                ).render(),
            )
        )
    library = ctx.session.library
    return Reply(
        "98",
        "YYYYNN" + "999" + "003" + sip_date(ctx.now) + "2.00",
        (
            ("AO", fields("AO") or library.node.branch_code),
            ("AM", library.node.library_name),
            ("BX", supported(fines)),
            ("AN", ctx.terminal.point_code),
            *notes,
        ),
    )


def _patron_fields(ctx: Context, found: selfcheck.Patron, fields: Callable[[str], str]) -> list[tuple[str, str]]:
    out = [("AO", fields("AO")), ("AA", fields("AA")), ("AE", found.name), ("BL", flag(found.valid))]
    if found.owed_fen:
        out += [("BH", "CNY"), ("BV", yuan(found.owed_fen).lstrip("¥"))]
    if found.reason:
        out.append(("AF", found.reason))
    return out


def patron_status(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    found = selfcheck.patron(ctx.session, fields("AA"))
    lang = fixed[:3] if fixed[:3].strip() else SIP_LANGUAGE.get(ctx.language, "000")
    return Reply("24", found.status + lang + sip_date(ctx.now), _patron_fields(ctx, found, fields))


def _window(items: list[str], fields: Callable[[str], str]) -> list[str]:
    """BP/BQ: the 1-based first and last item wanted; all when absent or unreadable."""
    try:
        start = max(1, int(fields("BP") or 1))
        end = int(fields("BQ") or len(items))
    except ValueError:
        return items
    return items[start - 1 : end]


def patron_information(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    found = selfcheck.patron(ctx.session, fields("AA"), details=True)
    lang = fixed[:3] if fixed[:3].strip() else SIP_LANGUAGE.get(ctx.language, "000")
    summary = fixed[21:31].ljust(10)
    fines = [charge for charge in found.charges if charge.owed_fen > 0]
    counts = (len(found.holds), len(found.overdue), len(found.loans), len(fines), 0, 0)
    out = _patron_fields(ctx, found, fields)
    lists = (
        ("AS", [hold.barcode or hold.title for hold in found.holds]),
        ("AT", [loan.barcode for loan in found.overdue]),
        ("AU", [loan.barcode for loan in found.loans]),
        ("AV", [f"{yuan(charge.owed_fen)} {charge.title or charge.kind_label}" for charge in fines]),
    )
    for position, (code, items) in enumerate(lists):
        if summary[position] not in (" ", "N"):
            out += [(code, item) for item in _window(items, fields)]
    if circulation_settings().fines:
        out.append(("CC", yuan(circulation_settings().fine_block_fen).lstrip("¥")))
    fixed_out = found.status + lang + sip_date(ctx.now) + "".join(f"{min(n, 9999):04d}" for n in counts)
    return Reply("64", fixed_out, out)


def checkout(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    card, barcode = fields("AA"), fields("AB")
    renew_policy = fixed[:1] == "Y"
    base = [("AO", fields("AO")), ("AA", card), ("AB", barcode)]
    try:
        result = selfcheck.lend(ctx.session, card, barcode, ctx.point)
    except IlsError as error:
        if renew_policy and "circ.copy_already_yours" in selfcheck.refusal_codes(error):
            return _renewed("12", ctx, fields, card, barcode)
        return Reply(
            "12",
            "0NNN" + sip_date(ctx.now),
            (*base, ("AJ", _title_of(barcode)), ("AH", ""), ("AF", error.render())),
        )
    loan = result.loan
    return Reply(
        "12",
        "1NNY" + sip_date(ctx.now),
        (
            *base,
            ("AJ", loan.title),
            ("AH", _due(loan.due_on)),
            ("AF", message("sip2.lent", "Borrowed: {title}, due {due}.", title=loan.title, due=loan.due_on).render()),
            ("AG", f"{loan.title} {loan.due_on}"),
        ),
    )


def _title_of(barcode: str) -> str:
    try:
        item = get_item(barcode)
    except IlsError:
        return ""
    row = BibRecord.select(BibRecord.title).where(BibRecord.id == item.bib_id).first()
    return row.title if row else ""


def _home_of(barcode: str) -> str:
    """The branch a copy belongs to (its permanent location), by code."""
    try:
        return get_item(barcode).branch.code
    except IlsError:
        return ""


def _renewed(command: str, ctx: Context, fields: Callable[[str], str], card: str, barcode: str) -> Reply:
    base = [("AO", fields("AO")), ("AA", card), ("AB", barcode)]
    try:
        loan = selfcheck.renew_for(ctx.session, card, barcode, ctx.point)
    except IlsError as error:
        return Reply(
            command, "0NNN" + sip_date(ctx.now), (*base, ("AJ", _title_of(barcode)), ("AH", ""), ("AF", error.render()))
        )
    return Reply(
        command,
        "1YNY" + sip_date(ctx.now),
        (
            *base,
            ("AJ", loan.title),
            ("AH", _due(loan.due_on)),
            (
                "AF",
                message("sip2.renewed", "Renewed: {title}, now due {due}.", title=loan.title, due=loan.due_on).render(),
            ),
        ),
    )


def renew(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    return _renewed("30", ctx, fields, fields("AA"), fields("AB"))


def renew_all(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    try:
        done = selfcheck.renew_all(ctx.session, fields("AA"), ctx.point)
    except IlsError as error:
        return Reply("66", "000000000" + sip_date(ctx.now), (("AO", fields("AO")), ("AF", error.render())))
    counts = f"{min(len(done.renewed), 9999):04d}{min(len(done.refused), 9999):04d}"
    out = [("AO", fields("AO"))]
    out += [("BM", loan.barcode) for loan in done.renewed]
    out += [("BN", barcode) for barcode, _error in done.refused]
    out.append(
        (
            "AF",
            message(
                "sip2.renewed_count",
                "Renewed {done}, not renewed {left}.",
                done=len(done.renewed),
                left=len(done.refused),
            ).render(),
        )
    )
    return Reply("66", "1" + counts + sip_date(ctx.now), out)


def checkin(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    barcode = fields("AB")
    try:
        result = selfcheck.give_back(ctx.session, barcode, ctx.point)
    except IlsError as error:
        return Reply(
            "10",
            "0NNN" + sip_date(ctx.now),
            (("AO", fields("AO")), ("AB", barcode), ("AQ", ""), ("AJ", _title_of(barcode)), ("AF", error.render())),
        )
    disposition = result.disposition
    alert = disposition.action in (HOLD_SHELF, TRANSIT)
    out = [
        ("AO", fields("AO")),
        ("AB", result.barcode),
        ("AQ", _home_of(result.barcode)),
        ("AJ", result.title),
        ("CL", disposition.action),
        ("AF", " ".join([disposition.message, *result.notes]).strip()),
    ]
    return Reply("10", "1YN" + flag(alert) + sip_date(ctx.now), out)


_ITEM_SQL = (
    "SELECT i.barcode, i.status, b.title, br.code, l.due_on,"
    " (SELECT COUNT(*) FROM hold h WHERE h.bib_id = i.bib_id AND h.state = 'waiting')"
    " FROM item i JOIN bib_record b ON b.id = i.bib_id JOIN branch br ON br.id = i.branch_id"
    " LEFT JOIN loan l ON l.item_id = i.id AND l.ended_at IS NULL WHERE i.id = ?"
)


def item_information(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    """17/18: machines ask it often (before a checkout, at the book drop), so one statement."""
    barcode = fields("AB")
    try:
        item = get_item(barcode)
    except IlsError as error:
        return Reply("18", "010001" + sip_date(ctx.now), (("AB", barcode), ("AJ", ""), ("AF", error.render())))
    found, status, title, home, due_on, waiting = Item._meta.database.execute_sql(_ITEM_SQL, (item.id,)).fetchone()
    out = [("CF", str(waiting))]
    if due_on:
        out.append(("AH", _due(due_on)))
    out += [("AB", found), ("AJ", title or ""), ("AQ", home), ("AP", ctx.terminal.point_code)]
    return Reply("18", CIRCULATION_STATUS.get(status, "01") + "02" + "01" + sip_date(ctx.now), out)


def end_session(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    return Reply(
        "36",
        "Y" + sip_date(ctx.now),
        (("AO", fields("AO")), ("AA", fields("AA")), ("AF", message("sip2.goodbye", "Thank you. Goodbye.").render())),
    )


def fee_paid(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    card = fields("AA")
    base = [("AO", fields("AO")), ("AA", card)]
    try:
        amount = parse_yuan(fields("BV"))
        selfcheck.pay_fines(ctx.session, card, amount, ctx.point)
    except IlsError as error:
        selfcheck.journal_refusal(ctx.session, "fee_paid", error, card=card)
        return Reply("38", "N" + sip_date(ctx.now), (*base, ("AF", error.render())))
    return Reply(
        "38",
        "Y" + sip_date(ctx.now),
        (
            *base,
            ("BK", fields("BK")),
            ("AF", message("sip2.paid", "Paid {amount}. Thank you.", amount=yuan(amount)).render()),
        ),
    )


def block_patron(ctx: Context, fields: Callable[[str], str], fixed: str) -> Reply:
    card = fields("AA")
    try:
        selfcheck.block_card(ctx.session, card, fields("AL"))
    except IlsError as error:
        selfcheck.journal_refusal(ctx.session, "block", error, card=card)
    found = selfcheck.patron(ctx.session, card)
    return Reply(
        "24",
        found.status + SIP_LANGUAGE.get(ctx.language, "000") + sip_date(ctx.now),
        _patron_fields(ctx, found, fields),
    )


HANDLERS: dict[str, Callable[[Context, Callable[[str], str], str], Reply]] = {
    "23": patron_status,
    "63": patron_information,
    "11": checkout,
    "09": checkin,
    "29": renew,
    "65": renew_all,
    "17": item_information,
    "35": end_session,
    "37": fee_paid,
    "01": block_patron,
}
