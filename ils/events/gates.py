"""Gate counters: sites, the column mapping of each site's CSV files, and their import.

Vendors' files differ (GBK with a Chinese header, UTF-8 with a BOM; date and time in one
column or two; a gate column or none; in and out, or in only), so the first import of a site
says which column is which and the mapping is remembered for the next. Only entries count
(a visit is a person coming in, ISO 2789); an "out" column is read past.

Every reading gets an id made from the site, the gate and the time, so a file imported twice,
or by two desks, counts once. A row that cannot be read (a bad date, a count that is not a
number, negative or impossibly large, a day to come) is reported by its line number and
nothing is stored from it; the others are stored. Days without any reading between the first
and last day the site has are reported as gaps.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from db.ids import ILS_NAMESPACE, reference_id
from db.models import GateCount, GateSite
from ils.errors import Invalid, Message, NotFound, message
from ils.events.inputs import branch_of, text_of
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes
from ils.validation import clean_code

MAX_FILE_BYTES = 50 * 1024 * 1024
#: More people than this through one gate in one reading is a counter's fault, not a crowd.
MAX_READING = 20_000
ROLES = ("date", "time", "gate", "entries")
#: Header words that usually name each column, for a first guess of the mapping.
GUESSES: dict[str, tuple[str, ...]] = {
    "date": ("日期", "date", "统计日期", "日期时间", "datetime", "时间段"),
    "time": ("时间", "time", "时段", "小时", "hour"),
    "gate": ("通道", "闸机", "门", "gate", "door", "设备", "设备名称", "channel"),
    "entries": ("进", "进馆", "进入", "进馆人数", "进入人数", "in", "entries", "入", "进馆人次"),
}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


@dataclass(frozen=True)
class SiteInfo:
    id: str
    code: str
    name: str
    branch_code: str
    mapping: dict[str, str] | None


@dataclass(frozen=True)
class Preview:
    """A file's header, first rows, and the mapping remembered or guessed for it."""

    encoding: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    mapping: dict[str, str]
    remembered: bool


@dataclass(frozen=True)
class GateImport:
    site: str
    rows: int
    added: int
    already: int  # read before: counted once
    differing: int  # read before with another count: the first count stays, checked by staff
    entries_added: int
    bad_lines: tuple[tuple[int, Message], ...]
    gaps: tuple[str, ...]  # "2021-02-01..2021-02-28"
    first_day: str | None = None
    last_day: str | None = None
    days: tuple[str, ...] = field(default=(), repr=False)


def _site_info(row: GateSite) -> SiteInfo:
    return SiteInfo(row.id, row.code, row.name, row.branch.code, json.loads(row.mapping) if row.mapping else None)


def get_site(code: str) -> GateSite:
    row = GateSite.get_or_none(GateSite.code == (code or "").strip().upper())
    if row is None:
        raise NotFound("events.no_such_gate_site", "There is no gate-counter site {code}.", code=code)
    return row


@writes
def add_site(session: Session, *, code: str, name: str, branch: str | None = None) -> SiteInfo:
    """A site with a gate counter (the main entrance, a branch's door)."""
    session.require(Permission.RECORD_EVENTS)
    code = clean_code(code)
    if GateSite.get_or_none(GateSite.code == code) is not None:
        raise Invalid("events.gate_site_exists", "There is already a gate-counter site {code}.", code=code)
    place = branch_of(session, branch)
    now = session.library.now_text()
    with session.write() as writer:
        row = GateSite.create(
            id=reference_id("gate_site", code),
            code=code,
            name=text_of(name, N_("Name")),
            branch=place.id,
            created_at=now,
            updated_at=now,
        )
        writer.journal("visits.gate_site_add", "visit_gate_site", row.id, {"code": code})
    return _site_info(row)


def list_sites(session: Session) -> list[SiteInfo]:
    session.require(Permission.RECORD_EVENTS)
    return [_site_info(r) for r in GateSite.select().order_by(GateSite.code)]


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), "gbk" if encoding == "gb18030" else encoding
        except UnicodeDecodeError:
            continue
    raise Invalid("events.gate_file_not_text", "The file is neither UTF-8 nor GBK text.")


def _read(path: Path) -> tuple[list[list[str]], str]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Invalid(
                "events.gate_file_too_large",
                "{path} is larger than {size} MB.",
                path=path,
                size=MAX_FILE_BYTES // 1024 // 1024,
            )
        data = path.read_bytes()
    except OSError as error:
        raise NotFound("events.gate_file_unreadable", "Cannot read {path}.", path=path) from error
    text, encoding = _decode(data)
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    if not rows or not any(rows[0]):
        raise Invalid("events.gate_file_empty", "The file has no header row.")
    return rows, encoding


def guess_mapping(header: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Which header names which role, where a common name says so."""
    guessed: dict[str, str] = {}
    lowered = {h.lower(): h for h in header}
    for role, words in GUESSES.items():
        for word in words:
            if word in lowered and lowered[word] not in guessed.values():
                guessed[role] = lowered[word]
                break
    return guessed


def preview(session: Session, site: str, path: Path | str, *, lines: int = 5) -> Preview:
    """The file's header and first rows with the site's remembered mapping, or a guess."""
    session.require(Permission.RECORD_EVENTS)
    row = get_site(site)
    rows, encoding = _read(Path(path))
    remembered = json.loads(row.mapping) if row.mapping else None
    mapping = remembered if remembered and set(remembered.values()) <= set(rows[0]) else guess_mapping(rows[0])
    return Preview(
        encoding,
        tuple(rows[0]),
        tuple(tuple(r) for r in rows[1 : 1 + lines]),
        mapping,
        remembered is not None and mapping == remembered,
    )


def _check_mapping(mapping: dict[str, str], header: list[str]) -> dict[str, str]:
    clean = {role: column for role, column in mapping.items() if role in ROLES and column}
    for role in ("date", "entries"):
        if role not in clean:
            raise Invalid(
                "events.gate_mapping_incomplete",
                "Say which column holds the {role}.",
                role=message(f"events.gate_role.{role}", {"date": N_("date"), "entries": N_("entries")}[role]),
            )
    missing = [c for c in clean.values() if c not in header]
    if missing:
        raise Invalid("events.gate_column_missing", "The file has no column {name}.", name=", ".join(missing))
    return clean


def _day(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def _moment(date_text: str, time_text: str) -> dt.datetime:
    """A reading's time from a date column (which may hold the time too) and a time column."""
    date_part, _sep, rest = date_text.replace("T", " ").partition(" ")
    clock = (time_text or rest or "00:00").split("-")[0].split("~")[0].strip()
    hour, _colon, minute = clock.partition(":")
    return dt.datetime.combine(_day(date_part), dt.time(int(hour), int((minute or "0")[:2])))


def _reading(cells: list[str], columns: dict[str, int], today: dt.date) -> tuple[dt.datetime, str, int]:
    """One row as (time, gate, entries); ``Invalid`` says what is wrong with it."""

    def cell(role: str) -> str:
        index = columns.get(role)
        return cells[index] if index is not None and index < len(cells) else ""

    try:
        at = _moment(cell("date"), cell("time"))
    except (ValueError, IndexError):
        raise Invalid(
            "events.gate_bad_date",
            "the date or time {text} cannot be read",
            text=f"{cell('date')} {cell('time')}".strip(),
        ) from None
    if at.date() > today:
        raise Invalid("events.gate_future", "{day} has not come yet", day=at.date().isoformat())
    text = cell("entries").replace(",", "")
    try:
        entries = int(float(text)) if text and float(text).is_integer() else int(text)
    except ValueError:
        raise Invalid("events.gate_bad_count", "the count {text} is not a whole number", text=text) from None
    if not 0 <= entries <= MAX_READING:
        raise Invalid("events.gate_impossible", "{count} entries in one reading is impossible", count=entries)
    return at, cell("gate") or "-", entries


def reading_id(site_id: str, gate: str, at: dt.datetime) -> str:
    return str(uuid.uuid5(ILS_NAMESPACE, f"gate:{site_id}:{gate}:{at.isoformat(timespec='minutes')}"))


def _ranges(days: list[dt.date]) -> tuple[str, ...]:
    spans: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if spans and spans[-1][1] + dt.timedelta(days=1) == day:
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return tuple(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in spans)


def gaps(site_id: str) -> tuple[str, ...]:
    """Days with no reading between the site's first and last day."""
    days = sorted(
        {
            dt.date.fromisoformat(d)
            for (d,) in GateCount.select(GateCount.day).where(GateCount.site == site_id).distinct().tuples()
        }
    )
    if not days:
        return ()
    have = set(days)
    missing = [days[0] + dt.timedelta(days=n) for n in range((days[-1] - days[0]).days + 1)]
    return _ranges([d for d in missing if d not in have])


@writes
def import_gate_file(
    session: Session,
    site: str,
    path: Path | str,
    *,
    mapping: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GateImport:
    """Import a gate counter's CSV file for ``site``; ``mapping`` (role → column) is remembered.

    Without a mapping the site's remembered one is used; a first import needs one.
    ``progress(done, total)`` is called now and then for a progress bar.
    """
    session.require(Permission.RECORD_EVENTS)
    row = get_site(site)
    rows, _encoding = _read(Path(path))
    header = rows[0]
    if mapping is None:
        if not row.mapping:
            raise Invalid(
                "events.gate_mapping_needed",
                "The first file of {site} needs its columns named (date, time, gate, entries).",
                site=row.name,
            )
        mapping = json.loads(row.mapping)
    mapping = _check_mapping(mapping, header)
    columns = {role: header.index(column) for role, column in mapping.items()}
    today = session.now().date()
    readings: dict[str, tuple[int, dt.datetime, str, int]] = {}
    bad: list[tuple[int, Message]] = []
    body = rows[1:]
    for number, cells in enumerate(body, start=2):
        if not any(cells):
            continue
        try:
            at, gate, entries = _reading(cells, columns, today)
        except Invalid as refusal:
            bad.append((number, refusal.message))
            continue
        key = reading_id(row.id, gate, at)
        if key in readings:
            bad.append(
                (
                    number,
                    message("events.gate_repeated", "the same gate and time as line {line}", line=readings[key][0]),
                )
            )
            continue
        readings[key] = (number, at, gate, entries)
        if progress and number % 500 == 0:
            progress(number, len(body) + 1)
    known = {}
    keys = list(readings)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        known.update(dict(GateCount.select(GateCount.id, GateCount.entries).where(GateCount.id.in_(chunk)).tuples()))
    new = [(k, r) for k, r in readings.items() if k not in known]
    differing = sum(1 for k, r in readings.items() if k in known and known[k] != r[3])
    now = session.library.now_text()
    with session.write() as writer:
        if mapping != (json.loads(row.mapping) if row.mapping else None):
            GateSite.update(mapping=json.dumps(mapping, ensure_ascii=False), updated_at=now).where(
                GateSite.id == row.id
            ).execute()
        for start in range(0, len(new), 500):
            GateCount.insert_many(
                [
                    {
                        "id": k,
                        "site": row.id,
                        "gate": gate,
                        "at": at.isoformat(timespec="minutes"),
                        "day": at.date().isoformat(),
                        "entries": entries,
                        "imported_at": now,
                    }
                    for k, (_n, at, gate, entries) in new[start : start + 500]
                ]
            ).execute()
            if progress:
                progress(len(body) + 1 - len(new) + start, len(body) + 1)
        writer.journal(
            "visits.gate_import", "visit_gate_site", row.id, {"rows": len(body), "added": len(new), "bad": len(bad)}
        )
    if progress:
        progress(len(body) + 1, len(body) + 1)
    days = sorted({r[1].date().isoformat() for r in readings.values()})
    return GateImport(
        row.code,
        len(body),
        len(new),
        len(readings) - len(new) - differing,
        differing,
        sum(r[3] for _k, r in new),
        tuple(bad),
        gaps(row.id),
        days[0] if days else None,
        days[-1] if days else None,
        tuple(days),
    )
