"""Checks shared by every service that takes codes and names typed at a desk."""

from __future__ import annotations

import re

from ils.errors import Invalid
from ils.text import fold

_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
_SPACES_AND_HYPHENS = re.compile(r"[\s\-]")


def clean_code(code: str) -> str:
    cleaned = code.strip().upper()
    if not _CODE.match(cleaned):
        raise Invalid(
            "validation.code_letters_digits_starting",
            "A code has 1 to 16 letters, digits, '-' or '_', starting with a letter or digit: {code}",
            code=code,
        )
    return cleaned


def typed_number(text: str | None) -> str:
    """A number as a scanner or a typist sends it (card, ID, phone), as it is compared:
    full-width digits and letters folded (NFKC), spaces and hyphens dropped."""
    return _SPACES_AND_HYPHENS.sub("", fold(text))


def clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise Invalid("validation.name_empty", "A name cannot be empty.")
    return cleaned
