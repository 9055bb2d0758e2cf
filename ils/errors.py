"""The one family of failures that services raise, and the messages they carry.

A service never composes the sentence a person reads. It raises an error with a
stable ``code`` (``circ.copy_on_loan``), the English template that is the
translation catalogue's message id, and the parameters. The edge that shows it
(the desk, the command line, a SIP2 terminal, the union) renders it in its own
caller's language; a SIP2 server maps the codes of a refusal's reasons to
patron-status bits without reading any prose. Tests assert codes.

``tools/i18n.py`` extracts the template (the second argument) of every
``IlsError`` subclass and of ``Message``, so a new error class is picked up by
the catalogue without being listed anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from ils.i18n import ngettext, translate

EXIT_REFUSED = 1
"""A service refused (a rule, bad input, not found, no permission)."""
EXIT_USAGE = 2
"""The command line was used wrongly (an unknown option, a missing argument)."""
EXIT_CRASH = 70
"""Something the program did not expect (EX_SOFTWARE): a bug, reported with its log."""


@dataclass(frozen=True)
class Message:
    """A sentence not yet rendered: what was meant (``code``), how it reads in English, and its values.

    A parameter may itself be a ``Message`` (a status label inside a refusal); it is
    rendered in the same language. With ``plural`` set, ``count`` picks the form.
    """

    code: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None

    def render(self, language: str | None = None) -> str:
        values = {
            name: value.render(language) if isinstance(value, Message) else value for name, value in self.params.items()
        }
        if self.plural is not None:
            text = ngettext(self.template, self.plural, int(values.get("count", 0)), language)
        else:
            text = translate(self.template, language)
        return text.format(**values)

    def __str__(self) -> str:
        return self.render()


def message(code: str, template: str, /, **params: Any) -> Message:
    """A ``Message``; the short form services use for reasons and notes."""
    return Message(code, template, params)


def plural_message(code: str, singular: str, plural: str, /, count: int, **params: Any) -> Message:
    """A ``Message`` whose English form depends on ``count`` ("1 loan", "2 loans")."""
    return Message(code, singular, {"count": count, **params}, plural)


class IlsError(Exception):
    """A failure the user can understand and act on.

    ``code`` is stable across versions and languages; ``str(error)`` is the message
    in the language of the current call.
    """

    exit_code = EXIT_REFUSED

    def __init__(self, code: str, template: str, /, **params: Any) -> None:
        self.message = Message(code, template, params)
        super().__init__(code)

    @classmethod
    def counted(cls, code: str, singular: str, plural: str, /, count: int, **params: Any) -> Self:
        """The error whose English form depends on ``count`` ("1 hold", "2 holds")."""
        error = cls(code, singular, count=count, **params)
        error.message = plural_message(code, singular, plural, count=count, **params)
        return error

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> Mapping[str, Any]:
        return self.message.params

    def render(self, language: str | None = None) -> str:
        return self.message.render(language)

    def __str__(self) -> str:
        return self.message.render()


class NotFound(IlsError):
    """A barcode, card, branch, staff member or file that does not exist."""


class Invalid(IlsError):
    """Input that breaks a rule: a malformed value, a duplicate, a wrong state."""


class Conflict(IlsError):
    """Another desk changed the same thing first: a copy lent, a number taken, a row gone.

    Raised by the write path when the database refuses a write on a unique or
    foreign key, so a lost race reads as a refusal and never as a traceback.
    """


class PermissionDenied(IlsError):
    """The staff member's roles do not allow the action; the refusal is journaled."""


class LoginFailed(IlsError):
    """Wrong user name or password, or a locked or inactive account."""


class DatabaseProblem(IlsError):
    """The database file cannot be used: not a database, too new, unwritable, full."""
