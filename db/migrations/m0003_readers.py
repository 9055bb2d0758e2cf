"""Schema version 3: readers, their cards, blocks and consents, reader types, the privacy notice.

Design notes that the frozen SQL cannot say:

- ID and phone numbers are kept only as AES-GCM ciphertext (``*_cipher``: a version byte,
  the nonce, then the sealed value, with the reader's id as associated data) and as a
  keyed hash (``*_hash``: HMAC-SHA256, hex) for look-up. The keys live in a file outside
  the database. No masked form is stored: a masked ID number (``430281********1234``)
  beside the clear birth date would give the whole number back, so masks are made from
  the decrypted value when shown.
- ``id_hash`` hashes the number within a namespace in which the resident ID card and the
  household register share one (they carry the same citizen number), so one card per
  person holds across both documents. The unique index covers only readers whose card is
  not cancelled: a person who returned their card may register again.
- ``reader.card_number`` is the reader's current card; ``reader_card`` keeps every card
  the reader ever had, so a scanned old card says when it was replaced or cancelled.
- ``reader_block`` holds blocks placed by staff (a suspension with its reason). Blocks
  stack; a lost card and an expired card block too, read from ``reader_card.state`` and
  ``reader.expires_on`` rather than stored twice. Circulation adds its own (overdue, owes).
- ``reader.id_type``, ``reader_block.kind`` and ``reader_consent.kind`` carry no CHECK on
  purpose: new document types and consent kinds must not need a table rebuild.
- ``reader_type`` and ``privacy_notice`` are keyed by code and version, the same on every
  node, so a reference survives sync without mapping ids.
- The five reader types every library starts with, and version 1 of the privacy notice,
  are inserted here, so a database made before readers existed gets them too.
- Anonymising a cancelled reader empties every personal column (name, numbers, birth date,
  phone, notes, guardian) and keeps ``age_band``, type and branch for statistics. Reader
  journal rows never carry personal values, so the append-only journal keeps none either.
"""

VERSION = 3

_NOW = "strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime')"

NOTICE_1 = """读者个人信息保护告知（第1版）

本馆依据《中华人民共和国个人信息保护法》和《中华人民共和国公共图书馆法》处理读者的个人信息，不出售、不非法向他人提供。

一、处理目的：办理和管理读者证、借阅与归还、到期和预约通知、服务统计。
二、收集的信息：姓名、证件类型和号码、出生日期、读者类型、所属馆；手机号码（自愿提供，仅用于通知）；不满十四周岁读者的监护人；视障读者的残疾状况（须单独同意）。不收集住址、照片和职业。
三、保护与保存：证件号码和手机号码加密保存，显示时部分隐藏，查看完整号码须经授权并留有记录。借阅记录在归还后保留90天，之后只保留读者类型、年龄段和所属馆用于统计。退证后读者信息保留一年以便处理争议，之后匿名化。
四、向他人提供：只有在读者单独同意后，才为通借通还向县域总分馆联合目录中心提供必要信息（读者证号、证件号码的加密摘要、姓名、读者类型和证件状态）；不同意的，读者信息只保存在本馆。
五、读者的权利：查阅、复制、更正、删除本人信息，撤回同意，办理退证。请到服务台办理。
六、不满十四周岁的未成年人的个人信息，经其父母或者其他监护人同意后方可处理。"""

STATEMENTS = (
    """CREATE TABLE reader_type (
        code TEXT PRIMARY KEY NOT NULL,
        name TEXT NOT NULL,
        sort_order INTEGER NOT NULL DEFAULT 0,
        validity_months INTEGER CHECK (validity_months IS NULL OR validity_months > 0),
        blind_service INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE privacy_notice (
        version INTEGER PRIMARY KEY NOT NULL,
        text TEXT NOT NULL,
        published_at TEXT NOT NULL,
        published_by TEXT
    )""",
    """CREATE TABLE reader (
        id TEXT PRIMARY KEY NOT NULL,
        card_number TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_pinyin TEXT NOT NULL,
        name_initials TEXT NOT NULL,
        id_type TEXT NOT NULL,
        id_cipher BLOB,
        id_hash TEXT,
        birth_date TEXT,
        age_band TEXT,
        phone_cipher BLOB,
        phone_hash TEXT,
        reader_type TEXT NOT NULL REFERENCES reader_type (code),
        branch_id TEXT NOT NULL REFERENCES branch (id),
        guardian_id TEXT REFERENCES reader (id),
        notes TEXT,
        expires_on TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        cancelled_at TEXT,
        anonymised_at TEXT
    )""",
    "CREATE INDEX reader_name ON reader (name)",
    "CREATE INDEX reader_pinyin ON reader (name_pinyin)",
    "CREATE INDEX reader_initials ON reader (name_initials)",
    "CREATE INDEX reader_id_hash ON reader (id_hash)",
    """CREATE UNIQUE INDEX reader_one_card_per_person ON reader (id_hash)
       WHERE cancelled_at IS NULL AND id_hash IS NOT NULL""",
    "CREATE INDEX reader_phone_hash ON reader (phone_hash)",
    "CREATE INDEX reader_guardian ON reader (guardian_id)",
    """CREATE INDEX reader_awaiting_anonymisation ON reader (cancelled_at)
       WHERE cancelled_at IS NOT NULL AND anonymised_at IS NULL""",
    """CREATE TABLE reader_card (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT NOT NULL REFERENCES reader (id),
        card_number TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('active', 'lost', 'replaced', 'cancelled')),
        issued_at TEXT NOT NULL,
        lost_at TEXT,
        ended_at TEXT
    )""",
    "CREATE INDEX reader_card_reader ON reader_card (reader_id)",
    """CREATE TABLE reader_block (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT NOT NULL REFERENCES reader (id),
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        placed_at TEXT NOT NULL,
        placed_by TEXT,
        lifted_at TEXT,
        lifted_by TEXT
    )""",
    "CREATE INDEX reader_block_reader ON reader_block (reader_id, lifted_at)",
    """CREATE TABLE reader_consent (
        id TEXT PRIMARY KEY NOT NULL,
        reader_id TEXT NOT NULL REFERENCES reader (id),
        kind TEXT NOT NULL,
        notice_version INTEGER NOT NULL REFERENCES privacy_notice (version),
        guardian_id TEXT REFERENCES reader (id),
        granted_at TEXT NOT NULL,
        granted_by TEXT,
        withdrawn_at TEXT,
        withdrawn_by TEXT
    )""",
    "CREATE INDEX reader_consent_reader ON reader_consent (reader_id)",
    """CREATE UNIQUE INDEX reader_consent_current ON reader_consent (reader_id, kind)
       WHERE withdrawn_at IS NULL""",
    f"""INSERT INTO reader_type (code, name, sort_order, validity_months, blind_service, created_at) VALUES
        ('adult', '成人', 1, NULL, 0, {_NOW}),
        ('child', '少儿', 2, NULL, 0, {_NOW}),
        ('blind', '视障', 3, NULL, 1, {_NOW}),
        ('group', '团体', 4, 12, 0, {_NOW}),
        ('temporary', '临时', 5, 6, 0, {_NOW})""",
)


def apply(execute) -> None:
    for statement in STATEMENTS:
        execute(statement)
    execute(f"INSERT INTO privacy_notice (version, text, published_at) VALUES (1, ?, {_NOW})", (NOTICE_1,))
