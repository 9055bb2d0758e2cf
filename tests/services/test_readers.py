"""Registering, finding, viewing and changing readers, as the front desk does it."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from stdnum import luhn

from db.models import Journal, Reader, ReaderCard
from ils.errors import DatabaseProblem, NotFound, PermissionDenied
from ils.library import open_library
from ils.readers import lifecycle
from ils.readers.keys import key_path
from ils.readers.readers import change_reader, find_readers, reveal_id_number, scan_card, view_reader
from ils.staff import add_staff, log_in
from tests.codes import refused
from tests.services.reader_samples import ADULT, CHILD, GUARDIAN, citizen, register, with_x

pytestmark = pytest.mark.usefixtures("english")


def _journal_text(library) -> str:
    return " ".join(row[0] for row in library.database.execute_sql("SELECT data FROM journal"))


def test_an_adult_gets_a_random_card_with_a_check_digit_and_a_masked_record(admin):
    record = register(admin, "曾丽", ADULT, phone="138 1234 5678", consents=frozenset({"sms"}))
    card = record.summary.card_number
    assert card.startswith("430281") and len(card) == 16 and luhn.is_valid(card)
    assert record.birth_date == "1985-03-12" and record.age == 40
    assert record.id_masked == "430281********" + ADULT[-4:]
    assert record.phone_masked == "138****5678"
    assert record.name_pinyin == "zengli"  # 曾 as a surname is zēng
    assert record.summary.branch_code == "ZG" and record.summary.blocks == ()
    assert ADULT not in _journal_text(admin.library) and "曾丽" not in _journal_text(admin.library)


def test_two_readers_get_different_card_numbers(admin):
    first = register(admin, "王芳", ADULT)
    second = register(admin, "李强", GUARDIAN)
    assert first.summary.card_number != second.summary.card_number


def test_one_card_per_person_across_the_id_card_and_the_household_register(admin):
    register(admin, "王芳", ADULT)
    before = Reader.select().count()
    with refused("readers.one_card_per_person"):
        register(admin, "王芳", ADULT.lower(), id_type="household")
    assert Reader.select().count() == before and ReaderCard.select().count() == before


def test_lower_case_x_is_the_same_person(admin):
    number = with_x()
    register(admin, "王芳", number)
    with refused("readers.one_card_per_person"):
        register(admin, "王芳", number.lower())


def test_a_child_under_14_needs_a_guardian_and_the_guardians_consent(admin):
    guardian = register(admin, "李强", GUARDIAN).summary.card_number
    with refused("readers.child_needs_guardian"):
        register(admin, "李小明", CHILD, reader_type="child")
    with refused("readers.child_needs_guardian_consent"):
        register(admin, "李小明", CHILD, reader_type="child", guardian_card=guardian)
    assert Reader.select().count() == 1
    child = register(
        admin,
        "李小明",
        CHILD,
        reader_type="child",
        guardian_card=guardian,
        consents=frozenset({"guardian", "union_sharing"}),
    )
    assert child.guardian.card_number == guardian and child.age == 7
    assert {c.kind: c.guardian_card for c in child.consents} == {"guardian": guardian, "union_sharing": guardian}
    assert [w.name for w in view_reader(admin, guardian).wards] == ["李小明"]


def test_a_guardian_must_be_an_adult_with_a_card_in_use(admin):
    teenager = register(admin, "李华", citizen("20100101", order="321")).summary.card_number
    with refused("readers.guardian_too_young"):
        register(admin, "李小明", CHILD, reader_type="child", guardian_card=teenager, consents=frozenset({"guardian"}))
    with refused("readers.card_check_digit"):
        register(admin, "李小明", CHILD, guardian_card="4302810000000", consents=frozenset({"guardian"}))
    with refused("readers.no_such_card", NotFound):
        register(admin, "李小明", CHILD, guardian_card="4302810000006", consents=frozenset({"guardian"}))


def test_a_blind_reader_needs_the_separate_disability_consent(admin):
    with refused("readers.disability_consent_needed"):
        register(admin, "张伟", ADULT, reader_type="blind")
    record = register(admin, "张伟", ADULT, reader_type="blind", consents=frozenset({"disability"}))
    assert record.summary.reader_type_name == "视障"


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"phone": "1234"}, "readers.phone_invalid"),
        ({"consents": frozenset({"sms"})}, "readers.sms_needs_phone"),
        ({"consents": frozenset({"newsletter"})}, "readers.unknown_consent_kind"),
        ({"reader_type": "vip"}, "readers.unknown_reader_type"),
        ({"branch": "NOPE"}, "branches.no_such_branch"),
        ({"birth_date": dt.date(1985, 3, 13)}, "readers.birth_date_typed_differs"),
        ({"card_number": "4302811234567890"}, "readers.card_check_digit"),
        ({"card_number": "4302 8112 3456 7890"}, "readers.card_number_format"),
        ({"name": "  "}, "input.empty"),
        ({"name": "王\udcff芳"}, "input.not_text"),
        ({"name": "王芳\x1b[31m"}, "input.control_character"),
        ({"name": "王\u202e芳"}, "input.control_character"),
        ({"name": "王" * 51}, "input.too_long"),
        ({"notes": "\udcff"}, "input.not_text"),
        ({"phone": "138\udcff"}, "input.not_text"),
        ({"number": "\udcff"}, "input.not_text"),
        ({"guardian_card": "\udcff"}, "input.not_text"),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_is_written(admin, options, code):
    journal_rows = Journal.select().count()
    with refused(code):
        register(admin, **{"name": "王芳", "number": ADULT, **options})
    assert Reader.select().count() == 0 and ReaderCard.select().count() == 0
    assert Journal.select().count() == journal_rows


def test_a_passport_holder_types_the_birth_date(admin):
    with refused("readers.birth_date_needed"):
        register(admin, "John Smith", "E12345678", id_type="passport", reader_type="temporary")
    record = register(
        admin, "John Smith", "E12345678", id_type="passport", reader_type="temporary", birth_date=dt.date(1990, 5, 1)
    )
    assert record.id_masked == "E1*****78" and record.summary.expires_on == "2026-09-02"
    assert record.name_pinyin == "johnsmith"


def test_a_pre_printed_card_number_is_used_once(admin):
    number = "430281000000001" + luhn.calc_check_digit("430281000000001")
    assert register(admin, "王芳", ADULT, card_number=number).summary.card_number == number
    with refused("readers.card_number_taken"):
        register(admin, "李强", GUARDIAN, card_number=number)


def test_find_by_card_name_pinyin_initials_phone_and_id_number(admin):
    wang = register(admin, "王芳", ADULT, phone="13812345678", consents=frozenset({"sms"})).summary.card_number
    register(admin, "王小红", GUARDIAN)
    register(admin, "李强", citizen("19700101", order="111"))
    names = lambda text: [r.name for r in find_readers(admin, text)]  # noqa: E731
    assert names(wang) == ["王芳"]
    assert names("王") == ["王芳", "王小红"]
    assert names("wangf") == ["王芳"] and names("wxh") == ["王小红"] and names("Wang Xiao") == ["王小红"]
    assert names("138-1234-5678") == ["王芳"]
    assert names(ADULT.lower()) == ["王芳"]
    assert names("赵") == []
    with refused("input.empty"):
        names("  ")


def test_find_by_an_old_card_number_finds_the_reader_scanning_it_says_why_not(admin):
    record = register(admin, "王芳", ADULT)
    old = record.summary.card_number
    new = lifecycle.replace_card(admin, old, ADULT).summary.card_number
    assert [r.card_number for r in find_readers(admin, old)] == [new]
    with refused("readers.card_replaced"):
        scan_card(admin, old)
    assert scan_card(admin, new).name == "王芳"
    with refused("readers.card_number_format"):
        scan_card(admin, "123")


def test_a_lost_card_scanned_at_the_desk_is_refused(admin):
    card = register(admin, "王芳", ADULT).summary.card_number
    lifecycle.report_lost(admin, card)
    with refused("readers.card_lost"):
        scan_card(admin, card)


def test_viewing_a_record_is_journaled_and_revealing_the_number_needs_its_own_permission(admin, clerk):
    card = register(admin, "王芳", ADULT).summary.card_number
    record = view_reader(clerk, card)
    assert record.id_masked.startswith("430281****")
    with refused("staff.not_permitted", PermissionDenied):
        reveal_id_number(clerk, card)
    assert reveal_id_number(admin, card) == ADULT
    actions = [row.action for row in Journal.select().where(Journal.entity_type == "reader")]
    assert actions == ["reader.register", "reader.view", "reader.reveal"]
    assert ADULT not in _journal_text(admin.library)


def test_a_cataloguer_cannot_see_or_register_readers(admin, library):
    add_staff(admin, username="cat", display_name="编目", password="cat-pass-1", roles="cataloguing")
    cataloguer = log_in(library, "cat", "cat-pass-1")
    with refused("staff.not_permitted", PermissionDenied):
        register(cataloguer, "王芳", ADULT)
    with refused("staff.not_permitted", PermissionDenied):
        find_readers(cataloguer, "王")


def test_the_blind_room_registers_readers_too(admin, library):
    add_staff(admin, username="blind", display_name="盲人阅览室", password="blind-pass-1", roles="blind_room")
    room = log_in(library, "blind", "blind-pass-1")
    assert register(room, "张伟", ADULT, reader_type="blind", consents=frozenset({"disability"})).summary.name == "张伟"


def test_changing_details_journals_the_fields_not_the_values(admin):
    card = register(admin, "王芳", ADULT).summary.card_number
    record = change_reader(admin, card, name="王芳芳", phone="13900001111", notes="常来借书")
    assert record.summary.name == "王芳芳" and record.phone_masked == "139****1111" and record.notes == "常来借书"
    assert [r.name for r in find_readers(admin, "13900001111")] == ["王芳芳"]
    last = Journal.select().order_by(Journal.rowid.desc()).get()
    assert last.action == "reader.change"
    assert json.loads(last.data)["fields"] == ["name", "notes", "phone"]
    assert "13900001111" not in last.data and "常来借书" not in last.data
    assert change_reader(admin, card, phone="", notes="").phone_masked is None


def test_correcting_the_id_number_keeps_one_card_per_person(admin):
    card = register(admin, "王芳", ADULT).summary.card_number
    register(admin, "李强", GUARDIAN)
    with refused("readers.one_card_per_person"):
        change_reader(admin, card, id_number=GUARDIAN)
    fixed = change_reader(admin, card, id_number=citizen("19850313"))
    assert fixed.birth_date == "1985-03-13"
    with refused("readers.birth_date_typed_differs"):
        change_reader(admin, card, birth_date=dt.date(1999, 1, 1))


def test_becoming_a_blind_reader_needs_the_consent_first(admin):
    card = register(admin, "张伟", ADULT).summary.card_number
    with refused("readers.disability_consent_needed"):
        change_reader(admin, card, reader_type="blind")


def test_the_key_file_lies_beside_the_database_readable_by_its_owner_only(admin):
    path = key_path(admin.library.path)
    assert path.name == "lib.keys" and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_the_key_file_no_number_can_be_read_or_looked_up(admin, clock):
    card = register(admin, "王芳", ADULT).summary.card_number
    path = key_path(admin.library.path)
    saved = path.read_bytes()
    path.unlink()
    with refused("readers.key_file_missing", DatabaseProblem):
        view_reader(admin, card)
    with refused("readers.key_file_missing", DatabaseProblem):
        register(admin, "李强", GUARDIAN)
    path.write_bytes(saved.replace(b'"aes_256_gcm": "', b'"aes_256_gcm": "AAAA'))
    with refused("readers.key_file_damaged", DatabaseProblem):
        view_reader(admin, card)


def test_a_key_file_of_another_library_is_refused(admin, tmp_path, clock):
    from db.models import database_proxy
    from ils.initialise import initialise

    card = register(admin, "王芳", ADULT).summary.card_number
    other = initialise(
        tmp_path / "other" / "lib.sqlite", admin_username="admin", admin_password="admin-pass-1", clock=clock
    )
    other.close()
    database_proxy.initialize(admin.library.database)  # opening a library binds the models to it
    key_path(admin.library.path).write_bytes(key_path(tmp_path / "other" / "lib.sqlite").read_bytes())
    with refused("readers.key_file_of_other_library", DatabaseProblem):
        view_reader(admin, card)


def test_a_new_desk_adopts_the_key_file_copied_from_the_central_desk(admin, tmp_path, clock):
    from ils.initialise import initialise

    central = key_path(admin.library.path).read_bytes()
    (tmp_path / "branch").mkdir()
    key_path(tmp_path / "branch" / "lib.sqlite").write_bytes(central)
    branch = initialise(
        tmp_path / "branch" / "lib.sqlite",
        admin_username="admin",
        admin_password="admin-pass-1",
        branch_code="YS",
        clock=clock,
    )
    assert key_path(branch.path).read_bytes() == central
    branch.close()


def test_a_database_from_before_readers_makes_its_key_with_the_first_reader(admin):
    from db.models import Setting

    path = key_path(admin.library.path)
    path.unlink()
    Setting.delete().where(Setting.key == "readers.key_fingerprint").execute()
    assert find_readers(admin, ADULT) == []
    register(admin, "王芳", ADULT)
    assert path.is_file()
    library = open_library(admin.library.path)
    assert len(find_readers(log_in(library, "admin", "admin-pass-1"), ADULT)) == 1
    library.close()


def test_reader_types_are_configured_by_administrators(admin, clerk):
    from ils.readers.types import add_reader_type, change_reader_type, list_reader_types

    assert [t.code for t in list_reader_types()] == ["adult", "child", "blind", "group", "temporary"]
    with refused("staff.not_permitted", PermissionDenied):
        add_reader_type(clerk, code="vip", name="贵宾")
    school = add_reader_type(admin, code="School", name="学校集体证", validity_months=12)
    assert (school.code, school.validity_months, school.blind_service) == ("school", 12, False)
    with refused("readers.reader_type_code_taken"):
        add_reader_type(admin, code="school", name="重复")
    with refused("readers.card_validity_out_of_range"):
        change_reader_type(admin, "school", validity_months=0)
    assert register(admin, "王芳", ADULT, reader_type="school").summary.expires_on == "2027-03-02"
    assert change_reader_type(admin, "school", no_end_date=True, active=False).validity_months is None
    with refused("readers.reader_type_retired"):
        register(admin, "李强", GUARDIAN, reader_type="school")
