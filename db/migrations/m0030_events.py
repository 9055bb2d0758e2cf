"""Schema version 30: events, visits and the library's other services (issue 16).

Design notes that the frozen SQL cannot say:

- ``event_programme`` (a lecture series, an exhibition, a contest …) and its ``event_session``
  rows (a date and time, or a range of days for an exhibition; a venue) are editable records,
  last writer wins per field; a session's cancellation is set once (earliest wins).
- Attendance is counted two ways. ``event_count``: a head count, or an exhibition's count for
  one day; its id is name-based on the session and the day, so two desks that count the same
  day make one row and the later count stands (a correction). ``event_scan``: a reader's card
  scanned at the door; its id is name-based on a keyed hash (the reader key) of the session, the
  reader and the day, so a card scanned twice that day, or at two doors, is one attendance at its
  earliest scan, and the union cannot tell whose it is.
- ``event_registration``: who registered or waits for a place. The reader, a non-reader's name
  and the phone (sealed with the reader key like readers' phones) are desk-local: the union
  learns how many registered, never who.
- ``event_evidence``: a file copied into the library's data folder, named by its SHA-256; the id
  is name-based on the programme and the hash, so a file attached twice is one row. The files
  themselves stay on the desk that attached them (the ledger export carries them).
- ``event_media``, ``event_honour``, ``event_milestone`` (大事记), ``event_reach`` (online views,
  clicks, pushes), ``event_training`` (基层辅导 and staff training), ``event_volunteer``:
  editable records.
- Visits: ``visit_gate_site`` (a site with a gate counter and the column mapping its CSV needs;
  id from its code), ``visit_gate_count`` (one counter reading: id name-based on the site, gate and
  time, so a file imported twice, or at two desks, counts once; readings never change),
  ``visit_tally`` (a day's manual count for a branch, a van stop or a room; name-based on the
  site, measure and day, the later count stands), ``visit_digital`` (a month's figure per
  platform and measure, name-based likewise) and ``visit_enquiry`` (one enquiry answered: a fact).
- Change capture: the triggers are generated as m0011 generates them, from ``CAPTURED`` below,
  a frozen copy of this version's part of ``db.sync_spec``.
"""

from __future__ import annotations

from db.migrations.m0011_sync_capture import trigger_statements

VERSION = 30

STATEMENTS = (
    """CREATE TABLE event_programme (
        id TEXT PRIMARY KEY NOT NULL,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        brand TEXT,
        audience TEXT NOT NULL DEFAULT 'all',
        partners TEXT,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        reading_for_all INTEGER NOT NULL DEFAULT 0,
        note TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        cancelled_at TEXT
    )""",
    "CREATE INDEX event_programme_branch ON event_programme (branch_id)",
    """CREATE TABLE event_session (
        id TEXT PRIMARY KEY NOT NULL,
        programme_id TEXT NOT NULL REFERENCES event_programme (id),
        starts_at TEXT NOT NULL,
        ends_on TEXT,
        venue_kind TEXT NOT NULL CHECK (venue_kind IN ('room', 'branch', 'outside', 'online')),
        venue TEXT NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        capacity INTEGER CHECK (capacity IS NULL OR capacity > 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        cancelled_at TEXT
    )""",
    "CREATE INDEX event_session_programme ON event_session (programme_id)",
    "CREATE INDEX event_session_start ON event_session (starts_at)",
    """CREATE TABLE event_registration (
        id TEXT PRIMARY KEY NOT NULL,
        session_id TEXT NOT NULL REFERENCES event_session (id),
        reader_id TEXT REFERENCES reader (id),
        name TEXT,
        phone_cipher BLOB,
        party INTEGER NOT NULL DEFAULT 1 CHECK (party > 0),
        registered_at TEXT NOT NULL,
        registered_by TEXT,
        state TEXT NOT NULL CHECK (state IN ('registered', 'waiting', 'cancelled')),
        changed_at TEXT NOT NULL
    )""",
    "CREATE INDEX event_registration_session ON event_registration (session_id, state, registered_at)",
    "CREATE INDEX event_registration_reader ON event_registration (reader_id)",
    """CREATE TABLE event_count (
        id TEXT PRIMARY KEY NOT NULL,
        session_id TEXT NOT NULL REFERENCES event_session (id),
        day TEXT NOT NULL,
        total INTEGER NOT NULL CHECK (total >= 0),
        adults INTEGER CHECK (adults IS NULL OR adults >= 0),
        children INTEGER CHECK (children IS NULL OR children >= 0),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT
    )""",
    "CREATE INDEX event_count_session ON event_count (session_id, day)",
    "CREATE INDEX event_count_day ON event_count (day)",
    """CREATE TABLE event_scan (
        id TEXT PRIMARY KEY NOT NULL,
        session_id TEXT NOT NULL REFERENCES event_session (id),
        reader_id TEXT REFERENCES reader (id),
        age_band TEXT,
        day TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        scanned_by TEXT
    )""",
    "CREATE INDEX event_scan_session ON event_scan (session_id, day)",
    """CREATE TABLE event_reach (
        id TEXT PRIMARY KEY NOT NULL,
        programme_id TEXT REFERENCES event_programme (id),
        channel TEXT NOT NULL,
        title TEXT NOT NULL,
        published_on TEXT NOT NULL,
        views INTEGER NOT NULL DEFAULT 0 CHECK (views >= 0),
        clicks INTEGER NOT NULL DEFAULT 0 CHECK (clicks >= 0),
        pushes INTEGER NOT NULL DEFAULT 0 CHECK (pushes >= 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX event_reach_day ON event_reach (published_on)",
    """CREATE TABLE event_evidence (
        id TEXT PRIMARY KEY NOT NULL,
        programme_id TEXT NOT NULL REFERENCES event_programme (id),
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        stored TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT
    )""",
    "CREATE INDEX event_evidence_programme ON event_evidence (programme_id)",
    """CREATE TABLE event_media (
        id TEXT PRIMARY KEY NOT NULL,
        programme_id TEXT REFERENCES event_programme (id),
        outlet TEXT NOT NULL,
        reported_on TEXT NOT NULL,
        title TEXT NOT NULL,
        link TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX event_media_day ON event_media (reported_on)",
    """CREATE TABLE event_honour (
        id TEXT PRIMARY KEY NOT NULL,
        body TEXT NOT NULL,
        title TEXT NOT NULL,
        awarded_on TEXT NOT NULL,
        recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('library', 'branch', 'staff', 'reader')),
        recipient TEXT,
        note TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE event_milestone (
        id TEXT PRIMARY KEY NOT NULL,
        day TEXT NOT NULL,
        text TEXT NOT NULL,
        source_kind TEXT NOT NULL CHECK (source_kind IN ('staff', 'programme', 'honour', 'rotation')),
        source_id TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        withdrawn_at TEXT
    )""",
    "CREATE INDEX event_milestone_day ON event_milestone (day)",
    """CREATE TABLE event_training (
        id TEXT PRIMARY KEY NOT NULL,
        audience TEXT NOT NULL CHECK (audience IN ('branch_staff', 'own_staff')),
        category TEXT NOT NULL,
        day TEXT NOT NULL,
        branch_id TEXT REFERENCES branch (id),
        topic TEXT NOT NULL,
        minutes INTEGER NOT NULL CHECK (minutes > 0),
        attendees INTEGER NOT NULL CHECK (attendees > 0),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX event_training_day ON event_training (day)",
    """CREATE TABLE event_volunteer (
        id TEXT PRIMARY KEY NOT NULL,
        day TEXT NOT NULL,
        activity TEXT NOT NULL,
        people INTEGER NOT NULL CHECK (people > 0),
        minutes INTEGER NOT NULL CHECK (minutes > 0),
        programme_id TEXT REFERENCES event_programme (id),
        names TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX event_volunteer_day ON event_volunteer (day)",
    """CREATE TABLE visit_gate_site (
        id TEXT PRIMARY KEY NOT NULL,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        mapping TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE visit_gate_count (
        id TEXT PRIMARY KEY NOT NULL,
        site_id TEXT NOT NULL REFERENCES visit_gate_site (id),
        gate TEXT NOT NULL,
        at TEXT NOT NULL,
        day TEXT NOT NULL,
        entries INTEGER NOT NULL CHECK (entries >= 0),
        imported_at TEXT NOT NULL
    )""",
    "CREATE INDEX visit_gate_count_day ON visit_gate_count (site_id, day)",
    """CREATE TABLE visit_tally (
        id TEXT PRIMARY KEY NOT NULL,
        site_kind TEXT NOT NULL CHECK (site_kind IN ('branch', 'point', 'room')),
        site_code TEXT NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        measure TEXT NOT NULL CHECK (measure IN ('visits', 'sessions')),
        day TEXT NOT NULL,
        count INTEGER NOT NULL CHECK (count >= 0),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT
    )""",
    "CREATE INDEX visit_tally_day ON visit_tally (day)",
    """CREATE TABLE visit_digital (
        id TEXT PRIMARY KEY NOT NULL,
        month TEXT NOT NULL,
        platform TEXT NOT NULL,
        measure TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value >= 0),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT
    )""",
    "CREATE INDEX visit_digital_month ON visit_digital (month)",
    """CREATE TABLE visit_enquiry (
        id TEXT PRIMARY KEY NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        channel TEXT NOT NULL CHECK (channel IN ('in_person', 'phone', 'online')),
        kind TEXT NOT NULL,
        recorded_by TEXT
    )""",
    "CREATE INDEX visit_enquiry_day ON visit_enquiry (day)",
)


def _each(*columns: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((c, (c,)) for c in columns)


# table -> (primary key columns, groups of columns). Frozen copy of this version's tables in
# db.sync_spec.TABLES.
CAPTURED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "event_programme": (
        ("id",),
        _each(
            "title",
            "kind",
            "brand",
            "audience",
            "partners",
            "branch_id",
            "reading_for_all",
            "note",
            "created_at",
            "updated_at",
            "cancelled_at",
        ),
    ),
    "event_session": (
        ("id",),
        (
            *_each("programme_id", "starts_at", "ends_on"),
            ("venue", ("venue_kind", "venue")),
            *_each("branch_id", "capacity", "created_at", "updated_at", "cancelled_at"),
        ),
    ),
    "event_registration": (
        ("id",),
        (("made", ("session_id", "party", "registered_at", "registered_by")), ("state", ("state", "changed_at"))),
    ),
    "event_count": (
        ("id",),
        (("made", ("session_id", "day")), ("count", ("total", "adults", "children", "recorded_at", "recorded_by"))),
    ),
    "event_scan": (("id",), (("made", ("scanned_at", "session_id", "age_band", "day", "scanned_by")),)),
    "event_reach": (
        ("id",),
        _each(
            "programme_id", "channel", "title", "published_on", "views", "clicks", "pushes", "created_at", "updated_at"
        ),
    ),
    "event_evidence": (
        ("id",),
        (("made", ("programme_id", "kind", "name", "sha256", "size", "stored", "added_at", "added_by")),),
    ),
    "event_media": (
        ("id",),
        _each("programme_id", "outlet", "reported_on", "title", "link", "created_at", "updated_at"),
    ),
    "event_honour": (
        ("id",),
        _each("body", "title", "awarded_on", "recipient_kind", "recipient", "note", "created_at", "updated_at"),
    ),
    "event_milestone": (
        ("id",),
        _each("day", "text", "source_kind", "source_id", "created_at", "updated_at", "withdrawn_at"),
    ),
    "event_training": (
        ("id",),
        _each("audience", "category", "day", "branch_id", "topic", "minutes", "attendees", "created_at", "updated_at"),
    ),
    "event_volunteer": (
        ("id",),
        _each("day", "activity", "people", "minutes", "programme_id", "created_at", "updated_at"),
    ),
    "visit_gate_site": (("id",), _each("code", "name", "branch_id", "mapping", "created_at", "updated_at")),
    "visit_gate_count": (("id",), (("made", ("site_id", "gate", "at", "day", "entries", "imported_at")),)),
    "visit_tally": (
        ("id",),
        (
            ("made", ("site_kind", "site_code", "branch_id", "measure", "day")),
            ("count", ("count", "recorded_at", "recorded_by")),
        ),
    ),
    "visit_digital": (
        ("id",),
        (("made", ("month", "platform", "measure")), ("value", ("value", "recorded_at", "recorded_by"))),
    ),
    "visit_enquiry": (("id",), (("made", ("branch_id", "day", "at", "channel", "kind", "recorded_by")),)),
}


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
    for table, (pk, groups) in CAPTURED.items():
        for statement in trigger_statements(table, pk, groups):
            execute(statement)
