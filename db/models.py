"""Peewee models for the tables the migrations create.

The models describe tables; they do not create them (``db.migrations`` does,
from its own frozen SQL) and they hold no library rules. A test checks that
every model matches the migrated schema column for column.
"""

from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DeferredForeignKey,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db.ids import new_id

database_proxy = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Entity(BaseModel):
    """A row with a globally unique key, created on any node."""

    id = CharField(primary_key=True, default=new_id)


class Setting(BaseModel):
    """Library-wide and node-local settings as text (library name, this node's id)."""

    key = CharField(primary_key=True)
    value = TextField()


class Branch(Entity):
    """The central library, a branch, the mobile van or the 24-hour room."""

    code = CharField(unique=True)
    name = CharField()
    kind = CharField()
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)
    created_at = CharField()
    closed_weekdays = CharField(default="")


class ServicePoint(Entity):
    """A place inside a branch where loans happen: a desk, a room, a van stop."""

    branch = ForeignKeyField(Branch, backref="service_points", column_name="branch_id")
    code = CharField(unique=True)
    name = CharField()
    active = BooleanField(default=True)
    created_at = CharField()
    route = CharField(null=True)


class Staff(Entity):
    username = CharField(unique=True)
    display_name = CharField()
    password_hash = CharField()
    roles = CharField()
    branch = ForeignKeyField(Branch, null=True, column_name="branch_id")
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = CharField(null=True)
    language = CharField(null=True)
    created_at = CharField()
    high_contrast = BooleanField(default=False)  # the large-text, high-contrast display, remembered (m0020)


class Journal(BaseModel):
    """Append-only: triggers in the schema refuse UPDATE and DELETE.

    The local ``rowid`` orders rows on this node; ``(node_id, seq)`` names a row
    across the union, and ``hlc`` orders rows from different nodes.
    """

    rowid = IntegerField(primary_key=True)
    node_id = CharField()
    seq = IntegerField()
    hlc = IntegerField()
    wall_time = CharField()
    staff_id = CharField(null=True)
    action = CharField()
    entity_type = CharField()
    entity_id = CharField(null=True)
    data = TextField()

    class Meta:
        table_name = "journal"


class Location(Entity):
    """A shelving location or collection in a branch (图书外借部, 古籍室, 地方文献室 ...).

    It decides how book numbers are given there (种次号 or 著者号), whether its items
    float (stay where they are returned instead of going home) and whether they lend.
    """

    branch = ForeignKeyField(Branch, backref="locations", column_name="branch_id")
    code = CharField(unique=True)
    name = CharField()
    book_number_scheme = CharField(default="sequence")
    floating = BooleanField(default=False)
    loanable = BooleanField(default=True)
    active = BooleanField(default=True)
    created_at = CharField()


class BibRecord(Entity):
    """A bibliographic record: the MARC record kept whole, and the facts indexed from it."""

    doc = IntegerField(unique=True)
    number = IntegerField(null=True, unique=True)
    format = CharField()
    marc = TextField()
    title = CharField()
    parallel_title = CharField(null=True)
    other_title = CharField(null=True)
    responsibility = CharField(null=True)
    edition = CharField(null=True)
    publisher = CharField(null=True)
    place = CharField(null=True)
    year = CharField(null=True)
    isbn = CharField(null=True)
    clc_class = CharField(null=True)
    subjects = CharField(null=True)
    series = CharField(null=True)
    price = CharField(null=True)
    material_type = CharField(null=True)
    call_class = CharField(null=True)
    book_number = CharField(null=True)
    title_sort = CharField()
    dedup_key = CharField(null=True)
    source = CharField(null=True)
    deleted = BooleanField(default=False)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "bib_record"


class BibIsbn(BaseModel):
    """Every ISBN of a record, as ISBN-13 digits: a record may carry several (volumes, bindings)."""

    isbn = CharField()
    bib = ForeignKeyField(BibRecord, backref="isbns", column_name="bib_id")

    class Meta:
        table_name = "bib_isbn"
        primary_key = CompositeKey("isbn", "bib")


class Item(Entity):
    """One physical copy (册): its barcode is unique across the whole union."""

    bib = ForeignKeyField(BibRecord, backref="items", column_name="bib_id")
    barcode = CharField(unique=True)
    branch = ForeignKeyField(Branch, column_name="branch_id")
    location = ForeignKeyField(Location, null=True, column_name="location_id")
    call_number = CharField(null=True)
    shelf_key = CharField(null=True)
    item_type = CharField(default="book")
    status = CharField(default="available")
    price_fen = IntegerField(null=True)
    acquired_on = CharField(null=True)
    source = CharField(null=True)
    note = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()
    at_branch = ForeignKeyField(Branch, null=True, column_name="at_branch_id")
    rotation_batch = DeferredForeignKey("RotationBatch", null=True, column_name="rotation_batch_id")
    sync_apart = IntegerField(default=0)  # desk-local: non-zero while held apart in a sync conflict (m0010)


class NumberRange(Entity):
    """A block of book numbers or item barcodes reserved for one node, so offline nodes never collide."""

    kind = CharField()
    node_id = CharField()
    first = IntegerField()
    last = IntegerField()
    created_at = CharField()

    class Meta:
        table_name = "number_range"


class BookNumber(BaseModel):
    """The 种次号 ledger: a number given (or met on import) in a class is never given again."""

    clc_class = CharField()
    number = IntegerField()
    bib = ForeignKeyField(BibRecord, null=True, column_name="bib_id")
    node_id = CharField()
    assigned_at = CharField()

    class Meta:
        table_name = "book_number"
        primary_key = CompositeKey("clc_class", "number")


class LabelQueue(Entity):
    """Spine and barcode labels waiting to be printed together on one sheet."""

    item = ForeignKeyField(Item, column_name="item_id")
    kind = CharField()
    staff_id = CharField(null=True)
    queued_at = CharField()

    class Meta:
        table_name = "label_queue"


class ReaderType(BaseModel):
    """A kind of reader (成人, 少儿, 视障, 团体, 临时): how long a card lasts, whether it uses the blind room."""

    code = CharField(primary_key=True)
    name = CharField()
    sort_order = IntegerField(default=0)
    validity_months = IntegerField(null=True)
    blind_service = BooleanField(default=False)
    active = BooleanField(default=True)
    created_at = CharField()

    class Meta:
        table_name = "reader_type"


class PrivacyNotice(BaseModel):
    """One published version of the privacy notice; consents name the version the reader was shown."""

    version = IntegerField(primary_key=True)
    text = TextField()
    published_at = CharField()
    published_by = CharField(null=True)

    class Meta:
        table_name = "privacy_notice"


class Reader(Entity):
    """A card holder. ID and phone numbers only as ciphertext and keyed hash (see m0003)."""

    card_number = CharField(unique=True)
    name = CharField()
    name_pinyin = CharField()
    name_initials = CharField()
    id_type = CharField()
    id_cipher = BlobField(null=True)
    id_hash = CharField(null=True)
    birth_date = CharField(null=True)
    age_band = CharField(null=True)
    phone_cipher = BlobField(null=True)
    phone_hash = CharField(null=True)
    reader_type = ForeignKeyField(ReaderType, column_name="reader_type", field="code")
    branch = ForeignKeyField(Branch, column_name="branch_id")
    guardian = ForeignKeyField("self", null=True, column_name="guardian_id", backref="wards")
    notes = TextField(null=True)
    expires_on = CharField(null=True)
    created_at = CharField()
    updated_at = CharField()
    cancelled_at = CharField(null=True)
    anonymised_at = CharField(null=True)
    sync_apart = IntegerField(default=0)  # desk-local: non-zero while held apart in a sync conflict (m0010)


class ReaderCard(Entity):
    """Every card a reader has had: the current one, and the lost, replaced or cancelled ones."""

    reader = ForeignKeyField(Reader, backref="cards", column_name="reader_id")
    card_number = CharField(unique=True)
    state = CharField()
    issued_at = CharField()
    lost_at = CharField(null=True)
    ended_at = CharField(null=True)
    sync_apart = IntegerField(default=0)

    class Meta:
        table_name = "reader_card"


class ReaderBlock(Entity):
    """A block staff placed on a reader (a suspension), with its reason; blocks stack."""

    reader = ForeignKeyField(Reader, backref="blocks", column_name="reader_id")
    kind = CharField()
    reason = TextField()
    placed_at = CharField()
    placed_by = CharField(null=True)
    lifted_at = CharField(null=True)
    lifted_by = CharField(null=True)

    class Meta:
        table_name = "reader_block"


class ReaderConsent(Entity):
    """A separate consent (sharing with the union, disability status, SMS, a guardian's), as recorded."""

    reader = ForeignKeyField(Reader, backref="consents", column_name="reader_id")
    kind = CharField()
    notice_version = ForeignKeyField(PrivacyNotice, column_name="notice_version", field="version")
    guardian = ForeignKeyField(Reader, null=True, column_name="guardian_id", backref="consents_given")
    granted_at = CharField()
    granted_by = CharField(null=True)
    withdrawn_at = CharField(null=True)
    withdrawn_by = CharField(null=True)
    sync_apart = IntegerField(default=0)

    class Meta:
        table_name = "reader_consent"


class LoanRule(BaseModel):
    """One cell of the rules matrix: reader type x item type (x branch), ``*`` for any (see m0005)."""

    id = CharField(primary_key=True)
    reader_type = CharField()
    item_type = CharField()
    branch = ForeignKeyField(Branch, null=True, column_name="branch_id")
    loan_limit = IntegerField()
    loan_days = IntegerField()
    renewals = IntegerField()
    renew_days = IntegerField()
    holds_allowed = BooleanField(default=True)
    fine_fen_per_day = IntegerField(default=0)
    updated_at = CharField()

    class Meta:
        table_name = "loan_rule"


class CalendarDay(Entity):
    """A day that differs from a branch's weekly pattern: a holiday, an emergency closing, a 调休 day."""

    branch = ForeignKeyField(Branch, null=True, column_name="branch_id")
    day = CharField()
    open = BooleanField()
    kind = CharField()
    name = CharField()
    created_at = CharField()

    class Meta:
        table_name = "calendar_day"


class RotationBatch(Entity):
    """A batch of copies sent out for a period (图书流转) to a branch, service point or van stop."""

    code = CharField(unique=True)
    from_branch = ForeignKeyField(Branch, column_name="from_branch_id")
    to_branch = ForeignKeyField(Branch, column_name="to_branch_id")
    to_service_point = ForeignKeyField(ServicePoint, null=True, column_name="to_service_point_id")
    sent_at = CharField()
    due_back_on = CharField()
    returned_at = CharField(null=True)
    note = TextField(null=True)

    class Meta:
        table_name = "rotation_batch"


class RotationItem(Entity):
    batch = ForeignKeyField(RotationBatch, backref="items", column_name="batch_id")
    item = ForeignKeyField(Item, column_name="item_id")
    sent_at = CharField()
    returned_at = CharField(null=True)

    class Meta:
        table_name = "rotation_item"


class Loan(Entity):
    """One loan of one copy; the borrower's type, age band and branch are kept for statistics."""

    item = ForeignKeyField(Item, backref="loans", column_name="item_id")
    reader = ForeignKeyField(Reader, null=True, backref="loans", column_name="reader_id")
    reader_type = CharField()
    age_band = CharField(null=True)
    reader_branch = ForeignKeyField(Branch, null=True, column_name="reader_branch_id")
    item_type = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    service_point = ForeignKeyField(ServicePoint, null=True, column_name="service_point_id")
    rotation_batch = ForeignKeyField(RotationBatch, null=True, column_name="rotation_batch_id")
    rule_id = CharField()
    loaned_at = CharField()
    due_on = CharField()
    renewals = IntegerField(default=0)
    override_reason = TextField(null=True)
    claimed_returned_at = CharField(null=True)
    ended_at = CharField(null=True)
    ended_as = CharField(null=True)
    end_branch = ForeignKeyField(Branch, null=True, column_name="end_branch_id")
    end_service_point = ForeignKeyField(ServicePoint, null=True, column_name="end_service_point_id")
    deidentified_at = CharField(null=True)
    sync_apart = IntegerField(default=0)


class LoanRenewal(Entity):
    loan = ForeignKeyField(Loan, backref="renewal_rows", column_name="loan_id")
    renewed_at = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    service_point = ForeignKeyField(ServicePoint, null=True, column_name="service_point_id")
    previous_due_on = CharField()
    due_on = CharField()
    override_reason = TextField(null=True)

    class Meta:
        table_name = "loan_renewal"


class Hold(Entity):
    """A reservation (预约) on a record or one copy, queued by the time it was placed."""

    reader = ForeignKeyField(Reader, null=True, backref="holds", column_name="reader_id")
    reader_type = CharField()
    bib = ForeignKeyField(BibRecord, backref="holds", column_name="bib_id")
    item = ForeignKeyField(Item, null=True, column_name="item_id")
    pickup_branch = ForeignKeyField(Branch, column_name="pickup_branch_id")
    state = CharField()
    placed_at = CharField()
    trapped_item = ForeignKeyField(Item, null=True, column_name="trapped_item_id")
    trapped_at = CharField(null=True)
    ready_at = CharField(null=True)
    expires_on = CharField(null=True)
    ended_at = CharField(null=True)
    end_reason = CharField(null=True)
    deidentified_at = CharField(null=True)
    sync_apart = IntegerField(default=0)


class Transit(Entity):
    """A copy on its way between branches: home, to a hold's pickup branch, or on rotation."""

    item = ForeignKeyField(Item, column_name="item_id")
    from_branch = ForeignKeyField(Branch, column_name="from_branch_id")
    to_branch = ForeignKeyField(Branch, column_name="to_branch_id")
    reason = CharField()
    hold = ForeignKeyField(Hold, null=True, column_name="hold_id")
    rotation_batch = ForeignKeyField(RotationBatch, null=True, column_name="rotation_batch_id")
    sent_at = CharField()
    received_at = CharField(null=True)
    received_branch = ForeignKeyField(Branch, null=True, column_name="received_branch_id")
    sync_apart = IntegerField(default=0)


class Charge(Entity):
    """Money a reader owes: an overdue fine, a lost or a damaged copy; settled by payments."""

    reader = ForeignKeyField(Reader, null=True, backref="charges", column_name="reader_id")
    loan = ForeignKeyField(Loan, null=True, column_name="loan_id")
    item = ForeignKeyField(Item, null=True, column_name="item_id")
    kind = CharField()
    amount_fen = IntegerField()
    created_at = CharField()
    note = TextField(null=True)
    settled_at = CharField(null=True)
    deidentified_at = CharField(null=True)


class Payment(Entity):
    """A payment, a waiver or a replacement copy against a charge."""

    charge = ForeignKeyField(Charge, backref="payments", column_name="charge_id")
    kind = CharField()
    amount_fen = IntegerField()
    paid_at = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    note = TextField(null=True)


# --- the blind reading room (m0020) ------------------------------------------------------------


class BlindProfile(BaseModel):
    """What the blind room keeps about a reader it serves: the postal address and a group's contact
    person (sealed with the reader key), how they like items to reach them, the delivery route."""

    reader = ForeignKeyField(Reader, primary_key=True, column_name="reader_id")
    address_cipher = BlobField(null=True)
    contact_cipher = BlobField(null=True)
    delivery = CharField(default="post")
    route = CharField(null=True)
    association = BooleanField(default=False)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "blind_profile"


class BlindVerification(Entity):
    """A check of a reader's eligibility: when, by whom, which document was seen."""

    reader = ForeignKeyField(Reader, column_name="reader_id")
    verified_on = CharField()
    verified_by = CharField(null=True)
    document = CharField()
    certificate_cipher = BlobField(null=True)
    created_at = CharField()
    withdrawn_at = CharField(null=True)
    withdrawn_by = CharField(null=True)

    class Meta:
        table_name = "blind_verification"


class BlindProxy(Entity):
    """A family member or carer who may borrow on a reader's behalf, with the reader's consent."""

    reader = ForeignKeyField(Reader, column_name="reader_id")
    name = CharField()
    relation = CharField()
    phone_cipher = BlobField(null=True)
    consented_at = CharField()
    consented_by = CharField(null=True)
    ended_at = CharField(null=True)
    ended_by = CharField(null=True)

    class Meta:
        table_name = "blind_proxy"


class BlindDevice(Entity):
    """A listening device (智能听书机): the copy it is lent as, its serial, model, batch and kit."""

    item = ForeignKeyField(Item, column_name="item_id")
    serial = CharField()
    model = CharField()
    batch = CharField()
    received_on = CharField()
    accessories = TextField(default="[]")
    note = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "blind_device"


class BlindRepair(Entity):
    device = ForeignKeyField(BlindDevice, column_name="device_id")
    sent_at = CharField()
    sent_by = CharField(null=True)
    repairer = CharField()
    fault = TextField(null=True)
    back_at = CharField(null=True)
    outcome = CharField(null=True)
    back_note = TextField(null=True)

    class Meta:
        table_name = "blind_repair"


class BlindVolume(Entity):
    """One volume of a set lent as one copy (a braille novel in 17 volumes, a DAISY book on 3 discs)."""

    item = ForeignKeyField(Item, column_name="item_id")
    number = IntegerField()
    label = CharField(null=True)
    state = CharField(default="present")
    created_at = CharField()

    class Meta:
        table_name = "blind_volume"


class BlindLoan(BaseModel):
    """What a blind-room loan adds: accessories out and back, condition on return, the proxy."""

    loan = ForeignKeyField(Loan, primary_key=True, column_name="loan_id")
    proxy = ForeignKeyField(BlindProxy, null=True, column_name="proxy_id")
    accessories_out = TextField(default="[]")
    lent_at = CharField()
    returned_at = CharField(null=True)
    accessories_back = TextField(null=True)
    condition = CharField(null=True)
    condition_note = TextField(null=True)

    class Meta:
        table_name = "blind_loan"


class BlindRequest(Entity):
    """A request by phone, WeChat, letter or in person, waiting in the queue until it is dispatched."""

    reader = ForeignKeyField(Reader, null=True, column_name="reader_id")
    deidentified_at = CharField(null=True)
    channel = CharField()
    wanted = TextField()
    next_volumes = BooleanField(default=False)
    how = CharField()
    note = TextField(null=True)
    received_at = CharField()
    received_by = CharField(null=True)
    state = CharField(default="open")
    closed_at = CharField(null=True)

    class Meta:
        table_name = "blind_request"


class BlindDispatch(Entity):
    """A parcel by post or a home delivery, and when it came back."""

    request = ForeignKeyField(BlindRequest, null=True, column_name="request_id")
    reader = ForeignKeyField(Reader, null=True, column_name="reader_id")
    deidentified_at = CharField(null=True)
    method = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    dispatched_at = CharField()
    dispatched_by = CharField(null=True)
    deliver_on = CharField(null=True)
    route = CharField(null=True)
    registered_number = CharField(null=True)
    delivered_at = CharField(null=True)
    delivered_by = CharField(null=True)
    back_at = CharField(null=True)

    class Meta:
        table_name = "blind_dispatch"


class BlindDispatchItem(Entity):
    dispatch = ForeignKeyField(BlindDispatch, backref="items", column_name="dispatch_id")
    loan = ForeignKeyField(Loan, column_name="loan_id")
    item = ForeignKeyField(Item, column_name="item_id")
    back_at = CharField(null=True)

    class Meta:
        table_name = "blind_dispatch_item"


class BlindVolumeReturn(Entity):
    loan = ForeignKeyField(Loan, column_name="loan_id")
    volume = ForeignKeyField(BlindVolume, column_name="volume_id")
    returned_at = CharField()
    branch = ForeignKeyField(Branch, null=True, column_name="branch_id")
    dispatch = ForeignKeyField(BlindDispatch, null=True, column_name="dispatch_id")

    class Meta:
        table_name = "blind_volume_return"


class BlindCall(Entity):
    """A follow-up call about a device loan long overdue."""

    loan = ForeignKeyField(Loan, column_name="loan_id")
    called_at = CharField()
    called_by = CharField(null=True)
    outcome = CharField()
    note = TextField(null=True)

    class Meta:
        table_name = "blind_call"


class BlindVisit(Entity):
    """Visits to the blind reading room, tallied for a day."""

    day = CharField()
    visits = IntegerField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    recorded_at = CharField()
    recorded_by = CharField(null=True)

    class Meta:
        table_name = "blind_visit"


# --- events, visits and other services (m0030) ------------------------------------------------


class EventProgramme(Entity):
    """A programme: a lecture series, an exhibition, a contest, a festival's activity."""

    title = CharField()
    kind = CharField()
    brand = CharField(null=True)
    audience = CharField(default="all")
    partners = CharField(null=True)
    branch = ForeignKeyField(Branch, column_name="branch_id")
    reading_for_all = BooleanField(default=False)
    note = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()
    cancelled_at = CharField(null=True)

    class Meta:
        table_name = "event_programme"


class EventSession(Entity):
    """One occurrence of a programme: a time, or a range of days for an exhibition, and a venue."""

    programme = ForeignKeyField(EventProgramme, column_name="programme_id", backref="sessions")
    starts_at = CharField()
    ends_on = CharField(null=True)
    venue_kind = CharField()
    venue = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    capacity = IntegerField(null=True)
    created_at = CharField()
    updated_at = CharField()
    cancelled_at = CharField(null=True)

    class Meta:
        table_name = "event_session"


class EventRegistration(Entity):
    """A place booked (or waited for) at a session: a reader, or a non-reader by name and phone."""

    session = ForeignKeyField(EventSession, column_name="session_id")
    reader = ForeignKeyField(Reader, column_name="reader_id", null=True)
    name = CharField(null=True)
    phone_cipher = BlobField(null=True)
    party = IntegerField(default=1)
    registered_at = CharField()
    registered_by = CharField(null=True)
    state = CharField()
    changed_at = CharField()

    class Meta:
        table_name = "event_registration"


class EventCount(Entity):
    """A head count of a session, or an exhibition's count for one day."""

    session = ForeignKeyField(EventSession, column_name="session_id")
    day = CharField()
    total = IntegerField()
    adults = IntegerField(null=True)
    children = IntegerField(null=True)
    recorded_at = CharField()
    recorded_by = CharField(null=True)

    class Meta:
        table_name = "event_count"


class EventScan(Entity):
    """A reader's card scanned at a session's door."""

    session = ForeignKeyField(EventSession, column_name="session_id")
    reader = ForeignKeyField(Reader, column_name="reader_id", null=True)
    age_band = CharField(null=True)
    day = CharField()
    scanned_at = CharField()
    scanned_by = CharField(null=True)

    class Meta:
        table_name = "event_scan"


class EventReach(Entity):
    """An online item (WeChat article, video, live stream) and its views, clicks and pushes."""

    programme = ForeignKeyField(EventProgramme, column_name="programme_id", null=True)
    channel = CharField()
    title = CharField()
    published_on = CharField()
    views = IntegerField(default=0)
    clicks = IntegerField(default=0)
    pushes = IntegerField(default=0)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "event_reach"


class EventEvidence(Entity):
    """A file kept as evidence of a programme (photo, sign-in sheet, cutting), by its hash."""

    programme = ForeignKeyField(EventProgramme, column_name="programme_id")
    kind = CharField()
    name = CharField()
    sha256 = CharField()
    size = IntegerField()
    stored = CharField()
    added_at = CharField()
    added_by = CharField(null=True)

    class Meta:
        table_name = "event_evidence"


class EventMedia(Entity):
    """A media report (新闻报道) about the library."""

    programme = ForeignKeyField(EventProgramme, column_name="programme_id", null=True)
    outlet = CharField()
    reported_on = CharField()
    title = CharField()
    link = CharField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "event_media"


class EventHonour(Entity):
    """An honour (荣誉) received by the library, a branch, a staff member or a reader."""

    body = CharField()
    title = CharField()
    awarded_on = CharField()
    recipient_kind = CharField()
    recipient = CharField(null=True)
    note = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "event_honour"


class EventMilestone(Entity):
    """An entry of the year's 大事记."""

    day = CharField()
    text = TextField()
    source_kind = CharField()
    source_id = CharField(null=True)
    created_at = CharField()
    updated_at = CharField()
    withdrawn_at = CharField(null=True)

    class Meta:
        table_name = "event_milestone"


class EventTraining(Entity):
    """Training given to branch staff (基层辅导) or taken by the library's own staff."""

    audience = CharField()
    category = CharField()
    day = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id", null=True)
    topic = CharField()
    minutes = IntegerField()
    attendees = IntegerField()
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "event_training"


class EventVolunteer(Entity):
    """Volunteers' service on a day: how many people, how long, doing what."""

    day = CharField()
    activity = CharField()
    people = IntegerField()
    minutes = IntegerField()
    programme = ForeignKeyField(EventProgramme, column_name="programme_id", null=True)
    names = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "event_volunteer"


class GateSite(Entity):
    """A site with a gate counter and how its CSV files' columns are read."""

    code = CharField(unique=True)
    name = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    mapping = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "visit_gate_site"


class GateCount(Entity):
    """One reading of a gate counter: entries through a gate in the period ending ``at``."""

    site = ForeignKeyField(GateSite, column_name="site_id")
    gate = CharField()
    at = CharField()
    day = CharField()
    entries = IntegerField()
    imported_at = CharField()

    class Meta:
        table_name = "visit_gate_count"


class VisitTally(Entity):
    """A day's manual count of visits (or sessions) at a branch, a van stop or a room."""

    site_kind = CharField()
    site_code = CharField()
    branch = ForeignKeyField(Branch, column_name="branch_id")
    measure = CharField()
    day = CharField()
    count = IntegerField()
    recorded_at = CharField()
    recorded_by = CharField(null=True)

    class Meta:
        table_name = "visit_tally"


class DigitalUse(Entity):
    """A month's figure for a digital service: e-book clicks, website visits, WeChat pushes."""

    month = CharField()
    platform = CharField()
    measure = CharField()
    value = IntegerField()
    recorded_at = CharField()
    recorded_by = CharField(null=True)

    class Meta:
        table_name = "visit_digital"


class Enquiry(Entity):
    """One enquiry answered (检索与咨询)."""

    branch = ForeignKeyField(Branch, column_name="branch_id")
    day = CharField()
    at = CharField()
    channel = CharField()
    kind = CharField()
    recorded_by = CharField(null=True)

    class Meta:
        table_name = "visit_enquiry"


class SerialTitle(Entity):
    """A newspaper or magazine the library takes: its numbers, publication pattern and record (m0040)."""

    bib = ForeignKeyField(BibRecord, column_name="bib_id")
    title = CharField()
    kind = CharField()
    issn = CharField(null=True)
    cn = CharField(null=True)
    post_code = CharField(null=True)
    publisher = CharField(null=True)
    clc_class = CharField()
    frequency = CharField()
    pattern = TextField(default="{}")
    lending = CharField(default="back_issues")
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "serial_title"


class SerialSubscription(Entity):
    """One title taken for one year: supplier, prices, copies, where they go, the year's numbering."""

    title = ForeignKeyField(SerialTitle, column_name="title_id")
    year = IntegerField()
    supplier = CharField()
    supplier_name = CharField(null=True)
    price_issue_fen = IntegerField(null=True)
    price_year_fen = IntegerField(null=True)
    copies = IntegerField()
    routing = TextField(default="[]")
    volume = IntegerField(null=True)
    first_number = IntegerField(default=1)
    first_total = IntegerField(null=True)
    state = CharField(default="active")
    note = TextField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "serial_subscription"


class SerialReceipt(Entity):
    """One copy of one issue checked in; retired when bound into a volume."""

    subscription = ForeignKeyField(SerialSubscription, column_name="subscription_id")
    number = IntegerField()
    copy = IntegerField()
    issue_date = CharField()
    volume = IntegerField(null=True)
    total = IntegerField(null=True)
    location = ForeignKeyField(Location, null=True, column_name="location_id")
    received_at = CharField()
    received_by = CharField(null=True)
    branch = ForeignKeyField(Branch, column_name="branch_id")
    via = CharField()
    note = TextField(null=True)
    retired_at = CharField(null=True)
    bound_volume_id = CharField(null=True)

    class Meta:
        table_name = "serial_receipt"


class SerialClaim(Entity):
    """A claim sent to the supplier for an issue that did not come."""

    subscription = ForeignKeyField(SerialSubscription, column_name="subscription_id")
    number = IntegerField()
    copies = IntegerField()
    supplier = CharField()
    claimed_at = CharField()
    claimed_by = CharField(null=True)
    branch = ForeignKeyField(Branch, column_name="branch_id")
    closed_at = CharField(null=True)
    closed_as = CharField(null=True)

    class Meta:
        table_name = "serial_claim"


class SerialVolume(Entity):
    """A bound volume (合订本) or a historical run: the copy it is and the run of issues it holds."""

    title = ForeignKeyField(SerialTitle, column_name="title_id")
    item = ForeignKeyField(Item, column_name="item_id")
    year = IntegerField()
    run = CharField()
    label = CharField()
    first_date = CharField(null=True)
    last_date = CharField(null=True)
    issues = IntegerField(default=0)
    missing = TextField(default="[]")
    historical = BooleanField(default=False)
    created_at = CharField()
    created_by = CharField(null=True)

    class Meta:
        table_name = "serial_volume"


# --- statistics (m0070) ---------------------------------------------------------------------


class StatsInput(Entity):
    """A figure no system records, for one year (population, building area, budget …)."""

    year = IntegerField()
    code = CharField()
    value = CharField()
    source = CharField()
    entered_by = CharField(null=True)
    entered_at = CharField()

    class Meta:
        table_name = "stats_input"


class StatsText(Entity):
    """A text staff write for a year's annual report: the 工作总结 or the 工作计划."""

    year = IntegerField()
    kind = CharField()
    body = TextField()
    written_by = CharField(null=True)
    written_at = CharField()

    class Meta:
        table_name = "stats_text"


# --- self-service terminals (m0080) --------------------------------------------------------------


class Sip2Terminal(Entity):
    """A self-service machine of the 24-hour room: its log-in and what it speaks (m0080, desk-local)."""

    account = CharField(unique=True)
    password_hash = CharField()
    name = CharField(default="")
    service_point = ForeignKeyField(ServicePoint, column_name="service_point_id")
    encoding = CharField(default="utf-8")
    terminator = CharField(default="cr")
    error_detection = BooleanField(default=True)
    delimiter = CharField(default="|")
    language = CharField(default="zh_CN")
    idle_timeout_s = IntegerField(default=900)
    allowed_addresses = CharField(default="127.0.0.1,::1")
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = CharField(null=True)
    created_at = CharField()
    updated_at = CharField()

    class Meta:
        table_name = "sip2_terminal"
