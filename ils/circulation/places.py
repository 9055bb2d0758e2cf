"""Where a desk stands: its branch and, when it has one, the service point (a desk, a room,
a van stop). Every loan, return and renewal records it, so loans count where they happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Branch
from ils.caches import cached
from ils.errors import NotFound
from ils.session import Session


@dataclass(frozen=True)
class Place:
    branch_id: str
    branch_code: str
    branch_name: str
    point_id: str | None = None
    point_code: str | None = None
    point_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.branch_name} · {self.point_name}" if self.point_name else self.branch_name


def place_of(session: Session, point: str | None = None) -> Place:
    """The desk's place: the given service point (code), or the node's branch.

    Asked at every loan and return, so a point's place is kept per connection (``ils.caches``).
    """
    if point:
        code = point.strip().upper()
        return cached(("place", code), lambda: _point_place(code, point.strip()))
    node = session.library.node
    return Place(node.branch_id, node.branch_code, node.branch_name)


def _point_place(code: str, typed: str) -> Place:
    row = Branch._meta.database.execute_sql(
        "SELECT b.id, b.code, b.name, p.id, p.code, p.name FROM service_point p JOIN branch b ON b.id = p.branch_id"
        " WHERE p.code = ?",
        (code,),
    ).fetchone()
    if row is None:
        raise NotFound("circ.service_point_not_found", "There is no service point with the code {code}.", code=typed)
    return Place(*row)


def branch_name(branch_id: str) -> str:
    return cached(("branch_name", branch_id), lambda: Branch.get_by_id(branch_id).name)
