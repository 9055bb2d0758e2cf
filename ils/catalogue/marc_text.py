"""A MARC record as lines of text a cataloguer can read and edit, and back.

The layout is the one Chinese cataloguing clients and MarcEdit show::

    LDR 00000nam  2200000   450
    001 CAL 012000001
    200 1#$a红楼梦$f(清)曹雪芹著
    690 ##$aI242.4$v5

Three characters of tag, a space, then for a control field (tags below 010) the
data, and for a data field two indicators (``#`` for a blank, as CNMARC prints
them) and the subfields, each ``$`` plus its code. A ``$`` inside data is written
``{dollar}`` so it cannot start a subfield. Editing in this form needs no
per-tag forms, which is how cataloguers work fastest; every line that does not
parse is refused with its line number, and nothing is saved.
"""

from __future__ import annotations

import re

from pymarc import Field, Indicators, Leader, Record, Subfield

from ils.errors import Invalid, Message, message
from ils.i18n import N_
from ils.text_input import verbatim_input

DOLLAR = "{dollar}"
_TAG = re.compile(r"^[0-9A-Za-z]{3}$")
_BLANK = "#"


def _escape(value: str) -> str:
    return value.replace("$", DOLLAR)


def _indicator(value: str) -> str:
    return _BLANK if value in (" ", "", None) else value


def record_to_text(record: Record) -> str:
    lines = [f"LDR {record.leader}"]
    for field in record.fields:
        if field.is_control_field():
            lines.append(f"{field.tag} {field.data}")
            continue
        # A data field always has indicators (pymarc gives it blanks); only a control field has None.
        indicators = "".join(_indicator(i) for i in field.indicators or Indicators(" ", " "))
        subfields = "".join(f"${s.code}{_escape(s.value)}" for s in field.subfields)
        lines.append(f"{field.tag} {indicators}{subfields}")
    return "\n".join(lines)


def _line_error(number: int, problem: Message) -> Invalid:
    """The first bad line of an edited record: the problem's code, and the line it is on."""
    return Invalid(problem.code, "Line {line}: {problem}", line=number, problem=problem)


def _data_field(number: int, tag: str, rest: str) -> Field:
    if len(rest) < 3 or rest[2] != "$":
        raise _line_error(
            number,
            message(
                "catalogue.marc_text_indicators",
                "a data field needs two indicators (# for blank) and then $ and a subfield code",
            ),
        )
    indicators = Indicators(*(" " if ch == _BLANK else ch for ch in rest[:2]))
    subfields = []
    for chunk in rest[3:].split("$"):
        if not chunk:
            raise _line_error(
                number, message("catalogue.marc_text_subfield_code", "a $ must be followed by a subfield code")
            )
        subfields.append(Subfield(chunk[0], chunk[1:].replace(DOLLAR, "$")))
    return Field(tag=tag, indicators=indicators, subfields=subfields)


def text_to_record(text: str) -> Record:
    """Parse edited text; refuse the first bad line with its number and what is wrong."""
    text = verbatim_input(text, N_("Record"), multiline=True)  # fixed fields count their spaces
    record = Record(force_utf8=True)
    leader_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        tag, _sep, rest = line.partition(" ")
        if tag.upper() == "LDR":
            # Editors drop trailing blanks, and a leader often ends in one: pad, don't refuse.
            if not 20 <= len(rest) <= 24:
                raise _line_error(number, message("catalogue.marc_text_leader", "the leader must be 24 characters"))
            record.leader = Leader(rest.ljust(24))
            leader_seen = True
            continue
        if not _TAG.match(tag):
            raise _line_error(
                number, message("catalogue.marc_text_tag", "a line starts with a three-character tag such as 200")
            )
        if tag < "010" and tag.isdigit():
            record.add_field(Field(tag=tag, data=rest))
        else:
            record.add_field(_data_field(number, tag, rest))
    if not leader_seen:
        raise Invalid("catalogue.record_has_no_leader", "The record has no leader line (LDR).")
    if not record.fields:
        raise Invalid("catalogue.record_has_no_fields", "The record has no fields.")
    return record
