"""Click's own words (usage, headings, every error a user can cause) in the user's language.

Click looks its strings up through ``gettext`` each time it prints them; the
modules' ``_`` and ``ngettext`` names are pointed at ils's catalogue so those
words come out in Chinese or English like the rest. The ids below are Click's
exact source strings. ``tests/cli/test_click_words.py`` reads every string Click's
modules translate and fails when one is neither here nor in ``NOT_SHOWN`` (the
messages only a programmer or a feature ils does not use can trigger), so a
Click upgrade cannot bring English back unnoticed.
"""

from __future__ import annotations

import importlib

from ils import i18n
from ils.i18n import N_


def ngettext(singular: str, plural: str, n: int = 1) -> tuple[str, str]:
    """Mark a plural pair for the catalogue (``tools/i18n.py`` reads this name); returns it unchanged."""
    return singular, plural


WORDS = (
    # help pages
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Positional arguments"),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("(dynamic)"),
    N_("deprecated"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("%(prog)s, version %(version)s"),
    N_("Choice({choices})"),
    # errors a user can cause by typing
    N_("Error: {message}"),
    N_("Aborted!"),
    N_("Try '{command} {option}' for help."),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("Missing {param_type}"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"),
    N_("unknown error"),
    N_("Could not open file {filename!r}: {message}"),
    N_("Invalid start character for option ({option})"),
    N_("Option {name!r} does not take a value."),
    N_("Argument {name!r} takes {nargs} values."),
    N_("Value must be an iterable."),
    N_("Choose from:\n\t{choices}"),
    N_("file"),
    N_("directory"),
    N_("path"),
    N_("{value} is not in the range {range}."),
    N_("{value!r} is not a valid boolean. Recognized values: {states}"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value!r} is not a valid UUID."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("{name} {filename!r} is not writable."),
    N_("{name} {filename!r} is not executable."),
    N_("{name} {filename!r} does not exist."),
    # prompts
    N_("Repeat for confirmation"),
    N_("Error: The two entered values do not match."),
    N_("Error: invalid input"),
    N_("Do you want to continue?"),
    N_("Confirm the action without prompting."),
    N_("Press any key to continue..."),
)
PLURAL_WORDS = (
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    ngettext("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."),
    ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    ngettext("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."),
    ngettext(
        "{len_type} values are required, but {len_value} was given.",
        "{len_type} values are required, but {len_value} were given.",
    ),
)
NOT_SHOWN = frozenset(
    {
        # mistakes in declaring commands, found by the tests before a user sees them
        "Could not determine name for option with declarations {decls!r}",
        "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
        "Did you mean to pass '--{name}'?",
        "Arguments take exactly one parameter declaration, got {length}: {decls}.",
        "Name '{name}' defined twice",
        "Boolean option {decl!r} cannot use the same flag for true/false.",
        "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
        "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
        "Unknown color {colour!r}",
        "Unknown standard stream '{name}'",
        # the external editor and its progress bars: ils uses neither
        "{editor}: Editing failed",
        "{editor}: Editing failed: {e}",
        "d",
    }
)
MODULES = (
    "click.core",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.decorators",
    "click.termui",
    "click.utils",
    "click._termui_impl",
)


def install() -> None:
    """Point Click's lookups at ils's catalogue (in the language of the current call)."""
    for name in MODULES:
        module = importlib.import_module(name)
        module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]
