"""Read MARC files as suppliers and other libraries actually send them.

Files arrive as ISO 2709 or MARCXML, in CNMARC or MARC21, and Chinese book
suppliers send GBK whatever the leader or 100$a claims. This module turns any
such file into whole, Unicode pymarc records plus a list of refused records
with reasons a cataloguer can act on; it never stops at a bad record and
never hands back half of one. This layer finds where each record starts (so a
refusal can name its byte offset) and chooses the character set per record; pymarc
parses, except that a plain UTF-8 or GB18030 record is decoded here at half the cost
(``_lean_parse``), into the very objects pymarc would give.

``MarcReading`` hands the records over one at a time, with their number counted up
front, so an import prepares each record as it is parsed and drops pymarc's objects at
once; ``read_marc`` keeps them all, for callers that want the whole file.
"""

from __future__ import annotations

import codecs
import contextlib
import io
import logging
import re
import threading
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from pymarc import Field, Indicators, Leader, Record, Subfield
from pymarc import exceptions as marc_errors

from ils.catalogue.marc_fields import CNMARC, MARC21, BibFields, extract
from ils.errors import Message, message
from ils.logs import LOGGER

ISO2709 = "iso2709"
MARCXML = "marcxml"
MIXED = "mixed"

UTF8 = "utf-8"
GB18030 = "gb18030"
MARC8 = "marc-8"

_END_OF_RECORD = b"\x1d"
_END_OF_FIELD = b"\x1e"
_ESC = b"\x1b"
_BOM = b"\xef\xbb\xbf"
_XML_DECLARED = re.compile(rb"""<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")
_CONTENT_TAGS = frozenset({"leader", "controlfield", "datafield"})
_FIELD_END_BYTE = _END_OF_FIELD[0]
#: ISO 2709's own limits: four digits for a field's length, five for a record's. A file
#: whose leader counts characters instead of bytes may hold up to four bytes a character.
MAX_FIELD_CHARS = 9_999
MAX_RECORD_CHARS = 99_999
MAX_RECORD_BYTES = 4 * MAX_RECORD_CHARS
# Character sets in which no character is shorter than a byte (MARC-8's escapes are not).
_BYTE_BOUNDED = frozenset({UTF8, GB18030})
# A directory entry: any three tag bytes, four digits of length, five of start.
_DIRECTORY = re.compile(rb"(?:.{3}[0-9]{9})*", re.DOTALL)
_DIRECTORY_ENTRY = re.compile(r"(.{3})([0-9]{4})([0-9]{5})", re.DOTALL)

# Why a file or a record is refused; each carries a code and is rendered where it is shown.
EMPTY_FILE = message("catalogue.marc_empty_file", "the file is empty")
NOT_MARC = message("catalogue.marc_not_marc", "this file is not MARC (neither ISO 2709 nor MARCXML)")
CUT_SHORT = message("catalogue.marc_cut_short", "the record is cut short")
LEADER_NOT_NUMERIC = message("catalogue.marc_leader_not_numeric", "the leader is not numeric")
BASE_ADDRESS = message("catalogue.marc_base_address", "the leader's base address is wrong")
DIRECTORY_DAMAGED = message("catalogue.marc_directory_damaged", "the directory is damaged")
DIRECTORY_MISMATCH = message("catalogue.marc_directory_mismatch", "the directory does not match the field data")
UNKNOWN_CHARSET = message(
    "catalogue.marc_unknown_charset", "the text is in a character set that could not be recognised"
)
NO_FIELDS = message("catalogue.marc_no_fields", "the record has no fields")
STRUCTURE_DAMAGED = message("catalogue.marc_structure_damaged", "the record structure is damaged")
XML_UNKNOWN_CHARSET = message("catalogue.marc_xml_unknown_charset", "the XML declares an unknown character set")
XML_WRONG_CHARSET = message("catalogue.marc_xml_wrong_charset", "the XML is not in the character set it declares")
XML_NO_RECORDS = message("catalogue.marc_xml_no_records", "the XML holds no MARC records")
SUBFIELD_WITHOUT_CODE = message("catalogue.marc_subfield_without_code", "a subfield has no code")
FIELD_WITHOUT_TAG = message("catalogue.marc_field_without_tag", "a field has no tag")
NO_TITLE = message("catalogue.marc_no_title", "no title")


@dataclass(frozen=True)
class Reject:
    """A record that was refused: its 1-based place in the file, byte offset (ISO 2709) and why.

    ``reason`` carries a code (``catalogue.marc_*``) and is rendered where it is shown.
    """

    number: int
    offset: int | None
    reason: Message


@dataclass(frozen=True)
class ParsedRecord:
    """One whole record, decoded to Unicode, with the facts the catalogue uses."""

    number: int
    offset: int | None
    record: Record
    format: str
    encoding: str
    fields: BibFields


@dataclass(frozen=True)
class ReadResult:
    """Everything a file held: good records, refused ones, and what kind of file it was.

    ``format`` is 'cnmarc', 'marc21', 'mixed' or None (no record read);
    ``serialisation`` is 'iso2709', 'marcxml' or None (not MARC at all).
    """

    records: tuple[ParsedRecord, ...]
    rejects: tuple[Reject, ...]
    format: str | None
    serialisation: str | None


class _Refused(Exception):
    """Internal: the record cannot be used, for the reason ``problem``."""

    def __init__(self, problem: Message) -> None:
        super().__init__(problem.code)
        self.problem = problem


def read_marc_file(path: str | Path, encoding: str | None = None) -> ReadResult:
    """Read the MARC file at ``path``; see :func:`read_marc`."""
    return read_marc(Path(path).read_bytes(), encoding=encoding)


def read_marc(data: bytes, *, encoding: str | None = None) -> ReadResult:
    """Read every record in ``data``, ISO 2709 or MARCXML, refusing bad ones one by one.

    ``encoding`` overrides detection for ISO 2709 ('utf-8', 'gbk', 'gb18030',
    'marc-8' or any Python codec name); it is for files whose records detect
    wrongly, e.g. a Cyrillic UNIMARC file that happens to decode as GB18030.
    """
    records: list[ParsedRecord] = []
    rejects: list[Reject] = []
    with MarcReading(data, encoding=encoding) as reading:
        for item in reading:
            if isinstance(item, Reject):
                rejects.append(item)
            else:
                records.append(item)
    return ReadResult(
        records=tuple(records),
        rejects=tuple(rejects),
        format=file_format({r.format for r in records}),
        serialisation=reading.serialisation,
    )


class MarcReading:
    """A MARC file read one record at a time: ``with MarcReading(data) as reading: for item in reading``.

    Each item is a ``ParsedRecord`` or a ``Reject``, in file order. ``total`` is how many
    there will be, counted before any is parsed (the ISO 2709 record terminators, the
    MARCXML record elements), so a caller can report progress against it. An unknown
    ``encoding`` raises ValueError at once. Records are only read inside the ``with``,
    which keeps what pymarc says out of the terminal (see ``_pymarc_heard``).
    """

    def __init__(self, data: bytes, *, encoding: str | None = None) -> None:
        self._encoding = _normalise_encoding(encoding) if encoding else None
        self._data = data
        self._refused: Message | None = None  # why the whole file is refused, if it is
        self._xml: tuple[str, list[ET.Element]] | None = None  # MARCXML: its charset and records
        body = data[len(_BOM) :] if data.startswith(_BOM) else data
        start = body.lstrip()
        self.serialisation: str | None = None
        if not start:
            self._refused = EMPTY_FILE
        elif start[:5].isdigit():
            self.serialisation = ISO2709
        elif start.startswith(b"<"):
            self.serialisation = MARCXML
            self._open_xml()
        else:
            self._refused = NOT_MARC
        if self._refused is not None:
            self.total = 1
        elif self._xml is not None:
            self.total = len(self._xml[1])
        else:
            self.total = _iso_count(data)
        self._heard = _pymarc_heard()

    def __enter__(self) -> MarcReading:
        self._heard.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._heard.__exit__(*exc)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[ParsedRecord | Reject]:
        if self._refused is not None:
            yield Reject(number=1, offset=None, reason=self._refused)
        elif self._xml is not None:
            yield from _read_marcxml(*self._xml)
        else:
            yield from _read_iso2709(self._data, self._encoding)

    def _open_xml(self) -> None:
        """Parse the XML whole (expat is fast), keep its record elements, or note why it is refused."""
        found = _marcxml_records(self._data)
        if isinstance(found, Message):
            self._refused = found
        else:
            self._xml = found


def file_format(formats: set[str]) -> str | None:
    """What kind of file held records of ``formats``: 'cnmarc', 'marc21', 'mixed' or None (no record)."""
    if len(formats) == 1:
        return next(iter(formats))
    return MIXED if formats else None


def _normalise_encoding(name: str) -> str:
    key = name.strip().lower().replace("_", "-")
    if key in {"marc-8", "marc8"}:
        return MARC8
    try:
        return codecs.lookup(key).name.replace("_", "-")
    except LookupError:
        raise ValueError(name) from None


# --- sizes ----------------------------------------------------------------


def size_problem(record: Record) -> Message | None:
    """Why ``record`` is too large to catalogue, or None.

    The limits are ISO 2709's own (a field's length has four digits, a record's five),
    so every record a library can exchange fits; a record past them is damaged or
    hostile, and is refused before anything costly (pinyin, indexing) is done with it.
    """
    total = 0
    for field in record.fields:
        if field.control_field:
            length = len(field.data or "")
        else:
            length = len("".join([subfield.value or "" for subfield in field.subfields]))
        if length > MAX_FIELD_CHARS:
            return message(
                "catalogue.marc_field_too_long",
                "field {tag} has {count} characters; a field holds at most {most}",
                tag=field.tag,
                count=length,
                most=MAX_FIELD_CHARS,
            )
        total += length
    if total > MAX_RECORD_CHARS:
        return message(
            "catalogue.marc_record_too_long",
            "the record has {count} characters; a record holds at most {most}",
            count=total,
            most=MAX_RECORD_CHARS,
        )
    return None


# --- what pymarc says -------------------------------------------------------
#
# pymarc reports what it repaired in English, three ways: its logger ("missing
# indicators"), the warnings module (a bad subfield code) and, in its MARC-8 reader,
# straight to stderr. None of it may reach a desk's terminal or screen. While a file is
# read all three are caught, and what was said about each record goes to the program's
# log with the record's place in the file (at INFO, which no terminal shows). One file
# is read at a time per process, so the catching (which is process-wide) is not mixed up.

_PYMARC_LOGGER = logging.getLogger("pymarc")
_READING = threading.Lock()


@dataclass
class _Hearing:
    """What pymarc has said since the last record was logged."""

    lines: list[str]
    warned: list[warnings.WarningMessage]


_hearing = _Hearing([], [])


class _Heard(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _hearing.lines.append(record.getMessage())


@contextlib.contextmanager
def _pymarc_heard() -> Iterator[None]:
    global _hearing
    handler = _Heard()
    with _READING, warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        _hearing = _Hearing([], warned)
        propagate = _PYMARC_LOGGER.propagate
        _PYMARC_LOGGER.addHandler(handler)
        _PYMARC_LOGGER.propagate = False
        try:
            yield
        finally:
            _PYMARC_LOGGER.removeHandler(handler)
            _PYMARC_LOGGER.propagate = propagate
            _hearing = _Hearing([], [])


def _log_heard(number: int, offset: int | None) -> None:
    """Log what pymarc said while record ``number`` was read, and forget it."""
    if not (_hearing.lines or _hearing.warned):
        return
    said = [*_hearing.lines, *(str(warning.message) for warning in _hearing.warned)]
    _hearing.lines.clear()
    _hearing.warned.clear()
    place = f"record {number}" if offset is None else f"record {number} at byte {offset}"
    for line in said:
        LOGGER.info("MARC %s: pymarc: %s", place, line[:200])


# --- ISO 2709 -------------------------------------------------------------


def _iso_count(data: bytes) -> int:
    """How many records ``_read_iso2709`` will hand over: one per record terminator, and one more
    for a last piece without a terminator that is more than blanks."""
    tail = data[data.rfind(_END_OF_RECORD) + 1 :]
    return data.count(_END_OF_RECORD) + (1 if tail.lstrip(_BETWEEN_RECORDS).strip() else 0)


# What may stand between records (CR/LF, padding, a byte-order mark) and is skipped.
_BETWEEN_RECORDS = b"\r\n\t \x00" + _BOM


def _read_iso2709(data: bytes, encoding: str | None) -> Iterator[ParsedRecord | Reject]:
    """Split on the record terminator to know each record's offset; pymarc parses each piece.

    Splitting (rather than trusting leader/00-04) also survives real exports whose
    leader counts characters instead of bytes, and CR/LF between records.
    """
    number = 0
    position = 0
    size = len(data)
    while position < size:
        end = data.find(_END_OF_RECORD, position)
        stop = size if end == -1 else end + 1
        piece = data[position:stop]
        stripped = piece.lstrip(_BETWEEN_RECORDS)
        offset = position + len(piece) - len(stripped)
        position = stop
        if not stripped.strip():
            continue
        number += 1
        try:
            if end == -1:
                raise _Refused(CUT_SHORT)
            if len(stripped) > MAX_RECORD_BYTES:
                raise _Refused(
                    message(
                        "catalogue.marc_record_too_many_bytes",
                        "the record has {count} bytes; a record holds at most {most}",
                        count=len(stripped),
                        most=MAX_RECORD_BYTES,
                    )
                )
            record, fmt, used = _decode_iso(stripped, encoding)
            # A character takes at least one byte in these, and the directory holds every field to
            # 9,999 bytes: a record this short is within both limits without counting.
            measured = used in _BYTE_BOUNDED and len(stripped) <= MAX_RECORD_CHARS
            parsed = _finish(number, offset, record, fmt, used, measured=measured)
        except _Refused as refused:
            yield Reject(number, offset, record_reason(number, offset, refused.problem))
            continue
        finally:
            _log_heard(number, offset)
        yield parsed


def record_reason(number: int, offset: int | None, problem: Message) -> Message:
    """Why record ``number`` (at byte ``offset`` of an ISO 2709 file) was refused."""
    if offset is None:
        return message("catalogue.marc_record_refused", "record {number}: {problem}", number=number, problem=problem)
    return message(
        "catalogue.marc_record_at_byte_refused",
        "record {number} at byte {offset}: {problem}",
        number=number,
        offset=offset,
        problem=problem,
    )


def _directory(chunk: bytes) -> list[tuple[str, int, int]]:
    """Check the directory against the field data; each field's tag and where its data lies
    (from its first byte to its terminator).

    pymarc slices fields by the directory without checking that each slice ends
    in a field terminator; when a supplier counted characters instead of bytes
    every later field is shifted, and the record would come out silently garbled.
    The tags also choose format and character set before anything is decoded.
    """
    if len(chunk) < 24 or not chunk[:5].isdigit() or not chunk[12:17].isdigit():
        raise _Refused(LEADER_NOT_NUMERIC)
    base = int(chunk[12:17])
    if base <= 24 or base > len(chunk) or chunk[base - 1] != _FIELD_END_BYTE:
        raise _Refused(BASE_ADDRESS)
    directory = chunk[24 : base - 1]
    if not _DIRECTORY.fullmatch(directory):
        raise _Refused(DIRECTORY_DAMAGED)
    size = len(chunk)
    entries = []
    # Read as text once: the entries' tags come out as the text they are, without a decode each.
    for tag, length, start in _DIRECTORY_ENTRY.findall(directory.decode("latin-1")):
        first = base + int(start)
        end = first + int(length)
        if length == "0000" or end > size or chunk[end - 1] != _FIELD_END_BYTE:
            raise _Refused(DIRECTORY_MISMATCH)
        entries.append((tag, first, end - 1))
    return entries


def _format_of(tags: set[str]) -> str:
    """CNMARC/UNIMARC titles live in 200, MARC21 titles in 245; 008 and 100 break ties."""
    if "245" in tags:
        return MARC21
    if "200" in tags:
        return CNMARC
    if "008" in tags:
        return MARC21
    return CNMARC if "100" in tags else MARC21


def _candidates(chunk: bytes, fmt: str) -> tuple[str, ...]:
    """Character sets to try, most likely first.

    CNMARC: strict UTF-8, then GB18030 (a superset of GBK and GB2312) because
    suppliers send GBK whatever the leader says. MARC21: leader/09 'a' means
    UTF-8; otherwise MARC-8, unless the bytes are valid UTF-8 with no MARC-8
    escapes (a common export mistake).
    """
    if fmt == CNMARC:
        return (UTF8, GB18030)
    if chunk[9:10] == b"a":
        return (UTF8,)
    if _ESC in chunk or chunk.isascii():
        return (MARC8,)
    return (UTF8, MARC8)


def _decode_iso(chunk: bytes, encoding: str | None) -> tuple[Record, str, str]:
    if not chunk[:24].isascii():
        raise _Refused(LEADER_NOT_NUMERIC)
    entries = _directory(chunk)
    fmt = _format_of({tag for tag, _first, _end in entries})
    candidates = (encoding,) if encoding else _candidates(chunk, fmt)
    # Decoding the whole record is one fast C call; parsing is not. Try first the
    # character sets the bytes are valid in, so a GBK record is parsed once, not twice.
    if len(candidates) > 1 and (valid := next((c for c in candidates if _decodes(chunk, c)), None)):
        candidates = (valid, *(c for c in candidates if c != valid))
    for charset in candidates:
        try:
            record = _lean_parse(chunk, entries, charset) or _parse(chunk, charset)
        except UnicodeDecodeError:
            continue
        return record, fmt, charset  # the record's tags are the directory's
    raise _Refused(UNKNOWN_CHARSET)


def _decodes(chunk: bytes, charset: str) -> bool:
    """Whether every byte of ``chunk`` is valid in ``charset`` (MARC-8 is checked by parsing)."""
    if charset == MARC8:
        return True
    try:
        chunk.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _lean_parse(chunk: bytes, entries: list[tuple[str, int, int]], charset: str) -> Record | None:
    """The record ``_parse`` gives, built directly, or None where this cannot be sure it would.

    pymarc's parse is a third of an import's time: it decodes every subfield on its own and
    looks at the leader for each. In UTF-8 and GB18030 no byte of a multi-byte character is
    a field or subfield separator, so a field can be decoded whole and then split: the same
    text, at a fraction of the cost. Anything unusual (another character set, indicators that
    are not two ASCII characters, a subfield code that is not ASCII, bytes that do not decode,
    a record pymarc would refuse) is left to pymarc, with its repairs, warnings and refusals;
    tests compare the two on the shared corpus and on generated and damaged records.
    """
    if charset not in _BYTE_BOUNDED or not entries or len(chunk) < int(chunk[:5]):
        return None
    if not chunk[24 : int(chunk[12:17])].isascii():  # pymarc reads the directory as ASCII
        return None
    if _NON_ASCII_CODE.search(chunk):  # a subfield code pymarc would repair, with a warning
        return None
    fields = []
    try:
        for tag, first, end in entries:
            text = chunk[first:end].decode(charset)
            if tag < "010" and tag.isdigit():
                fields.append(Field(tag=tag, data=text))
                continue
            indicators = text.partition("\x1f")[0]
            if len(indicators) != 2 or not indicators.isascii():
                return None
            # The data field ``Field(tag, Indicators(*indicators), subfields)`` would give, without the
            # checks its constructor makes for values typed by hand: a record has dozens.
            field = _new_field(Field)
            field.tag, field.data, field.control_field = tag, None, False
            field.subfields = list(map(_tuple, repeat(Subfield), _SUBFIELDS.findall(text)))
            field._indicators = _tuple(Indicators, indicators)  # what the ``indicators`` setter stores
            fields.append(field)
    except UnicodeDecodeError:
        return None
    record = Record(fields=fields, force_utf8=charset == UTF8)
    leader = chunk[:24].decode("ascii")
    # pymarc's own path reads the leader as it is for UTF-8, and with leader/09 blanked otherwise.
    record.leader = Leader(leader if charset == UTF8 else leader[:9] + " " + leader[10:])
    return record


# A subfield separator followed by a byte that is not ASCII, in the record's bytes: a subfield
# code that is not ASCII (or, in a control field, a byte that could not be one: left to pymarc too).
_NON_ASCII_CODE = re.compile(b"\x1f[\x80-\xff]")
# Each subfield's code and value; an empty one (two separators together) is skipped, as pymarc does.
_SUBFIELDS = re.compile("\x1f([^\x1f])([^\x1f]*)")
# Subfields and indicators are named tuples: made as tuples, they skip a Python-level call each.
_tuple = tuple.__new__
_new_field = object.__new__


def _parse(chunk: bytes, charset: str) -> Record:
    """Let pymarc parse ``chunk`` decoding text as ``charset``, then mark the record Unicode."""
    try:
        if charset == UTF8:
            record = Record(chunk, force_utf8=True, utf8_handling="strict")
        else:
            # pymarc decodes as UTF-8 whenever leader/09 is 'a'; blank it so our choice wins.
            unflagged = chunk[:9] + b" " + chunk[10:]
            file_encoding = "iso8859-1" if charset == MARC8 else charset
            with contextlib.redirect_stderr(io.StringIO()) as said:  # pymarc's MARC-8 reader prints to stderr
                record = Record(unflagged, file_encoding=file_encoding, hide_utf8_warnings=True)
            _hearing.lines.extend(line for line in said.getvalue().splitlines() if line.strip())
    except UnicodeDecodeError:  # a ValueError too, but it means "try the next charset"
        raise
    except marc_errors.TruncatedRecord:
        raise _Refused(CUT_SHORT) from None
    except (marc_errors.BaseAddressInvalid, marc_errors.BaseAddressNotFound):
        raise _Refused(BASE_ADDRESS) from None
    except marc_errors.RecordLeaderInvalid:
        raise _Refused(LEADER_NOT_NUMERIC) from None
    except marc_errors.NoFieldsFound:
        raise _Refused(NO_FIELDS) from None
    except (marc_errors.RecordDirectoryInvalid, ValueError, IndexError):
        raise _Refused(DIRECTORY_DAMAGED) from None
    except Exception:  # pymarc on hostile bytes: refuse the record, keep the file going
        raise _Refused(STRUCTURE_DAMAGED) from None
    return record


# --- MARCXML --------------------------------------------------------------


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _marcxml_records(data: bytes) -> tuple[str, list[ET.Element]] | Message:
    """The file's character set and its record elements, or why the whole file is refused.

    Every element named 'record' holding leader/controlfield/datafield is a record.
    That covers plain MARCXML collections, the CNMARC namespace and SRU envelopes
    (dp2), whose outer <record> wraps the MARC record.
    """
    declared = _XML_DECLARED.search(data[:200])
    try:
        charset = _normalise_encoding(declared.group(1).decode("ascii")) if declared else UTF8
    except ValueError:
        return XML_UNKNOWN_CHARSET
    if charset != UTF8 and declared:
        # expat cannot read multi-byte charsets such as GBK: decode here, hand it UTF-8.
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            return XML_WRONG_CHARSET
        start, end = declared.span(1)
        data = (data[:start].decode("ascii") + "UTF-8" + text[len(data[:end].decode(charset)) :]).encode()
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        line = error.position[0] if error.position else 0
        return message("catalogue.marc_xml_not_well_formed", "the XML is not well-formed (line {line})", line=line)
    elements = [
        element
        for element in root.iter()
        if _local(element.tag) == "record" and any(_local(c.tag) in _CONTENT_TAGS for c in element)
    ]
    return (charset, elements) if elements else XML_NO_RECORDS


def _read_marcxml(charset: str, elements: list[ET.Element]) -> Iterator[ParsedRecord | Reject]:
    for number, element in enumerate(elements, 1):
        try:
            record = _record_from_xml(element)
            parsed = _finish(number, None, record, _format_of({f.tag for f in record.fields}), charset)
        except _Refused as refused:
            yield Reject(number, None, record_reason(number, None, refused.problem))
            continue
        finally:
            _log_heard(number, None)
        yield parsed


def _blank(value: str | None) -> str:
    """'-' and '#' stand for blanks in some exports (dp2, Catmandu)."""
    value = (value or " ")[:1]
    return " " if value in "-#" else value


def _record_from_xml(element: ET.Element) -> Record:
    record = Record()
    for child in element:
        name = _local(child.tag)
        if name == "leader":
            text = (child.text or "").replace("-", " ").replace("#", " ")
            record.leader = Leader(text[:24].ljust(24))
        elif name == "controlfield":
            record.add_field(Field(tag=_tag(child), data=child.text or ""))
        elif name == "datafield":
            subfields = []
            for sub in child:
                if _local(sub.tag) != "subfield":
                    continue
                code = sub.get("code")
                if not code:
                    raise _Refused(SUBFIELD_WITHOUT_CODE)
                subfields.append(Subfield(code=code, value=sub.text or ""))
            indicators = Indicators(_blank(child.get("ind1")), _blank(child.get("ind2")))
            record.add_field(Field(tag=_tag(child), indicators=indicators, subfields=subfields))
    if not record.fields:
        raise _Refused(NO_FIELDS)
    return record


def _tag(element: ET.Element) -> str:
    tag = (element.get("tag") or "").strip()
    if not tag:
        raise _Refused(FIELD_WITHOUT_TAG)
    return tag


# --- both -----------------------------------------------------------------


def _finish(
    number: int, offset: int | None, record: Record, fmt: str, charset: str, *, measured: bool = False
) -> ParsedRecord:
    """Check the size, mark the record Unicode, tidy CNMARC's '#' blanks in 100$a, extract,
    refuse title-less records.

    ``measured``: the record's bytes already show it within the size limits. Leader/09
    becomes 'a' whatever the source claimed: the record now holds Unicode, so writing it
    back out (as pymarc does, in UTF-8) must not claim MARC-8 or GBK.
    """
    if not measured and (problem := size_problem(record)):
        raise _Refused(problem)
    leader = str(record.leader)
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    if fmt == CNMARC:
        for field in record.get_fields("100"):
            if not field.is_control_field() and (value := field.get("a")) and "#" in value:
                field["a"] = value.replace("#", " ")
    try:
        fields = extract(record, fmt)
    except Exception:  # a field shaped in a way no rule expects: refuse, don't crash
        raise _Refused(STRUCTURE_DAMAGED) from None
    if not fields.title:
        raise _Refused(NO_TITLE)
    return ParsedRecord(number=number, offset=offset, record=record, format=fmt, encoding=charset, fields=fields)
