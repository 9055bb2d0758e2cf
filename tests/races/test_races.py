"""Two and eight desk processes racing for one copy on one file, paused between read and write.

Checkout, return and renewal, round after round (``bench/race_desks.py`` runs the same race
at any size). Every desk that loses gets a refusal with a code, never a raw exception; one
desk wins each checkout, return and renewal; no loan is ended or fined twice; every copy's
status agrees with its loans; and ``ils check`` is clean.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from race_desks import race  # noqa: E402


@pytest.mark.parametrize(("procs", "rounds"), [(2, 3), (8, 2)])
def test_desks_racing_for_one_copy_are_served_one_after_the_other(tmp_path, procs, rounds):
    figures = race(tmp_path / "race.sqlite", procs, rounds, pause=0.02)
    assert figures.raw_exceptions == 0, figures.raw_examples
    assert figures.done["checkout"] == figures.done["return"] == figures.done["renew"] == rounds
    assert figures.wrong_winners == 0
    assert figures.attempts == procs * rounds * 4
    assert sum(figures.done.values()) + sum(figures.refused.values()) == figures.attempts
    losers = {
        "circ.copy_on_loan",
        "circ.not_on_loan",
        "circ.no_renewals_left",
        "circ.copy_already_yours",
        "storage.conflict",
    }
    assert set(figures.refused) <= losers, figures.refused
    assert (figures.double_returns, figures.double_fines, figures.status_disagreements) == (0, 0, 0)
    assert figures.check_ok, figures.check_problems
