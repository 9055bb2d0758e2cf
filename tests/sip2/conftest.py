"""A 24-hour room on a temporary library, its SIP2 server on a loopback port, and the clients
that talk to it: raw byte frames, the ``pysip2`` codec (strict), the ``sip2`` client (sloppy).

The server runs on its own event loop in a thread, as ``ils sip2 serve`` runs it; tests talk
to it over real sockets and check what it did on the database through a library of their own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pysip2
import pytest

from ils.catalogue.items import add_item
from ils.clock import FixedClock
from ils.i18n import set_language
from ils.initialise import initialise
from ils.library import Library
from ils.readers.keys import key_path
from ils.session import Session
from ils.sip2.server import Sip2Server
from ils.sip2.terminals import add_terminal
from ils.staff import log_in
from tests.services.reader_samples import citizen, register
from tests.services.test_book_numbers import new_record

TZ = dt.timezone(dt.timedelta(hours=8))
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
ADMIN_PASSWORD = "admin-pass-1"
TERMINAL_PASSWORD = "zizhu-pass-1"
T = TypeVar("T")
TITLES = {"三体": "I247.5", "红楼梦": "I242.4", "平凡的世界": "I247.5", "活着": "I247.57", "围城": "I246.5"}


@dataclass
class Room:
    path: Path
    port: int
    server: Sip2Server
    loop: asyncio.AbstractEventLoop
    cards: dict[str, str]
    barcodes: dict[str, list[str]]
    _admin: Session | None = None

    def run(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in the server's database thread: peewee's models speak to one library
        per process, so the tests look at the database through the server's own."""
        return asyncio.run_coroutine_threadsafe(self.server.database.run(work, *args), self.loop).result(120)

    @property
    def library(self) -> Library:
        return self.run(lambda: self.server.database.library)

    def admin(self) -> Session:
        if self._admin is None:
            self._admin = self.run(log_in, self.library, "admin", ADMIN_PASSWORD)
        return self._admin

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.run(lambda: self.server.database.library.database.execute_sql(query, params).fetchall())


def _build(path: Path, clock: FixedClock) -> tuple[dict[str, str], dict[str, list[str]]]:
    library = initialise(path, admin_username="admin", admin_password=ADMIN_PASSWORD, clock=clock)
    admin = log_in(library, "admin", ADMIN_PASSWORD)
    barcodes: dict[str, list[str]] = {}
    number = 1
    for title, clc in TITLES.items():
        bib = new_record(admin, title, clc=clc)
        for _copy in range(6):
            barcode = f"S{number:05d}"
            add_item(admin, bib, barcode, branch="ZZ24", location="ZZ24", price="CNY30.00")
            barcodes.setdefault(title, []).append(barcode)
            number += 1
    cards = {
        "王芳": register(admin, "王芳", citizen("19850312")).summary.card_number,
        "欧阳明月": register(admin, "欧阳明月", citizen("19900101", order="222")).summary.card_number,
        "张伟": register(admin, "张伟", citizen("19700101", order="333")).summary.card_number,
        "李娜": register(admin, "李娜", citizen("19750101", order="444")).summary.card_number,
    }
    cards["外馆读者"] = register(admin, "赵外馆", citizen("19820101", order="666"), branch="XHMZ").summary.card_number
    for index in range(20):
        cards[f"读者{index:02d}"] = register(
            admin, f"读者{index:02d}", citizen("19800101", order=f"{500 + index:03d}")
        ).summary.card_number
    add_terminal(admin, account="zzj1", password=TERMINAL_PASSWORD, service_point="ZZ24-ZZ", name="自助借还机1")
    add_terminal(
        admin, account="zzj2", password=TERMINAL_PASSWORD, service_point="ZZ24-ZZ", encoding="gbk", terminator="crlf"
    )
    add_terminal(admin, account="sloppy", password=TERMINAL_PASSWORD, service_point="ZZ24-ZZ", error_detection=False)
    add_terminal(admin, account="english", password=TERMINAL_PASSWORD, service_point="ZZ24-ZZ", language="en")
    library.close()
    return cards, barcodes


@pytest.fixture(scope="module")
def room_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict[str, list[str]]]:
    path = tmp_path_factory.mktemp("room") / "template.sqlite"
    cards, barcodes = _build(path, FixedClock(NOW))
    return path, cards, barcodes


def _serve(
    path: Path, clock: FixedClock, tls: ssl.SSLContext | None = None
) -> tuple[Sip2Server, asyncio.AbstractEventLoop, threading.Thread]:
    loop = asyncio.new_event_loop()
    server = Sip2Server(path, host="127.0.0.1", port=0, clock=clock, tls=tls)
    server.wrong_password_delay = 0.01
    ready = threading.Event()
    failed: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(server.start())
        except BaseException as error:  # noqa: BLE001  (reported to the test below)
            failed.append(error)
            ready.set()
            return
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="sip2-test-server", daemon=True)
    thread.start()
    ready.wait(60)
    if failed:
        raise failed[0]
    return server, loop, thread


@pytest.fixture
def room(tmp_path: Path, room_template) -> Iterator[Room]:
    """A fresh copy of the room for each test, its server listening on a free loopback port."""
    yield from _room(tmp_path, room_template)


def _room(tmp_path: Path, room_template, tls: ssl.SSLContext | None = None) -> Iterator[Room]:
    template, cards, barcodes = room_template
    path = tmp_path / "room.sqlite"
    shutil.copy(template, path)
    shutil.copy(key_path(template), key_path(path))
    clock = FixedClock(NOW)
    server, loop, thread = _serve(path, clock, tls)
    try:
        yield Room(path, server.port, server, loop, cards, barcodes)
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)
        loop.close()
        set_language("zh_CN")


# --- clients ------------------------------------------------------------------------------------


class Raw:
    """Bytes in, bytes out: for the tolerance cases no client library would send."""

    def __init__(self, port: int, timeout: float = 20) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.pending = b""

    def read(self) -> bytes:
        """One answer up to and including its CR (and the LF after it, when there is one)."""
        while b"\r" not in self.pending:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.pending += chunk
        end = self.pending.index(b"\r") + 1
        if self.pending[end : end + 1] == b"\n":
            end += 1
        elif end == len(self.pending):
            self.sock.settimeout(0.2)
            try:
                self.pending += self.sock.recv(1)
            except TimeoutError:
                pass
            finally:
                self.sock.settimeout(20)
            if self.pending[end : end + 1] == b"\n":
                end += 1
        frame, self.pending = self.pending[:end], self.pending[end:]
        return frame

    def ask(self, data: bytes) -> bytes:
        self.sock.sendall(data)
        return self.read()

    def close(self) -> None:
        self.sock.close()


class Strict:
    """The ``pysip2`` codec as a machine: it encodes every request and decodes every answer,
    refusing one that is not exactly SIP2 (widths, required fields, checksum)."""

    def __init__(self, port: int, encoding: str = "utf-8") -> None:
        self.raw = Raw(port)
        self.encoding = encoding
        self.sequence = 0

    def ask(self, request: pysip2.SIPMessage) -> pysip2.SIPMessage:
        self.sequence = (self.sequence + 1) % 10
        frame = pysip2.encode_message(request, sequence_number=self.sequence, checksum=True, encoding=self.encoding)
        answer = self.raw.ask(frame).rstrip(b"\n")  # pysip2 wants CR alone
        decoded = pysip2.decode_message(answer, encoding=self.encoding)
        assert decoded.sequence_number == self.sequence
        return decoded.message

    def log_in(self, account: str, password: str = TERMINAL_PASSWORD) -> bool:
        answer = self.ask(
            pysip2.LoginRequest(
                uid_algorithm="0",
                pwd_algorithm="0",
                login_user_id=account,
                login_password=password,
                location_code="ZZ24",
            )
        )
        return answer.ok == "1"

    def close(self) -> None:
        self.raw.close()


DATE = "20260302    090000"
BLANK_DATE = " " * 18


def checksummed(body: bytes, sequence: int | None = None) -> bytes:
    """A frame as a careful machine writes it: AY, AZ and the checksum over the bytes."""
    from ils.sip2.codec import checksum

    if sequence is not None:
        body += b"AY" + str(sequence).encode()
    body += b"AZ"
    return body + checksum(body).encode() + b"\r"


def login_frame(account: str = "zzj1", password: str = TERMINAL_PASSWORD, sequence: int = 0) -> bytes:
    return checksummed(f"9300CN{account}|CO{password}|CPZZ24|".encode(), sequence)
