"""Loans per branch and month, counted where they happened, with or without renewals."""

from __future__ import annotations

import datetime as dt

import pytest

from ils.circulation import loans
from ils.errors import PermissionDenied
from ils.stats.loans import loans_per_branch_month
from tests.services.circ_samples import shelf  # noqa: F401
from tests.services.conftest import TZ


def test_loans_count_for_the_lending_branch_and_month(admin, clerk, shelf, clock):
    loans.checkout(clerk, shelf.adult, "T0001")
    loans.checkout(clerk, shelf.adult, "T0002", point="XHMZ-JH")
    clock.set(dt.datetime(2026, 4, 20, 10, 0, tzinfo=TZ))
    loans.return_item(clerk, "T0001")
    loans.checkout(clerk, shelf.other, "T0001")
    loans.renew(clerk, "T0001")
    rows = {r.branch_code: r for r in loans_per_branch_month(admin, 2026)}
    assert rows["ZG"].months[2:4] == (1, 1) and rows["ZG"].total == 2
    assert rows["XHMZ"].months[2] == 1
    with_renewals = {r.branch_code: r for r in loans_per_branch_month(admin, 2026, with_renewals=True)}
    assert with_renewals["ZG"].months[3] == 2
    assert loans_per_branch_month(admin, 2025) == []
    with pytest.raises(PermissionDenied):
        loans_per_branch_month(clerk, 2026)
