"""SIP2 2.00 frames as bytes: reading what a machine sent, writing what it is answered.

The faults self-check users report are all byte faults, so this module works on bytes:

- the checksum is the two's complement of the 16-bit sum of the *encoded* bytes from the
  first byte through ``AZ``, written as 4 upper-case hex digits, zero-padded (a checksum over
  characters breaks every Chinese title);
- a field is cut at 255 bytes of its encoding without splitting a character;
- the field delimiter inside data is written ``&#124;`` (its code as a character reference),
  and CR, LF and NUL become spaces, so data can never end a field or a frame;
- reading is tolerant: CR or CR LF ends a frame, blank or short optional fields are blank,
  unknown field codes are skipped, a checksum of fewer than 4 digits is read as a number.

A frame that cannot be understood raises ``FrameError`` with a ``kind``; the server answers
it with 96 (resend) and goes on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MAX_FIELD_BYTES = 255
MAX_FRAME_BYTES = 8192
"""Longest request accepted: the longest legal one (a few 255-byte fields) fits many times."""

#: Width of the fixed part of each request the server reads, after the two-character command.
FIXED_WIDTHS: dict[str, int] = {
    "23": 3 + 18,
    "11": 1 + 1 + 18 + 18,
    "09": 1 + 18 + 18,
    "01": 1 + 18,
    "99": 1 + 3 + 4,
    "97": 0,
    "93": 1 + 1,
    "63": 3 + 18 + 10,
    "35": 18,
    "37": 18 + 2 + 2 + 3,
    "17": 18,
    "19": 18,
    "25": 18,
    "15": 1 + 18,
    "29": 1 + 1 + 18 + 18,
    "65": 18,
}

_FIELD_CODE = re.compile(rb"[A-Z]{2}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,4}")


class FrameError(Exception):
    """A frame that cannot be read: ``kind`` is ``empty``, ``checksum``, ``too_long``, ``malformed``."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class Request:
    """One frame from a machine: its command, fixed part and identified fields, as text."""

    command: str
    fixed: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    sequence: str | None = None
    raw: bytes = b""

    def get(self, code: str, default: str = "") -> str:
        values = self.fields.get(code)
        return values[0] if values else default

    def fixed_at(self, start: int, width: int) -> str:
        return self.fixed[start : start + width]


def checksum(data: bytes) -> str:
    """The checksum of ``data`` (every byte through ``AZ``): 4 hex digits, zero-padded."""
    return f"{(-sum(data)) & 0xFFFF:04X}"


def _strip_terminator(frame: bytes) -> bytes:
    return frame.rstrip(b"\r\n")


def _trailer(body: bytes) -> tuple[bytes, str | None, bytes | None]:
    """(the message without AY/AZ, the sequence digit, the checksum text) of a frame body."""
    at = body.rfind(b"AZ")
    digits = body[at + 2 :] if at >= 0 else b""
    if at < 2 or not _HEX.fullmatch(digits):
        return body, None, None
    message = body[:at]
    sequence = None
    if len(message) >= 3 and message[-3:-1] == b"AY" and message[-1:].isdigit():
        sequence = message[-1:].decode("ascii")
        message = message[:-3]
    return message, sequence, digits


_FIRST_FIELD = re.compile(rb"AO|AP|AA|AB|CN|BV")


def _identified_start(message: bytes, width: int) -> int:
    """Where the identified fields begin: after the fixed part, or where they really begin when a
    machine wrote a date in the fixed part shorter or longer than 18 (``2022-02-26``)."""
    start = 2 + width
    if width == 0 or _FIELD_CODE.fullmatch(message[start : start + 2]):
        return start
    found = _FIRST_FIELD.search(message, 2, start + 12)
    return found.start() if found is not None else start


def parse(frame: bytes, *, encoding: str, delimiter: str = "|", error_detection: bool = True) -> Request:
    """Read one frame (its terminator may be there or not).

    With error detection on, a checksum that is present must be right; one that is missing is
    accepted (machines that never send it exist). With it off, a trailer is ignored, so a
    machine that sums characters instead of bytes still works (the setting says which).
    """
    if len(frame) > MAX_FRAME_BYTES:
        raise FrameError("too_long")
    body = _strip_terminator(frame).lstrip(b"\r\n")
    if not body.strip():
        raise FrameError("empty")
    if b"\x00" in body or b"\r" in body:
        raise FrameError("malformed")
    message, sequence, digits = _trailer(body)
    if digits is not None and error_detection:
        through_az = body[: len(body) - len(digits)]
        if (sum(through_az) + int(digits, 16)) & 0xFFFF != 0:
            raise FrameError("checksum")
    command_bytes = message[:2]
    if len(command_bytes) < 2 or not command_bytes.isdigit():
        raise FrameError("malformed")
    command = command_bytes.decode("ascii")
    start = _identified_start(message, FIXED_WIDTHS.get(command, 0))
    fixed = message[2:start].decode(encoding, errors="replace")
    fields: dict[str, list[str]] = {}
    delim = delimiter.encode("ascii")
    for piece in message[start:].split(delim):
        code = piece[:2]
        if not _FIELD_CODE.fullmatch(code):
            continue  # blank, or noise a sloppy machine left: skip it, keep the rest
        fields.setdefault(code.decode("ascii"), []).append(piece[2:].decode(encoding, errors="replace").strip())
    return Request(command, fixed, fields, sequence, frame)


def cut(value: str, encoding: str, limit: int = MAX_FIELD_BYTES) -> bytes:
    """``value`` encoded, at most ``limit`` bytes, never half a character."""
    data = value.encode(encoding, errors="replace")
    if len(data) <= limit:
        return data
    kept = value
    # Drop characters from the end until the encoding fits: a character is 1 to 4 bytes.
    while len(data) > limit:
        over = len(data) - limit
        kept = kept[: max(0, len(kept) - max(1, over // 4))]
        data = kept.encode(encoding, errors="replace")
    return data


def escape(value: str, delimiter: str = "|") -> str:
    """Data safe inside a field: no delimiter, CR, LF or NUL."""
    text = value.replace(delimiter, f"&#{ord(delimiter)};")
    return text.replace("\r", " ").replace("\n", " ").replace("\x00", " ")


def sip_date(moment: dt.datetime | dt.date | None) -> str:
    """``YYYYMMDDZZZZHHMMSS`` in local time (ZZZZ blank); 18 blanks for none."""
    if moment is None:
        return " " * 18
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(23, 59, 59))
    return moment.strftime("%Y%m%d    %H%M%S")


def flag(value: bool) -> str:
    return "Y" if value else "N"


@dataclass(frozen=True)
class Reply:
    """An answer before it is written: the command, its fixed part and its identified fields."""

    command: str
    fixed: str = ""
    fields: Sequence[tuple[str, str]] = ()

    def with_fields(self, more: Iterable[tuple[str, str]]) -> Reply:
        return Reply(self.command, self.fixed, (*self.fields, *more))


def build(
    reply: Reply,
    *,
    encoding: str,
    delimiter: str = "|",
    sequence: str | None = None,
    error_detection: bool = True,
    terminator: bytes = b"\r",
) -> bytes:
    """The bytes of ``reply``: fields escaped and cut, AY (when the request had one) and AZ,
    the terminator. Every answer, an error too, ends with the terminator."""
    out = bytearray((reply.command + reply.fixed).encode(encoding, errors="replace"))
    delim = delimiter.encode("ascii")
    for code, value in reply.fields:
        out += code.encode("ascii") + cut(escape(value, delimiter), encoding) + delim
    if error_detection:
        if sequence is not None and reply.command not in ("96", "97"):
            out += b"AY" + sequence.encode("ascii")
        out += b"AZ"
        out += checksum(bytes(out)).encode("ascii")
    return bytes(out) + terminator
