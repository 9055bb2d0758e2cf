"""Where a desk stands: its branch and, when it has one, the service point (a desk, a room,
a van stop). Every loan, return and renewal records it, so loans count where they happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Branch, ServicePoint
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
    """The desk's place: the given service point (code), or the node's branch."""
    if point:
        row = (ServicePoint.select(ServicePoint, Branch).join(Branch)
               .where(ServicePoint.code == point.strip().upper()).first())
        if row is None:
            raise NotFound("circ.service_point_not_found", "There is no service point with the code {code}.", code=point.strip())
        branch = row.branch
        return Place(branch.id, branch.code, branch.name, row.id, row.code, row.name)
    node = session.library.node
    return Place(node.branch_id, node.branch_code, node.branch_name)


def branch_name(branch_id: str) -> str:
    return Branch.get_by_id(branch_id).name
