"""A logged-in staff member at a node: the first argument of every service call."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Concatenate, ParamSpec, TypeVar

from ils.errors import PermissionDenied, message
from ils.library import Library, Writer
from ils.permissions import PERMISSION_LABELS, Permission, Role, permissions_of


@dataclass(frozen=True)
class StaffIdentity:
    id: str
    username: str
    display_name: str
    roles: frozenset[Role]
    branch_id: str | None
    language: str | None
    high_contrast: bool = False  # the large-text, high-contrast display, remembered like the language

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)


_SERVING: ContextVar[frozenset[Permission]] = ContextVar("ils_serving", default=frozenset())


def serving_may(permission: Permission) -> bool:
    """Whether the staff member the current service call serves may ``permission``.

    Set by ``Session.require``, which every service calls first, like the language of a call: the
    code that builds what a call returns asks it to leave out what only some roles may see (who is
    visually impaired, DOMAIN 5.2.3) without every summary taking the session along. Outside a
    service call nothing is permitted, so nothing hidden is shown by mistake.
    """
    return permission in _SERVING.get()


class Session:
    def __init__(self, library: Library, staff: StaffIdentity) -> None:
        self.library = library
        self.staff = staff

    def now(self) -> dt.datetime:
        return self.library.now()

    def may(self, permission: Permission) -> bool:
        return permission in self.staff.permissions

    def require(self, permission: Permission) -> None:
        """Refuse, and journal the refusal, when the staff member lacks ``permission``."""
        _SERVING.set(self.staff.permissions)
        if self.may(permission):
            return
        with self.library.write(self.staff.id) as writer:
            writer.refusal("staff.refused", "staff", self.staff.id, {"permission": permission.value})
        raise PermissionDenied(
            "staff.not_permitted",
            "{name} may not {action}.",
            name=self.staff.display_name,
            action=message(f"permission.{permission.value}", PERMISSION_LABELS[permission]),
        )

    @contextmanager
    def write(self) -> Iterator[Writer]:
        with self.library.write(self.staff.id) as writer:
            yield writer


P = ParamSpec("P")
R = TypeVar("R")


def writes(body: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run a service that reads, decides and writes wholly inside one write transaction.

    The write lock is taken before the body's first read, so what it decides on cannot
    change under it (two desks lending one copy, two returning it). The body's own
    ``session.write()`` joins this transaction. A refusal rolls everything back.
    """

    @functools.wraps(body)
    def run(session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with session.write():
            return body(session, *args, **kwargs)

    run.__ils_writes__ = True  # type: ignore[attr-defined]  # read by the test that every deciding service is wrapped
    return run
