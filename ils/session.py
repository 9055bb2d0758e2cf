"""A logged-in staff member at a node: the first argument of every service call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from ils.errors import PermissionDenied
from ils.i18n import _
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

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)


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
        if self.may(permission):
            return
        with self.library.write(self.staff.id) as writer:
            writer.journal("staff.refused", "staff", self.staff.id, {"permission": permission.value})
        raise PermissionDenied(
            _("{name} may not {action}.").format(
                name=self.staff.display_name, action=_(PERMISSION_LABELS[permission])
            )
        )

    @contextmanager
    def write(self) -> Iterator[Writer]:
        with self.library.write(self.staff.id) as writer:
            yield writer
