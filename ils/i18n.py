"""Translations: Chinese by default, English on request, switchable while running.

Message ids are English source strings; ``locale/zh_CN.po`` and ``locale/en.po``
hold the text users see. The ``.po`` files are read directly (through Babel) so
there is no compiled artefact to forget to rebuild; a test checks that every
string in the code has a translation in both catalogues.

``_`` looks the language up at call time, so a screen that redraws after the
language toggle shows the new language. Strings needed before a language is
chosen (binding descriptions, command help) are marked with ``N_`` and
translated where they are shown.
"""

from __future__ import annotations

import gettext
import io
import os
from functools import cache
from pathlib import Path

LANGUAGES: dict[str, str] = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
LOCALE_DIR = Path(__file__).with_name("locale")

_current = DEFAULT_LANGUAGE


def normalise_language(code: str | None) -> str:
    """Map what a user may type (zh, zh-CN, zh_CN.UTF-8, EN) onto a known language."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.split(".")[0].replace("-", "_").lower()
    if base.startswith("zh"):
        return "zh_CN"
    if base.startswith("en"):
        return "en"
    raise ValueError(code)


def language_from_environment() -> str:
    """``ILS_LANG`` if set and known, else Chinese: the desks speak Chinese first."""
    try:
        return normalise_language(os.environ.get("ILS_LANG"))
    except ValueError:
        return DEFAULT_LANGUAGE


def set_language(code: str) -> str:
    """Switch the language for everything translated from now on; returns the code used."""
    global _current
    _current = normalise_language(code)
    return _current


def current_language() -> str:
    return _current


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / f"{language}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """The message in the current language."""
    return _catalogue(_current).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware lookup: English needs it, Chinese has one form."""
    return _catalogue(_current).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it yet."""
    return message
