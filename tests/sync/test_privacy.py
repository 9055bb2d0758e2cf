"""Personal data in bundles: only readers who share, only what borrow-anywhere needs, links cut everywhere."""

from __future__ import annotations

from ils import identity
from ils.circulation.loans import checkout, return_item
from ils.readers.consents import withdraw_consent
from ils.readers.privacy import run_retention_jobs
from ils.sync import archive, privacy
from tests.services.reader_samples import citizen
from tests.sync.network import Network, catalogue, reader

SHARING_ID = citizen("19850312")
PRIVATE_ID = citizen("19900101", order="222")
SHARING_PHONE = "13800138000"
PRIVATE_PHONE = "13900139000"


def _bundle_texts(network: Network) -> list[bytes]:
    """Every member of every bundle written or kept anywhere in the network, inflated."""
    texts = []
    for path in network.folder.rglob("*.ilsync"):
        contents = archive.read_members(archive.open_envelope(path.read_bytes()))
        texts += [*contents.members.values(), str(contents.manifest).encode()]
    return texts


def _setup(network: Network) -> tuple[str, str]:
    a = network.desks["a"]
    catalogue(network.union, "三体", ("T0001", "ZG"), ("T0002", "ZG"))
    network.round()
    sharing = reader(a, "王芳", SHARING_ID, phone=SHARING_PHONE)
    private = reader(a, "张伟", PRIVATE_ID, share=False, phone=PRIVATE_PHONE)
    checkout(a.session(), sharing, "T0001")
    checkout(a.session(), private, "T0002")
    network.round()
    network.round()
    return sharing, private


def test_no_id_number_no_phone_and_no_reader_without_the_consent_leaves_a_desk(network: Network):
    sharing, private = _setup(network)
    texts = _bundle_texts(network)
    assert texts
    for secret in (SHARING_ID, PRIVATE_ID, SHARING_PHONE, PRIVATE_PHONE, private):
        assert not any(secret.encode() in text for text in texts), secret
    assert any(sharing.encode() in text for text in texts)  # the sharing reader's card does travel
    for node in (network.union, network.desks["b"]):
        node.bind()
        database = node.database
        assert database.execute_sql("SELECT COUNT(*) FROM reader").fetchone()[0] == 1
        assert database.execute_sql(
            "SELECT card_number, id_cipher, phone_cipher, birth_date FROM reader"
        ).fetchone() == (sharing, None, None, None)
        linked = dict(
            database.execute_sql(
                "SELECT i.barcode, l.reader_id IS NOT NULL FROM loan l JOIN item i ON i.id = l.item_id"
            ).fetchall()
        )
        assert linked == {"T0001": 1, "T0002": 0}  # both loans travel, only one with its reader


def test_de_identification_at_a_desk_cuts_the_link_everywhere(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    sharing, _private = _setup(network)
    for barcode in ("T0001", "T0002"):
        return_item(a.session(), barcode)
    network.round()
    kept_before = {
        p for node in (network.union, a, b) for p in identity.sync_folder(node.library.path).rglob("*.ilsync")
    }
    assert kept_before
    network.advance(days=100)
    run_retention_jobs(a.session())
    network.round()
    network.round()
    for node in (network.union, b, a):
        node.bind()
        database = node.database
        assert database.execute_sql("SELECT COUNT(*) FROM loan WHERE reader_id IS NOT NULL").fetchone()[0] == 0
        reader_id = database.execute_sql("SELECT id FROM reader WHERE card_number = ?", (sharing,)).fetchone()
        if reader_id:
            assert (
                database.execute_sql(
                    "SELECT COUNT(*) FROM journal WHERE data LIKE ?", (f"%{reader_id[0]}%",)
                ).fetchone()[0]
                == 0
                or node is a
            )
    for node in (network.union, b):
        run_retention_jobs(node.session())
    run_retention_jobs(a.session())
    kept_after = {
        p for node in (network.union, a, b) for p in identity.sync_folder(node.library.path).rglob("*.ilsync")
    }
    assert not kept_before & kept_after  # bundles kept after use expire with the loan history
    reader_ids = {r for node in (network.union, a, b) for (r,) in node.database.execute_sql("SELECT id FROM reader")}
    for path in kept_after:  # and none of those written since links a returned loan to its reader
        members = archive.read_members(archive.open_envelope(path.read_bytes())).members
        assert not any(r.encode() in members.get("rows/loan.json", b"") for r in reader_ids)


def test_a_reader_who_withdraws_the_consent_is_forgotten_by_the_union_and_other_desks(network: Network):
    a, b = network.desks["a"], network.desks["b"]
    sharing, _private = _setup(network)
    withdraw_consent(a.session(), sharing, privacy.UNION_SHARING)
    network.round()
    network.round()
    for node in (network.union, b):
        node.bind()
        assert (
            node.database.execute_sql("SELECT COUNT(*) FROM reader_card WHERE card_number = ?", (sharing,)).fetchone()[
                0
            ]
            == 0
        )
        assert node.database.execute_sql("SELECT COUNT(*) FROM loan WHERE reader_id IS NOT NULL").fetchone()[0] == 0
    a.bind()
    assert a.database.execute_sql("SELECT COUNT(*) FROM reader").fetchone()[0] == 2  # the desk keeps its readers
    assert network.union.hashes() == a.hashes() == b.hashes()
