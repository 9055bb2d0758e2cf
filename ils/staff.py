"""Staff accounts: log-in with lock-out, roles, passwords. Every attempt is journaled."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from db.models import Branch, Staff
from ils.errors import Invalid, LoginFailed, NotFound
from ils.i18n import _, normalise_language
from ils.library import Library
from ils.passwords import hash_password, verify_password
from ils.permissions import Permission, Role, parse_roles, role_label
from ils.session import Session, StaffIdentity

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
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
    """Check the password and open a session; lock the account after repeated failures."""
    now = library.now()
    row = Staff.get_or_none(Staff.username == username.strip())
    if row is None:
        verify_password(password, _DUMMY_HASH)
        with library.write(None) as writer:
            writer.journal("staff.login_failed", "staff", None, {"username": username.strip()})
        raise LoginFailed("staff.wrong_user_name_password", "Wrong user name or password.")
    if not row.active:
        with library.write(row.id) as writer:
            writer.journal("staff.login_refused", "staff", row.id, {"reason": "inactive"})
        raise LoginFailed("staff.account_been_deactivated_ask", "This account has been deactivated; ask an administrator.")
    if _is_locked(row, now):
        with library.write(row.id) as writer:
            writer.journal("staff.login_refused", "staff", row.id, {"reason": "locked"})
        until = dt.datetime.fromisoformat(row.locked_until)
        raise LoginFailed(
            "staff.account_locked_after_too", "This account is locked after too many wrong passwords until {time}; an administrator can unlock it.", time=until.strftime("%H:%M")
        )
    if not verify_password(password, row.password_hash):
        failures = row.failed_logins + 1
        locked_until = (now + LOCKOUT).isoformat(timespec="seconds") if failures >= MAX_FAILED_LOGINS else None
        with library.write(row.id) as writer:
            Staff.update(failed_logins=failures, locked_until=locked_until).where(Staff.id == row.id).execute()
            writer.journal(
                "staff.login_failed", "staff", row.id, {"failed_logins": failures, "locked_until": locked_until}
            )
        if locked_until:
            raise LoginFailed(
                "staff.wrong_password_times_account", "Wrong password {count} times: the account is locked for {minutes} minutes.", count=failures, minutes=int(LOCKOUT.total_seconds() // 60)
            )
        raise LoginFailed("staff.wrong_user_name_password", "Wrong user name or password.")
    with library.write(row.id) as writer:
        Staff.update(failed_logins=0, locked_until=None).where(Staff.id == row.id).execute()
        writer.journal("staff.login", "staff", row.id, {"node_id": library.node_id})
    return Session(library, _identity(Staff.get_by_id(row.id)))


def log_out(session: Session) -> None:
    """End a desk session; journaled so the audit trail shows when the desk was left."""
    with session.write() as writer:
        writer.journal("staff.logout", "staff", session.staff.id, {"node_id": session.library.node_id})


def _validate_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("staff.password_needs_least_characters", "A password needs at least {n} characters.", n=MIN_PASSWORD_LENGTH)


def _branch_id(code: str | None) -> str | None:
    if not code:
        return None
    branch = Branch.get_or_none(Branch.code == code.strip().upper())
    if branch is None:
        raise NotFound("staff.there_branch_code", "There is no branch with the code {code}.", code=code)
    return branch.id


def create_staff_row(
    writer, *, username: str, display_name: str, password: str, roles: frozenset[Role], branch_id: str | None, now: str
) -> Staff:
    """Insert a staff row and journal it; shared by ``add_staff`` and ``ils init``."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise Invalid("staff.user_name_characters_spaces", "A user name has 2 to 32 characters and no spaces.")
    if Staff.get_or_none(Staff.username == username) is not None:
        raise Invalid("staff.user_name_taken", "The user name {username} is taken.", username=username)
    _validate_password(password)
    display_name = display_name.strip() or username
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
    row = Staff.get_or_none(Staff.username == username.strip())
    if row is None:
        raise NotFound("staff.there_staff_member", "There is no staff member {username}.", username=username)
    return row


def _active_admins_other_than(staff_id: str) -> int:
    return sum(
        1
        for row in Staff.select().where(Staff.active == True, Staff.id != staff_id)  # noqa: E712
        if Role.ADMIN.value in row.roles.split(",")
    )


def set_roles(session: Session, username: str, roles: str) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    parsed = parse_roles(roles)
    if Role.ADMIN not in parsed and _active_admins_other_than(row.id) == 0:
        raise Invalid("staff.last_active_administrator_lose", "The last active administrator cannot lose the administrator role.")
    with session.write() as writer:
        Staff.update(roles=_roles_text(parsed)).where(Staff.id == row.id).execute()
        writer.journal("staff.roles", "staff", row.id, {"roles": _roles_text(parsed)})
    return _summary(Staff.get_by_id(row.id), session.now())


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


def change_own_password(session: Session, old_password: str, new_password: str) -> None:
    row = Staff.get_by_id(session.staff.id)
    if not verify_password(old_password, row.password_hash):
        raise LoginFailed("staff.current_password_wrong", "The current password is wrong.")
    _validate_password(new_password)
    with session.write() as writer:
        Staff.update(password_hash=hash_password(new_password)).where(Staff.id == row.id).execute()
        writer.journal("staff.password_changed", "staff", row.id, {})


def unlock(session: Session, username: str) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    with session.write() as writer:
        Staff.update(failed_logins=0, locked_until=None).where(Staff.id == row.id).execute()
        writer.journal("staff.unlock", "staff", row.id, {})
    return _summary(Staff.get_by_id(row.id), session.now())


def set_active(session: Session, username: str, active: bool) -> StaffSummary:
    session.require(Permission.MANAGE_STAFF)
    row = _get(username)
    if not active and row.id == session.staff.id:
        raise Invalid("staff.you_deactivate_your_own", "You cannot deactivate your own account.")
    if not active and Role.ADMIN.value in row.roles.split(",") and _active_admins_other_than(row.id) == 0:
        raise Invalid("staff.last_active_administrator_deactivated", "The last active administrator cannot be deactivated.")
    with session.write() as writer:
        Staff.update(active=active).where(Staff.id == row.id).execute()
        writer.journal("staff.activate" if active else "staff.deactivate", "staff", row.id, {})
    return _summary(Staff.get_by_id(row.id), session.now())


def set_language(session: Session, language: str) -> str:
    """Remember the staff member's language so the desk opens in it next time."""
    code = normalise_language(language)
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
