"""Demo readers: a few hundred synthetic card holders of every type, registered over three years.

Never real people: names come from the census-weighted generator, ID numbers are drawn at
random with a valid GB 11643 check digit and Zhuzhou region codes (mostly 430281, Liling),
so they pass the desk's checks without belonging to anyone known. Children register with
a guardian drawn from the adults, 视障 readers with the disability consent, groups with a
unified social credit code. A few cards are then lost, replaced, suspended, returned, or
(temporary cards) left to expire, so every state shows at the reader desk.

Registrations are spread over the past three years by setting the library's clock back
for each, as if the desk had been working all along; every step goes through the reader
services and is journaled. Deterministic for a seed, and fast: one write for all readers.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from stdnum.cn import ric, uscc

from db.models import Reader
from ils.clock import FixedClock
from ils.demo import wordlists
from ils.demo.catalogue import person_name
from ils.library import Library
from ils.permissions import Permission
from ils.readers import lifecycle
from ils.readers.ages import CHILD_AGE
from ils.readers.keys import ensure_keys, load_keys
from ils.readers.readers import ID_FIELD, Registration, insert_reader, unused_card_number
from ils.readers.settings import reader_settings
from ils.session import Session

DEMO_READERS = 300
# Zhuzhou's districts and counties; Liling (430281) holds most of the library's readers.
REGIONS = (
    ("430281", 70),
    ("430202", 4),
    ("430203", 4),
    ("430204", 3),
    ("430211", 5),
    ("430212", 3),
    ("430223", 4),
    ("430224", 3),
    ("430225", 2),
    ("430922", 2),
)
TYPES = (("adult", 58), ("child", 20), ("blind", 6), ("group", 4), ("temporary", 12))
BRANCH_WEIGHTS = (("ZG", 60), ("XHMZ", 8), ("YS", 8), ("ZQ", 6), ("BTTCX", 6), ("PKHHL", 6), ("LDQC", 6))
GROUPS = wordlists.sections("places.txt")["groups"]
SUSPENSION_REASONS = ("损坏图书未赔偿", "多次逾期未还", "借阅证借给他人使用", "馆内违规")
_MOBILE_PREFIXES = (
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "158",
    "159",
    "182",
    "187",
    "188",
    "176",
    "199",
)
_YEARS = 3


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def resident_id(rng: random.Random, born: dt.date) -> str:
    """A synthetic 18-character number: region, birth date, order code, GB 11643 check digit."""
    body = _pick(rng, REGIONS) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def organisation_code(rng: random.Random) -> str:
    """A synthetic unified social credit code of a public institution (12...) in Liling."""
    body = "12430281" + "".join(rng.choice("0123456789") for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _phone(rng: random.Random) -> str | None:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}" if rng.random() < 0.6 else None


def _born(rng: random.Random, on: dt.date, youngest: int, oldest: int) -> dt.date:
    return on - dt.timedelta(days=rng.randint(youngest * 365 + 5, oldest * 365 + 360))


@contextmanager
def _at(library: Library, moment: dt.datetime) -> Iterator[None]:
    """Work as if it were ``moment``: the desk's past, recorded as it would have been."""
    clock = library.clock
    library.clock = FixedClock(moment)
    try:
        yield
    finally:
        library.clock = clock


def _form(rng: random.Random, kind: str, on: dt.date, guardian_card: str | None = None) -> Registration:
    branch = _pick(rng, BRANCH_WEIGHTS)
    sharing = {"union_sharing"} if rng.random() < 0.7 else set()
    if kind == "group":
        return Registration(
            name=rng.choice(GROUPS),
            id_type="organisation",
            id_number=organisation_code(rng),
            reader_type="group",
            branch=branch,
            consents=frozenset(sharing),
        )
    if kind == "child":
        born = _born(rng, on, 3, CHILD_AGE - 1)
        return Registration(
            name=person_name(rng),
            id_type=rng.choice(("resident", "household")),
            id_number=resident_id(rng, born),
            reader_type="child",
            branch=branch,
            guardian_card=guardian_card,
            consents=frozenset({"guardian", *sharing}),
        )
    phone = _phone(rng)
    consents = sharing | ({"sms"} if phone and rng.random() < 0.8 else set())
    if kind == "blind":
        born = _born(rng, on, 25, 85)
        return Registration(
            name=person_name(rng),
            id_type="resident",
            id_number=resident_id(rng, born),
            reader_type="blind",
            branch="ZG",
            phone=phone,
            consents=frozenset({"disability", *consents}),
        )
    born = _born(rng, on, 18, 80)
    if kind == "temporary" and rng.random() < 0.3:
        id_type, number = rng.choice(
            (
                ("passport", f"E{rng.randrange(10**8):08d}"),
                ("hk_macao", f"H{rng.randrange(10**8):08d}"),
                ("taiwan", f"{rng.randrange(10**8):08d}"),
            )
        )
        return Registration(
            name=person_name(rng),
            id_type=id_type,
            id_number=number,
            reader_type=kind,
            birth_date=born,
            branch=branch,
            phone=phone,
            consents=frozenset(consents),
        )
    return Registration(
        name=person_name(rng),
        id_type="resident",
        id_number=resident_id(rng, born),
        reader_type=kind,
        branch=branch,
        phone=phone,
        consents=frozenset(consents),
    )


def add_readers(
    session: Session,
    rng: random.Random,
    *,
    count: int = DEMO_READERS,
    years: float = _YEARS,
    open_on: Callable[[dt.date], bool] = lambda _day: True,
) -> None:
    """The ``ils demo`` step: ``count`` readers registered over the past ``years`` on days the
    desks were open (``open_on``), then the lost, replaced, suspended and returned cards."""
    session.require(Permission.REGISTER_READERS)
    library = session.library
    now = session.now()
    moments: list[dt.datetime] = []
    while len(moments) < count:
        moment = now - dt.timedelta(days=rng.uniform(0, 365 * years))
        if open_on(moment.date()):
            moments.append(moment)
    moments.sort()
    kinds = [_pick(rng, TYPES) for _ in moments]
    adults: list[str] = []  # card numbers of possible guardians, registered before the child
    cards: dict[str, list[str]] = {kind: [] for kind, _ in TYPES}
    used: set[str] = set()  # synthetic ID numbers drawn so far: among 100,000 some come up twice
    with session.write() as writer:
        keys = ensure_keys(writer, library)
        for moment, kind in zip(moments, kinds, strict=True):
            if kind == "child" and not adults:
                kind = "adult"
            guardian = rng.choice(adults) if kind == "child" else None
            form = _form(rng, kind, moment.date(), guardian)
            while form.id_number in used:
                form = _form(rng, kind, moment.date(), guardian)
            used.add(form.id_number)
            with _at(library, moment):
                reader = insert_reader(writer, session, keys, form, rng=rng)
            cards[kind].append(reader.card_number)
            if kind == "adult":
                adults.append(reader.card_number)
    _lifecycle(session, rng, cards)


def _lifecycle(session: Session, rng: random.Random, cards: dict[str, list[str]]) -> None:
    """Some cards lost (a few replaced since), some readers suspended, some cards returned
    (two long enough ago to be anonymised), and the group cards renewed for this year."""
    guardians = {r.guardian.card_number for r in Reader.select().where(Reader.guardian.is_null(False))}
    pool = [card for card in cards["adult"] if card not in guardians]
    rng.shuffle(pool)
    lost, suspended, rest = pool[:8], pool[8:13], pool[13:]
    keys = load_keys(session.library)
    prefix = reader_settings(session.library).card_prefix
    for card in lost:
        lifecycle.report_lost(session, card)
    for card in lost[:3]:
        reader = Reader.get(Reader.card_number == card)
        # The new number from the old one, so it comes out the same every build without
        # drawing on ``rng``, whose sequence the rest of the demo follows.
        lifecycle.replace_card(
            session,
            card,
            keys.open(reader.id, ID_FIELD, bytes(reader.id_cipher)),
            new_card_number=unused_card_number(prefix, random.Random(card)),
        )
    for card in suspended:
        lifecycle.suspend(session, card, rng.choice(SUSPENSION_REASONS))
    library = session.library
    for days_ago in (500, 420, 30, 12, 5, 1):
        moment = session.now() - dt.timedelta(days=days_ago)
        leaving = next((c for c in rest if Reader.get(Reader.card_number == c).created_at < moment.isoformat()), None)
        if leaving is not None:
            rest.remove(leaving)
            with _at(library, moment):
                lifecycle.cancel_card(session, leaving)
    today = session.now().date().isoformat()
    for card in cards["group"]:
        if Reader.get(Reader.card_number == card).expires_on < today:
            lifecycle.renew(session, card)
