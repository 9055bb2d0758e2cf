"""The demo's blind reading room: its stock, its readers, and a year of its work.

- 40 listening devices from two batches of the 盲人数字阅读推广工程 (the catalogue's 12 智能听书机
  copies registered as part of the first batch), 200 audio titles (DAISY disc sets and MP3
  cards, five of them read from DAISY books made on the fly by the DAISY importer), 30 braille
  sets of 3 to 17 volumes and 20 large-print books;
- more visually impaired readers, every one checked against a 残疾人证 when registered, most with
  a postal address and a delivery route, a few with proxies, and the 醴陵市盲人协会 as an
  association with its contact person;
- a year of work through the room's services with the clock set back, as the desk would have
  done it: device loans with the accessory checklist (some back without earphones, some broken
  and repaired), requests by phone and WeChat posted or delivered and returned (some a volume
  short), visits tallied every day; today some devices are out long overdue (the call list),
  some are in repair, readers wait for a device, and requests wait in the queue.

Deterministic for a seed. Refusals the rules give (a reader with something overdue, a copy
already out) are skipped, as a desk would turn to the next reader.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from peewee import JOIN

from db.models import BlindDevice, BlindProfile, Item, Loan, Reader, ReaderType
from ils.blind import (
    daisy_import,
    dispatch,
    eligibility,
    inventory,
    lending,
    profiles,
    proxies,
    repairs,
    requests,
    stock,
    visits,
)
from ils.blind.privacy import deidentify_blind
from ils.blind.records import Description, add_description
from ils.blind.settings import change_blind_settings
from ils.catalogue.book_numbers import next_barcodes
from ils.demo import wordlists
from ils.demo.catalogue import person_name
from ils.demo.readers import _at, _born, organisation_code, resident_id
from ils.errors import IlsError
from ils.library import Library
from ils.permissions import Permission
from ils.readers.keys import ensure_keys
from ils.readers.privacy import deidentify_history
from ils.readers.readers import Registration, insert_reader
from ils.session import Session

MODEL = "智能听书机"
BATCHES = (
    ("2017年盲人数字阅读推广工程第一批", dt.date(2017, 12, 20), 24, "ZNTSJ17"),
    ("2020年盲人数字阅读推广工程第二批", dt.date(2020, 11, 10), 16, "ZNTSJ20"),
)
DEVICES = 40  # the programme's two batches, the catalogue's copies among them
AUDIO_TITLES = 200
BRAILLE_SETS = 30
LARGE_PRINT = 20
MORE_READERS = 30
ROUTES = ("城东线", "城西线", "城南线")
VOLUNTEERS = ("志愿者 周建国", "志愿者 刘晓燕", "馆员 谭文")
NARRATORS = ("李野墨", "王明军", "艾宝良", "关山", "张震", "纪涵邦", "徐涛", "姚科")
STREETS = wordlists.sections("places.txt")["streets"]
WORKS = tuple(list(row) for row in wordlists.table("blind_works.txt", 2))
_TRIES = 30

Event = tuple[dt.datetime, int, Callable[..., object]]


class _Year:
    """Things done at moments of the past year, run in time order with the library's clock set to each."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session, self.rng = session, rng
        self.library: Library = session.library
        self.now = session.now()
        self.queue: list[Event] = []
        self.count = itertools.count()

    def at(self, moment: dt.datetime, action: Callable[..., object]) -> None:
        if moment < self.now:
            heapq.heappush(self.queue, (moment, next(self.count), action))

    def day(self, days_ago: float, hour: float = 10.0) -> dt.datetime:
        """Opening hours, ``days_ago`` days before now."""
        base = (self.now - dt.timedelta(days=days_ago)).replace(hour=0, minute=0, second=0, microsecond=0)
        return base + dt.timedelta(hours=hour + self.rng.uniform(0, 2))

    def run(self) -> None:
        while self.queue:
            moment, _n, action = heapq.heappop(self.queue)
            with _at(self.library, moment):
                try:
                    action()
                except IlsError:
                    pass  # the rules said no: the desk turns to the next reader


def _settings(session: Session) -> None:
    change_blind_settings(
        session,
        return_address="湖南省株洲市醴陵市\n阳三石街道瓷城大道88号 醴陵市图书馆",
        return_postcode="412200",
        call_after_days=14,
    )


def _devices(session: Session, year_ago: dt.datetime) -> list[str]:
    """The two batches: new devices registered a year ago (the serials returned, which the year lends),
    then the catalogue's 智能听书机 copies registered today as the rest of the first batch."""
    old = [
        item.barcode
        for item in Item.select()
        .join(BlindDevice, JOIN.LEFT_OUTER, on=(BlindDevice.item == Item.id))
        .where(Item.item_type == "listening_device", BlindDevice.id.is_null())
        .order_by(Item.barcode)
        if item.bib.title == MODEL
    ]
    # The catalogue's copies are the first batch's first devices; the second batch brings the room to DEVICES.
    (first_batch, first_day, first_count, first_prefix), (second_batch, second_day, _count, second_prefix) = BATCHES
    first_count = max(first_count, len(old))
    wanted = [(first_batch, first_day, first_prefix, number) for number in range(len(old) + 1, first_count + 1)]
    wanted += [(second_batch, second_day, second_prefix, number) for number in range(1, DEVICES - first_count + 1)]
    barcodes = iter(next_barcodes(session, len(wanted)))
    serials = []
    with _at(session.library, year_ago):
        for batch, received, prefix, number in wanted:
            serial = f"{prefix}{number:05d}"
            stock.add_device(
                session,
                serial=serial,
                model=MODEL,
                batch=batch,
                received_on=received,
                price="680.00",
                barcode=next(barcodes),
            )
            serials.append(serial)
    for number, barcode in enumerate(old, start=1):
        stock.add_device(
            session,
            serial=f"{first_prefix}{number:05d}",
            model=MODEL,
            batch=first_batch,
            received_on=first_day,
            barcode=barcode,
        )
    return serials


def _ncc(title: str, author: str, narrator: str, identifier: str, hours: int, discs: int) -> bytes:
    """A DAISY 2.02 ncc.html as a 中国盲文出版社 disc carries it, for the importer to read."""
    metas = {
        "dc:title": title,
        "dc:creator": author,
        "dc:identifier": identifier,
        "dc:format": "Daisy 2.02",
        "dc:publisher": "中国盲文出版社",
        "dc:language": "zh-CN",
        "ncc:narrator": narrator,
        "ncc:totalTime": f"{hours:02d}:00:00",
        "ncc:setInfo": f"1 of {discs}",
    }
    head = "".join(f'<meta name="{name}" content="{value}" />' for name, value in metas.items())
    return (
        f'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
        f"<title>{title}</title>{head}</head><body><h1>{title}</h1></body></html>"
    ).encode()


def _stock(session: Session, rng: random.Random) -> tuple[list[str], list[str]]:
    """Audio, braille and large print; returns the barcodes of the sets and of the single copies."""
    sets: list[str] = []
    singles: list[str] = []
    # One barcode sequence for the whole library, as its labels are printed: the room's stock included.
    barcodes = iter(next_barcodes(session, AUDIO_TITLES + BRAILLE_SETS + LARGE_PRINT))
    with tempfile.TemporaryDirectory() as folder:
        for number in range(1, 6):  # five DAISY books read by the importer itself
            title, author = WORKS[number - 1]
            book = Path(folder) / f"book{number}"
            book.mkdir()
            discs = rng.choice((2, 3, 4))
            (book / "ncc.html").write_bytes(
                _ncc(
                    title,
                    author,
                    rng.choice(NARRATORS),
                    f"CBP-DAISY-{2015 + number}-{number:04d}",
                    rng.randint(8, 30),
                    discs,
                )
            )
            barcode = next(barcodes)
            daisy_import.import_daisy(session, book, barcode=barcode)
            sets.append(barcode)
    with session.write() as writer:
        bibs = []
        for number in range(6, AUDIO_TITLES + 1):
            title, author = WORKS[(number - 1) % len(WORKS)]
            daisy_disc = number % 2 == 0
            edition = "DAISY" if daisy_disc else "MP3"
            shown = title if number <= len(WORKS) else f"{title}（{edition}版）"
            description = Description(
                "audiobook",
                shown,
                creator=author,
                narrator=rng.choice(NARRATORS),
                publisher="中国盲文出版社",
                year=str(rng.randint(2012, 2024)),
                extent=f"{rng.randint(2, 6)}张光盘" if daisy_disc else "1张存储卡",
                total_time=f"约{rng.randint(6, 40)}小时",
                format="DAISY 2.02" if daisy_disc else "MP3",
            )
            bibs.append((number, daisy_disc, add_description(writer, session, description, source="demo")))
        braille = [
            add_description(
                writer,
                session,
                Description("braille", WORKS[n][0], creator=WORKS[n][1], publisher="中国盲文出版社"),
                source="demo",
            )
            for n in range(BRAILLE_SETS)
        ]
        large = [
            add_description(
                writer,
                session,
                Description("large_print", WORKS[-1 - n][0], creator=WORKS[-1 - n][1], publisher="中国盲文出版社"),
                source="demo",
            )
            for n in range(LARGE_PRINT)
        ]
    for _number, daisy_disc, bib in bibs:
        barcode = next(barcodes)
        if daisy_disc:
            stock.add_set(session, bib, barcode=barcode, volumes=rng.randint(2, 4), item_type="audiobook")
            sets.append(barcode)
        else:
            stock.add_copy(session, bib, barcode=barcode, item_type="audiobook")
            singles.append(barcode)
    for bib in braille:
        barcode = next(barcodes)
        stock.add_set(session, bib, barcode=barcode, volumes=rng.randint(3, 17))
        sets.append(barcode)
    for bib in large:
        barcode = next(barcodes)
        stock.add_copy(session, bib, barcode=barcode, item_type="large_print")
        singles.append(barcode)
    return sets, singles


def _more_readers(session: Session, rng: random.Random) -> None:
    """More visually impaired readers, registered over the past two years with the disability consent."""
    library = session.library
    now = session.now()
    with session.write() as writer:
        keys = ensure_keys(writer, library)
        for _n in range(MORE_READERS):
            moment = now - dt.timedelta(days=rng.uniform(380, 730))
            born = _born(rng, moment.date(), 30, 85)
            phone = (
                rng.choice(("139", "138", "187", "158")) + f"{rng.randrange(10**8):08d}" if rng.random() < 0.9 else None
            )
            form = Registration(
                name=person_name(rng),
                id_type="resident",
                id_number=resident_id(rng, born),
                reader_type="blind",
                branch="ZG",
                phone=phone,
                consents=frozenset({"disability", *({"union_sharing"} if rng.random() < 0.6 else ())}),
            )
            with _at(library, moment):
                try:
                    insert_reader(writer, session, keys, form, rng=rng)
                except IlsError:
                    continue  # the same synthetic person drawn twice


def _blind_readers() -> list[Reader]:
    blind = ReaderType.select(ReaderType.code).where(ReaderType.blind_service == True)  # noqa: E712
    return list(
        Reader.select().where(Reader.reader_type.in_(blind), Reader.cancelled_at.is_null()).order_by(Reader.created_at)
    )


def _profiles(session: Session, rng: random.Random) -> list[str]:
    """Every blind reader checked when registered; addresses, routes and proxies; the association. One write."""
    with session.write():
        return _check_and_address(session, rng)


def _check_and_address(session: Session, rng: random.Random) -> list[str]:
    library = session.library
    cards = []
    for reader in _blind_readers():
        with _at(library, dt.datetime.fromisoformat(reader.created_at) + dt.timedelta(minutes=5)):
            eligibility.verify(
                session, reader.card_number, document="disability_certificate" if rng.random() < 0.9 else "other"
            )
            if rng.random() < 0.8:
                street = rng.choice(STREETS)
                profiles.set_profile(
                    session,
                    reader.card_number,
                    address=f"湖南省株洲市醴陵市{street}{rng.randint(1, 300)}号",
                    postcode="412200",
                    delivery=rng.choice(("post", "post", "delivery", "pickup")),
                    route=rng.choice(ROUTES),
                )
            if rng.random() < 0.12:
                proxies.add_proxy(
                    session,
                    reader.card_number,
                    name=person_name(rng),
                    relation=rng.choice(("女儿", "儿子", "配偶", "护工")),
                )
        cards.append(reader.card_number)
    association = Reader.get_or_none(Reader.name == "醴陵市盲人协会", Reader.cancelled_at.is_null())
    if association is None:
        with session.write() as writer:
            association = insert_reader(
                writer,
                session,
                ensure_keys(writer, library),
                Registration(
                    name="醴陵市盲人协会",
                    id_type="organisation",
                    id_number=organisation_code(rng),
                    reader_type="group",
                    branch="ZG",
                ),
                rng=rng,
            )
    profiles.set_profile(
        session,
        association.card_number,
        association=True,
        contact_name=person_name(rng),
        contact_phone="13907331234",
        address="湖南省株洲市醴陵市残疾人联合会三楼",
        postcode="412200",
        delivery="delivery",
        route=ROUTES[0],
    )
    return cards


def _device_year(year: _Year, serials: list[str], readers: dict[str, float]) -> None:
    """Devices lent through the year; most come back in about three months, some late, a few short
    of a part or broken and repaired; the last months' loans still out, some long overdue.

    ``readers``: card number -> how many days ago the reader registered.
    """
    rng, session = year.rng, year.session
    device_free = {serial: 365.0 for serial in serials}  # days ago from which each device is on the shelf
    reader_free = dict(readers)  # days ago from which each reader has no device
    while True:
        serial = max(device_free, key=lambda s: (device_free[s], s))
        start = device_free[serial] - rng.uniform(1, 12)
        ready = [card for card, free in reader_free.items() if free > start + 1]
        if start < 3 or not ready:
            return
        card = rng.choice(ready)
        keep = rng.uniform(45, 120) if rng.random() < 0.85 else rng.uniform(125, 170)
        year.at(year.day(start), lambda card=card, serial=serial: lending.lend(session, card, serial))
        if rng.random() < 0.25 and start > 80:
            year.at(year.day(start - 80), lambda serial=serial: lending.renew(session, serial))
        back = start - keep
        roll = rng.random()
        if roll < 0.08:
            year.at(
                year.day(back),
                lambda serial=serial: lending.give_back(
                    session, serial, accessories=["charger", "cable", "manual", "bag"], note="耳机丢失"
                ),
            )
        elif roll < 0.13:
            year.at(
                year.day(back),
                lambda serial=serial: lending.give_back(session, serial, condition="damaged", note="无法开机"),
            )
            year.at(
                year.day(back - 1),
                lambda serial=serial: repairs.send_to_repair(
                    session, serial, repairer="中国盲文出版社售后服务中心", fault="无法开机"
                ),
            )
            year.at(
                year.day(back - rng.uniform(18, 40)),
                lambda serial=serial: repairs.back_from_repair(session, serial, note="更换电池"),
            )
            back -= 45
        else:
            year.at(year.day(back), lambda serial=serial: lending.give_back(session, serial))
        device_free[serial] = back
        reader_free[card] = back - rng.uniform(5, 60)


def _post_year(year: _Year, readers: dict[str, float], sets: list[str], singles: list[str]) -> None:
    """Requests by phone and WeChat about twice a week, posted or delivered, and their parcels back."""
    rng, session = year.rng, year.session
    addressed = {
        card: since
        for card, since in readers.items()
        if (profile := BlindProfile.get_or_none(BlindProfile.reader == Reader.get(Reader.card_number == card).id))
        and profile.address_cipher is not None
    }
    if not addressed:
        return
    pool = sets + singles
    for week in range(52, 0, -1):
        for _n in range(rng.choice((1, 2, 2, 3))):
            asked = week * 7 - rng.uniform(0, 6)
            known = [card for card, since in addressed.items() if since > asked + 1]
            if not known:
                continue
            card, how = rng.choice(known), rng.choice(("post", "post", "post", "delivery"))
            titles = rng.sample(pool, rng.choice((1, 1, 2, 3)))
            year.at(
                year.day(asked, 9),
                lambda card=card, how=how, titles=titles, asked=asked: _ask_and_send(year, card, how, titles, asked),
            )
    for _n in range(4):  # this week's requests, still in the queue
        card = rng.choice(list(addressed))
        year.at(
            year.day(rng.uniform(0.2, 4), 9),
            lambda card=card: requests.take_request(
                session, card, channel=rng.choice(("phone", "wechat")), wanted=rng.choice(WORKS)[0], how="post"
            ),
        )


def _ask_and_send(year: _Year, card: str, how: str, titles: list[str], asked: float) -> None:
    """A request taken, then posted or delivered a day or two later, and back three to seven weeks on:
    now and then a set comes back a volume short, the volume a week or two after."""
    rng, session = year.rng, year.session
    made = requests.take_request(
        session,
        card,
        channel=rng.choice(("phone", "phone", "wechat", "letter")),
        how=how,
        wanted="、".join(Item.get(Item.barcode == t).bib.title for t in titles),
    )
    sent_day = asked - rng.uniform(0.5, 2)
    registered = f"XA{rng.randrange(10**9):09d}CN" if how == "post" and rng.random() < 0.2 else None

    def send() -> None:
        free = [t for t in titles if Item.get(Item.barcode == t).status == "available"]
        if not free:
            requests.cancel_request(session, made.id)
            return
        try:
            parcel = dispatch.dispatch(
                session, request_id=made.id, barcodes=free, registered_number=registered, route=rng.choice(ROUTES)
            )
        except IlsError:  # the reader may not borrow now (something overdue): the room rings back
            requests.cancel_request(session, made.id)
            return
        if parcel.method == "delivery":
            year.at(
                year.day(sent_day - 0.1, 15),
                lambda: dispatch.mark_delivered(session, parcel.id, delivered_by=rng.choice(VOLUNTEERS)),
            )
        back = sent_day - rng.uniform(18, 50)
        everything = {i.barcode: None for i in parcel.items}
        short = [b for b in everything if stock.set_of(Item.get(Item.barcode == b)) is not None]
        if short and rng.random() < 0.15:
            volumes = [v.number for v in stock.get_set(session, short[0]).volumes if v.state == "present"]
            first = {**everything, short[0]: volumes[:-1]}
            year.at(year.day(back, 11), lambda: dispatch.receive_parcel(session, parcel.id, first))
            year.at(
                year.day(back - rng.uniform(5, 14), 11),
                lambda: dispatch.receive_parcel(session, parcel.id, {short[0]: volumes[-1:]}),
            )
        else:
            year.at(year.day(back, 11), lambda: dispatch.receive_parcel(session, parcel.id, everything))

    year.at(year.day(sent_day, 14), send)


def _visits(session: Session, rng: random.Random) -> None:
    """The daily tally of visits, every day the room was open (it closes on Mondays), in one write."""
    now = session.now()
    with session.write():
        for days_ago in range(365, 0, -1):
            moment = (now - dt.timedelta(days=days_ago)).replace(hour=17, minute=30, second=0, microsecond=0)
            if moment.weekday() != 0:
                with _at(session.library, moment):
                    visits.record_visits(session, rng.randint(3, 12))


def _today(session: Session, rng: random.Random, readers: list[str]) -> None:
    """The last days: the devices on the shelf lent to readers who had none, three sent to the
    repairer, three readers still waiting, and this morning two devices back, kept on the hold
    shelf for the first two of them (the 循环出借 the programme asks for)."""
    library = session.library

    def without_device() -> list[str]:
        holding = {
            loan.reader_id
            for loan in Loan.select(Loan.reader).where(Loan.ended_at.is_null(), Loan.item_type == "listening_device")
        }
        return [card for card in readers if Reader.get(Reader.card_number == card).id not in holding]

    shelf = [
        d.serial
        for d in BlindDevice.select(BlindDevice.serial)
        .join(Item, on=(BlindDevice.item == Item.id))
        .where(Item.status == "available")
        .order_by(BlindDevice.serial)
    ]
    rng.shuffle(shelf)
    for serial in shelf[3:]:
        for card in rng.sample(without_device(), min(5, len(without_device()))):
            with _at(library, session.now() - dt.timedelta(days=rng.uniform(0.5, 3))):
                try:
                    lending.lend(session, card, serial)
                    break
                except IlsError:
                    continue
    for serial in shelf[:3]:
        with _at(library, session.now() - dt.timedelta(days=rng.uniform(3, 20))):
            repairs.send_to_repair(
                session,
                serial,
                repairer="中国盲文出版社售后服务中心",
                fault=rng.choice(("无法充电", "按键失灵", "无法联网")),
            )
    for card in rng.sample(without_device(), min(3, len(without_device()))):
        try:
            inventory.wait_for_device(session, card)
        except IlsError:
            continue
    longest = inventory.rotation(session, limit=2).out_longest
    with _at(library, session.now() - dt.timedelta(hours=1)):
        for device in longest:
            lending.give_back(session, device.serial)


def add_blind_room(session: Session, rng: random.Random) -> None:
    """The ``ils demo`` step for the blind reading room."""
    session.require(Permission.BLIND_SERVICE)
    year_ago = session.now() - dt.timedelta(days=400)
    with _at(session.library, year_ago), session.write():
        _settings(session)
        sets, singles = _stock(session, rng)
    with session.write():
        serials = _devices(session, year_ago)
    _more_readers(session, rng)
    cards = _profiles(session, rng)
    now = session.now()
    readers: dict[str, float] = {
        card: (now - dt.datetime.fromisoformat(Reader.get(Reader.card_number == card).created_at)).days
        for card in cards
    }
    year = _Year(session, rng)
    _device_year(year, serials, readers)
    _post_year(year, readers, sets, singles)
    year.run()
    _visits(session, rng)
    _today(session, rng, cards)
    # The nightly privacy jobs have run all year: the room's history older than the period is cut.
    deidentify_history(session)
    deidentify_blind(session)
