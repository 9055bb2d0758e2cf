"""Which tables and columns replicate between desks and the union, and how each part merges.

One declaration serves the triggers that capture changes (their SQL is generated from it
and frozen into the migration that creates them), the bundle writer and reader, the merge
and the state hash. A column is either replicated (in one of its table's groups), or
desk-local (``local``: never captured, never sent, e.g. the full-text index number), or the
table is not replicated at all (``DESK_TABLES``).

Groups: the columns of a group change together and carry one version ``(hlc, node)``, so a
merge never mixes half of one edit with half of another (a record's MARC and the title
derived from it; a loan's end time, how and where it ended). A lone column is a group of
its own.

Merge kinds, per group (``ils/sync/merge.py`` holds the functions):

- ``lww``: the higher version wins (an editable record, per field).
- ``earliest``: set once; when both sides set it, the earlier value of its first column
  wins (a loan ends once, at its earliest end; a transit is received once).
- ``max``: the larger value wins (renewal counts and the due date only move forward).
- ``deident``: a row cut from its reader stays cut (de-identification wins over the link).
- ``hold``: a hold that ended (collected, cancelled, expired) stays ended, at its earliest
  end; before that, the later change wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LWW, EARLIEST, MAX, DEIDENT, HOLD = "lww", "earliest", "max", "deident", "hold"
MERGES = (LWW, EARLIEST, MAX, DEIDENT, HOLD)


@dataclass(frozen=True)
class Group:
    name: str
    columns: tuple[str, ...]
    merge: str = LWW


@dataclass(frozen=True)
class Table:
    name: str
    pk: tuple[str, ...]
    groups: tuple[Group, ...]
    kind: str  # "reference", "record" or "fact": how ARCHITECTURE.md describes its merge
    local: tuple[str, ...] = ()
    parents: dict[str, str] = field(default_factory=dict)  # column -> table it refers to
    derived: tuple[str, ...] = ()  # recomputed from the facts after a merge (never captured as a change)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for g in self.groups for c in g.columns)

    def group(self, name: str) -> Group:
        return next(g for g in self.groups if g.name == name)


def _each(*columns: str, merge: str = LWW) -> tuple[Group, ...]:
    """One group per column."""
    return tuple(Group(c, (c,), merge) for c in columns)


def _one(name: str, *columns: str, merge: str = LWW) -> Group:
    return Group(name, columns, merge)


# In dependency order: a table comes after every table it refers to, so a bundle applied in
# this order meets parents before children.
TABLES: tuple[Table, ...] = (
    Table("setting", ("key",), _each("value"), "reference"),
    Table(
        "branch",
        ("id",),
        _each("code", "name", "kind", "sort_order", "active", "created_at", "closed_weekdays"),
        "reference",
    ),
    Table(
        "service_point",
        ("id",),
        _each("branch_id", "code", "name", "active", "created_at", "route"),
        "reference",
        parents={"branch_id": "branch"},
    ),
    Table(
        "location",
        ("id",),
        _each("branch_id", "code", "name", "book_number_scheme", "floating", "loanable", "active", "created_at"),
        "reference",
        parents={"branch_id": "branch"},
    ),
    Table(
        "reader_type",
        ("code",),
        _each("name", "sort_order", "validity_months", "blind_service", "active", "created_at"),
        "reference",
    ),
    Table("privacy_notice", ("version",), (_one("notice", "text", "published_at", "published_by"),), "reference"),
    Table(
        "loan_rule",
        ("id",),
        _each(
            "reader_type",
            "item_type",
            "branch_id",
            "loan_limit",
            "loan_days",
            "renewals",
            "renew_days",
            "holds_allowed",
            "fine_fen_per_day",
            "updated_at",
        ),
        "reference",
        parents={"branch_id": "branch"},
    ),
    Table(
        "calendar_day",
        ("id",),
        (*_each("branch_id", "day"), _one("what", "open", "kind", "name"), *_each("created_at")),
        "reference",
        parents={"branch_id": "branch"},
    ),
    Table("number_range", ("id",), (_one("range", "kind", "node_id", "first", "last", "created_at"),), "reference"),
    Table(
        "bib_record",
        ("id",),
        (
            _one(
                "marc",
                "format",
                "marc",
                "title",
                "parallel_title",
                "other_title",
                "responsibility",
                "edition",
                "publisher",
                "place",
                "year",
                "isbn",
                "clc_class",
                "subjects",
                "series",
                "price",
                "material_type",
                "title_sort",
                "dedup_key",
            ),
            _one("call", "call_class", "book_number"),
            _one("number", "number", merge=EARLIEST),
            *_each("source", "deleted", "created_at", "updated_at"),
        ),
        "record",
        local=("doc",),
    ),
    Table("bib_isbn", ("isbn", "bib_id"), (), "record", parents={"bib_id": "bib_record"}),
    Table(
        "book_number",
        ("clc_class", "number"),
        _each("bib_id", "node_id", "assigned_at"),
        "record",
        parents={"bib_id": "bib_record"},
    ),
    Table(
        "rotation_batch",
        ("id",),
        (
            *_each("code", "from_branch_id", "to_branch_id", "to_service_point_id", "sent_at", "due_back_on", "note"),
            _one("returned_at", "returned_at", merge=EARLIEST),
        ),
        "fact",
        parents={"from_branch_id": "branch", "to_branch_id": "branch", "to_service_point_id": "service_point"},
    ),
    Table(
        "item",
        ("id",),
        (
            *_each("bib_id", "barcode", "branch_id", "location_id"),
            _one("call", "call_number", "shelf_key"),
            *_each(
                "item_type",
                "status",
                "price_fen",
                "acquired_on",
                "source",
                "note",
                "created_at",
                "updated_at",
                "at_branch_id",
                "rotation_batch_id",
            ),
        ),
        "record",
        local=("sync_apart",),
        derived=("status",),
        parents={
            "bib_id": "bib_record",
            "branch_id": "branch",
            "location_id": "location",
            "at_branch_id": "branch",
            "rotation_batch_id": "rotation_batch",
        },
    ),
    Table(
        "rotation_item",
        ("id",),
        (
            *_each("batch_id", "item_id", "sent_at"),
            _one("returned_at", "returned_at", merge=EARLIEST),
        ),
        "fact",
        parents={"batch_id": "rotation_batch", "item_id": "item"},
    ),
    Table(
        "reader",
        ("id",),
        (
            _each("card_number")[0],
            _one("name", "name", "name_pinyin", "name_initials"),
            *_each(
                "id_type",
                "id_hash",
                "age_band",
                "reader_type",
                "branch_id",
                "expires_on",
                "created_at",
                "updated_at",
                "cancelled_at",
                "anonymised_at",
            ),
        ),
        "record",
        local=("id_cipher", "birth_date", "phone_cipher", "phone_hash", "guardian_id", "notes", "sync_apart"),
        parents={"reader_type": "reader_type", "branch_id": "branch"},
    ),
    Table(
        "reader_card",
        ("id",),
        (
            *_each("reader_id", "card_number", "issued_at"),
            _one("state", "state", "lost_at", "ended_at"),
        ),
        "record",
        local=("sync_apart",),
        parents={"reader_id": "reader"},
    ),
    Table(
        "reader_block",
        ("id",),
        (
            *_each("reader_id", "kind", "reason", "placed_at", "placed_by"),
            _one("lift", "lifted_at", "lifted_by"),
        ),
        "record",
        parents={"reader_id": "reader"},
    ),
    Table(
        "reader_consent",
        ("id",),
        (
            *_each("reader_id", "kind", "notice_version", "granted_at", "granted_by"),
            _one("withdrawn", "withdrawn_at", "withdrawn_by", merge=EARLIEST),
        ),
        "fact",
        local=("guardian_id", "sync_apart"),
        parents={"reader_id": "reader", "notice_version": "privacy_notice"},
    ),
    Table(
        "loan",
        ("id",),
        (
            _one(
                "made",
                "item_id",
                "reader_type",
                "age_band",
                "reader_branch_id",
                "item_type",
                "branch_id",
                "service_point_id",
                "rotation_batch_id",
                "rule_id",
                "loaned_at",
                "override_reason",
            ),
            _one("reader", "reader_id", "deidentified_at", merge=DEIDENT),
            _one("due_on", "due_on", merge=MAX),
            _one("renewals", "renewals", merge=MAX),
            _one("claimed", "claimed_returned_at", merge=EARLIEST),
            _one("end", "ended_at", "ended_as", "end_branch_id", "end_service_point_id", merge=EARLIEST),
        ),
        "fact",
        local=("sync_apart",),
        parents={
            "item_id": "item",
            "reader_id": "reader",
            "reader_branch_id": "branch",
            "branch_id": "branch",
            "service_point_id": "service_point",
            "rotation_batch_id": "rotation_batch",
            "end_branch_id": "branch",
            "end_service_point_id": "service_point",
        },
    ),
    Table(
        "loan_renewal",
        ("id",),
        (
            _one(
                "made",
                "loan_id",
                "renewed_at",
                "branch_id",
                "service_point_id",
                "previous_due_on",
                "due_on",
                "override_reason",
            ),
        ),
        "fact",
        parents={"loan_id": "loan", "branch_id": "branch", "service_point_id": "service_point"},
    ),
    Table(
        "hold",
        ("id",),
        (
            _one("made", "reader_type", "bib_id", "item_id", "pickup_branch_id", "placed_at"),
            _one("reader", "reader_id", "deidentified_at", merge=DEIDENT),
            _one(
                "state",
                "state",
                "trapped_item_id",
                "trapped_at",
                "ready_at",
                "expires_on",
                "ended_at",
                "end_reason",
                merge=HOLD,
            ),
        ),
        "fact",
        local=("sync_apart",),
        parents={
            "reader_id": "reader",
            "bib_id": "bib_record",
            "item_id": "item",
            "pickup_branch_id": "branch",
            "trapped_item_id": "item",
        },
    ),
    Table(
        "transit",
        ("id",),
        (
            _one(
                "made", "item_id", "from_branch_id", "to_branch_id", "reason", "hold_id", "rotation_batch_id", "sent_at"
            ),
            _one("received", "received_at", "received_branch_id", merge=EARLIEST),
        ),
        "fact",
        local=("sync_apart",),
        parents={
            "item_id": "item",
            "from_branch_id": "branch",
            "to_branch_id": "branch",
            "hold_id": "hold",
            "rotation_batch_id": "rotation_batch",
            "received_branch_id": "branch",
        },
    ),
    Table(
        "charge",
        ("id",),
        (
            _one("made", "loan_id", "item_id", "kind", "amount_fen", "created_at", "note"),
            _one("reader", "reader_id", "deidentified_at", merge=DEIDENT),
            _one("settled_at", "settled_at", merge=EARLIEST),
        ),
        "fact",
        parents={"reader_id": "reader", "loan_id": "loan", "item_id": "item"},
    ),
    Table(
        "payment",
        ("id",),
        (_one("made", "charge_id", "kind", "amount_fen", "paid_at", "branch_id", "note"),),
        "fact",
        parents={"charge_id": "charge", "branch_id": "branch"},
    ),
    Table(
        "sync_conflict",
        ("id",),
        (
            _one("found", "kind", "tbl", "facts", "item_id", "reader_id", "branch_ids", "found_at"),
            _one("resolution", "state", "resolution", "resolved_at", "resolved_by"),
        ),
        "fact",
    ),
    # The blind reading room (m0020). Devices, volumes and requests are editable records; loans of
    # devices, repairs, volume returns, dispatches, verifications and visits are facts.
    Table(
        "blind_verification",
        ("id",),
        (
            *_each("reader_id", "verified_on", "verified_by", "document", "created_at"),
            _one("withdrawn", "withdrawn_at", "withdrawn_by", merge=EARLIEST),
        ),
        "fact",
        local=("certificate_cipher",),
        parents={"reader_id": "reader"},
    ),
    Table(
        "blind_device",
        ("id",),
        _each("item_id", "serial", "model", "batch", "received_on", "accessories", "note", "created_at", "updated_at"),
        "record",
        parents={"item_id": "item"},
    ),
    Table(
        "blind_repair",
        ("id",),
        (
            _one("sent", "device_id", "sent_at", "sent_by", "repairer", "fault"),
            _one("back", "back_at", "outcome", "back_note", merge=EARLIEST),
        ),
        "fact",
        parents={"device_id": "blind_device"},
    ),
    Table(
        "blind_volume",
        ("id",),
        _each("item_id", "number", "label", "state", "created_at"),
        "record",
        parents={"item_id": "item"},
    ),
    Table(
        "blind_loan",
        ("loan_id",),
        (
            _one("made", "accessories_out", "lent_at"),
            _one("back", "returned_at", "accessories_back", "condition", "condition_note", merge=EARLIEST),
        ),
        "fact",
        local=("proxy_id",),
        parents={"loan_id": "loan"},
    ),
    Table(
        "blind_request",
        ("id",),
        (
            _one("reader", "reader_id", "deidentified_at", merge=DEIDENT),
            *_each("channel", "wanted", "next_volumes", "how", "note", "received_at", "received_by"),
            _one("state", "state", "closed_at"),
        ),
        "record",
        parents={"reader_id": "reader"},
    ),
    Table(
        "blind_dispatch",
        ("id",),
        (
            _one("made", "request_id", "method", "branch_id", "dispatched_at", "dispatched_by", "deliver_on", "route"),
            _one("reader", "reader_id", "deidentified_at", merge=DEIDENT),
            _one("registered_number", "registered_number"),
            _one("delivered", "delivered_at", "delivered_by", merge=EARLIEST),
            _one("back_at", "back_at", merge=EARLIEST),
        ),
        "fact",
        parents={"request_id": "blind_request", "reader_id": "reader", "branch_id": "branch"},
    ),
    Table(
        "blind_dispatch_item",
        ("id",),
        (
            _one("made", "dispatch_id", "loan_id", "item_id"),
            _one("back_at", "back_at", merge=EARLIEST),
        ),
        "fact",
        parents={"dispatch_id": "blind_dispatch", "loan_id": "loan", "item_id": "item"},
    ),
    Table(
        "blind_volume_return",
        ("id",),
        (
            _one("made", "loan_id", "volume_id"),
            _one("returned", "returned_at", "branch_id", "dispatch_id", merge=EARLIEST),
        ),
        "fact",
        parents={
            "loan_id": "loan",
            "volume_id": "blind_volume",
            "branch_id": "branch",
            "dispatch_id": "blind_dispatch",
        },
    ),
    Table(
        "blind_visit",
        ("id",),
        (_one("made", "day", "visits", "branch_id", "recorded_at", "recorded_by"),),
        "fact",
        parents={"branch_id": "branch"},
    ),
    # Events, visits and other services (m0030). Programmes, sessions and the ledgers are editable
    # records; a day's count, a tally and a month's digital figure are records named by what they
    # count (the later count stands); door scans, gate readings, enquiries and evidence are facts.
    # Who registered or was scanned stays on the desk.
    Table(
        "event_programme",
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
        "record",
        parents={"branch_id": "branch"},
    ),
    Table(
        "event_session",
        ("id",),
        (
            *_each("programme_id", "starts_at", "ends_on"),
            _one("venue", "venue_kind", "venue"),
            *_each("branch_id", "capacity", "created_at", "updated_at"),
            _one("cancelled_at", "cancelled_at", merge=EARLIEST),
        ),
        "record",
        parents={"programme_id": "event_programme", "branch_id": "branch"},
    ),
    Table(
        "event_registration",
        ("id",),
        (
            _one("made", "session_id", "party", "registered_at", "registered_by"),
            _one("state", "state", "changed_at"),
        ),
        "fact",
        local=("reader_id", "name", "phone_cipher"),
        parents={"session_id": "event_session"},
    ),
    Table(
        "event_count",
        ("id",),
        (
            _one("made", "session_id", "day"),
            _one("count", "total", "adults", "children", "recorded_at", "recorded_by"),
        ),
        "record",
        parents={"session_id": "event_session"},
    ),
    Table(
        "event_scan",
        ("id",),
        (_one("made", "scanned_at", "session_id", "age_band", "day", "scanned_by", merge=EARLIEST),),
        "fact",
        local=("reader_id",),
        parents={"session_id": "event_session"},
    ),
    Table(
        "event_reach",
        ("id",),
        _each(
            "programme_id", "channel", "title", "published_on", "views", "clicks", "pushes", "created_at", "updated_at"
        ),
        "record",
        parents={"programme_id": "event_programme"},
    ),
    Table(
        "event_evidence",
        ("id",),
        (_one("made", "programme_id", "kind", "name", "sha256", "size", "stored", "added_at", "added_by"),),
        "fact",
        parents={"programme_id": "event_programme"},
    ),
    Table(
        "event_media",
        ("id",),
        _each("programme_id", "outlet", "reported_on", "title", "link", "created_at", "updated_at"),
        "record",
        parents={"programme_id": "event_programme"},
    ),
    Table(
        "event_honour",
        ("id",),
        _each("body", "title", "awarded_on", "recipient_kind", "recipient", "note", "created_at", "updated_at"),
        "record",
    ),
    Table(
        "event_milestone",
        ("id",),
        _each("day", "text", "source_kind", "source_id", "created_at", "updated_at", "withdrawn_at"),
        "record",
    ),
    Table(
        "event_training",
        ("id",),
        _each("audience", "category", "day", "branch_id", "topic", "minutes", "attendees", "created_at", "updated_at"),
        "record",
        parents={"branch_id": "branch"},
    ),
    Table(
        "event_volunteer",
        ("id",),
        _each("day", "activity", "people", "minutes", "programme_id", "created_at", "updated_at"),
        "record",
        local=("names",),
        parents={"programme_id": "event_programme"},
    ),
    Table(
        "visit_gate_site",
        ("id",),
        _each("code", "name", "branch_id", "mapping", "created_at", "updated_at"),
        "reference",
        parents={"branch_id": "branch"},
    ),
    Table(
        "visit_gate_count",
        ("id",),
        (_one("made", "site_id", "gate", "at", "day", "entries", "imported_at"),),
        "fact",
        parents={"site_id": "visit_gate_site"},
    ),
    Table(
        "visit_tally",
        ("id",),
        (
            _one("made", "site_kind", "site_code", "branch_id", "measure", "day"),
            _one("count", "count", "recorded_at", "recorded_by"),
        ),
        "record",
        parents={"branch_id": "branch"},
    ),
    Table(
        "visit_digital",
        ("id",),
        (
            _one("made", "month", "platform", "measure"),
            _one("value", "value", "recorded_at", "recorded_by"),
        ),
        "record",
    ),
    Table(
        "visit_enquiry",
        ("id",),
        (_one("made", "branch_id", "day", "at", "channel", "kind", "recorded_by"),),
        "fact",
        parents={"branch_id": "branch"},
    ),
    # Periodicals (m0040). Titles, subscriptions and bound volumes are editable records; a copy of
    # an issue checked in and a claim are facts (ids name-based, so a double check-in is one row).
    Table(
        "serial_title",
        ("id",),
        _each(
            "bib_id",
            "title",
            "kind",
            "issn",
            "cn",
            "post_code",
            "publisher",
            "clc_class",
            "frequency",
            "pattern",
            "lending",
            "created_at",
            "updated_at",
        ),
        "record",
        parents={"bib_id": "bib_record"},
    ),
    Table(
        "serial_subscription",
        ("id",),
        (
            *_each(
                "title_id",
                "year",
                "supplier",
                "supplier_name",
                "price_issue_fen",
                "price_year_fen",
                "copies",
                "routing",
            ),
            _one("numbering", "volume", "first_number", "first_total"),
            *_each("state", "note", "created_at", "updated_at"),
        ),
        "record",
        parents={"title_id": "serial_title"},
    ),
    Table(
        "serial_receipt",
        ("id",),
        (
            _one("made", "subscription_id", "number", "copy", "issue_date", "volume", "total", "location_id"),
            _one("received", "received_at", "received_by", "branch_id", "via", "note", merge=EARLIEST),
            _one("retired", "retired_at", "bound_volume_id", merge=EARLIEST),
        ),
        "fact",
        parents={"subscription_id": "serial_subscription", "location_id": "location", "branch_id": "branch"},
    ),
    Table(
        "serial_claim",
        ("id",),
        (
            _one("made", "subscription_id", "number", "copies", "supplier", "claimed_at", "claimed_by", "branch_id"),
            _one("closed", "closed_at", "closed_as", merge=EARLIEST),
        ),
        "fact",
        parents={"subscription_id": "serial_subscription", "branch_id": "branch"},
    ),
    Table(
        "serial_volume",
        ("id",),
        _each(
            "title_id",
            "item_id",
            "year",
            "run",
            "label",
            "first_date",
            "last_date",
            "issues",
            "missing",
            "historical",
            "created_at",
            "created_by",
        ),
        "record",
        parents={"title_id": "serial_title", "item_id": "item"},
    ),
    # Statistics (m0070): a year's manual inputs and the annual report's texts, edited records
    # with name-based ids (year and code, year and kind); the later entry wins as a whole.
    Table(
        "stats_input",
        ("id",),
        (_one("key", "year", "code"), _one("value", "value", "source", "entered_by", "entered_at")),
        "record",
    ),
    Table(
        "stats_text", ("id",), (_one("key", "year", "kind"), _one("text", "body", "written_by", "written_at")), "record"
    ),
)

BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

#: Tables that never leave the desk: staff accounts log in where they were made, the journal
#: is each desk's own audit trail, the label queue is this desk's printer's, the full-text
#: index is rebuilt locally from the records, and the sync tables describe this replica.
DESK_TABLES = frozenset(
    {
        "staff",
        "journal",
        "label_queue",
        "bib_search",
        "sync_clock",
        "sync_row",
        "sync_peer",
        "sync_bundle",
        "sync_range",
        "sync_pending",
        "sync_inbox",
        # The blind room's personal data the union has no use for: addresses and contacts, proxies,
        # follow-up calls (m0020).
        "blind_profile",
        "blind_proxy",
        "blind_call",
        # The self-service machines' accounts and what they speak (m0080): they log in here.
        "sip2_terminal",
        # The annual figures kept once counted (m0082): each desk counts its own rows.
        "stats_cache",
        "stats_cache_epoch",
    }
)

#: Settings that describe this desk and never leave it; every other key is library-wide and
#: replicates (last writer wins). ``node.*`` and ``sync.*`` keys are desk-local by prefix.
DESK_SETTINGS = frozenset({"circ.receipt_printer", "readers.key_fingerprint", "blind.speech"})
DESK_SETTING_PREFIXES = ("node.", "sync.")


def setting_is_local(key: str) -> bool:
    return key in DESK_SETTINGS or key.startswith(DESK_SETTING_PREFIXES)
