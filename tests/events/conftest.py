"""A library with an events desk: the ``events`` staff member and a reader or two."""

from __future__ import annotations

import pytest

from ils.session import Session
from ils.staff import add_staff, log_in
from tests.services.conftest import admin, clerk, clock, english, library  # noqa: F401  (shared fixtures)


@pytest.fixture
def events(library, admin) -> Session:
    add_staff(admin, username="events", display_name="周敏", password="events-pass-1", roles="events", branch="ZG")
    return log_in(library, "events", "events-pass-1")
