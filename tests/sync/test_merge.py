"""The merge of two states of a row is a join: commutative, associative, idempotent, for every kind."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from db.sync_spec import BY_NAME
from ils.sync.merge import RowState, merge_row

NODES = ("n1", "n2", "n3")
TIMES = st.sampled_from([None, "2026-03-01T09:00:00", "2026-03-02T10:00:00", "2026-03-03T11:00:00"])
VERSIONS = st.tuples(st.integers(1, 6), st.sampled_from(NODES))


_TIMES = [None, "2026-03-01T09:00:00", "2026-03-02T10:00:00", "2026-03-03T11:00:00"]
# What a group may hold. A version names one change, so the value a version carries is a function
# of the version (``_value``): two replicas never hold different values under one version.
OPTIONS = {
    "loan": {
        "made": [("i1", "adult", "adult", "b1", "book", "b1", None, None, "*/*/*", "2026-03-01T09:00:00", None)],
        "reader": [("r1", None), (None, "2026-04-01T00:00:00"), (None, "2026-05-01T00:00:00")],
        "due_on": [("2026-03-31",), ("2026-04-15",), ("2026-04-30",)],
        "renewals": [(0,), (1,), (2,)],
        "claimed": [(t,) for t in _TIMES],
        "end": [
            (None, None, None, None),
            *((t, how, b, None) for t in _TIMES[1:] for how in ("returned", "lost") for b in ("b1", "b2")),
        ],
    },
    "hold": {
        "made": [("adult", "bib", None, "b1", "2026-03-01T09:00:00")],
        "reader": [("r1", None), (None, "2026-04-01T00:00:00")],
        "state": [
            ("waiting", None, None, None, None, None, None),
            ("ready", "c1", _TIMES[1], _TIMES[1], None, None, None),
            ("ready", "c2", _TIMES[2], _TIMES[2], None, None, None),
            *(
                (end, copy, None, None, None, t, None)
                for end in ("fulfilled", "cancelled", "expired")
                for copy in (None, "c1")
                for t in _TIMES[1:]
            ),
        ],
    },
    "calendar_day": {
        "branch_id": [("b1",), (None,)],
        "day": [("2026-10-01",)],
        "what": [(0, "holiday", "国庆节"), (1, "workday", "调休")],
        "created_at": [(t,) for t in _TIMES[1:]],
    },
}
# Facts are never deleted (only tables whose groups all merge by last writer wins are).
DELETED = {"calendar_day"}


def _value(table: str, group: str, version: tuple[int, str]):
    options = OPTIONS[table][group]
    return options[hash((group, version)) % len(options)]


@st.composite
def states(draw, table: str):
    spec = BY_NAME[table]
    version = draw(VERSIONS)
    if table in DELETED and hash(("~", version)) % 3 == 0:  # a deletion is a change of its own, named by its version
        return RowState(version, True)
    colvers = {g.name: draw(VERSIONS) for g in spec.groups if draw(st.booleans())}
    colvers = {g: v for g, v in colvers.items() if v > version}
    values = {g.name: _value(table, g.name, colvers.get(g.name, version)) for g in spec.groups}
    return RowState(version, False, colvers, values)


def _join(table: str, a: RowState, b: RowState) -> RowState:
    return merge_row(BY_NAME[table], "pk", a, b)[0]


def _key(state: RowState):
    versions = {g: state.group_version(g) for g in state.values}
    return (
        state.deleted,
        state.version if state.deleted else None,
        sorted(state.values.items()),
        sorted(versions.items()),
    )


@settings(max_examples=400)
@given(
    st.sampled_from(["loan", "hold", "calendar_day"]).flatmap(
        lambda t: st.tuples(st.just(t), states(t), states(t), states(t))
    )
)
def test_merging_is_commutative_associative_and_idempotent(case):
    table, a, b, c = case
    assert _key(_join(table, a, b)) == _key(_join(table, b, a))
    assert _key(_join(table, _join(table, a, b), c)) == _key(_join(table, a, _join(table, b, c)))
    assert _key(_join(table, a, a)) == _key(a)


def test_an_ended_loan_stays_ended_at_its_earliest_end():
    table = BY_NAME["loan"]
    base = {g.name: (None,) * len(g.columns) for g in table.groups}
    open_ = RowState((1, "a"), False, {}, {**base, "end": (None, None, None, None)})
    returned = RowState(
        (1, "a"), False, {"end": (3, "a")}, {**base, "end": ("2026-03-02T10:00:00", "returned", "b1", None)}
    )
    lost = RowState((1, "a"), False, {"end": (9, "b")}, {**base, "end": ("2026-03-03T10:00:00", "lost", "b2", None)})
    merged, seen = merge_row(table, "l1", returned, lost)
    assert merged.values["end"][1] == "returned" and [s.kind for s in seen] == ["loan_ended_twice"]
    assert merge_row(table, "l1", returned, open_)[0].values["end"][1] == "returned"
