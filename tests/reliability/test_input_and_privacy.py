"""Fuzzed MARC, injection strings, desks racing and the personal-data scan: each at CI size."""

from __future__ import annotations

from tests.reliability.conftest import assert_ok


def test_fuzzed_marc_is_stored_or_refused_with_a_code_never_a_crash(base_library, work, size):
    from reliability_input import fuzzed_marc

    assert_ok(fuzzed_marc(base_library, work, size["fuzz"], size["fuzz_cli"]))


def test_injection_strings_at_the_command_line_change_nothing_and_print_nothing_harmful(base_library, work, size):
    from reliability_input import injection

    assert_ok(injection(base_library, work, size["injections"]))


def test_desks_racing_for_one_copy(work, size):
    from reliability import race

    assert_ok(race(work, size["race_procs"], size["race_rounds"]))


def test_no_raw_id_or_phone_number_is_written_anywhere(base_library, work, size):
    from reliability_privacy import personal_data

    outcome = personal_data(base_library, work, size["readers"])
    assert_ok(outcome)
    assert {f.name: f.value for f in outcome.figures}["readers registered through the command line"] == size["readers"]
