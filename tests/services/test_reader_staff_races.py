"""Desk processes racing on one reader or one staff account, with a pause injected between
what a service reads and what it writes (as the attack on issue 12 did).

Because each service reads what it decides on inside its write lock, the second desk sees
what the first did: one card per person holds with the clear refusal (not a storage
conflict), and every wrong password typed at once is counted towards the lock-out.
"""

from __future__ import annotations

import json
import multiprocessing
import time

from db.models import Journal, Reader, Staff
from ils.initialise import initialise
from ils.library import open_library
from ils.staff import MAX_FAILED_LOGINS, add_staff, log_in
from tests.services.reader_samples import ADULT

PASSWORD = "admin-pass-1"
PAUSE = 0.2


def _register(path: str, barrier, outcomes) -> None:
    import ils.readers.readers as readers
    from ils.errors import IlsError

    name_keys = readers.name_keys

    def slow_name_keys(name: str):  # between the one-card-per-person check and the insert
        time.sleep(PAUSE)
        return name_keys(name)

    readers.name_keys = slow_name_keys
    library = open_library(path)
    session = log_in(library, "admin", PASSWORD)
    barrier.wait()
    try:
        readers.register_reader(session, readers.Registration(name="王芳", id_type="resident", id_number=ADULT))
        outcomes.put("registered")
    except IlsError as error:
        outcomes.put(error.code)
    except Exception as error:  # noqa: BLE001 (reported to the test, which fails on it)
        outcomes.put(repr(error))
    library.close()


def _wrong_password(path: str, barrier, outcomes) -> None:
    import ils.staff as staff
    from ils.errors import IlsError

    verify = staff.verify_password

    def slow_verify(password: str, stored: str) -> bool:  # between reading the account and counting
        time.sleep(PAUSE)
        return verify(password, stored)

    staff.verify_password = slow_verify
    library = open_library(path)
    barrier.wait()
    try:
        staff.log_in(library, "clerk", "not-the-password")
        outcomes.put("logged in")
    except IlsError as error:
        outcomes.put(error.code)
    except Exception as error:  # noqa: BLE001
        outcomes.put(repr(error))
    library.close()


def _race(target, path, desks: int) -> list[str]:
    ctx = multiprocessing.get_context("spawn")
    barrier, outcomes = ctx.Barrier(desks), ctx.Queue()
    processes = [ctx.Process(target=target, args=(str(path), barrier, outcomes)) for _ in range(desks)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert all(process.exitcode == 0 for process in processes)
    return sorted(outcomes.get(timeout=5) for _ in processes)


def test_two_desks_registering_one_person_at_once_give_one_card_and_a_clear_refusal(tmp_path):
    path = tmp_path / "lib.sqlite"
    initialise(path, admin_username="admin", admin_password=PASSWORD).close()
    assert _race(_register, path, 2) == ["readers.one_card_per_person", "registered"]
    library = open_library(path)
    assert Reader.select().count() == 1
    library.close()


def test_wrong_passwords_typed_at_eight_desks_at_once_all_count(tmp_path):
    path = tmp_path / "lib.sqlite"
    library = initialise(path, admin_username="admin", admin_password=PASSWORD)
    add_staff(
        log_in(library, "admin", PASSWORD),
        username="clerk",
        display_name="李芳",
        password="clerk-pass-1",
        roles="circulation",
    )
    library.close()
    outcomes = _race(_wrong_password, path, 8)
    assert outcomes.count("staff.wrong_credentials") == MAX_FAILED_LOGINS - 1
    assert outcomes.count("staff.locked_after_failures") == 1
    assert outcomes.count("staff.account_locked") == 8 - MAX_FAILED_LOGINS
    library = open_library(path)
    clerk = Staff.get(Staff.username == "clerk")
    assert clerk.failed_logins == MAX_FAILED_LOGINS and clerk.locked_until is not None
    counted = [
        json.loads(row.data)["failed_logins"]
        for row in Journal.select().where(Journal.action == "staff.login_failed", Journal.entity_id == clerk.id)
    ]
    assert sorted(counted) == list(range(1, MAX_FAILED_LOGINS + 1))
    library.close()
