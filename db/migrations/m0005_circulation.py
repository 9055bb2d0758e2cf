"""Schema version 5: loans, renewals, holds, transit, charges and payments, loan rules, the
calendar, rotation batches and the van's stops.

Design notes that the frozen SQL cannot say:

- ``loan`` keeps a snapshot of the borrower's reader type, age band and home branch taken at
  checkout, so that de-identifying a returned loan (``reader_id`` set to NULL after the
  retention period) keeps every statistic: loans by reader type, age band and branch need
  no reader row. Loan journal rows never carry the reader's id for the same reason: the
  append-only journal would otherwise keep the link the retention period promises to cut.
- A loan ends once (``ended_at``, ``ended_as``: returned, lost, written off). At most one
  open loan per item (a partial unique index), so two desks cannot lend one copy twice.
- Renewals are rows of their own, so loans can be reported with or without them.
- ``loan.branch_id`` / ``service_point_id`` say where the loan happened; ``rotation_batch_id``
  says the item was out on rotation then, so loans at a rotation point count for it.
- ``item.at_branch_id`` is where a copy lives when not at its home branch: out on rotation,
  or left at the branch where a floating copy was returned. NULL means at home.
- ``loan_rule.id`` is the rule's natural key (``reader type/item type/branch code``, ``*``
  for any), the same on every node, so a rule survives sync without mapping ids. The
  defaults below are a Chinese county library's (DOMAIN 2.2): 5 items for 30 days, one
  renewal of 15 days, holds allowed; listening devices only for visually impaired readers,
  one at a time for 90 days.
- ``calendar_day`` rows override a branch's weekly closing days: a holiday or an emergency
  closing (closed), or an adjusted working day (调休, open). A row without a branch applies
  to every branch; a branch's own row wins over it.
- ``hold.reader_id`` and ``charge.reader_id`` are de-identified like loans once the hold has
  ended, or the charge is settled, longer ago than the retention period.
- Van stops are service points of the van's branch; ``service_point.route`` names the route.
"""

VERSION = 5

_NOW = "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')"

STATEMENTS = (
    "ALTER TABLE branch ADD COLUMN closed_weekdays TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE service_point ADD COLUMN route TEXT",
    "ALTER TABLE item ADD COLUMN at_branch_id TEXT REFERENCES branch (id)",
    """CREATE TABLE loan_rule (
        id TEXT PRIMARY KEY NOT NULL,
        reader_type TEXT NOT NULL,
        item_type TEXT NOT NULL,
        branch_id TEXT REFERENCES branch (id),
        loan_limit INTEGER NOT NULL CHECK (loan_limit >= 0),
        loan_days INTEGER NOT NULL CHECK (loan_days > 0),
        renewals INTEGER NOT NULL CHECK (renewals >= 0),
        renew_days INTEGER NOT NULL CHECK (renew_days > 0),
        holds_allowed INTEGER NOT NULL DEFAULT 1,
        fine_fen_per_day INTEGER NOT NULL DEFAULT 0 CHECK (fine_fen_per_day >= 0),
        updated_at TEXT NOT NULL
    )""",
    """CREATE UNIQUE INDEX loan_rule_key ON loan_rule (reader_type, item_type, IFNULL(branch_id, '*'))""",
    f"""INSERT INTO loan_rule (id, reader_type, item_type, branch_id, loan_limit, loan_days, renewals,
            renew_days, holds_allowed, fine_fen_per_day, updated_at) VALUES
        ('*/*/*', '*', '*', NULL, 5, 30, 1, 15, 1, 10, {_NOW}),
        ('*/listening_device/*', '*', 'listening_device', NULL, 0, 90, 0, 30, 0, 0, {_NOW}),
        ('blind/listening_device/*', 'blind', 'listening_device', NULL, 1, 90, 1, 30, 1, 0, {_NOW}),
        ('temporary/*/*', 'temporary', '*', NULL, 2, 14, 0, 7, 0, 10, {_NOW}),
        ('group/*/*', 'group', '*', NULL, 200, 90, 1, 30, 0, 0, {_NOW})""",
    """CREATE TABLE calendar_day (
        id TEXT PRIMARY KEY NOT NULL,
        branch_id TEXT REFERENCES branch (id),
        day TEXT NOT NULL,
        open INTEGER NOT NULL CHECK (open IN (0, 1)),
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday', 'emergency')),
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX calendar_day_key ON calendar_day (IFNULL(branch_id, '*'), day)",
    """CREATE TABLE rotation_batch (
        id TEXT PRIMARY KEY NOT NULL,
        code TEXT NOT NULL UNIQUE,
        from_branch_id TEXT NOT NULL REFERENCES branch (id),
        to_branch_id TEXT NOT NULL REFERENCES branch (id),
        to_service_point_id TEXT REFERENCES service_point (id),
        sent_at TEXT NOT NULL,
        due_back_on TEXT NOT NULL,
        returned_at TEXT,
        note TEXT
    )""",
    """CREATE TABLE rotation_item (
        id TEXT PRIMARY KEY NOT NULL,
        batch_id TEXT NOT NULL REFERENCES rotation_batch (id),
        item_id TEXT NOT NULL REFERENCES item (id),
        sent_at TEXT NOT NULL,
        returned_at TEXT
    )""",
    "ALTER TABLE item ADD COLUMN rotation_batch_id TEXT REFERENCES rotation_batch (id)",
    "CREATE INDEX item_rotation_batch ON item (rotation_batch_id) WHERE rotation_batch_id IS NOT NULL",
    "CREATE UNIQUE INDEX rotation_item_key ON rotation_item (batch_id, item_id)",
    "CREATE INDEX rotation_item_item ON rotation_item (item_id)",
    """CREATE TABLE loan (
        id TEXT PRIMARY KEY NOT NULL,
        item_id TEXT NOT NULL REFERENCES item (id),
        reader_id TEXT REFERENCES reader (id),
        reader_type TEXT NOT NULL,
        age_band TEXT,
        reader_branch_id TEXT REFERENCES branch (id),
        item_type TEXT NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        service_point_id TEXT REFERENCES service_point (id),
        rotation_batch_id TEXT REFERENCES rotation_batch (id),
        rule_id TEXT NOT NULL,
        loaned_at TEXT NOT NULL,
        due_on TEXT NOT NULL,
        renewals INTEGER NOT NULL DEFAULT 0,
        override_reason TEXT,
        claimed_returned_at TEXT,
        ended_at TEXT,
        ended_as TEXT CHECK (ended_as IN ('returned', 'lost', 'written_off')),
        end_branch_id TEXT REFERENCES branch (id),
        end_service_point_id TEXT REFERENCES service_point (id),
        deidentified_at TEXT,
        CHECK ((ended_at IS NULL) = (ended_as IS NULL))
    )""",
    "CREATE UNIQUE INDEX loan_open_item ON loan (item_id) WHERE ended_at IS NULL",
    "CREATE INDEX loan_open_reader ON loan (reader_id, due_on) WHERE ended_at IS NULL",
    "CREATE INDEX loan_open_due ON loan (due_on) WHERE ended_at IS NULL",
    "CREATE INDEX loan_reader_history ON loan (reader_id, loaned_at)",
    "CREATE INDEX loan_item ON loan (item_id, loaned_at)",
    "CREATE INDEX loan_loaned_at ON loan (loaned_at)",
    "CREATE INDEX loan_identified ON loan (ended_at) WHERE reader_id IS NOT NULL AND ended_at IS NOT NULL",
    """CREATE TABLE loan_renewal (
        id TEXT PRIMARY KEY NOT NULL,
        loan_id TEXT NOT NULL REFERENCES loan (id),
        renewed_at TEXT NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        service_point_id TEXT REFERENCES service_point (id),
        previous_due_on TEXT NOT NULL,
        due_on TEXT NOT NULL,
        override_reason TEXT
    )""",
    "CREATE INDEX loan_renewal_loan ON loan_renewal (loan_id)",
    "CREATE INDEX loan_renewal_at ON loan_renewal (renewed_at)",
    """CREATE TABLE hold (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT REFERENCES reader (id),
        reader_type TEXT NOT NULL,
        bib_id TEXT NOT NULL REFERENCES bib_record (id),
        item_id TEXT REFERENCES item (id),
        pickup_branch_id TEXT NOT NULL REFERENCES branch (id),
        state TEXT NOT NULL
            CHECK (state IN ('waiting', 'in_transit', 'ready', 'fulfilled', 'cancelled', 'expired')),
        placed_at TEXT NOT NULL,
        trapped_item_id TEXT REFERENCES item (id),
        trapped_at TEXT,
        ready_at TEXT,
        expires_on TEXT,
        ended_at TEXT,
        end_reason TEXT,
        deidentified_at TEXT
    )""",
    "CREATE INDEX hold_queue ON hold (bib_id, placed_at) WHERE state = 'waiting'",
    "CREATE INDEX hold_reader ON hold (reader_id, state)",
    """CREATE UNIQUE INDEX hold_trapped_item ON hold (trapped_item_id)
       WHERE state IN ('in_transit', 'ready')""",
    "CREATE INDEX hold_shelf ON hold (pickup_branch_id, expires_on) WHERE state = 'ready'",
    "CREATE INDEX hold_identified ON hold (ended_at) WHERE reader_id IS NOT NULL AND ended_at IS NOT NULL",
    """CREATE TABLE transit (
        id TEXT PRIMARY KEY NOT NULL,
        item_id TEXT NOT NULL REFERENCES item (id),
        from_branch_id TEXT NOT NULL REFERENCES branch (id),
        to_branch_id TEXT NOT NULL REFERENCES branch (id),
        reason TEXT NOT NULL CHECK (reason IN ('home', 'hold', 'rotation', 'rotation_return')),
        hold_id TEXT REFERENCES hold (id),
        rotation_batch_id TEXT REFERENCES rotation_batch (id),
        sent_at TEXT NOT NULL,
        received_at TEXT,
        received_branch_id TEXT REFERENCES branch (id)
    )""",
    "CREATE UNIQUE INDEX transit_open_item ON transit (item_id) WHERE received_at IS NULL",
    "CREATE INDEX transit_open_to ON transit (to_branch_id, sent_at) WHERE received_at IS NULL",
    """CREATE TABLE charge (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT REFERENCES reader (id),
        loan_id TEXT REFERENCES loan (id),
        item_id TEXT REFERENCES item (id),
        kind TEXT NOT NULL CHECK (kind IN ('overdue', 'lost', 'damaged')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
        created_at TEXT NOT NULL,
        note TEXT,
        settled_at TEXT,
        deidentified_at TEXT
    )""",
    "CREATE INDEX charge_open_reader ON charge (reader_id) WHERE settled_at IS NULL",
    "CREATE INDEX charge_identified ON charge (settled_at) WHERE reader_id IS NOT NULL AND settled_at IS NOT NULL",
    """CREATE TABLE payment (
        id TEXT PRIMARY KEY NOT NULL,
        charge_id TEXT NOT NULL REFERENCES charge (id),
        kind TEXT NOT NULL CHECK (kind IN ('payment', 'waiver', 'replacement')),
        amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
        paid_at TEXT NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        note TEXT
    )""",
    "CREATE INDEX payment_charge ON payment (charge_id)",
    "CREATE INDEX payment_paid_at ON payment (paid_at)",
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
