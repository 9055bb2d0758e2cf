"""ID document numbers as the desk types them: checked, cleaned, masked, never echoed."""

from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric

from ils.errors import Invalid
from ils.readers.idnumbers import check_id_number, lookup_candidates, mask, normalise
from tests.codes import refused
from tests.services.reader_samples import citizen, with_x

TODAY = dt.date(2026, 3, 2)


pytestmark = pytest.mark.usefixtures("english")


def test_a_liling_number_is_accepted_although_stdnum_does_not_know_its_region():
    number = citizen("19850312", "430281")
    assert not ric.is_valid(number)  # python-stdnum's region table lacks 430281 (醴陵市)
    checked = check_id_number("resident", number, TODAY)
    assert checked.number == number and checked.birth_date == dt.date(1985, 3, 12)


def test_lower_case_x_full_width_digits_and_spaces_are_normalised():
    number = with_x()
    typed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1]) + " x"
    assert check_id_number("resident", typed, TODAY).number == number
    assert normalise(f" {number[:6]}-{number[6:].lower()} ") == number


def test_wrong_check_digit_is_refused_without_echoing_the_number():
    number = citizen()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with refused("readers.id_number_check_digit") as caught:
        check_id_number("resident", wrong, TODAY)
    assert wrong not in str(caught.value) and wrong[6:14] not in str(caught.value)


def test_swapped_neighbouring_digits_are_caught():
    number = citizen("19850312", "430281", "456")
    swapped = number[:14] + number[15] + number[14] + number[16:]
    with refused("readers.id_number_check_digit"):
        check_id_number("resident", swapped, TODAY)


@pytest.mark.parametrize(
    ("born", "code"),
    [
        ("19850230", "readers.id_number_birth_date_unreal"),
        ("20270101", "readers.id_number_birth_date_impossible"),
        ("18991231", "readers.id_number_birth_date_impossible"),
    ],
)
def test_impossible_birth_dates_are_refused(born, code):
    with refused(code):
        check_id_number("resident", citizen(born), TODAY)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("430281850312123", "readers.id_number_first_generation"),
        ("43028119850312", "readers.id_number_length"),
        ("4302811985031212A3", "readers.id_number_characters"),
        ("", "input.empty"),
        ("4302811985\udcff", "input.not_text"),
        ("430281\x001985031212", "input.control_character"),
    ],
)
def test_malformed_resident_numbers_say_what_is_wrong(typed, code):
    with refused(code) as caught:
        check_id_number("resident", typed, TODAY)
    assert "4302811985" not in caught.value.render("en")  # never echoed


def test_a_number_outside_any_province_is_refused():
    with refused("readers.id_number_province"):
        check_id_number("resident", citizen(region="990281"), TODAY)


def test_household_register_and_resident_card_share_the_citizen_number():
    number = citizen()
    assert check_id_number("household", number, TODAY).namespace == check_id_number("resident", number, TODAY).namespace
    assert check_id_number("passport", "E12345678", TODAY).namespace == "passport"


def test_hong_kong_macao_and_taiwan_residence_permits_are_citizen_numbers():
    assert check_id_number("resident", citizen(region="810000"), TODAY).birth_date == dt.date(1985, 3, 12)


@pytest.mark.parametrize(
    ("id_type", "good", "bad"),
    [
        ("passport", "e 1234 5678", "E1"),
        ("hk_macao", "H12345678", "X12345678"),
        ("taiwan", "12345678", "1234567"),
        ("other", "JG 12345", "!"),
    ],
)
def test_other_documents_are_checked_for_their_shape(id_type, good, bad):
    assert check_id_number(id_type, good, TODAY).birth_date is None
    with pytest.raises(Invalid):
        check_id_number(id_type, bad, TODAY)


def test_foreigners_permanent_residence_cards_old_and_new():
    assert check_id_number("foreign_permanent", "USA123456789012", TODAY).birth_date is None
    body = "93156" + "0" + "19900101" + "123"  # 9, province 31, nationality 560, birth date, order
    new_card = body[:17] + ric.calc_check_digit(body[:17] + "0")
    assert check_id_number("foreign_permanent", new_card, TODAY).birth_date == dt.date(1990, 1, 1)
    with refused("readers.id_number_check_digit"):
        check_id_number("foreign_permanent", new_card[:-1] + ("1" if new_card[-1] != "1" else "2"), TODAY)


def test_organisations_use_the_unified_social_credit_code():
    assert check_id_number("organisation", "91110000600037341L", TODAY).birth_date is None
    with refused("readers.organisation_code_invalid"):
        check_id_number("organisation", "91110000600037341M", TODAY)


def test_unknown_id_type_lists_the_types():
    with refused("readers.unknown_id_type"):
        check_id_number("driving_licence", "123", TODAY)


def test_masks_keep_only_the_ends():
    assert mask("430281198503121230") == "430281********1230"
    assert mask("E12345678") == "E1*****78"
    assert mask("ABCD") == "A**D"
    assert mask("AB") == "**"


def test_lookup_reads_a_citizen_number_as_that_alone_and_other_text_as_any_fitting_document():
    assert [n.id_type for n in lookup_candidates(citizen().lower(), TODAY)] == ["resident"]
    assert {n.id_type for n in lookup_candidates("H12345678", TODAY)} >= {"passport", "hk_macao"}
