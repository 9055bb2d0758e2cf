"""Schema version 20: the blind reading room (盲人阅览室).

Design notes that the frozen SQL cannot say:

- A listening device (智能听书机), an audio carrier and a braille set are ordinary ``item`` rows
  (item types ``listening_device``, ``audiobook``, ``braille``), so they lend through the loan
  rules matrix, the one-open-loan-per-copy index, renewals, overdues and sync's conflict
  checks like every copy. What the blind room adds sits beside them:
  ``blind_device`` (the serial number, model, programme batch and the accessories its kit
  holds now; its id is name-based on the serial, so two desks that register one device make
  one row), ``blind_repair`` (sent to the repairer and back), ``blind_volume`` (the volumes of
  a set lent as one copy; id name-based on the set and the number) and ``blind_loan`` (what a
  blind-room loan adds: the accessories ticked out and back, the condition on return, the
  proxy who took it).
- A set returned with a volume missing stays on loan: each volume that comes back is a row of
  ``blind_volume_return`` (id name-based on the loan and the volume, so a volume returned at
  two desks is one fact, at its earliest return); the loan ends when every volume is back or
  written off.
- ``blind_request`` is the queue of requests by phone, WeChat, letter or in person;
  ``blind_dispatch`` a parcel by post or a home delivery made against one, with its items in
  ``blind_dispatch_item`` (ticked when the parcel comes back). Both link to the reader like a
  loan does: the link is cut after the loan-history period (``deidentified_at``).
- ``blind_verification``: the eligibility check (date, staff member, the document seen). The
  certificate number is not stored unless the library turns that on, and then only sealed
  with the reader key (``certificate_cipher``, desk-local like ``reader.id_cipher``).
- Desk-local, never replicated: ``blind_profile`` (the postal address and a group's contact
  person, sealed like ID numbers; the delivery route), ``blind_proxy`` (family members and
  carers who borrow for a reader) and ``blind_call`` (the follow-up calls about overdue
  devices). They are personal data the union has no use for.
- ``blind_visit``: visits to the room, tallied per day.
- ``staff.high_contrast``: the large-text, high-contrast display is remembered per staff member
  like the language.
- The rule ``blind/*/*``: items other than listening devices for visually impaired readers,
  5 for 30 days with one renewal of 15 (DOMAIN 2.2) and no fine, so no fine ever blocks a blind
  reader by default. Fixed values and the genesis version, like every row the migrations
  insert, so desks agree on it.
- Change capture: the triggers are generated as m0011 generates them, from ``CAPTURED`` below,
  a frozen copy of this version's part of ``db.sync_spec``.
"""

from __future__ import annotations

from db.migrations.m0011_sync_capture import GENESIS_TIME, trigger_statements

VERSION = 20

STATEMENTS = (
    "ALTER TABLE staff ADD COLUMN high_contrast INTEGER NOT NULL DEFAULT 0",
    """CREATE TABLE blind_profile (
        reader_id TEXT PRIMARY KEY NOT NULL REFERENCES reader (id),
        address_cipher BLOB,
        contact_cipher BLOB,
        delivery TEXT NOT NULL DEFAULT 'post' CHECK (delivery IN ('post', 'delivery', 'pickup')),
        route TEXT,
        association INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE blind_verification (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT NOT NULL REFERENCES reader (id),
        verified_on TEXT NOT NULL,
        verified_by TEXT,
        document TEXT NOT NULL CHECK (document IN ('disability_certificate', 'other')),
        certificate_cipher BLOB,
        created_at TEXT NOT NULL,
        withdrawn_at TEXT,
        withdrawn_by TEXT
    )""",
    "CREATE INDEX blind_verification_reader ON blind_verification (reader_id)",
    """CREATE TABLE blind_proxy (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT NOT NULL REFERENCES reader (id),
        name TEXT NOT NULL,
        relation TEXT NOT NULL,
        phone_cipher BLOB,
        consented_at TEXT NOT NULL,
        consented_by TEXT,
        ended_at TEXT,
        ended_by TEXT
    )""",
    "CREATE INDEX blind_proxy_reader ON blind_proxy (reader_id)",
    """CREATE TABLE blind_device (
        id TEXT PRIMARY KEY NOT NULL,
        item_id TEXT NOT NULL REFERENCES item (id),
        serial TEXT NOT NULL,
        model TEXT NOT NULL,
        batch TEXT NOT NULL,
        received_on TEXT NOT NULL,
        accessories TEXT NOT NULL DEFAULT '[]',
        note TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX blind_device_item ON blind_device (item_id)",
    """CREATE TABLE blind_repair (
        id TEXT PRIMARY KEY NOT NULL,
        device_id TEXT NOT NULL REFERENCES blind_device (id),
        sent_at TEXT NOT NULL,
        sent_by TEXT,
        repairer TEXT NOT NULL,
        fault TEXT,
        back_at TEXT,
        outcome TEXT CHECK (outcome IN ('repaired', 'unrepairable')),
        back_note TEXT
    )""",
    "CREATE INDEX blind_repair_device ON blind_repair (device_id, back_at)",
    """CREATE TABLE blind_volume (
        id TEXT PRIMARY KEY NOT NULL,
        item_id TEXT NOT NULL REFERENCES item (id),
        number INTEGER NOT NULL CHECK (number > 0),
        label TEXT,
        state TEXT NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'lost')),
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX blind_volume_item ON blind_volume (item_id, number)",
    """CREATE TABLE blind_loan (
        loan_id TEXT PRIMARY KEY NOT NULL REFERENCES loan (id),
        proxy_id TEXT REFERENCES blind_proxy (id),
        accessories_out TEXT NOT NULL DEFAULT '[]',
        lent_at TEXT NOT NULL,
        returned_at TEXT,
        accessories_back TEXT,
        condition TEXT CHECK (condition IN ('working', 'damaged', 'accessory_missing')),
        condition_note TEXT
    )""",
    """CREATE TABLE blind_request (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT REFERENCES reader (id),
        deidentified_at TEXT,
        channel TEXT NOT NULL CHECK (channel IN ('phone', 'wechat', 'letter', 'in_person')),
        wanted TEXT NOT NULL,
        next_volumes INTEGER NOT NULL DEFAULT 0,
        how TEXT NOT NULL CHECK (how IN ('post', 'delivery', 'pickup')),
        note TEXT,
        received_at TEXT NOT NULL,
        received_by TEXT,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'dispatched', 'cancelled')),
        closed_at TEXT
    )""",
    "CREATE INDEX blind_request_queue ON blind_request (state, received_at)",
    "CREATE INDEX blind_request_reader ON blind_request (reader_id)",
    """CREATE TABLE blind_dispatch (
        id TEXT PRIMARY KEY NOT NULL,
        request_id TEXT REFERENCES blind_request (id),
        reader_id TEXT REFERENCES reader (id),
        deidentified_at TEXT,
        method TEXT NOT NULL CHECK (method IN ('post', 'delivery')),
        branch_id TEXT NOT NULL REFERENCES branch (id),
        dispatched_at TEXT NOT NULL,
        dispatched_by TEXT,
        deliver_on TEXT,
        route TEXT,
        registered_number TEXT,
        delivered_at TEXT,
        delivered_by TEXT,
        back_at TEXT
    )""",
    "CREATE INDEX blind_dispatch_day ON blind_dispatch (method, deliver_on, route)",
    "CREATE INDEX blind_dispatch_reader ON blind_dispatch (reader_id)",
    """CREATE TABLE blind_dispatch_item (
        id TEXT PRIMARY KEY NOT NULL,
        dispatch_id TEXT NOT NULL REFERENCES blind_dispatch (id),
        loan_id TEXT NOT NULL REFERENCES loan (id),
        item_id TEXT NOT NULL REFERENCES item (id),
        back_at TEXT
    )""",
    "CREATE INDEX blind_dispatch_item_dispatch ON blind_dispatch_item (dispatch_id)",
    "CREATE INDEX blind_dispatch_item_loan ON blind_dispatch_item (loan_id)",
    """CREATE TABLE blind_volume_return (
        id TEXT PRIMARY KEY NOT NULL,
        loan_id TEXT NOT NULL REFERENCES loan (id),
        volume_id TEXT NOT NULL REFERENCES blind_volume (id),
        returned_at TEXT NOT NULL,
        branch_id TEXT REFERENCES branch (id),
        dispatch_id TEXT REFERENCES blind_dispatch (id)
    )""",
    "CREATE INDEX blind_volume_return_loan ON blind_volume_return (loan_id)",
    """CREATE TABLE blind_call (
        id TEXT PRIMARY KEY NOT NULL,
        loan_id TEXT NOT NULL REFERENCES loan (id),
        called_at TEXT NOT NULL,
        called_by TEXT,
        outcome TEXT NOT NULL CHECK (outcome IN ('reached', 'no_answer', 'will_return', 'lost')),
        note TEXT
    )""",
    "CREATE INDEX blind_call_loan ON blind_call (loan_id, called_at)",
    """CREATE TABLE blind_visit (
        id TEXT PRIMARY KEY NOT NULL,
        day TEXT NOT NULL,
        visits INTEGER NOT NULL CHECK (visits > 0),
        branch_id TEXT NOT NULL REFERENCES branch (id),
        recorded_at TEXT NOT NULL,
        recorded_by TEXT
    )""",
    "CREATE INDEX blind_visit_day ON blind_visit (day)",
)

# table -> (primary key columns, groups of columns). Frozen copy of this version's tables in
# db.sync_spec.TABLES.
CAPTURED: dict[str, tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "blind_verification": (
        ("id",),
        (
            *((c, (c,)) for c in ("reader_id", "verified_on", "verified_by", "document", "created_at")),
            ("withdrawn", ("withdrawn_at", "withdrawn_by")),
        ),
    ),
    "blind_device": (
        ("id",),
        tuple(
            (c, (c,))
            for c in (
                "item_id",
                "serial",
                "model",
                "batch",
                "received_on",
                "accessories",
                "note",
                "created_at",
                "updated_at",
            )
        ),
    ),
    "blind_repair": (
        ("id",),
        (
            ("sent", ("device_id", "sent_at", "sent_by", "repairer", "fault")),
            ("back", ("back_at", "outcome", "back_note")),
        ),
    ),
    "blind_volume": (("id",), tuple((c, (c,)) for c in ("item_id", "number", "label", "state", "created_at"))),
    "blind_loan": (
        ("loan_id",),
        (
            ("made", ("accessories_out", "lent_at")),
            ("back", ("returned_at", "accessories_back", "condition", "condition_note")),
        ),
    ),
    "blind_request": (
        ("id",),
        (
            ("reader", ("reader_id", "deidentified_at")),
            *((c, (c,)) for c in ("channel", "wanted", "next_volumes", "how", "note", "received_at", "received_by")),
            ("state", ("state", "closed_at")),
        ),
    ),
    "blind_dispatch": (
        ("id",),
        (
            ("made", ("request_id", "method", "branch_id", "dispatched_at", "dispatched_by", "deliver_on", "route")),
            ("reader", ("reader_id", "deidentified_at")),
            ("registered_number", ("registered_number",)),
            ("delivered", ("delivered_at", "delivered_by")),
            ("back_at", ("back_at",)),
        ),
    ),
    "blind_dispatch_item": (("id",), (("made", ("dispatch_id", "loan_id", "item_id")), ("back_at", ("back_at",)))),
    "blind_volume_return": (
        ("id",),
        (("made", ("loan_id", "volume_id")), ("returned", ("returned_at", "branch_id", "dispatch_id"))),
    ),
    "blind_visit": (("id",), (("made", ("day", "visits", "branch_id", "recorded_at", "recorded_by")),)),
}

BLIND_RULE = "blind/*/*"


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
    for table, (pk, groups) in CAPTURED.items():
        for statement in trigger_statements(table, pk, groups):
            execute(statement)
    execute(
        "INSERT INTO loan_rule (id, reader_type, item_type, branch_id, loan_limit, loan_days, renewals, renew_days,"
        " holds_allowed, fine_fen_per_day, updated_at) SELECT ?, 'blind', '*', NULL, 5, 30, 1, 15, 1, 0, ?"
        " WHERE NOT EXISTS (SELECT 1 FROM loan_rule WHERE id = ?)",
        (BLIND_RULE, GENESIS_TIME, BLIND_RULE),
    )
    # The same row on every desk under the same version: the genesis one (hlc 0, no node).
    execute("UPDATE sync_row SET hlc = 0, node = '', colvers = NULL WHERE tbl = 'loan_rule' AND pk = ?", (BLIND_RULE,))
