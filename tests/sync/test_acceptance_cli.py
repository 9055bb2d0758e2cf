"""Issue 14's "done means", through the command line as a script drives it: two desks and a union,
each initialised separately on its own file, exchanging bundles through a folder.

- a loan at desk A blocks the copy at desk B after A -> union -> B;
- the same copy lent at both while offline is one conflict at the union with both loans kept,
  and resolving it reaches both desks;
- a record catalogued at the union is searchable at both desks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.services.marc_samples import corpus_file
from tests.services.reader_samples import citizen

PASSWORD = "admin-pass-1"


def ils(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ILS_PASSWORD": PASSWORD, "ILS_STAFF": "admin", "ILS_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "ils", "--db", str(db), *args], capture_output=True, text=True, env=env, timeout=900
    )


def ok(db: Path, *args: str) -> dict | list:
    done = ils(db, *args, "--json")
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout)


def test_two_desks_and_a_union_exchange_bundles_through_the_command_line(tmp_path):
    sample = corpus_file("dp2/sample_cnmarcxml.xml")
    union, desk_a, desk_b, van = (
        tmp_path / "u" / "union.sqlite",
        tmp_path / "a" / "desk.sqlite",
        tmp_path / "b" / "desk.sqlite",
        tmp_path / "van",
    )
    for folder in (union.parent, desk_a.parent, desk_b.parent, van):
        folder.mkdir()
    fingerprint = ok(union, "union", "init", "--admin-password", PASSWORD)["fingerprint"]
    ok(desk_a, "init", "--branch", "ZG", "--node-name", "A", "--admin-password", PASSWORD)
    ok(desk_b, "init", "--branch", "YS", "--node-name", "B", "--admin-password", PASSWORD)
    for desk, name in ((desk_a, "a"), (desk_b, "b")):
        request = ok(desk, "sync", "enrol", "--out", str(van / f"enrol-{name}.json"), "--union-key", fingerprint)
        trusted = ok(union, "union", "trust", request["path"])
        assert trusted["fingerprint"] == request["fingerprint"]

    # A record catalogued at the union, with a copy at each desk's branch.
    imported = ok(union, "catalogue", "import", str(sample), "--branch", "ZG")
    bib = imported["result"]["bib_ids"][0]
    ok(union, "items", "add", bib, "9000000001", "--branch", "ZG")
    ok(union, "items", "add", bib, "9000000002", "--branch", "YS")

    def union_to(desk: Path, code: str) -> dict:
        report = ok(union, "union", "export", "--node", code, "--out", str(van))
        return ok(desk, "sync", "import", report["path"])

    def to_union(desk: Path) -> dict:
        report = ok(desk, "sync", "export", "--out", str(van))
        return ok(union, "union", "import", report["path"])

    union_to(desk_a, "ZG")
    union_to(desk_b, "YS")
    at_union = {hit["bib_id"] for hit in ok(union, "catalogue", "search", "中国发展报告", "--limit", "50")["hits"]}
    assert bib in at_union
    for desk in (desk_a, desk_b):
        assert {
            hit["bib_id"] for hit in ok(desk, "catalogue", "search", "中国发展报告", "--limit", "50")["hits"]
        } == at_union

    reader_a = ok(
        desk_a,
        "readers",
        "add",
        "王小明",
        "--id-number",
        citizen("19900101", order="123"),
        "--consent",
        "union_sharing",
    )["summary"]["card_number"]
    reader_b = ok(
        desk_b,
        "readers",
        "add",
        "李小红",
        "--id-number",
        citizen("19850505", order="002"),
        "--consent",
        "union_sharing",
    )["summary"]["card_number"]

    # A loan at A blocks the copy at B once A -> union -> B.
    ok(desk_a, "circ", "checkout", reader_a, "9000000001")
    to_union(desk_a)
    union_to(desk_b, "YS")
    refused = ils(desk_b, "circ", "checkout", reader_b, "9000000001")
    assert refused.returncode == 1 and "on loan to another reader" in refused.stderr

    # The same copy lent at both while offline: one conflict at the union, both loans kept.
    ok(desk_a, "circ", "checkout", reader_a, "9000000002")
    ok(desk_b, "circ", "checkout", reader_b, "9000000002")
    to_union(desk_a)
    applied = to_union(desk_b)
    assert applied["conflicts"] >= 1
    (conflict,) = [c for c in ok(union, "union", "conflicts") if c["barcode"] == "9000000002"]
    assert conflict["kind"] == "copy_lent_twice" and len(conflict["loans"]) == 2
    assert all(loan["ended_at"] is None for loan in conflict["loans"])

    # Resolving it at the union reaches both desks.
    resolved = ok(union, "union", "resolve", conflict["id"], "--keep", "ZG", "--note", "the copy is at 总馆")
    assert resolved["state"] == "resolved"
    for desk, code in ((desk_a, "ZG"), (desk_b, "YS")):
        union_to(desk, code)
        (seen,) = [c for c in ok(desk, "sync", "conflicts", "--all") if c["id"] == conflict["id"]]
        assert seen["state"] == "resolved"
        loans = {loan["branch"]: loan for loan in seen["loans"]}
        assert loans["ZG"]["ended_at"] is None and loans["YS"]["ended_as"] == "resolved"
    assert ok(desk_b, "items", "show", "9000000002")["status"] == "on_loan"

    # Once everything has gone round, the union and both desks hold the same state.
    to_union(desk_a)
    to_union(desk_b)
    union_to(desk_a, "ZG")
    union_to(desk_b, "YS")
    hashes = [ok(db, cmd, "state-hash")["*"] for db, cmd in ((union, "union"), (desk_a, "sync"), (desk_b, "sync"))]
    assert len(set(hashes)) == 1
