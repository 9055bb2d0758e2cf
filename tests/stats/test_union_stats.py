"""At the union: every branch's figures and the county total (县域总分馆人均外借册次 and the like),
counted from the rows the desks sent, alike on the union's two engines (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

from db.models import Branch
from ils.circulation.loans import checkout, renew
from ils.stats import inputs
from ils.stats.annual import Year, national_return, ratios
from ils.stats.indicators import REGISTRY
from tests.services.reader_samples import citizen
from tests.sync.conftest import network, templates, union_backend  # noqa: F401  (shared fixtures)
from tests.sync.network import Network, catalogue, reader


def test_the_union_counts_every_branch_and_the_county_total(network: Network):
    a, b = network.desks["a"], network.desks["b"]  # the central library (ZG) and 阳三分馆 (YS)
    catalogue(a, "湘东文史", ("A0001", "ZG"), ("A0002", "ZG"), ("A0003", "ZG"))
    catalogue(b, "醴陵瓷话", ("B0001", "YS"), ("B0002", "YS"))
    card_a = reader(a, "王芳", citizen("19850312"))
    card_b = reader(b, "张伟", citizen("19900101", order="222"))
    for barcode in ("A0001", "A0002", "A0003"):
        checkout(a.session(), card_a, barcode)
    for barcode in ("B0001", "B0002"):
        checkout(b.session(), card_b, barcode)
    network.advance(days=3)
    renew(b.session(), "B0001")
    inputs.set_input(a.session(), year=a.session().now().year, code="population", value="10", source="测试")
    network.round()
    network.round()

    union = network.union
    session = union.session()
    year = Year(session, session.now().year)
    branch = dict(Branch.select(Branch.code, Branch.id).tuples())
    loans = year.series("loans", "branch")
    assert {row.key: row.total for row in loans.rows if row.total} == {branch["ZG"]: 3, branch["YS"]: 2}
    assert year.total("loans") == 5 and year.total("renewals") == 1 and year.total("loans_with_renewals") == 6
    assert year.total("new_cards") == 2 and year.total("valid_cards") == 2
    # The county total per head: 5 loans over the population of 10 the central library entered.
    per_head = {ratio.code: ratio.value for ratio in ratios(year)}
    assert per_head["loans_per_head"] == Decimal("0.50")
    # Every indicator and every line of the return counts on the union's engine without a refusal.
    for code, declared in REGISTRY.items():
        for dimension in ("total", *declared.dimensions):
            year.series(code, dimension)
    lines = {line.code: line.value for line in national_return(year)}
    assert lines and all(value is None or value >= 0 for value in lines.values())


def test_the_unions_figures_include_what_a_later_bundle_brings(network: Network, union_backend: str):
    """A union on SQLite keeps a year's figures once counted (m0082), and the rows a later bundle
    merges in forget them; one on PostgreSQL counts from its rows every time (p0082). Either way
    the next count includes the new loans."""
    a = network.desks["a"]
    catalogue(a, "湘东文史", ("A0001", "ZG"), ("A0002", "ZG"))
    card = reader(a, "王芳", citizen("19850312"))
    checkout(a.session(), card, "A0001")
    network.round()
    session = network.union.session()
    year = session.now().year
    assert Year(session, year).total("loans") == 1 and Year(session, year).total("holdings") == 2
    kept = {code for (code,) in Branch._meta.database.execute_sql(f"SELECT code FROM stats_cache WHERE year = {year}")}
    assert kept == ({"loans", "holdings"} if union_backend == "sqlite" else set())
    checkout(a.session(), card, "A0002")
    network.round()
    session = network.union.session()
    assert Year(session, year).total("loans") == 2
    assert Year(session, year).total("holdings") == 2
