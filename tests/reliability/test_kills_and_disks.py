"""kill -9 during checkouts and imports, backups during writes, a full disk: each at CI size."""

from __future__ import annotations

from tests.reliability.conftest import assert_ok


def test_kill_9_during_checkouts_loses_nothing_committed_and_leaves_ils_check_clean(base_library, work, size):
    from reliability_kill import kill_during_checkouts

    assert_ok(kill_during_checkouts(base_library, work, size["checkout_kills"]))


def test_kill_9_during_marc_imports_leaves_every_file_whole_or_absent(base_library, work, size):
    from reliability_kill import kill_during_imports

    outcome = kill_during_imports(base_library, work, size["import_kills"], size["import_records"])
    assert_ok(outcome)


def test_backups_during_writes_are_sound_and_killed_ones_are_cleaned_up(base_library, work, size):
    from reliability_disk import backups_during_writes

    assert_ok(backups_during_writes(base_library, work, size["backups"]))


def test_a_full_disk_gives_coded_refusals_and_the_library_works_again(base_library, work, size):
    from reliability_disk import full_disk

    outcome = full_disk(base_library, work, size["disk_rounds"])
    assert_ok(outcome)
    assert any(f.name == "method" for f in outcome.figures)
