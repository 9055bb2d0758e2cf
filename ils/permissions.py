"""Roles and what each may do. Checked in services, never in screens."""

from __future__ import annotations

from enum import StrEnum

from ils.i18n import N_, _


class Role(StrEnum):
    ADMIN = "admin"
    CIRCULATION = "circulation"
    CATALOGUING = "cataloguing"
    BLIND_ROOM = "blind_room"
    EVENTS = "events"
    STATISTICS = "statistics"
    PERIODICALS = "periodicals"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.CIRCULATION: N_("Circulation"),
    Role.CATALOGUING: N_("Cataloguing"),
    Role.BLIND_ROOM: N_("Blind reading room"),
    Role.EVENTS: N_("Events"),
    Role.STATISTICS: N_("Statistics"),
    Role.PERIODICALS: N_("Periodicals"),
}


class Permission(StrEnum):
    MANAGE_STAFF = "manage_staff"
    MANAGE_BRANCHES = "manage_branches"
    BACKUP = "backup"
    RESTORE = "restore"
    CHECK_DATABASE = "check_database"
    PRINT_TEST_PAGE = "print_test_page"
    CATALOGUE = "catalogue"
    MANAGE_LOCATIONS = "manage_locations"
    RESERVE_NUMBERS = "reserve_numbers"
    PRINT_LABELS = "print_labels"
    VIEW_READERS = "view_readers"
    REGISTER_READERS = "register_readers"
    MANAGE_CARDS = "manage_cards"
    REVEAL_ID_NUMBERS = "reveal_id_numbers"
    EXPORT_READER_DATA = "export_reader_data"
    RUN_PRIVACY_JOBS = "run_privacy_jobs"
    CONFIGURE_READERS = "configure_readers"
    CIRCULATE = "circulate"
    OVERRIDE_RULES = "override_rules"
    TAKE_PAYMENTS = "take_payments"
    WAIVE_CHARGES = "waive_charges"
    ROTATE_STOCK = "rotate_stock"
    CONFIGURE_CIRCULATION = "configure_circulation"
    VIEW_STATISTICS = "view_statistics"
    KEEP_STATISTICS = "keep_statistics"
    SYNC = "sync"
    RESOLVE_CONFLICTS = "resolve_conflicts"
    BLIND_SERVICE = "blind_service"
    RECORD_EVENTS = "record_events"
    TALLY_ENQUIRIES = "tally_enquiries"
    SERIALS = "serials"


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.MANAGE_STAFF: N_("manage staff accounts"),
    Permission.MANAGE_BRANCHES: N_("manage branches and service points"),
    Permission.BACKUP: N_("back up the database"),
    Permission.RESTORE: N_("restore the database from a backup"),
    Permission.CHECK_DATABASE: N_("check the database"),
    Permission.PRINT_TEST_PAGE: N_("print a test page"),
    Permission.CATALOGUE: N_("import, edit and export catalogue records and items"),
    Permission.MANAGE_LOCATIONS: N_("manage shelving locations"),
    Permission.RESERVE_NUMBERS: N_("reserve book-number and barcode ranges for workstations"),
    Permission.PRINT_LABELS: N_("print spine and barcode labels"),
    Permission.VIEW_READERS: N_("find readers and view their records"),
    Permission.REGISTER_READERS: N_("register readers, change their details and record their consents"),
    Permission.MANAGE_CARDS: N_("report cards lost, replace, renew, suspend, cancel and print reader cards"),
    Permission.REVEAL_ID_NUMBERS: N_("see readers' full ID numbers"),
    Permission.EXPORT_READER_DATA: N_("export a reader's personal data for them"),
    Permission.RUN_PRIVACY_JOBS: N_("run the privacy jobs that anonymise and de-identify reader data"),
    Permission.CONFIGURE_READERS: N_("configure reader types, card numbers, retention periods and the privacy notice"),
    Permission.CIRCULATE: N_("check out, return and renew items, place and cancel holds, receive transit"),
    Permission.OVERRIDE_RULES: N_("override a loan rule with a recorded reason"),
    Permission.TAKE_PAYMENTS: N_("take payments and mark items lost, damaged or claimed returned"),
    Permission.WAIVE_CHARGES: N_("waive charges and write off claimed-returned items"),
    Permission.ROTATE_STOCK: N_("send and bring back rotation batches"),
    Permission.CONFIGURE_CIRCULATION: N_("configure loan rules, the calendar, van stops and circulation settings"),
    Permission.VIEW_STATISTICS: N_("see the library's statistics"),
    Permission.KEEP_STATISTICS: N_("enter the year's figures no system records and write the annual report's texts"),
    Permission.SYNC: N_("exchange sync bundles with the union catalogue"),
    Permission.RESOLVE_CONFLICTS: N_("resolve sync conflicts and enrol desks with the union"),
    Permission.BLIND_SERVICE: N_(
        "work the blind reading room: see who is visually impaired, their addresses and "
        "the call list; lend devices and sets, post and deliver"
    ),
    Permission.RECORD_EVENTS: N_(
        "log programmes, attendance, visits, online reach, training, media reports, honours and the 大事记"
    ),
    Permission.TALLY_ENQUIRIES: N_("tally the enquiries answered at the desk"),
    Permission.SERIALS: N_("work the periodicals: subscriptions and renewal, check-in, claims, routing and binding"),
}

_EVERY_DESK = {Permission.CHECK_DATABASE, Permission.PRINT_TEST_PAGE}
# The front desk and the blind reading room (which issues 视障 cards) register readers
# and work their cards; full ID numbers, personal-data exports and the privacy jobs stay
# with administrators (DOMAIN 5.2.8: personal-data exports need a supervisor).
_READER_DESK = {Permission.VIEW_READERS, Permission.REGISTER_READERS, Permission.MANAGE_CARDS}
# Overriding a rule and waiving a charge are a supervisor's call, as in most libraries.
_LOAN_DESK = {Permission.CIRCULATE, Permission.TAKE_PAYMENTS, Permission.ROTATE_STOCK, Permission.SYNC}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CIRCULATION: frozenset(_EVERY_DESK | _READER_DESK | _LOAN_DESK | {Permission.TALLY_ENQUIRIES}),
    Role.CATALOGUING: frozenset(
        _EVERY_DESK | {Permission.CATALOGUE, Permission.MANAGE_LOCATIONS, Permission.PRINT_LABELS, Permission.SYNC}
    ),
    # Only the blind reading room sees who is visually impaired (DOMAIN 5.2.3), and administrators.
    Role.BLIND_ROOM: frozenset(
        _EVERY_DESK
        | _READER_DESK
        | {Permission.CIRCULATE, Permission.TAKE_PAYMENTS, Permission.BLIND_SERVICE, Permission.TALLY_ENQUIRIES}
    ),
    # Events staff look readers up to register them and scan cards at the door; every desk that
    # answers questions tallies its enquiries.
    Role.EVENTS: frozenset(
        _EVERY_DESK | {Permission.VIEW_READERS, Permission.RECORD_EVENTS, Permission.TALLY_ENQUIRIES, Permission.SYNC}
    ),
    Role.STATISTICS: frozenset(_EVERY_DESK | {Permission.VIEW_STATISTICS, Permission.KEEP_STATISTICS, Permission.SYNC}),
    # The periodicals room (报刊阅览室) checks in, claims and binds; a bound volume's spine label
    # goes through the label queue.
    Role.PERIODICALS: frozenset(_EVERY_DESK | {Permission.SERIALS, Permission.PRINT_LABELS, Permission.SYNC}),
}


def permissions_of(roles: frozenset[Role]) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


def parse_roles(text: str) -> frozenset[Role]:
    """Roles from a comma-separated list of codes or labels in either language."""
    from ils.errors import Invalid

    by_name: dict[str, Role] = {}
    for role in Role:
        by_name[role.value] = role
        by_name[ROLE_LABELS[role].lower()] = role
        by_name[_(ROLE_LABELS[role]).lower()] = role
    roles = set()
    for part in text.replace("，", ",").split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name not in by_name:
            raise Invalid(
                "permissions.unknown_role_roles",
                "Unknown role {role}; roles are: {roles}.",
                role=part.strip(),
                roles=", ".join(r.value for r in Role),
            )
        roles.add(by_name[name])
    if not roles:
        raise Invalid("permissions.staff_member_needs_least", "A staff member needs at least one role.")
    return frozenset(roles)
