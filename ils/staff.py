"""Staff accounts: log-in with lock-out, roles, passwords. Every attempt is journaled."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from db.models import Staff
from ils.branches import get_branch
from ils.errors import Invalid, LoginFailed, NotFound
from ils.i18n import LANGUAGES, N_, normalise_language
from ils.library import Library, Writer
from ils.passwords import hash_password, verify_password
from ils.permissions import Permission, Role, parse_roles, role_label
from ils.session import Session, StaffIdentity, writes
from ils.text_input import clean_input, verbatim_input

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
MAX_NAME_CHARS = 50
_USERNAME = re.compile(r"^\S{2,32}$")
# Verified against when the user name is unknown, so a wrong name costs the same time.
_DUMMY_HASH = hash_password("not a real password")


@dataclass(frozen=True)
class StaffSummary:
    id: str
    username: str
    display_name: str
    roles: tuple[str, ...]
    role_labels: tuple[str, ...]
    branch_code: str | None
    active: bool
    locked: bool


def _roles_text(roles: frozenset[Role]) -> str:
    return ",".join(sorted(role.value for role in roles))


def _identity(row: Staff) -> StaffIdentity:
    return StaffIdentity(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=frozenset(Role(code) for code in row.roles.split(",") if code),
        branch_id=row.branch_id,
        language=row.language,
        high_contrast=bool(row.high_contrast),
    )


def _is_locked(row: Staff, now: dt.datetime) -> bool:
    return row.locked_until is not None and dt.datetime.fromisoformat(row.locked_until) > now


def _summary(row: Staff, now: dt.datetime) -> StaffSummary:
    identity = _identity(row)
    roles = tuple(sorted(identity.roles))
    return StaffSummary(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        roles=tuple(role.value for role in roles),
        role_labels=tuple(role_label(role) for role in roles),
        branch_code=row.branch.code if row.branch_id else None,
        active=row.active,
        locked=_is_locked(row, now),
    )


def log_in(library: Library, username: str, password: str) -> Session:
    """Check the password and open a session; lock the account after repeated failures.

    The password is checked before the write lock is taken (scrypt takes a fifth of a
    second, and other desks must not wait for it); what is decided on, whether the
    account is active or locked and how many failures it has, is read again inside the
    write, so two wrong passwords typed at two desks at once count as two. In a library
    opened read-only (an archived copy) nothing can be recorded: the password is
    checked, and neither the log-in nor a failure is journaled.
    """
    name = clean_input(username, N_("User name"), fold=True)
    password = verbatim_input(password, N_("Password"))
    row = Staff.get_or_none(Staff.username == name)
    if library.read_only:
        if not verify_password(password, row.password_hash if row else _DUMMY_HASH) or row is None or not row.active:
            raise LoginFailed("staff.wrong_credentials", "Wrong user name or password.")
        return Session(library, _identity(row))
    if row is None:
        verify_password(password, _DUMMY_HASH)
        with library.write(None) as writer:
            writer.journal("staff.login_failed", "staff", None, {"username": name})
        raise LoginFailed("staff.wrong_credentials", "Wrong user name or password.")
    checked_hash = row.password_hash
    matches = verify_password(password, checked_hash)
    with library.write(row.id) as writer:
        row = Staff.get_by_id(row.id)
        if row.password_hash != checked_hash:  # changed by an administrator in the meantime
            matches = verify_password(password, row.password_hash)
        refusal = _attempt(writer, row, matches, library)
    if refusal is not None:
        raise refusal
    return Session(library, _identity(Staff.get_by_id(row.id)))


def _attempt(writer: Writer, row: Staff, matches: bool, library: Library) -> LoginFailed | None:
    """Journal one log-in attempt on ``row`` (read inside the write) and count a failure; the refusal,
    if any, is returned to be raised once the write has committed what it counted."""
    now = library.now()
    if not row.active:
        writer.journal("staff.login_refused", "staff", row.id, {"reason": "inactive"})
        return LoginFailed("staff.account_inactive", "This account has been deactivated; ask an administrator.")
    if _is_locked(row, now):
        writer.journal("staff.login_refused", "staff", row.id, {"reason": "locked"})
        until = dt.datetime.fromisoformat(row.locked_until)
        return LoginFailed(
            "staff.account_locked",
            "This account is locked after too many wrong passwords until {time}; an administrator can unlock it.",
            time=until.strftime("%H:%M"),
        )
    if not matches:
        failures = row.failed_logins + 1
        locked_until = (now + LOCKOUT).isoformat(timespec="seconds") if failures >= MAX_FAILED_LOGINS else None
        Staff.update(failed_logins=failures, locked_until=locked_until).where(Staff.id == row.id).execute()
        writer.journal("staff.login_failed", "staff", row.id, {"failed_logins": failures, "locked_until": locked_until})
        if locked_until:
            return LoginFailed(
                "staff.locked_after_failures",
                "Wrong password {count} times: the account is locked for {minutes} minutes.",
                count=failures,
                minutes=int(LOCKOUT.total_seconds() // 60),
            )
        return LoginFailed("staff.wrong_credentials", "Wrong user name or password.")
    Staff.update(failed_logins=0, locked_until=None).where(Staff.id == row.id).execute()
    writer.journal("staff.login", "staff", row.id, {"node_id": library.node_id})
    return None


def log_out(session: Session) -> None:
    """End a desk session; journaled so the audit trail shows when the desk was left."""
    with session.write() as writer:
        writer.journal("staff.logout", "staff", session.staff.id, {"node_id": session.library.node_id})


def _validate_password(password: str) -> None:
    verbatim_input(password, N_("Password"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("staff.password_too_short", "A password needs at least {n} characters.", n=MIN_PASSWORD_LENGTH)


def _branch_id(code: str | None) -> str | None:
    return get_branch(code).id if code is not None and clean_input(code, N_("Branch"), required=False) else None


def create_staff_row(
    writer, *, username: str, display_name: str, password: str, roles: frozenset[Role], branch_id: str | None, now: str
) -> Staff:
    """Insert a staff row and journal it; shared by ``add_staff`` and ``ils init``."""
    username = clean_input(username, N_("User name"), fold=True)
    if not _USERNAME.match(username):
        raise Invalid("staff.username_invalid", "A user name has 2 to 32 characters and no spaces.")
    if Staff.get_or_none(Staff.username == username) is not None:
        raise Invalid("staff.username_taken", "The user name {username} is taken.", username=username)
    _validate_password(password)
    display_name = clean_input(display_name, N_("Full name"), required=False, max_length=MAX_NAME_CHARS) or username
    row = Staff.create(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password),
        roles=_roles_text(roles),
        branch=branch_id,
        created_at=now,
    )
    writer.journal(
        "staff.add",
        "staff",
        row.id,
        {"username": username, "display_name": display_name, "roles": _roles_text(roles), "branch_id": branch_id},
    )
    return row


@writes
def add_staff(
    session: Session, *, username: str, display_name: str, password: str, roles: str, branch: str | None = None
) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    parsed = parse_roles(roles)
    branch_id = _branch_id(branch)
    with session.write() as writer:
        row = create_staff_row(
            writer,
            username=username,
            display_name=display_name,
            password=password,
            roles=parsed,
            branch_id=branch_id,
            now=session.library.now_text(),
        )
    return _summary(Staff.get_by_id(row.id), session.now())


def list_staff(session: Session) -> list[StaffSummary]:
    session.require(Permission.MANAGE_STAFF)
    now = session.now()
    return [_summary(row, now) for row in Staff.select().order_by(Staff.username)]


def _get(username: str) -> Staff:
    row = Staff.get_or_none(Staff.username == clean_input(username, N_("User name"), fold=True))
    if row is None:
        raise NotFound("staff.no_such_staff", "There is no staff member {username}.", username=username)
    return row


def _active_admins_other_than(staff_id: str) -> int:
    return sum(
        1
        for row in Staff.select().where(Staff.active == True, Staff.id != staff_id)  # noqa: E712
        if Role.ADMIN.value in row.roles.split(",")
    )


@writes
def set_roles(session: Session, username: str, roles: str) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    parsed = parse_roles(roles)
    if Role.ADMIN not in parsed and _active_admins_other_than(row.id) == 0:
        raise Invalid("staff.last_admin_role", "The last active administrator cannot lose the administrator role.")
    with session.write() as writer:
        Staff.update(roles=_roles_text(parsed)).where(Staff.id == row.id).execute()
        writer.journal("staff.roles", "staff", row.id, {"roles": _roles_text(parsed)})
    return _summary(Staff.get_by_id(row.id), session.now())


@writes
def reset_password(session: Session, username: str, password: str) -> StaffSummary:
    """An administrator sets a new password; it also lifts a lock-out."""
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    _validate_password(password)
    with session.write() as writer:
        Staff.update(password_hash=hash_password(password), failed_logins=0, locked_until=None).where(
            Staff.id == row.id
        ).execute()
        writer.journal("staff.password_reset", "staff", row.id, {})
    return _summary(Staff.get_by_id(row.id), session.now())


@writes
def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    row = Staff.get_by_id(session.staff.id)
    if not verify_password(verbatim_input(old_password, N_("Current password")), row.password_hash):
        raise LoginFailed("staff.current_password_wrong", "The current password is wrong.")
    _validate_password(new_password)
    with session.write() as writer:
        Staff.update(password_hash=hash_password(new_password)).where(Staff.id == row.id).execute()
        writer.journal("staff.password_changed", "staff", row.id, {})


@writes
def unlock(session: Session, username: str) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    with session.write() as writer:
        Staff.update(failed_logins=0, locked_until=None).where(Staff.id == row.id).execute()
        writer.journal("staff.unlock", "staff", row.id, {})
    return _summary(Staff.get_by_id(row.id), session.now())


@writes
def set_active(session: Session, username: str, active: bool) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    if not active and row.id == session.staff.id:
        raise Invalid("staff.deactivate_self", "You cannot deactivate your own account.")
    if not active and Role.ADMIN.value in row.roles.split(",") and _active_admins_other_than(row.id) == 0:
        raise Invalid("staff.last_admin_deactivate", "The last active administrator cannot be deactivated.")
    with session.write() as writer:
        Staff.update(active=active).where(Staff.id == row.id).execute()
        writer.journal("staff.activate" if active else "staff.deactivate", "staff", row.id, {})
    return _summary(Staff.get_by_id(row.id), session.now())


def set_language(session: Session, language: str) -> str:
    """Remember the staff member's language so the desk opens in it next time."""
    try:
        code = normalise_language(clean_input(language, N_("Language"), fold=True))
    except ValueError:
        raise Invalid(
            "staff.unknown_language",
            "Unknown language {code}; languages are: {languages}.",
            code=language,
            languages=", ".join(LANGUAGES),
        ) from None
    with session.write() as writer:
        Staff.update(language=code).where(Staff.id == session.staff.id).execute()
        writer.journal("staff.language", "staff", session.staff.id, {"language": code})
    return code


def set_high_contrast(session: Session, on: bool) -> bool:
    """Remember the large-text, high-contrast display for this staff member, as the language is."""
    with session.write() as writer:
        Staff.update(high_contrast=on).where(Staff.id == session.staff.id).execute()
        writer.journal("staff.high_contrast", "staff", session.staff.id, {"high_contrast": on})
    return on
