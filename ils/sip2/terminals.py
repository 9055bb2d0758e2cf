"""The self-service machines: their accounts, what each speaks, and their log-in.

A machine is not a staff member, but it works the desk like one: every loan it makes goes
through the circulation services with a ``Session`` whose identity is the terminal (its id
in the journal's staff column, the circulation role's permissions, the terminal's language).
Its password is hashed like a staff password; wrong passwords are counted and lock the
terminal for a while, and every attempt is journaled (never the password, never a card).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

from db.models import ServicePoint, Sip2Terminal
from ils.errors import Invalid, LoginFailed, NotFound
from ils.i18n import LANGUAGES, N_, normalise_language
from ils.library import Library
from ils.passwords import hash_password, verify_password
from ils.permissions import Permission, Role
from ils.session import Session, StaffIdentity, writes
from ils.text_input import clean_input, verbatim_input

ENCODINGS = ("utf-8", "gbk")
TERMINATORS = {"cr": b"\r", "crlf": b"\r\n"}
MIN_IDLE_S = 480
"""Machines poll with 99 every 5 to 7 minutes: a shorter idle timeout drops them between polls."""
MAX_IDLE_S = 86400
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
_DUMMY_HASH = hash_password("not a real terminal password")


@dataclass(frozen=True)
class Terminal:
    id: str
    account: str
    name: str
    point_code: str
    branch_id: str
    encoding: str
    terminator: str
    error_detection: bool
    delimiter: str
    language: str
    idle_timeout_s: int
    allowed_addresses: tuple[str, ...]
    active: bool
    locked: bool

    @property
    def terminator_bytes(self) -> bytes:
        return TERMINATORS[self.terminator]

    def admits(self, address: str) -> bool:
        return admits(self.allowed_addresses, address)


def admits(allowed: tuple[str, ...], address: str) -> bool:
    """Whether ``address`` is one of ``allowed`` (addresses or networks); never for nonsense."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _terminal(row: Sip2Terminal, now: dt.datetime) -> Terminal:
    point = ServicePoint.get_by_id(row.service_point_id)
    return Terminal(
        id=row.id,
        account=row.account,
        name=row.name,
        point_code=point.code,
        branch_id=point.branch_id,
        encoding=row.encoding,
        terminator=row.terminator,
        error_detection=bool(row.error_detection),
        delimiter=row.delimiter,
        language=row.language,
        idle_timeout_s=row.idle_timeout_s,
        allowed_addresses=tuple(a for a in row.allowed_addresses.split(",") if a),
        active=bool(row.active),
        locked=row.locked_until is not None and dt.datetime.fromisoformat(row.locked_until) > now,
    )


def _addresses(text: str) -> str:
    entries = [entry.strip() for entry in text.replace(" ", ",").split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise Invalid("sip2.address_invalid", "{address} is not an IP address or network.", address=entry) from None
    if not entries:
        raise Invalid("sip2.no_address", "List at least one address the machine connects from.")
    return ",".join(entries)


def _checked(name: str, value: object) -> object:
    if name == "encoding":
        if value not in ENCODINGS:
            raise Invalid("sip2.encoding_unknown", "The encoding is one of: {choices}.", choices=", ".join(ENCODINGS))
        return value
    if name == "terminator":
        if value not in TERMINATORS:
            raise Invalid("sip2.terminator_unknown", "The terminator is one of: {choices}.", choices="cr, crlf")
        return value
    if name == "delimiter":
        text = str(value)
        if len(text) != 1 or not text.isascii() or text.isalnum() or text in "\r\n\x00 ":
            raise Invalid("sip2.delimiter_invalid", "The field delimiter is one printable sign, such as |.")
        return text
    if name == "idle_timeout_s":
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())  # typed into a form
        if not isinstance(value, int) or not MIN_IDLE_S <= value <= MAX_IDLE_S:
            raise Invalid(
                "sip2.idle_timeout_range",
                "The idle timeout is from {low} to {high} seconds: machines poll every 5 to 7 minutes.",
                low=MIN_IDLE_S,
                high=MAX_IDLE_S,
            )
        return value
    if name == "language":
        if normalise_language(str(value)) not in LANGUAGES:
            raise Invalid("sip2.language_unknown", "Unknown language {code}.", code=str(value))
        return normalise_language(str(value))
    if name == "allowed_addresses":
        return _addresses(str(value))
    if name == "service_point":
        return _point(str(value)).id
    if name in ("error_detection", "active"):
        return bool(value)
    if name == "name":
        return clean_input(str(value), N_("Name"), required=False, max_length=50)
    raise Invalid("sip2.setting_unknown", "Unknown terminal setting {name}.", name=name)


def _point(code: str) -> ServicePoint:
    point = ServicePoint.get_or_none(ServicePoint.code == clean_input(code, N_("Service point"), fold=True).upper())
    if point is None:
        raise NotFound("sip2.no_such_point", "There is no service point with the code {code}.", code=code)
    return point


def _row(account: str) -> Sip2Terminal:
    row = Sip2Terminal.get_or_none(Sip2Terminal.account == clean_input(account, N_("Account"), fold=True))
    if row is None:
        raise NotFound("sip2.no_such_terminal", "There is no self-service terminal {account}.", account=account)
    return row


def _password(password: str) -> str:
    verbatim_input(password, N_("Password"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("sip2.password_too_short", "A password needs at least {n} characters.", n=MIN_PASSWORD_LENGTH)
    return hash_password(password)


_COLUMNS = {"service_point": "service_point_id"}


@writes
def add_terminal(session: Session, *, account: str, password: str, service_point: str, **settings: object) -> Terminal:
    """A new machine with its account; the settings not given take the defaults (UTF-8, CR,
    error detection on, ``|``, Chinese, 15 minutes, loopback only)."""
    session.require(Permission.MANAGE_BRANCHES)
    name = clean_input(account, N_("Account"), fold=True)
    if not name or " " in name or len(name) > 32:
        raise Invalid("sip2.account_invalid", "An account has 1 to 32 characters and no spaces.")
    if Sip2Terminal.get_or_none(Sip2Terminal.account == name) is not None:
        raise Invalid("sip2.account_taken", "The terminal account {account} is taken.", account=name)
    values = {_COLUMNS.get(k, k): _checked(k, v) for k, v in settings.items() if v is not None}
    now = session.library.now_text()
    with session.write() as writer:
        row = Sip2Terminal.create(
            account=name,
            password_hash=_password(password),
            service_point=_point(service_point).id,
            created_at=now,
            updated_at=now,
            **values,
        )
        writer.journal(
            "sip2.terminal_add",
            "sip2_terminal",
            row.id,
            {"account": name, "point": service_point, **{k: v for k, v in values.items() if k != "name"}},
        )
    return _terminal(Sip2Terminal.get_by_id(row.id), session.now())


@writes
def change_terminal(session: Session, account: str, **settings: object) -> Terminal:
    """Change any of the settings by name; an unknown one is refused before anything is written."""
    session.require(Permission.MANAGE_BRANCHES)
    row = _row(account)
    values = {_COLUMNS.get(k, k): _checked(k, v) for k, v in settings.items() if v is not None}
    if values:
        with session.write() as writer:
            Sip2Terminal.update(updated_at=session.library.now_text(), **values).where(
                Sip2Terminal.id == row.id
            ).execute()
            writer.journal("sip2.terminal_change", "sip2_terminal", row.id, {k: v for k, v in values.items()})
    return _terminal(Sip2Terminal.get_by_id(row.id), session.now())


@writes
def set_terminal_password(session: Session, account: str, password: str) -> Terminal:
    """A new password, which also unlocks the terminal."""
    session.require(Permission.MANAGE_BRANCHES)
    row = _row(account)
    with session.write() as writer:
        Sip2Terminal.update(
            password_hash=_password(password),
            failed_logins=0,
            locked_until=None,
            updated_at=session.library.now_text(),
        ).where(Sip2Terminal.id == row.id).execute()
        writer.journal("sip2.terminal_password", "sip2_terminal", row.id, {})
    return _terminal(Sip2Terminal.get_by_id(row.id), session.now())


def list_terminals(session: Session) -> list[Terminal]:
    session.require(Permission.MANAGE_BRANCHES)
    now = session.now()
    return [_terminal(row, now) for row in Sip2Terminal.select().order_by(Sip2Terminal.account)]


def get_terminal(session: Session, account: str) -> Terminal:
    session.require(Permission.MANAGE_BRANCHES)
    return _terminal(_row(account), session.now())


def any_admits(library: Library, address: str) -> bool:
    """Whether any active terminal may connect from ``address`` (asked before a log-in)."""
    return any(
        admits(tuple(a for a in row.allowed_addresses.split(",") if a), address)
        for row in Sip2Terminal.select(Sip2Terminal.allowed_addresses).where(Sip2Terminal.active == True)
    )


def password_hash_of(account: str) -> str:
    """What a log-in checks against: the terminal's hash, or a dummy one so an unknown account
    costs the same time. Read outside the write: scrypt is slow and other desks must not wait."""
    row = Sip2Terminal.get_or_none(Sip2Terminal.account == account)
    return row.password_hash if row is not None else _DUMMY_HASH


def check_password(password: str, stored: str) -> bool:
    return verify_password(password, stored)


def log_in_terminal(library: Library, account: str, matches: bool, address: str, checked_hash: str) -> Session:
    """Record one log-in attempt of a machine (the password already checked: ``matches``) and
    open its session, or raise ``LoginFailed``. Counted and journaled inside one write."""
    refusal: LoginFailed | None = None
    with library.write(None) as writer:
        row = Sip2Terminal.get_or_none(Sip2Terminal.account == account)
        now = library.now()
        if row is None:
            writer.journal("sip2.login_failed", "sip2_terminal", None, {"address": address, "reason": "unknown"})
            refusal = LoginFailed("sip2.wrong_credentials", "Wrong terminal account or password.")
        elif row.password_hash != checked_hash:
            matches = False  # changed by an administrator meanwhile: the machine logs in again
        terminal = _terminal(row, now) if row is not None else None
        if refusal is None and terminal is not None:
            refusal = _attempt(writer, row, terminal, matches, address, now)
    if refusal is not None:
        raise refusal
    assert terminal is not None
    return terminal_session(library, terminal)


def _attempt(writer, row: Sip2Terminal, terminal: Terminal, matches: bool, address: str, now: dt.datetime):
    base = {"account": row.account, "address": address}
    if not terminal.active:
        writer.journal("sip2.login_refused", "sip2_terminal", row.id, {**base, "reason": "inactive"})
        return LoginFailed("sip2.terminal_inactive", "This terminal is switched off in the settings.")
    if not terminal.admits(address):
        writer.journal("sip2.login_refused", "sip2_terminal", row.id, {**base, "reason": "address"})
        return LoginFailed("sip2.address_refused", "This terminal may not connect from {address}.", address=address)
    if terminal.locked:
        writer.journal("sip2.login_refused", "sip2_terminal", row.id, {**base, "reason": "locked"})
        return LoginFailed("sip2.terminal_locked", "This terminal is locked after too many wrong passwords.")
    if not matches:
        failures = row.failed_logins + 1
        until = (now + LOCKOUT).isoformat(timespec="seconds") if failures >= MAX_FAILED_LOGINS else None
        Sip2Terminal.update(failed_logins=failures, locked_until=until).where(Sip2Terminal.id == row.id).execute()
        writer.journal("sip2.login_failed", "sip2_terminal", row.id, {**base, "failed_logins": failures})
        return LoginFailed("sip2.wrong_credentials", "Wrong terminal account or password.")
    Sip2Terminal.update(failed_logins=0, locked_until=None).where(Sip2Terminal.id == row.id).execute()
    writer.journal("sip2.login", "sip2_terminal", row.id, base)
    return None


def terminal_session(library: Library, terminal: Terminal) -> Session:
    """The session a machine works in: the circulation role, in the terminal's language."""
    identity = StaffIdentity(
        id=terminal.id,
        username=f"sip2:{terminal.account}",
        display_name=terminal.name or terminal.account,
        roles=frozenset({Role.CIRCULATION}),
        branch_id=terminal.branch_id,
        language=terminal.language,
    )
    return Session(library, identity)


def terminal_of(library: Library, account: str) -> Terminal:
    return _terminal(_row(account), library.now())
