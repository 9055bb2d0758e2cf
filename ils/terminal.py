"""Text from data made harmless before it reaches a terminal.

A MARC title, a reader's name or a typed search can carry control characters: an
escape sequence (``ESC ] 0 ; ... BEL`` retitles the window, ``ESC [ 2 J`` clears the
screen, some terminals answer queries by typing into the shell), a bell, a NUL, a
C1 control (``U+009B`` is a one-character CSI), a right-to-left override that makes
a line read backwards. Neither Click nor Textual removes them: Textual passes ESC
straight to the terminal (``tests/ui/test_terminal_safety.py`` shows what reaches
it). Every edge that prints data runs it through here first: the command line's
output streams and JSON (``ils.cli.output``) and the desks (``screens.work`` and
the shared widgets).

Nothing is dropped silently: each character is replaced by something visible that
names it (``␛`` for ESC, ``\\x9b``), so a librarian can see that a record holds
rubbish and fix it. Lone surrogates (bytes that were not UTF-8, carried through
Python's ``surrogateescape``) show as the byte they stand for.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

_CONTROL_PICTURES = 0x2400  # U+2400 ␀ ... U+241F ␟: the visible picture of each C0 control
_DEL_PICTURE = "\u2421"  # ␡
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")
_UNSAFE_KEEPING_NOTHING = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")
# What JSON must still escape after json.dumps(ensure_ascii=False), which escapes only C0.
_UNSAFE_IN_JSON = re.compile(f"[\x7f-\x9f{_BIDI_CONTROLS}\ud800-\udfff]")


def _picture(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(_CONTROL_PICTURES + code)
    if code == 0x7F:
        return _DEL_PICTURE
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def harmless(text: str, *, lines: bool = True) -> str:
    """``text`` with every control character shown instead of obeyed.

    With ``lines`` (the default) newline and tab are kept, so multi-line output keeps
    its layout; without it they are shown too (one table cell, one status line).
    Returns ``text`` itself when there is nothing to replace.
    """
    pattern = _UNSAFE if lines else _UNSAFE_KEEPING_NOTHING
    if pattern.search(text) is None:
        return text
    return pattern.sub(_picture, text)


def harmless_json(document: str) -> str:
    """JSON text with the characters a terminal could obey written as ``\\uXXXX`` escapes.

    ``json.dumps(..., ensure_ascii=False)`` already escapes C0 controls; DEL, C1,
    direction overrides and lone surrogates can only occur inside strings, where the
    escape stands for the same character: a script reading the JSON gets the data
    unchanged, a terminal showing it gets nothing to obey.
    """
    if _UNSAFE_IN_JSON.search(document) is None:
        return document
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def harmless_values(value: Any, _depth: int = 0) -> Any:
    """A service result with every string in it made harmless, for a screen to show.

    Walks frozen dataclasses, tuples, lists and dicts; returns the very same object
    when nothing in it needed changing, so the common case costs one scan of the
    strings. Other objects (a ``Library``, a date) are returned as they are.
    """
    if isinstance(value, str):
        return harmless(value)
    if _depth > 20 or value is None or isinstance(value, (int, float, bytes)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for item in dataclasses.fields(value):
            old = getattr(value, item.name, None)
            new = harmless_values(old, _depth + 1)
            if new is not old:
                changed[item.name] = new
        if not changed:
            return value
        cleaned = copy.copy(value)
        for name, new in changed.items():
            object.__setattr__(cleaned, name, new)  # frozen dataclasses too: this is a fresh copy
        return cleaned
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        items = [harmless_values(item, _depth + 1) for item in value]
        if all(new is old for new, old in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        pairs = [(harmless_values(k, _depth + 1), harmless_values(v, _depth + 1)) for k, v in value.items()]
        if all(nk is k and nv is v for (nk, nv), (k, v) in zip(pairs, value.items(), strict=True)):
            return value
        return dict(pairs)
    return value
