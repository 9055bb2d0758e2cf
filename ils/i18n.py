"""Translations: Chinese by default, English on request, switchable while running.

Message ids are English source strings; ``locale/zh_CN.po`` and ``locale/en.po``
hold the text users see. The ``.po`` files are read directly (through Babel) so
there is no compiled artefact to forget to rebuild; a test checks that every
string in the code has a translation in both catalogues.

``_`` looks the language up at call time, so a screen that redraws after the
language toggle shows the new language. Strings needed before a language is
chosen (binding descriptions, command help) are marked with ``N_`` and
translated where they are shown.

The language of a call lives in a context variable (``use_language``), so a
server answering several staff or terminals in one process (SIP2, the union)
speaks each one's language. A process that serves one person (the desk, one
CLI command) sets its default with ``set_language``; a context that has not
chosen falls back to it. Threads do not inherit context variables, so whoever
hands work to a thread (``screens.work.call_service``) passes the language on.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LANGUAGES: dict[str, str] = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"
LOCALE_DIR = Path(__file__).with_name("locale")

_process_default = DEFAULT_LANGUAGE
_call_language: ContextVar[str | None] = ContextVar("ils_language", default=None)


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
    """Switch this process's default language (the desk's F2, the CLI's ``--lang``); returns the code used."""
    global _process_default
    _process_default = normalise_language(code)
    return _process_default


@contextmanager
def use_language(code: str | None) -> Iterator[str]:
    """Speak ``code`` for everything translated inside the block, in this context only."""
    token = _call_language.set(normalise_language(code) if code else current_language())
    try:
        yield current_language()
    finally:
        _call_language.reset(token)


def current_language() -> str:
    return _call_language.get() or _process_default


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


def translate(message: str, language: str | None = None) -> str:
    """The message in ``language``, or in the language of this call."""
    return _catalogue(language or current_language()).gettext(message)


def _(message: str) -> str:
    """The message in the language of this call."""
    return _catalogue(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    """Plural-aware lookup: English needs it, Chinese has one form."""
    return _catalogue(language or current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it yet."""
    return message
