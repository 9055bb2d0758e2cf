"""Raw byte frames and the ``sip2`` PyPI client (a sloppy real client): what machines in the
field send, and what a hostile connection sends. The server answers, or drops only that
connection; the other machines' sessions go on."""

from __future__ import annotations

import dataclasses
import socket
import time

import pytest

from ils.sip2.codec import checksum
from tests.sip2.conftest import DATE, TERMINAL_PASSWORD, Raw, checksummed, login_frame

BLANK = " " * 18


def _logged_in(room, account: str = "zzj1") -> Raw:
    raw = Raw(room.port)
    assert raw.ask(login_frame(account)).startswith(b"941")
    return raw


def _checkout(card: str, barcode: str, sequence: int | None) -> bytes:
    return checksummed(f"11NN{DATE}{BLANK}AOZZ24|AA{card}|AB{barcode}|AC|".encode(), sequence)


def test_nothing_but_a_log_in_before_a_log_in(room):
    raw = Raw(room.port)
    answer = raw.ask(_checkout(room.cards["王芳"], room.barcodes["三体"][0], 1))
    assert answer.startswith(b"120")  # a proper "not ok" checkout answer
    assert room.sql("SELECT COUNT(*) FROM loan") == [(0,)]
    assert raw.ask(login_frame(password="wrong-password", sequence=1)).startswith(b"940")
    assert raw.ask(login_frame(sequence=2)).startswith(b"941")


def test_wrong_passwords_lock_the_terminal_and_are_journaled(room):
    raw = Raw(room.port)
    for attempt in range(5):
        assert raw.ask(login_frame(password="guess-guess", sequence=attempt)).startswith(b"940")
    assert raw.ask(login_frame(sequence=5)).startswith(b"940")  # the right one, too late: locked (and throttled)
    failures = room.sql("SELECT COUNT(*) FROM journal WHERE action = 'sip2.login_failed'")[0][0]
    assert failures == 5
    assert room.sql("SELECT locked_until IS NOT NULL FROM sip2_terminal WHERE account = 'zzj1'") == [(1,)]
    assert "guess" not in str(room.sql("SELECT data FROM journal WHERE action LIKE 'sip2.%'"))


def test_an_address_no_terminal_lists_is_refused_and_journaled(room):
    admin = room.admin()
    from ils.sip2.terminals import change_terminal

    for account in ("zzj1", "zzj2", "sloppy", "english"):
        room.run(lambda account=account: change_terminal(admin, account, allowed_addresses="10.8.0.0/24"))
    raw = Raw(room.port)
    with pytest.raises(ConnectionError):
        raw.ask(login_frame())
    assert room.sql("SELECT COUNT(*) FROM journal WHERE action = 'sip2.connection_refused'") == [(1,)]


def test_cr_lf_blank_dates_and_empty_fields_are_tolerated(room):
    raw = _logged_in(room)
    card, barcode = room.cards["王芳"], room.barcodes["围城"][0]
    # CR LF ending, an 18-blank due date, empty AO, AC and AD, no checksum at all.
    frame = f"11NN{DATE}{BLANK}AO|AA{card}|AB{barcode}|AC|AD|".encode() + b"\r\n"
    assert raw.ask(frame).startswith(b"121")
    # A Chinese kiosk's ISO date where SIP2 has an 18-character one: the fields are still found.
    back = f"09N{DATE}2022-02-26AP|AO|AB{barcode}|AC|".encode() + b"\r"
    assert raw.ask(back).startswith(b"101")
    again = f"11NN{DATE}2022-02-26AOCN-110108-1-NLC|AA{card}|AB{barcode}|AC|".encode() + b"\r"
    assert raw.ask(again).startswith(b"121")


def test_bad_checksum_and_empty_frames_get_96_and_the_session_goes_on(room):
    raw = _logged_in(room)
    good = checksummed(f"17{DATE}AOZZ24|AB{room.barcodes['三体'][0]}|".encode(), 1)
    bad = good[:-5] + (b"0000" if good[-5:-1] != b"0000" else b"0001") + b"\r"
    assert raw.ask(bad).startswith(b"96")
    assert raw.ask(b"\r").startswith(b"96")
    assert raw.ask(b"\r\n").startswith(b"96")
    assert raw.ask(good).startswith(b"18")
    # 97: the last answer again.
    assert raw.ask(checksummed(b"97")).startswith(b"18")


def test_a_repeated_sequence_number_gets_the_last_answer_and_lends_once(room):
    raw = _logged_in(room)
    frame = _checkout(room.cards["王芳"], room.barcodes["活着"][0], 4)
    first = raw.ask(frame)
    assert first.startswith(b"121")
    assert raw.ask(frame) == first
    assert room.sql("SELECT COUNT(*) FROM loan") == [(1,)]
    assert room.sql("SELECT COUNT(*) FROM journal WHERE action = 'loan.checkout'") == [(1,)]


def test_an_unknown_command_gets_an_answer_and_the_session_goes_on(room):
    raw = _logged_in(room)
    assert raw.ask(checksummed(b"42HELLO|", 1)).startswith(b"96")
    assert raw.ask(checksummed(b"19" + DATE.encode() + b"AOZZ24|ABS00001|CH|", 2)).startswith(b"200")
    assert raw.ask(checksummed(b"9900802.00", 3)).startswith(b"98Y")


def test_fields_are_cut_at_255_bytes_in_answers(room):
    raw = _logged_in(room, "zzj2")  # GBK, CR LF
    answer = raw.ask(checksummed(f"17{DATE}AOZZ24|AB{'X' * 400}|".encode("gbk"), 1))
    assert answer.endswith(b"\r\n")
    fields = answer[2 + 6 + 18 :].split(b"|")[:-1]  # after the command and the fixed part
    assert fields and all(len(field) - 2 <= 255 for field in fields)
    assert max(len(field) for field in fields) == 2 + 255
    answer.decode("gbk")  # no character cut in half


def _hostile_connections(room) -> None:
    """Every kind of bad connection at once; none may get an answer it can abuse."""
    port = room.port
    oversized = socket.create_connection(("127.0.0.1", port))
    oversized.sendall(login_frame())
    oversized.recv(100)
    oversized.sendall(b"A" * 100_000)
    binary = socket.create_connection(("127.0.0.1", port))
    binary.sendall(bytes(range(256)) * 4 + b"\r")
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(login_frame()[:10])
    half.close()  # disconnect mid-frame
    trickle = socket.create_connection(("127.0.0.1", port))
    for byte in login_frame()[:8]:
        trickle.sendall(bytes([byte]))
        time.sleep(0.01)
    tls = socket.create_connection(("127.0.0.1", port))
    tls.sendall(bytes.fromhex("160301002a010000260303") + b"\x00" * 40)  # a TLS hello to a plain server
    for sock in (oversized, binary, trickle, tls):
        sock.close()


def test_hostile_connections_never_end_another_session(room):
    raw = _logged_in(room)
    _hostile_connections(room)
    card = room.cards["欧阳明月"]
    for sequence, barcode in enumerate(room.barcodes["平凡的世界"][:3]):
        assert raw.ask(_checkout(card, barcode, sequence)).startswith(b"121")
    fresh = _logged_in(room)
    assert fresh.ask(checksummed(b"9900802.00", 1)).startswith(b"98Y")


def test_an_oversized_frame_gets_96_and_the_machine_can_go_on(room):
    raw = _logged_in(room)
    raw.sock.sendall(b"B" * 20_000)
    assert raw.read().startswith(b"96")
    raw.sock.sendall(b"\r")  # ends the discarded frame
    assert raw.ask(checksummed(b"9900802.00", 1)).startswith(b"98Y")


def test_a_frame_left_half_sent_is_dropped_after_the_frame_time(room):
    room.server.frame_seconds = 0.5
    raw = _logged_in(room)
    raw.sock.sendall(b"11NN")
    with pytest.raises(ConnectionError):
        raw.read()
    ended = room.sql("SELECT data FROM journal WHERE action = 'sip2.session_end'")
    assert "half_frame" in ended[-1][0]


def test_an_idle_machine_is_logged_out_after_its_timeout(room):
    assert room.sql("SELECT MIN(idle_timeout_s) FROM sip2_terminal")[0][0] >= 480  # longer than a 99 poll
    raw = _logged_in(room)

    def shorten() -> None:  # a second instead of 15 minutes, for this connection only
        for connection in room.server._open:
            connection.terminal = dataclasses.replace(connection.terminal, idle_timeout_s=1)

    room.loop.call_soon_threadsafe(shorten)
    assert raw.ask(checksummed(b"9900802.00", 1)).startswith(b"98Y")  # the next wait is the short one
    with pytest.raises(ConnectionError):
        raw.read()
    ended = room.sql("SELECT data FROM journal WHERE action = 'sip2.session_end'")
    assert '"idle"' in ended[-1][0]


# --- the sip2 PyPI client ---------------------------------------------------------------------


@pytest.fixture
def sloppy_client(room, tmp_path, monkeypatch):
    """The ``sip2`` client (it writes sip2.log in the working folder, tries TLS first unless told)."""
    monkeypatch.chdir(tmp_path)
    from Sip2.sip2 import Sip2

    def make(account: str) -> Sip2:
        client = Sip2()
        client.hostName, client.hostPort, client.tlsEnable = "127.0.0.1", room.port, False
        client.socketTimeout = 20
        if account == "sloppy":  # the machine is set up without checksums, like its terminal
            client.withCrc = client.withSeq = False
        client.institutionId, client.scLocation = "ZZ24", "ZZ24"
        client.connect()
        login = client.sip_login_response(client.get_response(client.sip_login_request(account, TERMINAL_PASSWORD)))
        assert login["fixed"]["Ok"] == "1"
        return client

    made = []

    def factory(account: str) -> Sip2:
        made.append(make(account))
        return made[-1]

    yield factory
    for client in made:
        client.disconnect()


def test_the_sloppy_client_lends_a_chinese_title_where_checksums_are_off(room, sloppy_client):
    client = sloppy_client("sloppy")  # error detection off: its checksum over characters is not read
    client.patron = room.cards["欧阳明月"]
    status = client.sip_patron_status_response(client.get_response(client.sip_patron_status_request()))
    assert status["variable"]["AE"] == ["欧阳明月"]
    barcode = room.barcodes["红楼梦"][2]
    lent = client.sip_checkout_response(client.get_response(client.sip_checkout_request(barcode)))
    assert lent["fixed"]["Ok"] == "1" and lent["variable"]["AJ"] == ["红楼梦"]
    back = client.sip_checkin_response(client.get_response(client.sip_checkin_request(barcode, currentLocation="ZZ24")))
    assert back["fixed"]["Ok"] == "1"
    assert room.sql("SELECT COUNT(*) FROM loan WHERE ended_at IS NOT NULL") == [(1,)]


def test_the_sloppy_client_is_refused_cleanly_where_checksums_are_on(room, sloppy_client):
    client = sloppy_client("zzj1")
    client.patron = room.cards["欧阳明月"]
    # Its ASCII requests carry a checksum that happens to be right: they work.
    status = client.sip_patron_status_response(client.get_response(client.sip_patron_status_request()))
    assert status["variable"]["AE"] == ["欧阳明月"]
    # A Chinese field makes its checksum (over characters) wrong: 96, nothing done, session alive.
    answer = client.get_response(client.sip_block_patron_request("机器吞卡"))
    assert answer.startswith("96")
    assert room.sql("SELECT COUNT(*) FROM reader_block") == [(0,)]
    status = client.sip_patron_status_response(client.get_response(client.sip_patron_status_request()))
    assert status["variable"]["AE"] == ["欧阳明月"]


def test_a_checksum_with_fewer_than_four_digits_is_read(room):
    raw = _logged_in(room)
    body = f"17{DATE}AOZZ24|AB{room.barcodes['三体'][0]}|AY1AZ".encode()
    value = checksum(body).lstrip("0") or "0"
    assert raw.ask(body + value.encode() + b"\r").startswith(b"18")
