"""Every word Click can print to a user is in the catalogue, in both languages."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from ils.cli import click_words
from ils.i18n import translate


def _clicks_own_strings() -> set[str | tuple[str, str]]:
    """The literal ids Click's modules pass to ``_`` and ``ngettext``, read from its source."""
    found: set[str | tuple[str, str]] = set()
    for name in click_words.MODULES:
        source = Path(importlib.import_module(name).__file__).read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            literals = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if node.func.id == "_" and literals:
                found.add(literals[0])
            elif node.func.id == "ngettext" and len(literals) >= 2:
                found.add((literals[0], literals[1]))
    return found


def test_every_click_string_is_routed_or_named_as_never_shown():
    routed = set(click_words.WORDS) | set(click_words.PLURAL_WORDS) | click_words.NOT_SHOWN
    missing = _clicks_own_strings() - routed
    assert not missing, f"Click strings neither translated nor named as never shown: {missing}"


def test_the_routed_words_have_chinese():
    for word in click_words.WORDS:
        assert translate(word, "zh_CN") != word, word
    for singular, _plural in click_words.PLURAL_WORDS:
        assert translate(singular, "zh_CN") != singular, singular
