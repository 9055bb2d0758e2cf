"""Text typed or scanned at a desk, checked before any service looks at it.

Whatever arrives from a keyboard, a barcode scanner or a command line passes
``clean_input`` at the service's entry, so the text a service stores, searches
for or prints is the text the person meant, or the person is told why not:

- a lone surrogate (what Python makes of bytes that are not UTF-8, e.g. a command
  line argument ``$'\\xff'``) or undecodable bytes are refused: the database and
  the terminal cannot hold them, and a guess would store something nobody typed;
- NUL, control and escape characters (a scanner's stray ESC, a pasted terminal
  sequence) and the bidirectional overrides that make text display differently
  from what it holds are refused: text must not lie about itself;
- an empty field is refused with the field's name;
- NFKC folds full-width letters and digits to the ASCII a scanner or an IME meant,
  where the field wants it (codes and numbers; names keep what was typed).

The refusal names the field in the caller's language: ``field`` is the label
marked with ``N_`` (``N_("Name")``) and is translated when the refusal is shown.
"""

from __future__ import annotations

import re

from ils import text as chinese_text
from ils.errors import Invalid, Message
from ils.i18n import N_

#: Control characters (C0 and C1, NUL and ESC among them), then what makes text show
#: something other than what it holds: the bidirectional embeddings, overrides and
#: isolates (Trojan Source), a zero-width space and a BOM inside text (two names that
#: look the same would not be the same). A tab is a space; a multi-line field keeps line breaks.
_HIDDEN = "\u202a-\u202e\u2066-\u2069\u200b\ufeff"
_REFUSED_LINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_HIDDEN}]")
_REFUSED_LINES = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_HIDDEN}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a scanner or a keyboard adds around a code: Enter, Tab, spaces.
_AROUND = " \t\r\n"
_SPACES = re.compile(r"[^\S\n]+")


def field_label(field: str) -> Message:
    """A field's label as a refusal's parameter, translated where the refusal is shown."""
    return Message("input.field", field)


def _decoded(text: str | bytes | None, field: str) -> str:
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            raise Invalid(
                "input.not_text",
                "{field} holds bytes that are not text (a damaged scan or paste); type it again.",
                field=field_label(field),
            ) from None
    return text or ""


def _refuse_unstorable(text: str, field: str, multiline: bool) -> str:
    """``text`` as it is, refused if it holds what cannot be stored or shown truthfully."""
    if _SURROGATE.search(text):
        raise Invalid(
            "input.not_text",
            "{field} holds bytes that are not text (a damaged scan or paste); type it again.",
            field=field_label(field),
        )
    if refused := (_REFUSED_LINES if multiline else _REFUSED_LINE).search(text):
        raise Invalid(
            "input.control_character",
            "{field} holds a control character (U+{code}) that cannot be stored; type it again without it.",
            field=field_label(field),
            code=f"{ord(refused[0]):04X}",
        )
    return text


def verbatim_input(text: str | bytes | None, field: str, *, multiline: bool = False) -> str:
    """``text`` exactly as typed, refused only if it cannot be stored: for a password (every
    space counts) or a MARC record being edited (fixed fields count their spaces)."""
    return _refuse_unstorable(_decoded(text, field), field, multiline)


def clean_input(
    text: str | bytes | None,
    field: str = N_("Text"),
    *,
    required: bool = True,
    fold: bool = False,
    multiline: bool = False,
    max_length: int | None = None,
) -> str:
    """``text`` stripped and checked; ``""`` for an empty optional field.

    ``fold`` applies NFKC (full-width to ASCII, compatibility forms to their plain
    letters) for codes, numbers and search text. Runs of spaces become one space;
    with ``multiline`` line breaks and tabs are kept (notes, a privacy notice).
    """
    text = _refuse_unstorable(_decoded(text, field).strip(_AROUND), field, multiline)
    if fold:
        text = chinese_text.fold(text)
    if multiline:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in lines)
    else:
        text = _SPACES.sub(" ", text)
    text = text.strip()
    if not text and required:
        raise Invalid("input.empty", "{field} cannot be empty.", field=field_label(field))
    if max_length is not None and len(text) > max_length:
        raise Invalid(
            "input.too_long", "{field} has at most {count} characters.", field=field_label(field), count=max_length
        )
    return text


def readable_file_name(name: str) -> str:
    """A file's name as the system gave it, made storable without inventing anything.

    On Linux a name is bytes; Python hands over the bytes that are not UTF-8 as lone
    surrogates. A supplier's file copied from a Chinese Windows desk is named in GBK, so
    those bytes are read as GB18030; what no encoding reads is shown as U+FFFD.
    """
    raw = name.encode("utf-8", "surrogateescape")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")
