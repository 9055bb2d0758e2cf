"""The scale generator (bench/generate.py) at a thousandth of a county library, as CI runs it:
the sizes asked for, every row journaled, and a database ``ils check`` finds sound."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from db.models import BibRecord, Item, Journal, Loan, LoanRenewal, Reader
from ils.demo.circulation import LOAD_ACTION, RENEWAL_LOAD_ACTION
from ils.library import open_library
from ils.maintenance import check
from ils.staff import log_in

GENERATOR = Path(__file__).resolve().parents[2] / "bench" / "generate.py"
SCALE = 0.001


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    generate = _generator()
    path = tmp_path_factory.mktemp("scale") / "library.sqlite"
    times = generate.main(["--db", str(path), "--scale", str(SCALE), "--seed", "7"])
    library = open_library(path)
    yield generate, times, log_in(library, "admin", generate.PASSWORD)
    library.close()


def test_it_builds_a_thousandth_of_a_county_library(generated):
    generate, times, _session = generated
    assert BibRecord.select().count() == round(generate.RECORDS * SCALE)
    assert 1.5 * BibRecord.select().count() <= Item.select().count() <= 2.1 * BibRecord.select().count()
    assert Reader.select().count() == round(generate.READERS * SCALE)
    loaded = Loan.select().where(Loan.id.in_(Journal.select(Journal.entity_id).where(Journal.action == LOAD_ACTION)))
    assert loaded.count() == round(generate.LOANS * SCALE)
    assert Loan.select().where(Loan.ended_at.is_null()).count() > 0  # today's desk
    assert {"catalogue", "readers", "loan history", "today's desk"} <= set(times)


def test_every_loaded_loan_and_renewal_has_its_journal_row(generated):
    loans = Journal.select().where(Journal.action == LOAD_ACTION)
    assert loans.count() == len({row.entity_id for row in loans})
    renewals = Journal.select().where(Journal.action == RENEWAL_LOAD_ACTION)
    renewed = Journal.select().where(Journal.action == "loan.renew").count()  # today's, by the desk
    assert renewals.count() + renewed == LoanRenewal.select().count()
    for row in loans.limit(100):
        assert not {"reader_id", "card_number", "reader"} & set(json.loads(row.data))


def test_the_database_check_passes_on_the_generated_library(generated):
    _generate, _times, session = generated
    report = check(session)
    assert report.ok, report.lines()


def test_it_refuses_to_overwrite_a_database(tmp_path):
    path = tmp_path / "there.sqlite"
    path.write_bytes(b"")
    with pytest.raises(SystemExit):
        _generator().main(["--db", str(path), "--scale", "0.0001"])
