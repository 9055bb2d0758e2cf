"""``ils blind ...``: the blind reading room, one command per service, each with ``--json``.

Every command needs the blind room's permission, so addresses, phones and who is visually
impaired are printed only for its staff (and administrators).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import click

from ils.blind import (
    daisy_import,
    desk,
    dispatch,
    eligibility,
    inventory,
    lending,
    printouts,
    profiles,
    proxies,
    repairs,
    requests,
    stats,
    stock,
    visits,
)
from ils.blind.settings import LABEL_SIZES, change_blind_settings
from ils.catalogue.record_numbers import find_record_id, record_labels
from ils.circulation.loans import LoanRefused
from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.errors import Invalid
from ils.i18n import N_, _, ngettext

point_option = click.option("--point", help=N_("Service point where this happens (default: the blind room's)."))
date_type = click.DateTime(formats=["%Y-%m-%d"])


@cli.group(help=N_("The blind reading room: eligibility, devices, sets, requests, post and delivery, statistics."))
def blind() -> None:
    """Group only: each blind-room action is a subcommand."""


def _codes(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]


def _numbers(text: str | None) -> list[int] | None:
    parts = _codes(text)
    if parts is None:
        return None
    try:
        return [int(part) for part in parts]
    except ValueError:
        raise click.BadParameter(_("Volumes are numbers separated by commas, e.g. 1,2,5.")) from None


def _refusals(call):
    """Run ``call``; a refused loan prints each reason on its own line and exits 1."""
    try:
        return call()
    except LoanRefused as refused:
        for reason in refused.reasons:
            click.echo(reason, err=True)
        raise click.exceptions.Exit(1) from None


# --- readers -------------------------------------------------------------------------------


def _reader_text(found: desk.BlindReader) -> str:
    s, e, p = found.summary, found.eligibility, found.profile
    rows = [
        (_("Card number"), s.card_number),
        (_("Full name"), s.name),
        (_("Reader type"), s.reader_type_name),
        (_("Eligible"), _("yes") if e.eligible else _("no: {why}").format(why=" ".join(str(m) for m in e.missing))),
        (_("Phone"), found.phone or ""),
        (_("Items reach them"), p.delivery_label),
        (_("Route"), p.route or ""),
    ]
    if e.verification:
        rows.append(
            (_("Checked"), f"{e.verification.verified_on} {e.verification.document_label} {e.verification.verified_by}")
        )
    if p.address:
        rows.append((_("Address"), " ".join(p.address.lines()) + f" {p.address.postcode}"))
    if p.contact:
        rows.append((_("Contact"), f"{p.contact.name} {p.contact.phone or ''}".strip()))
    rows += [(_("Proxy"), f"{x.name} ({x.relation}) {x.id}") for x in found.proxies]
    lines = [table(rows, (_("Field"), _("Value")))]
    if found.loans:
        lines.append(
            table(
                [(line.loan.barcode, line.loan.title, line.loan.due_on, _loan_detail(line)) for line in found.loans],
                (_("Barcode"), _("Title"), _("Due"), _("Detail")),
            )
        )
    lines += [
        _("Request {id}: {wanted} ({how})").format(id=r.id, wanted=r.wanted, how=r.how_label) for r in found.requests
    ]
    return "\n".join(lines)


def _loan_detail(line: desk.LoanLine) -> str:
    if line.kind == "device":
        return lending.accessories_text(line.accessories)
    if line.kind == "set":
        return _("volumes out: {numbers}").format(numbers=", ".join(str(n) for n in line.volumes_out))
    return line.parcel or ""


@blind.command("reader", help=N_("A reader as the blind room sees them: eligibility, address, loans, requests."))
@click.argument("card")
@json_option
def reader_(card, as_json) -> None:
    found = desk.open_reader(state().session(), card)
    emit(as_json, found, lambda: _reader_text(found))


def _eligibility_text(found: eligibility.Eligibility) -> str:
    if found.eligible:
        return _("Eligible for the blind room's services.")
    return "\n".join(str(m) for m in found.missing)


@blind.command(help=N_("Record that a document proving visual impairment was seen."))
@click.argument("card")
@click.option(
    "--document",
    type=click.Choice(sorted(eligibility.DOCUMENTS)),
    default="disability_certificate",
    show_default=True,
    help=N_("The document seen."),
)
@click.option("--date", "day", type=date_type, help=N_("When it was seen (default: today)."))
@click.option("--certificate", help=N_("The certificate number, only if the library keeps them."))
@json_option
def verify(card, document, day, certificate, as_json) -> None:
    found = eligibility.verify(
        state().session(),
        card,
        document=document,
        verified_on=day.date() if day else None,
        certificate_number=certificate,
    )
    emit(as_json, found, lambda: _eligibility_text(found))


@blind.command("withdraw-check", help=N_("Withdraw a reader's eligibility check."))
@click.argument("card")
@json_option
def withdraw_check(card, as_json) -> None:
    found = eligibility.withdraw_verification(state().session(), card)
    emit(as_json, found, lambda: _eligibility_text(found))


@blind.command(help=N_("Change how the room reaches a reader: address, delivery, route, a group's contact."))
@click.argument("card")
@click.option("--address", help=N_("The postal address (\"\" clears it); lines separated by '/'."))
@click.option("--postcode", help=N_("The 6-digit postcode."))
@click.option("--delivery", type=click.Choice(sorted(profiles.DELIVERY)), help=N_("How items reach the reader."))
@click.option("--route", help=N_("The home-delivery route."))
@click.option(
    "--association/--not-association", default=None, help=N_("A group that is an association of blind people.")
)
@click.option("--contact-name", help=N_("A group's contact person."))
@click.option("--contact-phone", help=N_("The contact person's mobile phone."))
@json_option
def profile(card, address, postcode, delivery, route, association, contact_name, contact_phone, as_json) -> None:
    found = profiles.set_profile(
        state().session(),
        card,
        address=address.replace("/", "\n") if address else address,
        postcode=postcode,
        delivery=delivery,
        route=route,
        association=association,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    emit(
        as_json,
        found,
        lambda: _("Saved: {how}{route}.").format(
            how=found.delivery_label, route=f", {found.route}" if found.route else ""
        ),
    )


@blind.command(
    "proxy-add", help=N_("Record a family member or carer who may borrow for the reader, with their consent.")
)
@click.argument("card")
@click.option("--name", required=True, help=N_("The proxy's name."))
@click.option("--relation", required=True, help=N_("How the proxy is related to the reader."))
@click.option("--phone", help=N_("The proxy's mobile phone."))
@json_option
def proxy_add(card, name, relation, phone, as_json) -> None:
    found = proxies.add_proxy(state().session(), card, name=name, relation=relation, phone=phone)
    emit(
        as_json,
        found,
        lambda: _("Proxy {name} ({relation}): {id}").format(name=found.name, relation=found.relation, id=found.id),
    )


@blind.command("proxy-end", help=N_("The reader no longer wants this proxy to borrow for them."))
@click.argument("card")
@click.argument("proxy")
@json_option
def proxy_end(card, proxy, as_json) -> None:
    found = proxies.end_proxy(state().session(), card, proxy)
    emit(as_json, found, lambda: _("Proxy {name} ended.").format(name=found.name))


# --- devices and sets ------------------------------------------------------------------------


def _device_text(d: stock.DeviceInfo) -> str:
    return table(
        [
            (
                d.serial,
                d.barcode,
                d.model,
                d.batch,
                d.received_on,
                d.state_label,
                lending.accessories_text(d.accessories),
            )
        ],
        (_("Serial"), _("Barcode"), _("Model"), _("Batch"), _("Received"), _("State"), _("Kit")),
    )


@blind.command("device-add", help=N_("Register a listening device from a programme batch."))
@click.option("--serial", required=True, help=N_("The device's serial number."))
@click.option("--model", required=True, help=N_("The device's model."))
@click.option("--batch", required=True, help=N_("The programme batch it came in."))
@click.option("--received", type=date_type, help=N_("When it came (default: today)."))
@click.option(
    "--accessories", help=N_("Its kit, comma-separated (default: all of charger, earphones, cable, manual, bag).")
)
@click.option("--barcode", help=N_("A barcode label's number (default: the serial number)."))
@click.option("--price", help=N_("Its price."))
@json_option
def device_add(serial, model, batch, received, accessories, barcode, price, as_json) -> None:
    kit = _codes(accessories)
    found = stock.add_device(
        state().session(),
        serial=serial,
        model=model,
        batch=batch,
        received_on=received.date() if received else None,
        accessories=tuple(stock.ACCESSORIES) if kit is None else kit,
        barcode=barcode,
        price=price,
    )
    emit(as_json, found, lambda: _device_text(found))


@blind.command(help=N_("A device by its serial number or barcode."))
@click.argument("code")
@json_option
def device(code, as_json) -> None:
    found = stock.get_device(state().session(), code)
    emit(as_json, found, lambda: _device_text(found))


@blind.command(help=N_("Set what a device's kit holds now (comma-separated accessories)."))
@click.argument("code")
@click.argument("accessories")
@json_option
def kit(code, accessories, as_json) -> None:
    found = stock.set_accessories(state().session(), code, _codes(accessories) or [])
    emit(as_json, found, lambda: _device_text(found))


@blind.command("set-add", help=N_("Add a set lent as one copy (braille volumes, DAISY discs) to a record."))
@click.argument("record")
@click.option("--barcode", required=True, help=N_("The set's barcode."))
@click.option("--volumes", type=int, required=True, help=N_("How many volumes."))
@click.option(
    "--type",
    "item_type",
    type=click.Choice(stock.SET_TYPES),
    default="braille",
    show_default=True,
    help=N_("What kind of set."),
)
@json_option
def set_add(record, barcode, volumes, item_type, as_json) -> None:
    session = state().session()
    found = stock.add_set(session, find_record_id(record), barcode=barcode, volumes=volumes, item_type=item_type)
    emit(as_json, found, lambda: _set_text(found))


def _set_text(found: stock.SetInfo) -> str:
    return "\n".join([f"{found.title} {found.barcode}", *(f"  {v.number} {v.label} {v.state}" for v in found.volumes)])


@blind.command("set", help=N_("A set and its volumes."))
@click.argument("code")
@json_option
def set_(code, as_json) -> None:
    found = stock.get_set(state().session(), code)
    emit(as_json, found, lambda: _set_text(found))


# --- lending -------------------------------------------------------------------------------


@blind.command(help=N_("Lend a device, a set or a copy to a reader (or to their proxy)."))
@click.argument("card")
@click.argument("code")
@click.option("--accessories", help=N_("What goes out with a device, comma-separated (default: its whole kit)."))
@click.option("--proxy", help=N_("The proxy who takes it (their id)."))
@click.option("--override", metavar="REASON", help=N_("Go ahead despite the rules, for this recorded reason."))
@point_option
@json_option
def lend(card, code, accessories, proxy, override, point, as_json) -> None:
    lent = _refusals(
        lambda: lending.lend(
            state().session(),
            card,
            code,
            accessories=_codes(accessories),
            proxy_id=proxy,
            point=point,
            override=override,
        )
    )
    emit(
        as_json,
        lent,
        lambda: _("{title} ({barcode}) lent, due {due}.").format(
            title=lent.loan.title, barcode=lent.loan.barcode, due=lent.loan.due_on
        ),
    )


def _back_text(back: lending.GivenBack) -> str:
    lines = [_("Returned: {title} ({barcode}).").format(title=back.title, barcode=back.barcode)]
    if back.missing_accessories:
        lines.append(_("Missing: {names}").format(names=lending.accessories_text(back.missing_accessories)))
    if back.volumes_out:
        lines.append(
            _("Still out: volumes {numbers}; the loan stays open.").format(
                numbers=", ".join(str(n) for n in back.volumes_out)
            )
        )
    if back.returned is not None:
        lines.append(back.returned.disposition.message)
    return "\n".join(lines)


@blind.command("return", help=N_("Take back a device (accessories, condition), a set (volumes) or a copy."))
@click.argument("code")
@click.option("--accessories", help=N_("The accessories that came back, comma-separated (default: all that went out)."))
@click.option("--condition", type=click.Choice(sorted(lending.CONDITIONS)), help=N_("The device's condition."))
@click.option("--note", help=N_("A note on the condition."))
@click.option("--volumes", help=N_("The volumes that came back, comma-separated (default: all still out)."))
@point_option
@json_option
def return_(code, accessories, condition, note, volumes, point, as_json) -> None:
    back = lending.give_back(
        state().session(),
        code,
        accessories=_codes(accessories),
        condition=condition,
        note=note,
        volumes=_numbers(volumes),
        point=point,
    )
    emit(as_json, back, lambda: _back_text(back))


@blind.command(help=N_("Renew a device or set loan by the loan rules."))
@click.argument("code")
@json_option
def renew(code, as_json) -> None:
    loan = _refusals(lambda: lending.renew(state().session(), code))
    emit(
        as_json,
        loan,
        lambda: _("{title} ({barcode}) renewed: due {due}.").format(
            title=loan.title, barcode=loan.barcode, due=loan.due_on
        ),
    )


@blind.command("write-off", help=N_("Write off a set's volume lost for good."))
@click.argument("code")
@click.argument("number", type=int)
@click.option("--note", help=N_("What happened to it."))
@json_option
def write_off(code, number, note, as_json) -> None:
    back = lending.write_off_volume(state().session(), code, number, note=note)
    emit(as_json, back, lambda: _back_text(back) if back else _("Volume {number} written off.").format(number=number))


@blind.command(help=N_("Send a device to the repairer."))
@click.argument("code")
@click.option("--repairer", required=True, help=N_("Who repairs it."))
@click.option("--fault", help=N_("What is wrong."))
@json_option
def repair(code, repairer, fault, as_json) -> None:
    found = repairs.send_to_repair(state().session(), code, repairer=repairer, fault=fault)
    emit(as_json, found, lambda: _device_text(found))


@blind.command(help=N_("A device back from the repairer."))
@click.argument("code")
@click.option("--unrepairable", is_flag=True, help=N_("It could not be repaired: retire it."))
@click.option("--note", help=N_("What was done."))
@json_option
def repaired(code, unrepairable, note, as_json) -> None:
    found = repairs.back_from_repair(
        state().session(), code, outcome="unrepairable" if unrepairable else "repaired", note=note
    )
    emit(as_json, found, lambda: _device_text(found))


@blind.command(help=N_("Take a device out of service."))
@click.argument("code")
@click.option("--note", help=N_("Why."))
@json_option
def retire(code, note, as_json) -> None:
    found = repairs.retire_device(state().session(), code, note=note)
    emit(as_json, found, lambda: _device_text(found))


# --- the programme's views -------------------------------------------------------------------


@blind.command("inventory", help=N_("Devices by state, batch and age."))
@json_option
def inventory_(as_json) -> None:
    found = inventory.inventory(state().session())

    def text() -> str:
        lines = [
            ngettext("{count} device", "{count} devices", found.total).format(count=found.total),
            table([(c.label, str(c.count)) for c in found.by_state], (_("State"), _("Devices"))),
        ]
        lines += [
            f"{batch}: " + "、".join(f"{c.label} {c.count}" for c in counts if c.count)
            for batch, counts in found.by_batch
        ]
        lines.append("、".join(f"{c.label} {c.count}" for c in found.by_age))
        if found.not_checked:
            lines.append(_("Back without the accessory check: {serials}").format(serials=", ".join(found.not_checked)))
        return "\n".join(lines)

    emit(as_json, found, text)


@blind.command(help=N_("循环出借: devices out longest, readers waiting longest, devices idle longest."))
@json_option
def rotation(as_json) -> None:
    found = inventory.rotation(state().session())
    emit(
        as_json,
        found,
        lambda: "\n\n".join(
            [
                table(
                    [(d.serial, d.model, d.reader_name or "", str(d.days_out), d.due_on) for d in found.out_longest],
                    (_("Serial"), _("Model"), _("Reader"), _("Days out"), _("Due")),
                ),
                table(
                    [
                        (w.reader_name or "", w.card_number or "", w.model, str(w.days_waiting))
                        for w in found.waiting_longest
                    ],
                    (_("Reader"), _("Card number"), _("Model"), _("Days waiting")),
                ),
                table(
                    [(i.serial, i.model, str(i.days_idle)) for i in found.idle_longest],
                    (_("Serial"), _("Model"), _("Days idle")),
                ),
            ]
        ),
    )


@blind.command(help=N_("Put an eligible reader on the waiting list for a device."))
@click.argument("card")
@click.option("--model", help=N_("The model wanted (default: the one the room has most of)."))
@json_option
def wait(card, model, as_json) -> None:
    hold = inventory.wait_for_device(state().session(), card, model=model)
    emit(
        as_json,
        hold,
        lambda: _("{name} waits for {title}, number {position} in the queue.").format(
            name=hold.reader_name, title=hold.title, position=hold.position or 1
        ),
    )


@blind.command(help=N_("The call list: readers whose device is long overdue, with their phone."))
@click.option(
    "--days", type=click.IntRange(0, 3650), help=N_("Overdue by at least this many days (default: the setting).")
)
@json_option
def calls(days, as_json) -> None:
    rows = inventory.call_list(state().session(), days=days)
    emit(
        as_json,
        rows,
        lambda: (
            table(
                [
                    (
                        r.reader_name or "",
                        r.card_number or "",
                        r.phone or "",
                        r.serial,
                        str(r.days_overdue),
                        inventory.call_outcome_label(r.last_outcome),
                    )
                    for r in rows
                ],
                (_("Reader"), _("Card number"), _("Phone"), _("Serial"), _("Days overdue"), _("Last call")),
            )
            if rows
            else _("Nobody to call.")
        ),
    )


@blind.command(help=N_("Record a follow-up call about a late device."))
@click.argument("loan")
@click.argument("outcome", type=click.Choice(sorted(inventory.CALL_OUTCOMES)))
@click.option("--note", help=N_("What was said."))
@json_option
def call(loan, outcome, note, as_json) -> None:
    made = inventory.record_call(state().session(), loan, outcome, note=note)
    emit(as_json, made, lambda: _("Call recorded: {outcome}.").format(outcome=made.outcome_label))


# --- requests, post and delivery --------------------------------------------------------------


def _request_rows(rows: list[requests.RequestInfo]) -> str:
    if not rows:
        return _("No requests.")
    return table(
        [
            (
                r.id,
                r.received_at[:16],
                r.reader_name or "",
                r.channel_label,
                r.how_label,
                r.wanted or _("the next volumes"),
                r.state_label,
            )
            for r in rows
        ],
        (_("Request"), _("Received"), _("Reader"), _("By"), _("How"), _("Wanted"), _("State")),
    )


@blind.command(help=N_("Put a reader's request in the queue."))
@click.argument("card")
@click.option("--channel", type=click.Choice(sorted(requests.CHANNELS)), required=True, help=N_("How it came."))
@click.option("--wanted", default="", help=N_("The titles asked for."))
@click.option("--next-volumes", is_flag=True, help=N_("The reader wants the next volumes of what they read."))
@click.option(
    "--how",
    type=click.Choice(sorted(profiles.DELIVERY)),
    default="post",
    show_default=True,
    help=N_("How the items should reach the reader."),
)
@click.option("--note", help=N_("A note."))
@json_option
def request(card, channel, wanted, next_volumes, how, note, as_json) -> None:
    made = requests.take_request(
        state().session(), card, channel=channel, wanted=wanted, how=how, next_volumes=next_volumes, note=note
    )
    emit(as_json, made, lambda: _request_rows([made]))


@blind.command(help=N_("The requests queue, oldest first."))
@click.option(
    "--state",
    "which",
    type=click.Choice(sorted(requests.STATES)),
    default="open",
    show_default=True,
    help=N_("Which requests."),
)
@json_option
def queue(which, as_json) -> None:
    rows = requests.request_queue(state().session(), state=which)
    emit(as_json, rows, lambda: _request_rows(rows))


@blind.command("cancel-request", help=N_("Cancel a request."))
@click.argument("request_id")
@json_option
def cancel_request(request_id, as_json) -> None:
    made = requests.cancel_request(state().session(), request_id)
    emit(as_json, made, lambda: _request_rows([made]))


@blind.command("handed-over", help=N_("A request the reader collected at the room."))
@click.argument("request_id")
@json_option
def handed_over(request_id, as_json) -> None:
    made = requests.hand_over(state().session(), request_id)
    emit(as_json, made, lambda: _request_rows([made]))


def _dispatch_text(found: dispatch.DispatchInfo) -> str:
    lines = [
        ngettext(
            "{method} {reference} to {name}: {count} item.",
            "{method} {reference} to {name}: {count} items.",
            len(found.items),
        ).format(
            method=found.method_label,
            reference=printouts.parcel_reference(found.id),
            name=found.reader_name or "",
            count=len(found.items),
        )
    ]
    lines += [f"  {i.barcode} {i.title} {('✓ ' + i.back_at[:10]) if i.back_at else ''}".rstrip() for i in found.items]
    if found.registered_number:
        lines.append(_("Registered mail {number}").format(number=found.registered_number))
    return "\n".join(lines)


@blind.command("dispatch", help=N_("Lend items to a reader and send them by post or home delivery."))
@click.argument("barcodes", nargs=-1, required=True)
@click.option("--request", "request_id", help=N_("The request it answers."))
@click.option("--card", help=N_("The reader, when there is no request."))
@click.option(
    "--method", type=click.Choice(sorted(dispatch.METHODS)), help=N_("Post or home delivery (default: as asked).")
)
@click.option("--deliver-on", type=date_type, help=N_("The day of a home delivery (default: today)."))
@click.option("--route", help=N_("The delivery route (default: the reader's)."))
@click.option("--registered", help=N_("The registered-mail number."))
@point_option
@json_option
def dispatch_(barcodes, request_id, card, method, deliver_on, route, registered, point, as_json) -> None:
    found = _refusals(
        lambda: dispatch.dispatch(
            state().session(),
            barcodes=barcodes,
            request_id=request_id,
            card_number=card,
            method=method,
            deliver_on=deliver_on.date() if deliver_on else None,
            route=route,
            registered_number=registered,
            point=point,
        )
    )
    emit(as_json, found, lambda: _dispatch_text(found))


@blind.command(help=N_("Record a parcel's registered-mail number."))
@click.argument("dispatch_id")
@click.argument("number")
@json_option
def registered(dispatch_id, number, as_json) -> None:
    found = dispatch.set_registered_number(state().session(), dispatch_id, number)
    emit(as_json, found, lambda: _dispatch_text(found))


@blind.command(help=N_("A home delivery made, and who made it."))
@click.argument("dispatch_id")
@click.option("--by", "who", required=True, help=N_("Who delivered it."))
@json_option
def delivered(dispatch_id, who, as_json) -> None:
    found = dispatch.mark_delivered(state().session(), dispatch_id, delivered_by=who)
    emit(as_json, found, lambda: _dispatch_text(found))


@blind.command("parcel-back", help=N_("Check a returned parcel: each BARCODE found in it, a set's as BARCODE:1,2,3."))
@click.argument("dispatch_id")
@click.argument("contents", nargs=-1, required=True)
@point_option
@json_option
def parcel_back(dispatch_id, contents, point, as_json) -> None:
    ticked: dict[str, list[int] | None] = {}
    for entry in contents:
        code, _sep, volumes = entry.partition(":")
        ticked[code] = _numbers(volumes) if volumes else None
    found = dispatch.receive_parcel(state().session(), dispatch_id, ticked, point=point)
    emit(
        as_json,
        found,
        lambda: "\n".join(
            [
                _dispatch_text(found.dispatch),
                *([_("Still out: {barcodes}").format(barcodes=", ".join(found.still_out))] if found.still_out else []),
            ]
        ),
    )


@blind.command(help=N_("Parcels and deliveries not back yet, oldest first."))
@click.option("--method", type=click.Choice(sorted(dispatch.METHODS)), help=N_("Only these."))
@json_option
def parcels(method, as_json) -> None:
    rows = dispatch.parcels_out(state().session(), method=method)
    emit(as_json, rows, lambda: "\n".join(_dispatch_text(r) for r in rows) or _("No parcels out."))


@blind.command(help=N_("The home deliveries of a day, route by route."))
@click.option("--day", type=date_type, help=N_("The day (default: today)."))
@click.option("--route", help=N_("One route only."))
@json_option
def deliveries(day, route, as_json) -> None:
    session = state().session()
    rounds = dispatch.delivery_rounds(session, day.date() if day else session.now().date(), route=route)

    def text() -> str:
        lines = []
        for round_ in rounds:
            lines.append(f"{round_.day} {round_.route}")
            for stop in round_.stops:
                address = " ".join(stop.address.lines()) if stop.address else ""
                done = f"✓ {stop.delivered_by}" if stop.delivered_at else ""
                lines.append(
                    f"  {stop.reader_name or ''} {stop.phone or ''} {address}  {'、'.join(stop.titles)} {done}"
                )
        return "\n".join(lines) or _("No deliveries that day.")

    emit(as_json, rounds, text)


def _print(path: Path, out: Path | None, as_json: bool) -> None:
    if out is not None:
        shutil.copyfile(path, out)
        path = out
    emit(as_json, {"path": str(path)}, lambda: str(path))


@blind.command(help=N_("Print a parcel's address label marked 盲人读物."))
@click.argument("dispatch_id")
@click.option("--size", type=click.Choice(LABEL_SIZES), help=N_("A6 or 100×150 mm (default: the setting)."))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=N_("Also write the PDF here."))
@json_option
def label(dispatch_id, size, out, as_json) -> None:
    _print(printouts.parcel_label(state().session(), dispatch_id, size=size), out, as_json)


@blind.command("return-card", help=N_("Print a parcel's reversible return card."))
@click.argument("dispatch_id")
@click.option("--size", type=click.Choice(LABEL_SIZES), help=N_("A6 or 100×150 mm (default: the setting)."))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help=N_("Also write the PDF here."))
@json_option
def return_card(dispatch_id, size, out, as_json) -> None:
    _print(printouts.return_card(state().session(), dispatch_id, size=size), out, as_json)


# --- stock from DAISY, visits, statistics, settings -------------------------------------------


@blind.command(help=N_("Catalogue a DAISY book (2.02 or 3) from its folder or zip; add a copy with --barcode."))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--barcode", help=N_("The copy's barcode."))
@click.option("--discs", type=click.IntRange(1, 60), help=N_("How many discs (default: as the book says)."))
@json_option
def daisy(path, barcode, discs, as_json) -> None:
    found = daisy_import.import_daisy(state().session(), path, barcode=barcode, discs=discs)
    emit(
        as_json,
        found,
        lambda: (_("Matched {title}: {bib}") if found.matched else _("Catalogued {title}: {bib}")).format(
            title=found.book.title, bib=record_labels([found.bib_id])[found.bib_id]
        ),
    )


@blind.command("visits", help=N_("Record visits to the room (default: one, today)."))
@click.argument("count", type=int, default=1)
@click.option("--day", type=date_type, help=N_("The day (default: today)."))
@json_option
def visits_(count, day, as_json) -> None:
    total = visits.record_visits(state().session(), count, day=day.date() if day else None)
    emit(
        as_json,
        {"visits": total},
        lambda: ngettext("{count} visit that day.", "{count} visits that day.", total).format(count=total),
    )


@blind.command("stats", help=N_("The room's figures for a year or a period."))
@click.option("--year", type=int, help=N_("A calendar year."))
@click.option("--from", "start", type=date_type, help=N_("First day."))
@click.option("--to", "end", type=date_type, help=N_("Last day."))
@json_option
def stats_(year, start, end, as_json) -> None:
    session = state().session()
    if year:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    elif start and end:
        first, last = start.date(), end.date()
    else:
        raise Invalid("blind.period_needed", "Give --year, or --from and --to.")
    found = stats.blind_figures(session, first, last)
    names = {
        "device": _("Listening devices"),
        "audio": _("Audio"),
        "braille": _("Braille"),
        "large_print": _("Large print"),
    }

    def text() -> str:
        rows = [
            (_("Visually impaired readers"), str(found.registered_readers)),
            (_("Of them checked"), str(found.verified_readers)),
            (_("New this period"), str(found.new_readers)),
            (_("Visits to the room"), str(found.visits)),
        ]
        rows += [
            (_("Loans: {medium}").format(medium=names[m.medium]), f"{m.loans} (+{m.renewals})") for m in found.loans
        ]
        rows += [
            (_("Devices out"), str(found.devices_out)),
            (_("Devices in stock"), str(found.devices_in_stock)),
            (_("Devices in repair"), str(found.devices_in_repair)),
            (_("Parcels posted"), str(found.postal_dispatches)),
            (_("Home deliveries"), str(found.home_deliveries)),
            (_("Items sent"), str(found.items_sent)),
            (_("Requests"), str(found.requests)),
            (_("Events for blind readers"), _("counted by the events desk")),
        ]
        return f"{found.start} – {found.end}\n" + table(rows, (_("Figure"), _("Value")))

    emit(as_json, found, text)


@blind.command("settings", help=N_("Change the blind room's settings."))
@click.option("--call-after-days", type=int, help=N_("A device this many days overdue goes on the call list."))
@click.option("--return-address", help=N_("The library's return address on parcels; lines separated by '/'."))
@click.option("--return-postcode", help=N_("Its postcode."))
@click.option("--label-size", type=click.Choice(LABEL_SIZES), help=N_("The label stock."))
@click.option("--speech/--no-speech", default=None, help=N_("This desk speaks each outcome (espeak-ng)."))
@click.option(
    "--keep-certificates/--no-certificates",
    default=None,
    help=N_("Keep certificate numbers, sealed (needs the right to configure reader data)."),
)
@json_option
def settings_(call_after_days, return_address, return_postcode, label_size, speech, keep_certificates, as_json) -> None:
    found = change_blind_settings(
        state().session(),
        call_after_days=call_after_days,
        return_address=return_address.replace("/", "\n") if return_address else return_address,
        return_postcode=return_postcode,
        label_size=label_size,
        speech=speech,
        store_certificate_number=keep_certificates,
    )
    emit(as_json, found, lambda: "\n".join(f"{k}: {v}" for k, v in vars(found).items()))
