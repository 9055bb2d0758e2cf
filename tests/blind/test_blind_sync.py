"""The blind room's rows replicate like every fact and record: devices, loans with their
accessories, volumes back, parcels; a reader's eligibility only for a reader who shares, a
request's and a parcel's link to the reader likewise; addresses, proxies and calls never."""

from __future__ import annotations

from ils.blind import dispatch, eligibility, lending, profiles, proxies, requests, stock
from ils.blind.records import Description, add_description
from ils.readers.readers import Registration, register_reader
from ils.sync import archive
from tests.services.reader_samples import citizen
from tests.sync.conftest import network, templates, union_backend  # noqa: F401  (shared fixtures)
from tests.sync.network import Network

ADDRESS = "湖南省株洲市醴陵市瓷城大道128号"
TABLES = (
    "blind_verification",
    "blind_device",
    "blind_repair",
    "blind_volume",
    "blind_loan",
    "blind_request",
    "blind_dispatch",
    "blind_dispatch_item",
    "blind_volume_return",
    "blind_visit",
)


def _texts(network: Network) -> list[bytes]:
    texts = []
    for path in network.folder.rglob("*.ilsync"):
        contents = archive.read_members(archive.open_envelope(path.read_bytes()))
        texts += [*contents.members.values(), str(contents.manifest).encode()]
    return texts


def _blind(node, name: str, number: str, *, share: bool) -> str:
    form = Registration(
        name=name,
        id_type="resident",
        id_number=number,
        reader_type="blind",
        consents=frozenset({"disability", *({"union_sharing"} if share else ())}),
    )
    return register_reader(node.session(), form).summary.card_number


def test_the_room_replicates_and_who_is_visually_impaired_leaves_only_with_the_consent(network: Network):
    a = network.desks["a"]
    session = a.session()
    sharing = _blind(a, "陈静", citizen("19650505", order="444"), share=True)
    private = _blind(a, "刘明", citizen("19700101", order="333"), share=False)
    for card in (sharing, private):
        eligibility.verify(session, card)
        profiles.set_profile(session, card, address=ADDRESS, postcode="412200")
    helper = proxies.add_proxy(session, private, name="刘小红", relation="女儿", phone="13700001111")
    device = stock.add_device(session, serial="ZNTSJ1700001", model="智能听书机", batch="2017年第一批")
    with session.write() as writer:
        bib = add_description(writer, session, Description("braille", "平凡的世界", creator="路遥"))
    stock.add_set(session, bib, barcode="BR0001", volumes=3)
    lending.lend(session, private, device.serial, proxy_id=helper.id)
    for card, barcode in ((private, "BR0001"),):
        asked = requests.take_request(session, card, channel="phone", wanted="平凡的世界")
        parcel = dispatch.dispatch(session, request_id=asked.id, barcodes=[barcode])
        dispatch.receive_parcel(session, parcel.id, {barcode: [1, 2]})
    requests.take_request(session, sharing, channel="wechat", wanted="活着")
    network.round()
    network.round()
    union, b = network.union, network.desks["b"]
    for node in (union, b):
        node.bind()
        rows = {t: node.database.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES}
        assert rows["blind_device"] == 1 and rows["blind_loan"] == 2 and rows["blind_volume"] == 3
        assert rows["blind_volume_return"] == 2 and rows["blind_dispatch"] == 1 and rows["blind_request"] == 2
        assert rows["blind_verification"] == 1  # the sharing reader's only
        linked = node.database.execute_sql("SELECT COUNT(*) FROM blind_request WHERE reader_id IS NOT NULL").fetchone()
        assert linked[0] == 1
        assert node.database.execute_sql("SELECT reader_id FROM blind_dispatch").fetchone()[0] is None
        assert node.database.execute_sql("SELECT COUNT(*) FROM blind_profile").fetchone()[0] == 0
        assert node.database.execute_sql("SELECT COUNT(*) FROM blind_proxy").fetchone()[0] == 0
        assert node.database.execute_sql(
            "SELECT proxy_id FROM blind_loan WHERE accessories_out != '[]'"
        ).fetchone() == (None,)
    a.bind()
    private_id = a.database.execute_sql("SELECT id FROM reader WHERE card_number = ?", (private,)).fetchone()[0]
    for secret in (ADDRESS, "412200", "刘小红", "13700001111", private, private_id, "刘明"):
        assert not any(secret.encode() in text for text in _texts(network)), secret
    hashes = {name: node.hashes() for name, node in (("union", union), ("a", a), ("b", b))}
    for table in TABLES:
        assert hashes["union"][table] == hashes["a"][table] == hashes["b"][table], table
