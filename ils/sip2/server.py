"""The SIP2 server of the 24-hour room: asyncio over TCP (optionally TLS), one desk database.

Each connection is a ``Connection``: it reads bytes, cuts them into frames at CR, CR LF or LF,
and answers each frame before reading the next. The database is used from one thread of its
own (``Database``), so the event loop never waits on SQLite or on scrypt and one machine's
slow or hostile input never holds up another's answers. What the connection guards:

- nothing but a log-in (93) before a log-in; the address must be one a terminal lists;
- wrong passwords cost a second each and lock the terminal after five (``terminals``);
- a frame longer than ``MAX_FRAME_BYTES``, binary noise, an empty frame or a bad checksum
  gets 96 and the connection goes on; a frame not finished within ``FRAME_SECONDS`` and a
  machine silent for longer than its idle timeout are disconnected;
- a request repeated with its sequence number (a resend after a lost answer) gets the last
  answer again, without doing the work twice; 97 gets the last answer again too;
- an exception in a handler is logged and answered "not ok"; it never ends the server.

Every session (log-in, end and why) and every refusal is journaled.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import re
import ssl
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ils.clock import Clock, SystemClock
from ils.errors import IlsError, LoginFailed, message
from ils.i18n import current_language, use_language
from ils.library import Library, open_library
from ils.logs import LOGGER, log_crash
from ils.session import Session
from ils.sip2 import handlers, terminals
from ils.sip2.codec import MAX_FRAME_BYTES, FrameError, Reply, Request, build, parse
from ils.sip2.terminals import Terminal

FRAME_SECONDS = 30.0
"""A frame begun must end within this time: a trickle of bytes cannot hold a connection open."""
LOGIN_SECONDS = 60.0
"""Time a new connection has to log in."""
WRONG_PASSWORD_DELAY = 1.0
MAX_CONNECTIONS = 200

_TERMINATOR = re.compile(rb"\r\n|\r|\n")
T = TypeVar("T")


class Database:
    """The one thread that opens the library and runs every service call of every connection."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sip2-db")
        self._path = path
        self._clock = clock
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        assert self._library is not None, "opened by start()"
        return self._library

    def _open(self) -> None:
        self._library = open_library(self._path, self._clock)

    async def start(self) -> None:
        await self.run(self._open)

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work, *args)

    async def close(self) -> None:
        def _close() -> None:
            if self._library is not None:
                self._library.close()

        await self.run(_close)
        self._pool.shutdown(wait=True)


@dataclass(eq=False)
class Connection:
    """One machine's connection: who it is once logged in, and the last answer for a resend."""

    server: Sip2Server
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    address: str
    terminal: Terminal | None = None
    session: Session | None = None
    last_request: bytes | None = None
    last_reply: bytes | None = None
    messages: int = 0
    ended_as: str = "closed"
    buffer: bytearray = field(default_factory=bytearray)

    # --- how this machine is spoken to ------------------------------------------------------

    @property
    def encoding(self) -> str:
        return self.terminal.encoding if self.terminal else "utf-8"

    @property
    def delimiter(self) -> str:
        return self.terminal.delimiter if self.terminal else "|"

    @property
    def error_detection(self) -> bool:
        return self.terminal.error_detection if self.terminal else True

    @property
    def terminator(self) -> bytes:
        return self.terminal.terminator_bytes if self.terminal else b"\r"

    def _bytes(self, reply: Reply, sequence: str | None, *, checksum: bool | None = None) -> bytes:
        return build(
            reply,
            encoding=self.encoding,
            delimiter=self.delimiter,
            sequence=sequence,
            error_detection=self.error_detection if checksum is None else checksum,
            terminator=self.terminator,
        )

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def resend_request(self) -> None:
        await self.send(self._bytes(Reply("96"), None))

    # --- reading ------------------------------------------------------------------------------

    async def frames(self):
        """Yield each frame as it completes; stop at the end of input or a timeout."""
        discarding = False
        while True:
            while (found := _TERMINATOR.search(self.buffer)) is not None:
                frame = bytes(self.buffer[: found.start()])
                del self.buffer[: found.end()]
                if discarding:
                    discarding = False
                    continue
                yield frame
            if len(self.buffer) > MAX_FRAME_BYTES:
                self.buffer.clear()
                if not discarding:
                    await self.resend_request()
                discarding = True
            timeout = self.server.login_seconds if self.terminal is None else float(self.terminal.idle_timeout_s)
            if self.buffer or discarding:
                timeout = min(timeout, self.server.frame_seconds)
            try:
                data = await asyncio.wait_for(self.reader.read(4096), timeout)
            except TimeoutError:
                self.ended_as = "half_frame" if self.buffer else "idle"
                return
            if not data:
                self.ended_as = "half_frame" if self.buffer else "closed"
                return
            self.buffer += data

    # --- answering ------------------------------------------------------------------------------

    async def serve(self) -> None:
        async for frame in self.frames():
            await self.answer(frame)

    async def answer(self, frame: bytes) -> None:
        try:
            request = parse(
                frame, encoding=self.encoding, delimiter=self.delimiter, error_detection=self.error_detection
            )
        except FrameError as error:
            self.server.count(f"frame_{error.kind}")
            await self.resend_request()
            return
        self.messages += 1
        if request.command == "97":
            await self.send(self.last_reply or self._bytes(Reply("96"), None))
            return
        if request.sequence is not None and frame == self.last_request and self.last_reply is not None:
            await self.send(self.last_reply)  # the machine did not get our answer: no second loan
            return
        reply: Reply | None
        if request.command == "93":
            reply = await self.log_in(request)
        elif self.session is None:
            reply = self._refused_before_login(request)
        else:
            reply = await self.server.database.run(self._handle, request)
        if reply is None:
            await self.resend_request()
            return
        data = self._bytes(reply, request.sequence)
        self.last_request, self.last_reply = frame, data
        await self.send(data)

    def _refused_before_login(self, request: Request) -> Reply | None:
        self.server.count("before_login")
        text = message("sip2.log_in_first", "The machine must log in first.").render()
        return handlers.negative(request.command, request.get, text, self.server.now(), current_language())

    def _handle(self, request: Request) -> Reply | None:
        """In the database thread, in the terminal's language: one request to its handler."""
        assert self.terminal is not None and self.session is not None
        language = self.terminal.language
        if request.command in ("23", "63"):
            language = handlers.language_of(request.fixed[:3], language)
        context = handlers.Context(self.terminal, self.session, language)
        with use_language(language):
            try:
                if request.command == "99":
                    return handlers.sc_status(context, request.get)
                handler = handlers.HANDLERS.get(request.command)
                if handler is None:
                    text = message("sip2.unsupported", "This machine's request is not supported here.").render()
                    self._journal("sip2.unsupported", {"command": request.command})
                    return handlers.negative(request.command, request.get, text, context.now, language)
                return handler(context, request.get, request.fixed)
            except IlsError as error:
                return handlers.negative(request.command, request.get, error.render(), context.now, language)
            except Exception as error:  # a bug must cost one answer, not the server
                log_crash(f"SIP2 request {request.command}", error)
                text = message("sip2.fault", "Something went wrong: please ask at the desk.").render()
                return handlers.negative(request.command, request.get, text, context.now, language)

    def _journal(self, action: str, data: dict[str, Any]) -> None:
        library = self.server.database.library
        staff_id = self.terminal.id if self.terminal else None
        with library.write(staff_id) as writer:
            writer.journal(action, "sip2_terminal", staff_id, {"address": self.address, **data})

    # --- log-in -----------------------------------------------------------------------------------

    async def log_in(self, request: Request) -> Reply:
        account, password = request.get("CN"), request.get("CO")
        database = self.server.database
        if self.server.throttled(self.address):
            await database.run(self._journal, "sip2.login_refused", {"reason": "throttled"})
            return Reply("94", "0")
        stored = await database.run(terminals.password_hash_of, account)
        matches = await asyncio.get_running_loop().run_in_executor(None, terminals.check_password, password, stored)

        def record() -> Session | LoginFailed:
            try:
                return terminals.log_in_terminal(database.library, account, matches, self.address, stored)
            except LoginFailed as refusal:
                return refusal

        outcome = await database.run(record)
        if isinstance(outcome, LoginFailed):
            self.server.failed(self.address)
            await asyncio.sleep(self.server.wrong_password_delay)
            return Reply("94", "0")
        self.session = outcome
        self.terminal = await database.run(lambda: terminals.terminal_of(database.library, account))
        self.server.count("login")
        return Reply("94", "1")

    async def close(self) -> None:
        if self.terminal is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self.server.database.run(
                    self._journal, "sip2.session_end", {"messages": self.messages, "ended_as": self.ended_as}
                )
        with contextlib.suppress(Exception, asyncio.CancelledError):
            self.writer.close()
            await self.writer.wait_closed()


class Sip2Server:
    """``ils sip2 serve``: listen, admit, and keep every connection apart from the others."""

    def __init__(
        self,
        db_path: Path,
        *,
        host: str = "0.0.0.0",
        port: int = 6001,
        tls: ssl.SSLContext | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.clock = clock or SystemClock()
        self.database = Database(Path(db_path), self.clock)
        self.host, self.port, self.tls = host, port, tls
        self.wrong_password_delay = WRONG_PASSWORD_DELAY
        self.login_seconds = LOGIN_SECONDS
        self.frame_seconds = FRAME_SECONDS
        self.counts: dict[str, int] = {}
        self._failures: dict[str, list[float]] = {}
        self._connections: set[asyncio.Task[None]] = set()
        self._open: set[Connection] = set()
        self._server: asyncio.Server | None = None

    def now(self) -> dt.datetime:
        return self.clock.now()

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # Wrong passwords from one address: after five within a quarter of an hour, that address
    # is not even asked for a password for a quarter of an hour (on top of the terminal's lock).
    def failed(self, address: str) -> None:
        now = asyncio.get_running_loop().time()
        self._failures.setdefault(address, []).append(now)

    def throttled(self, address: str) -> bool:
        now = asyncio.get_running_loop().time()
        recent = [t for t in self._failures.get(address, []) if now - t < terminals.LOCKOUT.total_seconds()]
        self._failures[address] = recent
        return len(recent) >= terminals.MAX_FAILED_LOGINS

    async def start(self) -> None:
        await self.database.start()
        self._server = await asyncio.start_server(self._accept, self.host, self.port, ssl=self.tls)
        sockets: list = list(self._server.sockets or [])
        if sockets:
            self.port = sockets[0].getsockname()[1]
        LOGGER.info("SIP2 server listening on %s:%s", self.host, self.port)

    async def serve_forever(self) -> None:
        await self.start()
        assert self._server is not None
        async with self._server:
            await self._server.serve_forever()

    async def stop(self) -> None:
        """Stop listening, end every session (journaled as stopped), close the database."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for connection in list(self._open):
            connection.ended_as = "server_stopped"
            connection.writer.close()
        if self._connections:
            _done, pending = await asyncio.wait(list(self._connections), timeout=10)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self.database.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = writer.get_extra_info("peername")
        address = str(peer[0]) if peer else "?"
        connection = Connection(self, reader, writer, address)
        self._open.add(connection)
        try:
            admitted = len(self._connections) <= MAX_CONNECTIONS and await self.database.run(self._admits, address)
            if not admitted:
                self.count("refused_address")
                await self.database.run(self._journal_refusal, address)
                return
            await connection.serve()
        except (ConnectionError, OSError, asyncio.IncompleteReadError):
            connection.ended_as = "dropped"
        except asyncio.CancelledError:
            connection.ended_as = "server_stopped"
        except Exception as error:  # never let one connection's fault reach the others
            connection.ended_as = "fault"
            log_crash("SIP2 connection", error)
        finally:
            self._open.discard(connection)
            await connection.close()
            self._connections.discard(task)

    def _admits(self, address: str) -> bool:
        return terminals.any_admits(self.database.library, address)

    def _journal_refusal(self, address: str) -> None:
        with self.database.library.write(None) as writer:
            writer.journal("sip2.connection_refused", "sip2_terminal", None, {"address": address})


def tls_context(certificate: Path, key: Path) -> ssl.SSLContext:
    """TLS for machines that speak it: the library's certificate and key (PEM files)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certificate, key)
    return context
