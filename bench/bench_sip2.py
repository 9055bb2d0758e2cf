"""A checkout over SIP2 on loopback against the checkout service alone, in the same run.

The SIP2 server runs in this process as ``ils sip2 serve`` runs it (its event loop in a
thread, its database thread); a client on a plain socket sends a checkout (11) with error
detection and waits for the answer (12). The service alone is ``selfcheck.lend`` timed inside
the server's database thread on the same connection, so the difference is what the protocol
adds: the socket, the frame codec, the event loop, the hop to the database thread and the
screen message. The goal is under 1 ms at the median.

Each run lends a copy to a reader, times it, and takes it back untimed; the two figures
alternate on the same copies and readers. The library needs available books and readers who
may borrow: the demo (``ils demo``) or one made by ``bench/generate.py``. A terminal account
``bench-sip2`` is added at the first service point of the 24-hour room (ZZ24) if missing.

Run: ``.venv/bin/python bench/bench_sip2.py --db /tmp/demo.sqlite [--runs 300]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stats import Figure  # noqa: E402

from db.models import Item, Loan, Reader, ReaderCard, Sip2Terminal  # noqa: E402
from ils.errors import IlsError  # noqa: E402
from ils.sip2 import selfcheck, terminals  # noqa: E402
from ils.sip2.codec import checksum  # noqa: E402
from ils.sip2.server import Sip2Server  # noqa: E402

ACCOUNT, PASSWORD, POINT = "bench-sip2", "bench-sip2-pass", "ZZ24-ZZ"
DATE = "20260302    090000"


def _frame(body: str, sequence: int) -> bytes:
    data = body.encode() + b"AY" + str(sequence % 10).encode() + b"AZ"
    return data + checksum(data).encode() + b"\r"


class Client:
    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sequence = 0

    def ask(self, body: str) -> bytes:
        self.sequence += 1
        self.sock.sendall(_frame(body, self.sequence))
        answer = b""
        while not answer.endswith(b"\r"):
            answer += self.sock.recv(65536)
        return answer


def _prepare(server: Sip2Server) -> None:
    """In the database thread: the bench terminal, added once."""
    library = server.database.library
    if Sip2Terminal.get_or_none(Sip2Terminal.account == ACCOUNT) is None:
        from ils.staff import log_in

        admin = log_in(library, "admin", _admin_password())
        terminals.add_terminal(admin, account=ACCOUNT, password=PASSWORD, service_point=POINT)


def _admin_password() -> str:
    from ils.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _pairs(server: Sip2Server, wanted: int) -> list[tuple[str, str]]:
    """(card, barcode) pairs that lend: readers with nothing out and no block, books on the shelf."""
    library = server.database.library
    session = terminals.terminal_session(library, terminals.terminal_of(library, ACCOUNT))
    cards = [
        c.card_number
        for c in ReaderCard.select(ReaderCard.card_number)
        .join(Reader)
        .where(ReaderCard.state == "active", Reader.cancelled_at.is_null())
        .limit(wanted * 4)
    ]
    open_readers = {r for (r,) in Loan.select(Loan.reader).where(Loan.ended_at.is_null()).tuples()}
    here = terminals.terminal_of(library, ACCOUNT).branch_id  # the room's own books stay here when returned
    books = [
        i.barcode
        for i in Item.select(Item.barcode)
        .where(Item.status == "available", Item.item_type == "book", Item.branch == here)
        .limit(wanted * 4)
    ]
    pairs: list[tuple[str, str]] = []
    for card in cards:
        found = selfcheck.patron(session, card)
        if not found.may_borrow or not books:
            continue
        reader = ReaderCard.get(ReaderCard.card_number == card).reader_id
        if reader in open_readers:
            continue
        while books:
            barcode = books.pop()
            try:
                selfcheck.lend(session, card, barcode, POINT)
            except IlsError:
                continue
            selfcheck.give_back(session, barcode, POINT)
            pairs.append((card, barcode))
            break
        if len(pairs) >= wanted:
            break
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    loop = asyncio.new_event_loop()
    server = Sip2Server(args.db, host="127.0.0.1", port=0)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    threading.Thread(target=serve, daemon=True).start()
    ready.wait()

    def in_db(work, *a):
        return asyncio.run_coroutine_threadsafe(server.database.run(work, *a), loop).result()

    in_db(_prepare, server)
    pairs = in_db(_pairs, server, min(args.runs, 50))
    if not pairs:
        sys.exit("no reader and book that lend: use the demo library or one from bench/generate.py")
    library = in_db(lambda: server.database.library)
    session = in_db(lambda: terminals.terminal_session(library, terminals.terminal_of(library, ACCOUNT)))

    def service_once(card: str, barcode: str) -> float:
        start = time.perf_counter()
        selfcheck.lend(session, card, barcode, POINT)
        elapsed = time.perf_counter() - start
        selfcheck.give_back(session, barcode, POINT)
        return elapsed * 1000

    client = Client(server.port)
    assert client.ask(f"9300CN{ACCOUNT}|CO{PASSWORD}|").startswith(b"941")
    service_ms: list[float] = []
    sip_ms: list[float] = []
    for run in range(args.runs):
        card, barcode = pairs[run % len(pairs)]
        service_ms.append(in_db(service_once, card, barcode))
        start = time.perf_counter()
        answer = client.ask(f"11NN{DATE}{' ' * 18}AOZZ24|AA{card}|AB{barcode}|AC|")
        sip_ms.append((time.perf_counter() - start) * 1000)
        assert answer.startswith(b"121"), answer
        assert client.ask(f"09N{DATE}{DATE}APZZ24|AOZZ24|AB{barcode}|AC|").startswith(b"101")

    asyncio.run_coroutine_threadsafe(server.stop(), loop).result()
    service = Figure.of("checkout: service alone (selfcheck.lend)", service_ms)
    sip = Figure.of("checkout: SIP2 11/12 round trip on loopback", sip_ms)
    if args.json:
        print(json.dumps({"service": service.__dict__, "sip2": sip.__dict__}))
        return
    print(service.line())
    print(sip.line(service))
    print(f"protocol adds: median {sip.median_ms - service.median_ms:.3f} ms, p99 {sip.p99_ms - service.p99_ms:.3f} ms")


if __name__ == "__main__":
    main()
