"""Click's own words (usage, headings, common errors) in the user's language.

Click looks its strings up through ``gettext`` each time it prints them; the
modules' ``_`` and ``ngettext`` names are pointed at ils's catalogue so those
words come out in Chinese or English like the rest. The ids below are Click's
exact source strings; a string not listed stays in Click's English.
"""

from __future__ import annotations

import importlib

from ils.i18n import N_, _, ngettext

WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Error: {message}"), N_("Aborted!"),
    N_("Try '{command} {option}' for help."), N_("Missing argument"), N_("Missing option"),
    N_("Missing parameter"), N_("Missing command."), N_("No such option {name!r}."), N_("No such command {name!r}."),
    N_("Invalid value for {param_hint}: {message}"), N_("Invalid value: {message}"),
    N_("Repeat for confirmation"), N_("Error: The two entered values do not match."), N_("default: {default}"),
    N_("env var: {var}"), N_("{value!r} is not a valid {number_type}."),
    N_("Show this message and exit."), N_("Show the version and exit."),
)
_MODULES = ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types", "click.decorators",
            "click.termui")


def install() -> None:
    for name in _MODULES:
        module = importlib.import_module(name)
        module._ = _
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
