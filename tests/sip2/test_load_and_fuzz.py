"""Many machines at once, and a fuzzer beside them.

- Load: 20 clients on loopback, each doing checkouts, renewals and checkins of a shared pool
  of copies (so they race for the same copies). No error, no copy lent twice, ``ils check``
  clean. CI runs 20 clients × 30 transactions; ``ILS_SIP2_LOAD=200`` runs the full 20 × 200.
- Fuzzing: 10,000 frames made by hypothesis (noise, and real requests but log-ins, with mangled fields,
  checksums and terminators) on logged-in connections, while a well-behaved machine keeps
  lending and returning; the server stays up and the machine never misses an answer.
"""

from __future__ import annotations

import os
import random
import socket
import threading

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ils.maintenance import check
from ils.sip2.codec import checksum
from tests.sip2.conftest import DATE, Raw, checksummed, login_frame

BLANK = " " * 18
CLIENTS = 20
TRANSACTIONS = int(os.environ.get("ILS_SIP2_LOAD", "30"))
FUZZ_FRAMES = 10_000


def _checkout(card: str, barcode: str, sequence: int) -> bytes:
    return checksummed(f"11NN{DATE}{BLANK}AOZZ24|AA{card}|AB{barcode}|AC|".encode(), sequence)


def _renew(card: str, barcode: str, sequence: int) -> bytes:
    return checksummed(f"29NN{DATE}{BLANK}AOZZ24|AA{card}|AB{barcode}|AC|".encode(), sequence)


def _checkin(barcode: str, sequence: int) -> bytes:
    return checksummed(f"09N{DATE}{DATE}APZZ24|AOZZ24|AB{barcode}|AC|".encode(), sequence)


def _machine(room, card: str, seed: int, errors: list[str], counts: dict[str, int]) -> None:
    rng = random.Random(seed)
    pool = [barcode for barcodes in room.barcodes.values() for barcode in barcodes]
    raw = Raw(room.port, timeout=120)
    try:
        assert raw.ask(login_frame(sequence=0)).startswith(b"941")
        mine: list[str] = []
        for number in range(TRANSACTIONS):
            sequence = (number + 1) % 10
            if mine and rng.random() < 0.45:
                barcode = mine.pop(rng.randrange(len(mine)))
                if rng.random() < 0.3:
                    answer = raw.ask(_renew(card, barcode, sequence))
                    kind = "renew"
                    mine.append(barcode)
                else:
                    answer = raw.ask(_checkin(barcode, sequence))
                    kind = "checkin"
                    if not answer.startswith(b"101"):
                        errors.append(f"checkin of my own {barcode} refused: {answer!r}")
            else:
                barcode = rng.choice(pool)
                answer = raw.ask(_checkout(card, barcode, sequence))
                kind = "checkout"
                if answer.startswith(b"121"):
                    mine.append(barcode)
            if answer.startswith(b"96") or not answer.endswith(b"\r"):
                errors.append(f"{kind}: {answer!r}")
            counts[kind] = counts.get(kind, 0) + 1
    except Exception as error:  # noqa: BLE001  (reported by the test)
        errors.append(f"{card}: {error!r}")
    finally:
        raw.close()


def test_twenty_machines_at_once_lend_each_copy_once(room):
    errors: list[str] = []
    counts: dict[str, int] = {}
    threads = [
        threading.Thread(target=_machine, args=(room, room.cards[f"读者{index:02d}"], index, errors, counts))
        for index in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    assert errors == []
    assert sum(counts.values()) == CLIENTS * TRANSACTIONS
    assert room.sql("SELECT item_id FROM loan WHERE ended_at IS NULL GROUP BY item_id HAVING COUNT(*) > 1") == []
    on_loan = room.sql("SELECT COUNT(*) FROM item WHERE status = 'on_loan'")[0][0]
    assert on_loan == room.sql("SELECT COUNT(*) FROM loan WHERE ended_at IS NULL")[0][0]
    report = room.run(check, room.admin())
    assert report.ok, report.lines()


# --- fuzzing --------------------------------------------------------------------------------------

_COMMANDS = ["23", "11", "09", "01", "99", "97", "63", "35", "37", "17", "19", "25", "15", "29", "65", "00"]
_CODES = ["AO", "AA", "AB", "AC", "AD", "AJ", "AL", "AY", "AZ", "BP", "BQ", "BV", "CN", "CO", "XX", "a|"]


@st.composite
def _frames(draw) -> bytes:
    kind = draw(st.sampled_from(["noise", "request", "request", "request"]))
    if kind == "noise":
        return draw(st.binary(max_size=300)) + draw(st.sampled_from([b"\r", b"\r\n", b"\n", b""]))
    body = draw(st.sampled_from(_COMMANDS)).encode()
    body += draw(st.text(alphabet="YN 0123456789", max_size=40)).encode()
    for _ in range(draw(st.integers(0, 6))):
        code = draw(st.sampled_from(_CODES)).encode()
        value = draw(st.one_of(st.text(max_size=30), st.just("三体"), st.just("S00001"), st.just("1" * 300)))
        body += code + value.encode(draw(st.sampled_from(["utf-8", "gbk"])), errors="replace") + b"|"
    trailer = draw(st.sampled_from(["none", "good", "bad", "short"]))
    if trailer != "none":
        body += b"AY" + str(draw(st.integers(0, 9))).encode() + b"AZ"
        value = checksum(body)
        body += {"good": value, "bad": f"{(int(value, 16) + 1) & 0xFFFF:04X}", "short": value[:2]}[trailer].encode()
    return body + draw(st.sampled_from([b"\r", b"\r\n", b"\n"]))


class _Drain(threading.Thread):
    """Reads and forgets what the server answers a fuzzing connection."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(daemon=True)
        self.sock = sock

    def run(self) -> None:
        try:
            while self.sock.recv(65536):
                pass
        except OSError:
            pass


def test_ten_thousand_fuzzed_frames_leave_the_other_machines_working(room):
    fuzzers: list[socket.socket] = []

    def connect() -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", room.port), timeout=60)
        sock.sendall(login_frame())
        _Drain(sock).start()
        fuzzers.append(sock)
        return sock

    good = Raw(room.port)
    assert good.ask(login_frame()).startswith(b"941")
    card = room.cards["王芳"]
    barcode = room.barcodes["三体"][5]
    state = {"sock": connect(), "sent": 0, "turn": 0}

    @settings(
        max_examples=FUZZ_FRAMES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(_frames())
    def send(frame: bytes) -> None:
        try:
            state["sock"].sendall(frame)
        except OSError:  # the server dropped this one (oversized, half a frame): a new one
            state["sock"] = connect()
        state["sent"] += 1
        if state["sent"] % 500 == 0:  # the good machine lends and returns between the bursts
            state["turn"] += 1
            sequence = state["turn"] % 10
            assert good.ask(_checkout(card, barcode, sequence)).startswith(b"121")
            assert good.ask(_checkin(barcode, (sequence + 5) % 10)).startswith(b"101")

    send()
    assert state["sent"] == FUZZ_FRAMES
    assert good.ask(checksummed(b"9900802.00", 3)).startswith(b"98Y")
    fresh = Raw(room.port)
    assert fresh.ask(login_frame()).startswith(b"941")
    for sock in fuzzers:
        sock.close()
    report = room.run(check, room.admin())
    assert report.ok, report.lines()
