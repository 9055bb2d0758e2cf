"""Translate command help once the language is known.

Click evaluates ``help=`` when the module is imported, before ``--lang`` is
read, so help texts are written as ``N_("...")`` message ids and translated
here, walking the command tree. The ids are kept, so a second call in another
language (tests do this) translates from the source again.
"""

from __future__ import annotations

import click

from ils.i18n import _


def _translate(obj: object, attribute: str) -> None:
    original_attr = f"_ils_msgid_{attribute}"
    original = getattr(obj, original_attr, None)
    if original is None:
        original = getattr(obj, attribute, None)
        if not original:
            return
        setattr(obj, original_attr, original)
    setattr(obj, attribute, _(original))


def localize(command: click.Command) -> None:
    _translate(command, "help")
    _translate(command, "short_help")
    for param in command.params:
        _translate(param, "help")
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localize(sub)
