"""Periodicals replicate between separate databases: two desks and the union exchange real bundles.
The same copy checked in at both desks becomes one receipt at its earliest time, a claim made at
both the same day is one claim and closes when the issue arrives anywhere, and every desk ends with
the same state of every serial table."""

from __future__ import annotations

from db.models import SerialClaim, SerialReceipt
from ils.serials import binding, checkin, claims, subscriptions, titles
from ils.serials.numbers import issn_ean
from tests.sync.conftest import network, templates, union_backend  # noqa: F401  (shared fixtures)
from tests.sync.network import Network

TABLES = ("serial_title", "serial_subscription", "serial_receipt", "serial_claim", "serial_volume")
ISSN = "1005-1805"


def _count(node, table: str, where: str = "1 = 1") -> int:
    node.bind()
    return node.database.execute_sql(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]


def test_two_desks_and_the_union_converge_on_the_periodicals(network: Network):
    a, b, union = network.desks["a"], network.desks["b"], network.union
    session = a.session()
    year = session.now().year
    titles.add_title(session, titles.TitleForm("湖南日报", "newspaper", "daily", cn="CN 43-0001", post_code="41-1"))
    titles.add_title(session, titles.TitleForm("读者", "magazine", "semimonthly", issn=ISSN))
    subscriptions.subscribe(session, "湖南日报", year, copies=2, routing=[("ZG-BK", 1), ("YS", 1)])
    subscriptions.subscribe(session, "读者", year, copies=1)
    network.round()

    today = session.now().date()
    # Each desk checks in its own copy of today's paper (a: 报刊阅览室 at the central library; b: 阳三分馆).
    assert [line.copies for line in checkin.check_in_day(a.session(), today).received] == [1]
    assert [line.copies for line in checkin.check_in_day(b.session(), today).received] == [1]
    # The same copy of 读者 No. 4 checked in at both desks, b a minute earlier; No. 5 claimed at both.
    scan = issn_ean(ISSN) + "04"
    checkin.check_in_scan(b.session(), scan)
    early = b.session().library.now_text()
    b.clock.advance(minutes=1)
    checkin.check_in_scan(a.session(), scan)
    made_a = claims.claim(a.session(), "读者", year, 5)
    made_b = claims.claim(b.session(), "读者", year, 5)
    assert made_a.id == made_b.id
    # b receives No. 5: its claim closes there; a's copy of the claim closes when the receipt arrives.
    checkin.check_in(b.session(), "读者", 5)
    binding.add_bound_volume(a.session(), "湖南日报", 1951, "h1", barcode="QK19510001", spine=False)
    network.round()
    network.round()

    for node in (union, a, b):
        assert _count(node, "serial_title") == 2 and _count(node, "serial_subscription") == 2
        assert _count(node, "serial_receipt") == 4  # two copies of the paper, 读者 No. 4 once, No. 5
        node.bind()
        double = SerialReceipt.get(SerialReceipt.number == 4)
        assert double.received_at == early  # the earliest check-in of the one copy wins
        assert _count(node, "serial_claim") == 1
        assert SerialClaim.get().closed_as == "received"
        assert _count(node, "serial_volume") == 1 and _count(node, "item", "barcode = 'QK19510001'") == 1
    assert claims.list_claims(a.session()) == []
    hashes = {name: node.hashes() for name, node in (("union", union), ("a", a), ("b", b))}
    for table in TABLES:
        assert hashes["union"][table] == hashes["a"][table] == hashes["b"][table], table
