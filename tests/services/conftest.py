"""A fresh library on a temporary file for each test, with a clock tests can move."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from ils.clock import FixedClock
from ils.i18n import set_language
from ils.initialise import initialise
from ils.library import Library
from ils.session import Session
from ils.staff import add_staff, log_in

ADMIN_PASSWORD = "admin-pass-1"
TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def english() -> Iterator[None]:
    """For tests that read messages: English, the msgids, whatever the catalogues say; Chinese after."""
    set_language("en")
    yield
    set_language("zh_CN")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ))


@pytest.fixture
def library(tmp_path, clock) -> Iterator[Library]:
    lib = initialise(tmp_path / "lib.sqlite", admin_username="admin", admin_password=ADMIN_PASSWORD, clock=clock)
    yield lib
    lib.close()


@pytest.fixture
def admin(library) -> Session:
    return log_in(library, "admin", ADMIN_PASSWORD)


@pytest.fixture
def clerk(library, admin) -> Session:
    """A circulation clerk: may work the desk, may not manage staff or branches."""
    add_staff(admin, username="clerk", display_name="李芳", password="clerk-pass-1", roles="circulation", branch="ZG")
    return log_in(library, "clerk", "clerk-pass-1")
