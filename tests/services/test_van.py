"""The mobile library van's stops: the stop list per route, and loans counted per stop."""

from __future__ import annotations

import datetime as dt

import pytest

from db.models import Loan
from ils import branches
from ils.circulation import loans, rotation, van
from ils.errors import Invalid, NotFound, PermissionDenied
from tests.services.circ_samples import shelf  # noqa: F401

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def stops(admin):
    van.add_stop(admin, "LDQC-CS2", "茶山镇政府", "东线")
    van.add_stop(admin, "ldqc-cs1", "茶山镇小学", "东线")
    van.add_stop(admin, "LDQC-XS1", "西山社区", "西线")


def test_the_stop_list_is_grouped_per_route_without_the_vans_own_desk(admin, stops):
    routes = van.list_stops(admin)
    assert [(r.name, [s.code for s in r.stops]) for r in routes] == [
        ("东线", ["LDQC-CS1", "LDQC-CS2"]),
        ("西线", ["LDQC-XS1"]),
    ]
    assert routes[0].stops[0].name == "茶山镇小学" and routes[0].stops[0].van_code == "LDQC"
    assert [r.name for r in van.list_stops(admin, route="西线")] == ["西线"]
    with pytest.raises(NotFound) as refused:
        van.list_stops(admin, route="北线")
    assert refused.value.code == "circ.route_not_found"


def test_a_stop_moves_is_renamed_and_closes(admin, stops):
    assert van.move_stop(admin, "LDQC-XS1", "东线").route == "东线"
    assert van.rename_stop(admin, "LDQC-XS1", "西山街道社区").name == "西山街道社区"
    closed = van.set_stop_active(admin, "LDQC-XS1", False)
    assert not closed.active
    assert [s.active for s in van.list_stops(admin)[0].stops] == [True, True, False]
    assert van.set_stop_active(admin, "LDQC-XS1", True).active
    with pytest.raises(NotFound) as refused:
        van.move_stop(admin, "LDQC-CN", "东线")  # the van's own desk is no stop
    assert refused.value.code == "circ.stop_not_found"


def test_stops_are_refused_in_clear_words(admin, clerk, stops):
    with pytest.raises(Invalid) as taken:
        van.add_stop(admin, "LDQC-CS1", "茶山镇", "东线")
    assert taken.value.code == "branches.service_point_code_taken"
    with pytest.raises(Invalid) as unnamed:
        van.add_stop(admin, "LDQC-CS3", "茶山镇", "  ")
    assert unnamed.value.code == "validation.name_empty"
    with pytest.raises(PermissionDenied):
        van.add_stop(clerk, "LDQC-CS3", "茶山镇", "东线")
    with pytest.raises(Invalid) as refused:
        van.add_stop(admin, "XHMZ-2", "二楼", "东线", van="XHMZ")
    assert refused.value.code == "circ.not_a_van"
    branches.add_branch(admin, code="LDQC2", name="第二流动车", kind="van")
    with pytest.raises(Invalid) as refused:
        van.add_stop(admin, "LDQC-CS3", "茶山镇", "东线")
    assert refused.value.code == "circ.several_vans"
    assert van.add_stop(admin, "LDQC2-01", "泗汾镇", "南线", van="LDQC2").van_code == "LDQC2"


def test_a_loan_at_a_stop_counts_for_the_stop_and_a_stop_with_a_batch_out_stays_open(admin, clerk, shelf, stops):
    lent = loans.checkout(clerk, shelf.adult, "T0001", point="LDQC-CS1")
    assert Loan.get_by_id(lent.loan.id).service_point.code == "LDQC-CS1"
    batch = rotation.create_batch(clerk, "LDQC-CS2", due_back=dt.date(2026, 6, 1))
    rotation.add_items(clerk, batch.code, ["T0003"])
    rotation.send_batch(clerk, batch.code)
    with pytest.raises(Invalid) as refused:
        van.set_stop_active(admin, "LDQC-CS2", False)
    assert refused.value.code == "circ.stop_has_batch_out"
    van.set_stop_active(admin, "LDQC-CS1", False)
    with pytest.raises(Invalid) as refused:
        rotation.create_batch(clerk, "LDQC-CS1", due_back=dt.date(2026, 6, 1))
    assert refused.value.code == "circ.batch_target_closed"
