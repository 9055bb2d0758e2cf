"""The composition root: read the language, build the command line, run it, say how it ended.

``ils`` alone opens the desk application; ``ils COMMAND`` runs one service
call. Scripts can tell the endings apart by the exit code:

- 0: done;
- 1 (``EXIT_REFUSED``): a refusal, in the user's language (``--json``: one
  ``{"error": {"code", "message"}}`` object on standard error);
- 2 (``EXIT_USAGE``): the command line was used wrongly (Click's own errors,
  translated);
- 70 (``EXIT_CRASH``): a fault in the program. The traceback goes to the log
  beside the database (``ils.logs``), never to the terminal, which gets one
  sentence saying where the log is.

Everything printed passes through ``harmless_streams`` (control characters from
data are shown, not obeyed), and an argument or ``ILS_*`` variable that is not
valid UTF-8 is refused before anything reads it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ils.i18n import language_from_environment, normalise_language, set_language

if TYPE_CHECKING:
    from ils.cli.state import CliState
    from ils.errors import IlsError


def _language_from_argv(argv: Sequence[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _choose_language(args: Sequence[str]) -> None:
    chosen = _language_from_argv(args)
    try:
        set_language(normalise_language(chosen) if chosen else language_from_environment())
    except ValueError:
        set_language(language_from_environment())


def refuse_undecodable(args: Sequence[str], environ: Mapping[str, str]) -> None:
    """Refuse an argument or ``ILS_*`` variable that is not UTF-8 text.

    Python hands bytes that are not UTF-8 over as lone surrogates
    (``surrogateescape``); SQLite, the log and the terminal all refuse those later
    with a ``UnicodeEncodeError``. A file name in another encoding is refused too:
    rename the file.
    """
    from ils.errors import Invalid
    from ils.terminal import harmless

    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(
                "cli.argument_not_utf8",
                "Argument {number} is not valid text (UTF-8): {text}. Type it again, or rename the file it names.",
                number=number,
                text=harmless(arg),
            ) from None
    for name, value in environ.items():
        if not name.startswith("ILS_"):
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(
                "cli.environment_not_utf8", "The environment variable {name} is not valid text (UTF-8).", name=name
            ) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ils`` with ``argv``; returns the exit code (the console script exits with it)."""
    import click

    from ils.cli import cli, click_words
    from ils.cli.localize import localize
    from ils.cli.output import harmless_streams
    from ils.cli.state import CliState
    from ils.errors import EXIT_REFUSED, IlsError
    from ils.i18n import _

    args = list(sys.argv[1:] if argv is None else argv)
    _choose_language(args)
    localize(cli)
    click_words.install()
    state = CliState()
    with harmless_streams():
        try:
            refuse_undecodable(args, os.environ)
            # Without standalone mode click returns, rather than raises, a command's exit code.
            code = cli.main(args=args, prog_name="ils", standalone_mode=False, obj=state)
        except IlsError as error:
            _refused(error, state.as_json or "--json" in args)
            return error.exit_code
        except click.exceptions.Exit as done:
            return done.exit_code
        except click.ClickException as error:  # a UsageError's exit code is EXIT_USAGE (2)
            error.show()
            return error.exit_code
        except click.Abort:
            click.echo(_("Aborted!"), err=True)
            return EXIT_REFUSED
        except BrokenPipeError:  # whoever read the output stopped (``| head``): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_REFUSED
        except Exception as error:  # a fault in the program: logged, never shown as a traceback
            return _crashed(error, state)
        finally:
            state.close()
    return code if isinstance(code, int) else 0


def _refused(error: IlsError, as_json: bool) -> None:
    import click

    from ils.cli.output import refusal_json

    click.echo(refusal_json(error) if as_json else error.render(), err=True)


def _crashed(error: Exception, state: CliState) -> int:
    import click

    from ils.cli.output import to_json
    from ils.errors import EXIT_CRASH
    from ils.i18n import _
    from ils.logs import log_crash, start_log

    try:
        where = start_log(state.path)
        log_crash(f"ils {state.command}".strip(), error)
    except Exception:  # no folder for a log, or the log itself failing: still no traceback
        text = _(
            "ils stopped on an unexpected error (a fault in the program, not in what you typed); "
            "the details could not be written to a log."
        )
    else:
        text = _(
            "ils stopped on an unexpected error (a fault in the program, not in what you typed). "
            "The details are in {log}: send that file to whoever looks after the desks."
        ).format(log=where)
    if state.as_json:
        text = to_json({"error": {"code": "cli.crash", "message": text}})
    click.echo(text, err=True)
    return EXIT_CRASH


if __name__ == "__main__":
    sys.exit(main())
