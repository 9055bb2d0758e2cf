"""Every ``ils`` command the user guide shows parses as written (datasette's habit): a command
that was renamed, an option that moved (``ils --json check`` is ``ils check --json``) or one
that never existed fails here, not in front of a librarian copying it from the guide.

Commands are parsed, not run: the guide's files and card numbers are examples. A file argument
that must exist counts as parsed.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from ils.cli.group import cli
from ils.cli.state import CliState

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "user-guide"
FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
ASSIGNMENT = re.compile(r"^[A-Z_]+=")


def guide_commands() -> list[tuple[str, str]]:
    """(page, command) for each command a code block runs with ``ils``; ``a ; b`` are two, and the
    brackets of a synopsis (``[--branch ZG]``) are read as if the option were given."""
    found: list[tuple[str, str]] = []
    for page in sorted(GUIDE.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        lines = [
            part.replace("[", "").replace("]", "")
            for block in FENCE.findall(text)
            for line in block.splitlines()
            for part in line.split(" ; ")
        ]
        for line in lines:
            words = shlex.split(line, comments=True) if line.strip() else []
            while words and (words[0] == "export" or ASSIGNMENT.match(words[0])):
                words = words[1:] if words[0] != "export" else []
            if words and words[0] == "ils":
                found.append((page.name, line.strip()))
    return found


def parse(command: click.Command, args: list[str], parent: click.Context | None = None) -> None:
    """Parse ``args`` as Click would before running ``command``, down to the subcommand."""
    # ``ils.__main__`` hands the root group the state its options fill in (``--db`` of the union).
    obj = CliState() if parent is None else None
    ctx = command.make_context(command.name or "ils", args, parent=parent, resilient_parsing=False, obj=obj)
    if isinstance(command, click.Group):
        rest = [*ctx._protected_args, *ctx.args]
        if rest:
            _name, sub, rest = command.resolve_command(ctx, rest)
            assert sub is not None
            parse(sub, rest, ctx)


COMMANDS = guide_commands()


def test_the_guide_shows_commands():
    assert len(COMMANDS) > 20


@pytest.mark.parametrize(("page", "line"), COMMANDS, ids=[f"{page}:{line[:40]}" for page, line in COMMANDS])
def test_a_command_in_the_user_guide_parses(page, line):
    words = shlex.split(line, comments=True)
    while words[0] != "ils":
        words = words[1:]
    try:
        parse(cli, words[1:])
    except click.BadParameter as error:
        if "does not exist" not in str(error.format_message()) and "不存在" not in error.format_message():
            raise
    except click.UsageError as error:
        pytest.fail(f"{page}: {line}: {error.format_message()}")
