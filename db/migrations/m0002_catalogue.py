"""Schema version 2: the catalogue (records, items, locations, call-number ledger, search index).

Design notes that the frozen SQL cannot say:

- ``bib_record.marc`` keeps the whole record as MARC-in-JSON (Unicode, no 99,999-byte
  limit), without local holdings (905/852/952): copies live in ``item`` and are written
  back into the record on export. The indexed columns beside it are derived from it.
- ``bib_record.doc`` is the record's local number in the full-text index. FTS5 needs an
  integer rowid; the UUID key cannot be one, and a rowid that VACUUM may renumber must not
  be either. It is never synced.
- ``item.status`` and ``item.item_type`` carry no CHECK constraint on purpose: SQLite cannot
  change a CHECK without rebuilding a million-row table, and circulation adds statuses.
- ``book_number`` is the 种次号 ledger: one row per number given in a class, so a number is
  never handed out twice on this node, and numbers met on import count as taken.
- ``bib_search`` is an FTS5 table with its own copy of the tokenised text (not contentless:
  SQLite 3.40 cannot delete from a contentless table without the old values).
"""

VERSION = 2

STATEMENTS = (
    """CREATE TABLE location (
        id TEXT PRIMARY KEY NOT NULL,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        book_number_scheme TEXT NOT NULL DEFAULT 'sequence'
            CHECK (book_number_scheme IN ('sequence', 'author')),
        floating INTEGER NOT NULL DEFAULT 0,
        loanable INTEGER NOT NULL DEFAULT 1,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX location_branch ON location (branch_id)",
    """CREATE TABLE bib_record (
        id TEXT PRIMARY KEY NOT NULL,
        doc INTEGER NOT NULL UNIQUE,
        format TEXT NOT NULL CHECK (format IN ('cnmarc', 'marc21')),
        marc TEXT NOT NULL,
        title TEXT NOT NULL,
        parallel_title TEXT,
        other_title TEXT,
        responsibility TEXT,
        edition TEXT,
        publisher TEXT,
        place TEXT,
        year TEXT,
        isbn TEXT,
        clc_class TEXT,
        subjects TEXT,
        series TEXT,
        price TEXT,
        material_type TEXT,
        call_class TEXT,
        book_number TEXT,
        title_sort TEXT NOT NULL,
        dedup_key TEXT,
        source TEXT,
        deleted INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX bib_record_title_sort ON bib_record (title_sort)",
    "CREATE INDEX bib_record_dedup ON bib_record (dedup_key)",
    """CREATE TABLE bib_isbn (
        isbn TEXT NOT NULL,
        bib_id TEXT NOT NULL REFERENCES bib_record (id),
        PRIMARY KEY (isbn, bib_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX bib_isbn_bib ON bib_isbn (bib_id)",
    """CREATE TABLE item (
        id TEXT PRIMARY KEY NOT NULL,
        bib_id TEXT NOT NULL REFERENCES bib_record (id),
        barcode TEXT NOT NULL UNIQUE,
        branch_id TEXT NOT NULL REFERENCES branch (id),
        location_id TEXT REFERENCES location (id),
        call_number TEXT,
        shelf_key TEXT,
        item_type TEXT NOT NULL DEFAULT 'book',
        status TEXT NOT NULL DEFAULT 'available',
        price_fen INTEGER,
        acquired_on TEXT,
        source TEXT,
        note TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX item_bib ON item (bib_id, branch_id, status)",
    "CREATE INDEX item_shelf ON item (shelf_key)",
    "CREATE INDEX item_location ON item (location_id)",
    """CREATE TABLE number_range (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('book_number', 'barcode')),
        node_id TEXT NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        CHECK (first >= 1 AND last >= first)
    )""",
    "CREATE INDEX number_range_node ON number_range (kind, node_id)",
    """CREATE TABLE book_number (
        clc_class TEXT NOT NULL,
        number INTEGER NOT NULL,
        bib_id TEXT REFERENCES bib_record (id),
        node_id TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        PRIMARY KEY (clc_class, number)
    ) WITHOUT ROWID""",
    """CREATE TABLE label_queue (
        id TEXT PRIMARY KEY NOT NULL,
        item_id TEXT NOT NULL REFERENCES item (id),
        kind TEXT NOT NULL CHECK (kind IN ('spine', 'barcode')),
        staff_id TEXT,
        queued_at TEXT NOT NULL,
        UNIQUE (item_id, kind)
    )""",
    """CREATE VIRTUAL TABLE bib_search USING fts5 (
        title, author, publisher, subjects, pinyin,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4'
    )""",
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
