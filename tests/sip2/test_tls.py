"""TLS for machines that speak it: the same conversation inside Python's ssl."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ils.sip2.server import tls_context
from tests.sip2.conftest import _room, checksummed, login_frame


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "sip2.pem", folder / "sip2.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def tls_room(tmp_path, room_template):
    cert, key = _self_signed(tmp_path)
    rooms = _room(tmp_path, room_template, tls_context(cert, key))
    yield next(rooms), cert
    next(rooms, None)


def _read(sock: ssl.SSLSocket) -> bytes:
    data = b""
    while not data.endswith(b"\r"):
        data += sock.recv(4096)
    return data


def test_a_machine_logs_in_and_lends_over_tls(tls_room):
    room, cert = tls_room
    context = ssl.create_default_context(cafile=str(cert))
    plain = socket.create_connection(("127.0.0.1", room.port), timeout=20)
    with context.wrap_socket(plain, server_hostname="localhost") as sock:
        sock.sendall(login_frame())
        assert _read(sock).startswith(b"941")
        sock.sendall(checksummed(b"9900802.00", 1))
        assert _read(sock).startswith(b"98Y")


def test_a_plain_client_on_the_tls_port_ends_only_itself(tls_room):
    room, cert = tls_room
    with socket.create_connection(("127.0.0.1", room.port), timeout=20) as plain:
        plain.sendall(login_frame())
        assert plain.recv(100) == b""  # no handshake: the server closes it
    context = ssl.create_default_context(cafile=str(cert))
    plain = socket.create_connection(("127.0.0.1", room.port), timeout=20)
    with context.wrap_socket(plain, server_hostname="localhost") as sock:
        sock.sendall(login_frame())
        assert _read(sock).startswith(b"941")
