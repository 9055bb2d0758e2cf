"""The one family of failures that services raise.

Every message is translated when the error is raised, so the screens and the
command line show it as it is and never compose it themselves.
"""

from __future__ import annotations


class IlsError(Exception):
    """A failure the user can understand and act on; ``str(error)`` is translated."""

    exit_code = 1


class NotFound(IlsError):
    """A barcode, card, branch, staff member or file that does not exist."""


class Invalid(IlsError):
    """Input that breaks a rule: a malformed value, a duplicate, a wrong state."""


class PermissionDenied(IlsError):
    """The staff member's roles do not allow the action; the refusal is journaled."""


class LoginFailed(IlsError):
    """Wrong user name or password, or a locked or inactive account."""


class DatabaseProblem(IlsError):
    """The database file cannot be used: not a database, too new, unwritable, full."""
