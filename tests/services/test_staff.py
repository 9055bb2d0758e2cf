"""Log-in, lock-out, roles and the journal of every attempt and refusal."""

from __future__ import annotations

import pytest

from db import journal
from ils import branches, staff
from ils.errors import Invalid, LoginFailed, PermissionDenied
from ils.i18n import set_language
from ils.permissions import Permission, Role
from tests.codes import refused


def _actions(library):
    return [e.action for e in journal.entries(library.database, limit=10_000)]


def test_login_opens_a_session_and_is_journaled(library, admin):
    assert admin.staff.roles == frozenset({Role.ADMIN})
    assert admin.may(Permission.MANAGE_STAFF)
    assert _actions(library)[-1] == "staff.login"


def test_wrong_password_and_unknown_user_are_refused_and_journaled(library):
    with refused("staff.wrong_credentials", LoginFailed):
        staff.log_in(library, "admin", "nope-nope")
    with refused("staff.wrong_credentials", LoginFailed):
        staff.log_in(library, "nobody", "whatever1")
    assert _actions(library)[-2:] == ["staff.login_failed", "staff.login_failed"]


def test_messages_follow_the_language():
    set_language("en")
    try:
        from ils.initialise import initialise  # noqa: F401  (message comes from the service)

        with refused("staff.password_too_short"):
            staff._validate_password("short")
    finally:
        set_language("zh_CN")


def test_account_locks_after_five_failures_until_unlocked(library, admin, clock):
    staff.add_staff(admin, username="clerk", display_name="李芳", password="clerk-pass-1", roles="circulation")
    for _ in range(4):
        with refused("staff.wrong_credentials", LoginFailed):
            staff.log_in(library, "clerk", "wrong-pass")
    with refused("staff.locked_after_failures", LoginFailed):
        staff.log_in(library, "clerk", "wrong-pass")
    with refused("staff.account_locked", LoginFailed):
        staff.log_in(library, "clerk", "clerk-pass-1")  # even the right password waits
    assert [s.locked for s in staff.list_staff(admin) if s.username == "clerk"] == [True]
    staff.unlock(admin, "clerk")
    assert staff.log_in(library, "clerk", "clerk-pass-1").staff.username == "clerk"
    assert "staff.login_refused" in _actions(library)


def test_lock_out_expires(library, admin, clock):
    staff.add_staff(admin, username="clerk", display_name="李芳", password="clerk-pass-1", roles="circulation")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            staff.log_in(library, "clerk", "wrong-pass")
    clock.advance(minutes=16)
    assert staff.log_in(library, "clerk", "clerk-pass-1")


def test_refused_actions_are_journaled(library, clerk):
    with refused("staff.not_permitted", PermissionDenied):
        branches.add_branch(clerk, code="FL", name="枫林镇分馆")
    entry = journal.entries(library.database, limit=10_000)[-1]
    assert (entry.action, entry.staff_id, entry.data) == (
        "staff.refused",
        clerk.staff.id,
        {"permission": "manage_branches"},
    )
    assert "FL" not in [b.code for b in branches.list_branches(clerk)]


def test_roles_are_validated_and_the_last_admin_is_kept(admin):
    with pytest.raises(Invalid, match="未知角色"):
        staff.add_staff(admin, username="x1", display_name="", password="password1", roles="librarian")
    with refused("staff.last_admin_role"):
        staff.set_roles(admin, "admin", "circulation")
    with refused("staff.deactivate_self"):
        staff.set_active(admin, "admin", False)
    summary = staff.add_staff(admin, username="cat", display_name="", password="password1", roles="编目, 统计")
    assert summary.roles == ("cataloguing", "statistics")


def test_deactivated_staff_cannot_log_in(library, admin):
    staff.add_staff(admin, username="temp", display_name="临时工", password="password1", roles="events")
    staff.set_active(admin, "temp", False)
    with refused("staff.account_inactive", LoginFailed):
        staff.log_in(library, "temp", "password1")


def test_passwords_are_stored_with_scrypt(library, admin):
    from db.models import Staff

    stored = Staff.get(Staff.username == "admin").password_hash
    assert stored.startswith("scrypt$") and "admin-pass-1" not in stored


def test_change_own_password(library, admin):
    with refused("staff.current_password_wrong", LoginFailed):
        staff.change_own_password(admin, "wrong", "new-password-1")
    staff.change_own_password(admin, "admin-pass-1", "new-password-1")
    assert staff.log_in(library, "admin", "new-password-1")
