"""What the blind room's desk shows of a reader and their loans, as lines and table rows."""

from __future__ import annotations

import datetime as dt

from ils.blind.desk import BlindReader, LoanLine
from ils.blind.lending import accessories_text
from ils.i18n import _, ngettext
from screens.circulation_view import clip, due_text
from screens.widgets.table import Row


def reader_text(reader: BlindReader) -> str:
    """Who is at the counter, whether the room may serve them, how to reach them."""
    s, e, p = reader.summary, reader.eligibility, reader.profile
    lines = [f"{s.name}  {s.card_number}  {s.reader_type_name}" + (f"  ☎ {reader.phone}" if reader.phone else "")]
    if e.eligible:
        checked = (
            _("checked {date}, {document}").format(
                date=e.verification.verified_on, document=e.verification.document_label
            )
            if e.verification
            else _("an association of blind people")
        )
        lines.append(_("Eligible: {checked}").format(checked=checked))
    else:
        lines.append(_("Not eligible yet: {missing}").format(missing=" ".join(str(m) for m in e.missing)))
    reach = p.delivery_label + (f" · {p.route}" if p.route else "")
    if p.address:
        reach += " · " + " ".join(p.address.lines()) + f" {p.address.postcode}"
    if p.contact:
        reach += " · " + _("contact {name} {phone}").format(name=p.contact.name, phone=p.contact.phone or "")
    lines.append(reach)
    extra = [
        _("Proxies: {names}").format(names="、".join(f"{x.name}（{x.relation}）" for x in reader.proxies))
        if reader.proxies
        else "",
        ngettext("{count} request waiting", "{count} requests waiting", len(reader.requests)).format(
            count=len(reader.requests)
        )
        if reader.requests
        else "",
        ngettext("{count} parcel out", "{count} parcels out", len(reader.parcels)).format(count=len(reader.parcels))
        if reader.parcels
        else "",
    ]
    if any(extra):
        lines.append(" · ".join(part for part in extra if part))
    return "\n".join(lines)


def with_it(line: LoanLine) -> str:
    """What went out with a loan: a device's accessories, a set's volumes still out, the parcel."""
    if line.kind == "device":
        return accessories_text(line.accessories)
    parts = []
    if line.kind == "set" and len(line.volumes_out) == line.volumes:
        parts.append(ngettext("{count} volume", "{count} volumes", line.volumes).format(count=line.volumes))
    elif line.kind == "set":
        parts.append(
            _("volumes out {numbers} of {count}").format(
                numbers=",".join(str(n) for n in line.volumes_out), count=line.volumes
            )
        )
    if line.proxy:
        parts.append(_("taken by {name}").format(name=line.proxy))
    if line.parcel:
        parts.append(line.parcel)
    return " · ".join(parts)


def loan_rows(loans: tuple[LoanLine, ...]) -> list[Row]:
    return [
        (
            line.loan.barcode,
            (line.loan.barcode, clip(line.loan.title, 20), due_text(line.loan), clip(with_it(line), 30)),
        )
        for line in loans
    ]


def spoken_date(day: str) -> str:
    """A due date as it is said: 2026年5月31日."""
    date = dt.date.fromisoformat(day)
    return _("{month}/{day}/{year}").format(year=date.year, month=date.month, day=date.day)
