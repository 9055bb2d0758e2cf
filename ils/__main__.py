"""The composition root: read the language, build the command line, run it.

``ils`` alone opens the desk application; ``ils COMMAND`` runs one service
call. Failures print a message in the user's language and exit non-zero.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ils.i18n import language_from_environment, normalise_language, set_language


def _language_from_argv(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ils`` with ``argv``; returns the exit code (the console script exits with it)."""
    import click

    from ils.cli import cli, click_words
    from ils.cli.localize import localize
    from ils.errors import IlsError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        set_language(normalise_language(_language_from_argv(args)) if _language_from_argv(args) else language_from_environment())
    except ValueError:
        set_language(language_from_environment())
    localize(cli)
    click_words.install()
    try:
        # Without standalone mode click returns, rather than raises, a command's exit code.
        code = cli.main(args=args, prog_name="ils", standalone_mode=False)
    except IlsError as error:
        click.echo(str(error), err=True)
        return error.exit_code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("", err=True)
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
