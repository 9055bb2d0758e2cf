"""The hybrid logical clock: strictly increasing at a desk whatever its wall clock does, and a node
whose clock is far ahead neither drags the union's clock forward nor wins last-writer-wins."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from db import dialect_sqlite
from ils.branches import rename_branch
from ils.sync import exchange, status
from tests.sync.network import Network


def _wall(stamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp((stamp >> dialect_sqlite.COUNTER_BITS) / 1000, dt.UTC)


def _stamps(node) -> list[int]:
    return [h for (h,) in node.database.execute_sql("SELECT hlc FROM journal ORDER BY rowid")]


@given(jumps=st.lists(st.integers(-3600, 3600), min_size=3, max_size=25))
def test_stamps_increase_strictly_when_the_wall_clock_jumps_an_hour_either_way(network: Network, jumps):
    a = network.desks["a"]
    session = a.session()
    versions = []
    for number, jump in enumerate(jumps):
        a.clock.advance(seconds=jump)
        rename_branch(session, "YS", f"阳三分馆{number}")
        versions.append(
            a.database.execute_sql(
                "SELECT colvers FROM sync_row WHERE tbl = 'branch' AND pk = (SELECT id FROM branch WHERE code = 'YS')"
            ).fetchone()[0]
        )
    stamps = _stamps(a)
    assert all(x < y for x, y in zip(stamps, stamps[1:], strict=False))
    captured = [int(__import__("json").loads(v)["name"].split("/")[0]) for v in versions]
    assert all(x < y for x, y in zip(captured, captured[1:], strict=False))


def test_a_desk_in_2099_neither_moves_the_unions_clock_nor_wins(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    network.round()
    b.clock.set(dt.datetime(2099, 1, 1, 9, 0, tzinfo=b.clock.now().tzinfo))
    rename_branch(b.session(), "YS", "阳三分馆（2099）")
    network.advance(minutes=1)
    rename_branch(a.session(), "YS", "阳三分馆（新）")
    union = network.union
    report = network.deliver(union, network.export("b"))
    assert report.state == "quarantined"
    union.bind()
    assert _wall(dialect_sqlite.clock(union.database)[0]) <= union.clock.now()  # only its own writes moved it
    network.deliver(union, network.export("a"))
    union.bind()
    assert union.database.execute_sql("SELECT name FROM branch WHERE code = 'YS'").fetchone()[0] == "阳三分馆（新）"
    assert dialect_sqlite.clock(union.database)[0] < (int(dt.datetime(2030, 1, 1).timestamp() * 1000) << 16)
    found = status.sync_status(union.session())
    assert len(found.quarantined) == 1 and found.quarantined[0].stamp_wall.startswith("2099")
    # Staff look at it and release it: its content is applied, stamped now, not in 2099.
    released = exchange.release(union.session(), found.quarantined[0].bundle_id)
    assert released.state == "applied"
    union.bind()
    assert union.database.execute_sql("SELECT name FROM branch WHERE code = 'YS'").fetchone()[0] == "阳三分馆（2099）"
    assert dialect_sqlite.clock(union.database)[0] < (int(dt.datetime(2030, 1, 1).timestamp() * 1000) << 16)
    assert status.sync_status(union.session()).quarantined == ()


def test_a_quarantined_bundle_is_applied_once_the_clock_catches_up(network: Network):
    a = network.desks["a"]
    network.round()
    a.clock.advance(hours=2)
    rename_branch(a.session(), "YS", "阳三分馆（晚）")
    assert network.deliver(network.union, network.export("a")).state == "quarantined"
    network.union.clock.advance(hours=2)
    network.deliver(network.union, network.export("b"))  # any later import applies what the clock now allows
    network.union.bind()
    assert (
        network.union.database.execute_sql("SELECT name FROM branch WHERE code = 'YS'").fetchone()[0]
        == "阳三分馆（晚）"
    )


def test_a_desk_a_year_ahead_of_the_union_is_told(network: Network):
    b = network.desks["b"]
    network.round()
    b.clock.advance(days=400)
    warnings = status.sync_status(b.session()).warnings
    assert [w.code for w in warnings] == ["sync.clock_ahead"]
    b.clock.advance(days=-800)
    assert [w.code for w in status.sync_status(b.session()).warnings] == ["sync.clock_behind"]
