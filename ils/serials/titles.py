"""Periodical titles: their numbers, publication pattern, lending policy and catalogue record.

A title is linked to one CNMARC record (bibliographic level ``s``): an existing serial record of
that title is used; otherwise one is made from the form (011 ISSN, 091 CN number, 092 邮发代号,
110 the serial's type and frequency, 200 title, 210 publisher, 326 frequency note, 690 中图法
class), through the catalogue's own insert path so it is indexed and searched like any
record. The title's id is name-based on its CN number, else its ISSN, else its kind and title,
so two desks that enter one title make one row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from pymarc import Field, Indicators, Record, Subfield

from db.ids import ILS_NAMESPACE
from db.models import BibRecord, SerialTitle
from ils.catalogue.records import CNMARC, insert_prepared, next_doc, prepare
from ils.errors import Invalid, Message, NotFound
from ils.i18n import N_, _
from ils.permissions import Permission
from ils.serials import numbers
from ils.serials.patterns import FREQUENCIES, Pattern, load_pattern, make_pattern
from ils.session import Session, writes
from ils.text_input import clean_input

KINDS: dict[str, str] = {"newspaper": N_("Newspaper"), "magazine": N_("Magazine")}
LENDING: dict[str, str] = {
    "none": N_("Reference only"),
    "back_issues": N_("Back issues lend; the current issue stays in the room"),
    "all": N_("Every issue lends"),
}
# CNMARC 110 $a/1 frequency codes (UNIMARC): a daily, c weekly, e semi-monthly (fortnightly), f monthly,
# g bimonthly, h quarterly, u unknown / irregular.
_FREQUENCY_CODE = {
    "daily": "a",
    "weekly": "c",
    "semimonthly": "e",
    "monthly": "f",
    "bimonthly": "g",
    "quarterly": "h",
    "irregular": "u",
}
MAX_TITLE_CHARS = 100


@dataclass(frozen=True)
class TitleForm:
    """What the desk types for a new title; weekdays count from Monday = 0."""

    title: str
    kind: str
    frequency: str
    issn: str | None = None
    cn: str | None = None
    post_code: str | None = None
    publisher: str | None = None
    clc_class: str | None = None
    weekdays: tuple[int, ...] = ()
    days: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    pause: int = 0
    lending: str = "back_issues"


@dataclass(frozen=True)
class TitleInfo:
    id: str
    bib_id: str
    title: str
    kind: str
    kind_label: str
    issn: str | None
    cn: str | None
    post_code: str | None
    publisher: str | None
    clc_class: str
    frequency: str
    pattern: str
    pattern_text: str
    lending: str
    lending_label: str
    codes: tuple[str, ...] = field(default=())


def title_id(cn: str | None, issn: str | None, kind: str, title: str) -> str:
    key = f"cn:{cn}" if cn else f"issn:{issn}" if issn else f"{kind}:{title}"
    return str(uuid.uuid5(ILS_NAMESPACE, f"serial_title:{key}"))


def pattern_of(row: SerialTitle) -> Pattern:
    return load_pattern(row.frequency, row.pattern)


def info(row: SerialTitle) -> TitleInfo:
    pattern = pattern_of(row)
    codes = tuple(c for c in (row.issn, row.cn, row.post_code) if c)
    return TitleInfo(
        row.id,
        row.bib_id,
        row.title,
        row.kind,
        _(KINDS[row.kind]),
        row.issn,
        row.cn,
        row.post_code,
        row.publisher,
        row.clc_class,
        row.frequency,
        row.pattern,
        pattern.describe(),
        row.lending,
        _(LENDING[row.lending]),
        codes,
    )


def _choice(value: str, choices: dict[str, str], code: str, what: str) -> str:
    if value not in choices:
        raise Invalid(
            code,
            "Unknown {what} {value}; choose one of: {choices}.",
            what=Message("input.field", what),
            value=value,
            choices=", ".join(choices),
        )
    return value


def _field(tag: str, indicators: str = "  ", **subfields: str | None) -> Field:
    return Field(
        tag=tag,
        indicators=Indicators(*indicators),
        subfields=[Subfield(code, value) for code, value in subfields.items() if value],
    )


def build_record(form: TitleForm, pattern: Pattern, clc: str, entered: str) -> Record:
    """The CNMARC record of a serial title (leader level ``s``); ``entered`` is YYYYMMDD for 100."""
    record = Record(leader="00000nas0 2200000   450 ", force_utf8=True)
    record.add_field(_field("011", a=form.issn))
    record.add_field(_field("091", a=form.cn))
    if form.post_code:
        record.add_field(_field("092", a="CN", b=form.post_code))
    record.add_field(_field("100", a=f"{entered}a{entered[:4]}9999km y0chiy50      ea"), _field("101", "0 ", a="chi"))
    kind_code = "c" if form.kind == "newspaper" else "a"
    record.add_field(_field("110", a=f"{kind_code}{_FREQUENCY_CODE[pattern.frequency]}"))
    record.add_field(_field("200", "1 ", a=form.title, b="报纸" if form.kind == "newspaper" else "期刊"))
    if form.publisher:
        record.add_field(_field("210", c=form.publisher))
    with_language = _(FREQUENCIES[pattern.frequency])
    record.add_field(_field("326", a=with_language))
    record.add_field(_field("606", "0 ", a="报纸" if form.kind == "newspaper" else "期刊"))
    record.add_field(_field("690", a=clc, v="5"))
    return record


def _existing_record(title: str) -> str | None:
    """A serial record of this title not yet linked to a subscribed title."""
    linked = SerialTitle.select(SerialTitle.bib)
    row = (
        BibRecord.select(BibRecord.id)
        .where(
            BibRecord.title == title,
            BibRecord.material_type == "as",
            BibRecord.deleted == False,
            BibRecord.id.not_in(linked),
        )  # noqa: E712
        .first()
    )
    return row.id if row else None


@writes
def add_title(session: Session, form: TitleForm) -> TitleInfo:
    """Enter a periodical the library takes; its catalogue record is found or made in CNMARC."""
    session.require(Permission.SERIALS)
    name = clean_input(form.title, N_("Title"), max_length=MAX_TITLE_CHARS)
    kind = _choice(form.kind, KINDS, "serials.unknown_kind", N_("kind"))
    lending = _choice(form.lending, LENDING, "serials.unknown_lending", N_("lending policy"))
    issn = numbers.clean_issn(form.issn)
    cn = numbers.clean_cn(form.cn)
    post_code = numbers.clean_post_code(form.post_code)
    publisher = clean_input(form.publisher, N_("Publisher"), required=False, max_length=MAX_TITLE_CHARS) or None
    pattern = make_pattern(form.frequency, weekdays=form.weekdays, days=form.days, months=form.months, pause=form.pause)
    clc = clean_input(form.clc_class, N_("Class"), required=False, fold=True).upper() or numbers.cn_class(cn) or "Z"
    if clc[0] not in numbers.CLC_MAIN_CLASSES or not clc.isalnum():
        raise Invalid("serials.bad_class", "{klass} is not a class of the Chinese Library Classification.", klass=clc)
    row_id = title_id(cn, issn, kind, name)
    if SerialTitle.get_or_none(SerialTitle.id == row_id) is not None:
        raise Invalid("serials.title_known", "{title} is already a periodical of this library.", title=name)
    for column, value in (("issn", issn), ("post_code", post_code)):
        if value and SerialTitle.get_or_none(getattr(SerialTitle, column) == value) is not None:
            raise Invalid("serials.code_taken", "{code} already belongs to another periodical.", code=value)
    now = session.library.now_text()
    with session.write() as writer:
        bib_id = _existing_record(name)
        if bib_id is None:
            clean = TitleForm(name, kind, pattern.frequency, issn, cn, post_code, publisher)
            record = build_record(clean, pattern, clc, session.now().strftime("%Y%m%d"))
            bib_id = insert_prepared(
                writer, session.library, prepare(record, CNMARC), doc=next_doc(session.library), source="serials"
            )
        SerialTitle.insert(
            id=row_id,
            bib=bib_id,
            title=name,
            kind=kind,
            issn=issn,
            cn=cn,
            post_code=post_code,
            publisher=publisher,
            clc_class=clc,
            frequency=pattern.frequency,
            pattern=pattern.to_json(),
            lending=lending,
            created_at=now,
            updated_at=now,
        ).execute()
        writer.journal(
            "serials.title_add",
            "serial_title",
            row_id,
            {
                "bib_id": bib_id,
                "kind": kind,
                "issn": issn,
                "cn": cn,
                "post_code": post_code,
                "frequency": pattern.frequency,
                "pattern": pattern.to_json(),
            },
        )
    return info(SerialTitle.get_by_id(row_id))


@writes
def change_pattern(
    session: Session,
    code: str,
    frequency: str,
    *,
    weekdays=(),
    days=(),
    months=(),
    pause: int = 0,
    lending: str | None = None,
) -> TitleInfo:
    """Correct when a title comes out (a paper that drops its Sunday edition), or whether it lends."""
    session.require(Permission.SERIALS)
    row = find_title(code)
    pattern = make_pattern(frequency, weekdays=weekdays, days=days, months=months, pause=pause)
    lend = _choice(lending, LENDING, "serials.unknown_lending", N_("lending policy")) if lending else row.lending
    with session.write() as writer:
        SerialTitle.update(
            frequency=pattern.frequency, pattern=pattern.to_json(), lending=lend, updated_at=session.library.now_text()
        ).where(SerialTitle.id == row.id).execute()
        writer.journal(
            "serials.title_pattern",
            "serial_title",
            row.id,
            {"frequency": pattern.frequency, "pattern": pattern.to_json(), "lending": lend},
        )
    return info(SerialTitle.get_by_id(row.id))


def find_title(code: str) -> SerialTitle:
    """A title named by its ISSN, CN number, post code, id or exact title."""
    text = (code or "").strip()
    if not text:
        raise Invalid("serials.name_a_title", "Name a periodical: its title, ISSN, CN number or post code.")
    row = SerialTitle.get_or_none(SerialTitle.id == text) or SerialTitle.get_or_none(SerialTitle.title == text)
    if row is None:
        try:
            scan = numbers.read_scan(text)
        except Invalid:
            scan = None
        if scan is not None:
            row = title_of_scan(scan)
    if row is None:
        raise NotFound("serials.no_such_title", "No periodical of this library is {code}.", code=text)
    return row


def title_of_scan(scan: numbers.Scan) -> SerialTitle | None:
    if scan.issn:
        return SerialTitle.get_or_none(SerialTitle.issn == scan.issn)
    if scan.cn:
        return SerialTitle.get_or_none(SerialTitle.cn == scan.cn)
    if scan.post_code:
        return SerialTitle.get_or_none(SerialTitle.post_code == scan.post_code)
    return None


def get_title(code: str) -> TitleInfo:
    return info(find_title(code))


def list_titles() -> list[TitleInfo]:
    return [info(row) for row in SerialTitle.select().order_by(SerialTitle.kind.desc(), SerialTitle.title)]
