"""A record's number travels with it: every desk and the union name the record alike, and a record
two desks both numbered ends with the lower number everywhere (merge ``earliest``)."""

from __future__ import annotations

from ils.catalogue.book_numbers import reserve_range
from tests.sync.network import Network, catalogue


def _number(node, bib_id: str) -> int | None:
    return node.database.execute_sql("SELECT number FROM bib_record WHERE id = ?", (bib_id,)).fetchone()[0]


def test_the_number_given_at_one_desk_is_the_number_everywhere(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    reserve_range(a.session(), kind="book_number", first=7000, last=7009)
    bib = catalogue(a, "三体", ("T0001", "ZG"))
    assert _number(a, bib) == 7_000_000
    network.round()
    assert _number(network.union, bib) == _number(b, bib) == 7_000_000


def test_two_desks_that_numbered_one_record_agree_on_the_lower_number(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    bib = catalogue(a, "球状闪电", ("T0002", "ZG"))  # a holds no range yet: unnumbered
    network.round()
    for node, number in ((a, 8_000_000), (b, 7_500_000)):
        with node.session().write() as writer:
            node.database.execute_sql("UPDATE bib_record SET number = ? WHERE id = ?", (number, bib))
            writer.journal("test.number", "bib_record", bib, {"number": number})
    network.round()
    network.round()
    assert _number(a, bib) == _number(b, bib) == _number(network.union, bib) == 7_500_000
