"""Events and visits replicate between separate databases through real bundles: two desks
record programmes, counts, tallies, gate files and enquiries (some of them the same things),
the union merges, everyone converges; who registered or came through the door never leaves
the desk."""

from __future__ import annotations

from ils.events import (
    attendance,
    enquiries,
    gates,
    ledgers,
    programmes,
    registration,
    tallies,
)
from ils.sync import archive
from tests.services.reader_samples import citizen
from tests.sync.conftest import network, templates, union_backend  # noqa: F401  (shared fixtures)
from tests.sync.network import Network, reader

TABLES = (
    "event_programme",
    "event_session",
    "event_registration",
    "event_count",
    "event_scan",
    "event_reach",
    "event_evidence",
    "event_media",
    "event_honour",
    "event_milestone",
    "event_training",
    "event_volunteer",
    "visit_gate_site",
    "visit_gate_count",
    "visit_tally",
    "visit_digital",
    "visit_enquiry",
)


def _texts(network: Network) -> list[bytes]:
    texts = []
    for path in network.folder.rglob("*.ilsync"):
        contents = archive.read_members(archive.open_envelope(path.read_bytes()))
        texts += [*contents.members.values(), str(contents.manifest).encode()]
    return texts


def _count(node, sql: str):
    node.bind()
    return node.database.execute_sql(sql).fetchone()[0]


def test_two_desks_and_the_union_converge_on_events_and_visits(network: Network, tmp_path):
    a, b = network.desks["a"], network.desks["b"]
    sa = a.session()
    today = sa.now().date().isoformat()
    gate_file = tmp_path / "gate.csv"
    gate_file.write_bytes(f"日期,时间,进馆人数\r\n{today},00:00,40\r\n{today},00:01,2\r\n".encode("gbk"))
    card = reader(a, "王芳", citizen("19850312"), share=False)
    p = programmes.add_programme(sa, title="端午诗词会", kind="reading_club", audience="children")
    s = programmes.add_session(sa, p.id, starts=today, venue="picture_books", capacity=30)
    registration.register(sa, s.id, name="李小龙", phone="13812345678")
    attendance.scan_at_door(sa, s.id, card)
    attendance.record_count(sa, s.id, total=25)
    tallies.record_tally(sa, site_kind="branch", site="ZG", count=300)
    gates.add_site(sa, code="MAIN", name="总馆大门")
    gates.import_gate_file(sa, "MAIN", gate_file, mapping={"date": "日期", "time": "时间", "entries": "进馆人数"})
    enquiries.tally_enquiry(sa, channel="phone")
    ledgers.add_honour(sa, body="株洲市图书馆", title="十佳阅读品牌")
    network.round()
    network.advance(minutes=5)
    sb = b.session()
    # b corrects a's head count, counts the same branch day, imports the same gate file, and adds its own.
    attendance.record_count(sb, s.id, total=28, adults=8, children=20)
    tallies.record_tally(sb, site_kind="branch", site="ZG", count=310)
    gates.import_gate_file(sb, "MAIN", gate_file)  # the mapping came with the site
    enquiries.tally_enquiry(sb)
    tallies.record_digital(sb, month=today[:7], platform="超星", measure="clicks", value=1500)
    network.round()
    network.round()
    for node in (network.union, a, b):
        assert _count(node, "SELECT total FROM event_count") == 28
        assert _count(node, "SELECT count FROM visit_tally") == 310
        assert _count(node, "SELECT SUM(entries) FROM visit_gate_count") == 42
        assert _count(node, "SELECT COUNT(*) FROM visit_enquiry") == 2
        assert _count(node, "SELECT COUNT(*) FROM event_scan") == 1
        assert _count(node, "SELECT COUNT(*) FROM event_registration") == 1
    for node in (network.union, b):
        assert (
            _count(node, "SELECT COUNT(*) FROM event_registration WHERE name IS NOT NULL OR phone_cipher IS NOT NULL")
            == 0
        )
        assert _count(node, "SELECT COUNT(*) FROM event_scan WHERE reader_id IS NOT NULL") == 0
    for secret in ("李小龙", "13812345678", card):
        assert not any(secret.encode() in text for text in _texts(network)), secret
    hashes = {name: node.hashes() for name, node in (("union", network.union), ("a", a), ("b", b))}
    for table in TABLES:
        assert hashes["union"][table] == hashes["a"][table] == hashes["b"][table], table
