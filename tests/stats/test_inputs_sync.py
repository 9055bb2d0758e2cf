"""A year's manual inputs and report texts: entered with their source and who entered them,
refused when they are not figures, and replicated between separate databases through real
bundles, the later entry winning everywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ils.errors import Invalid, PermissionDenied
from ils.staff import add_staff, log_in
from ils.stats import inputs
from tests.sync.conftest import network, templates, union_backend  # noqa: F401  (shared fixtures)
from tests.sync.network import Network


def test_an_input_keeps_its_source_and_who_entered_it(admin, library):
    made = inputs.set_input(admin, year=2021, code="population", value="950,000", source="市统计局")
    assert made.value == Decimal("950000") and made.source == "市统计局" and made.entered_by == "admin"
    inputs.set_input(admin, year=2021, code="population", value="951000", source="第七次人口普查")
    assert [(i.code, i.value, i.source) for i in inputs.inputs(admin, 2021)] == [
        ("population", Decimal("951000"), "第七次人口普查")
    ]
    assert inputs.inputs(admin, 2020) == []
    for bad, code in (("many", "stats.not_a_number"), ("-3", "stats.input_out_of_range")):
        with pytest.raises(Invalid) as refused:
            inputs.set_input(admin, year=2021, code="seats", value=bad, source="清点")
        assert refused.value.code == code
    with pytest.raises(Invalid):
        inputs.set_input(admin, year=2021, code="no_such_input", value="1", source="x")


def test_the_report_texts_are_kept_per_year(admin, library, clerk):
    inputs.set_text(admin, year=2021, kind="summary", body="# 一、基础服务\r\n全年开放。\n\n")
    assert inputs.text_of(admin, 2021, "summary").body == "# 一、基础服务\n全年开放。"
    assert inputs.text_of(admin, 2021, "plan").body == ""
    assert inputs.text_of(admin, 2022, "summary").body == ""
    with pytest.raises(PermissionDenied):
        inputs.set_text(clerk, year=2021, kind="plan", body="x")
    add_staff(admin, username="tongji", display_name="统计员", password="stats-pass-1", roles="statistics", branch="ZG")
    statistician = log_in(library, "tongji", "stats-pass-1")
    inputs.set_text(statistician, year=2021, kind="plan", body="1、继续做好基础服务。")
    assert inputs.text_of(admin, 2021, "plan").written_by == "tongji"


def test_inputs_and_texts_converge_between_desks(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    inputs.set_input(a.session(), year=2021, code="seats", value="480", source="清点")
    inputs.set_text(a.session(), year=2021, kind="summary", body="甲馆写的总结")
    network.round()
    network.advance(minutes=5)
    # b corrects the same figure and rewrites the text: the same rows (name-based ids), later wins.
    inputs.set_input(b.session(), year=2021, code="seats", value="500", source="复核")
    inputs.set_text(b.session(), year=2021, kind="summary", body="乙馆改过的总结")
    network.round()
    network.round()
    for node in (network.union, a, b):
        node.bind()
        assert node.database.execute_sql("SELECT COUNT(*), MAX(value), MAX(source) FROM stats_input").fetchone() == (
            1,
            "500",
            "复核",
        )
        assert node.database.execute_sql("SELECT body FROM stats_text").fetchone() == ("乙馆改过的总结",)
    hashes = [node.hashes() for node in (network.union, a, b)]
    for table in ("stats_input", "stats_text"):
        assert hashes[0][table] == hashes[1][table] == hashes[2][table], table
