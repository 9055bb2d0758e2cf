"""The mobile library van's stops (停靠点名录): service points of the van's branch, each on a
named route.

A stop is an ordinary service point, so everything the desk does there takes ``point=`` the
stop's code: a loan at a stop counts for that stop like a loan at any desk, and a rotation
batch may be sent to a stop. Only the route is the van's own, and the list grouped per route
is the stop list an evaluation asks for. The van's own desk (a point without a route) is not
a stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Branch, RotationBatch, ServicePoint
from ils.branches import get_branch, insert_service_point, rename_service_point
from ils.errors import Invalid, NotFound
from ils.library import Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.validation import clean_name

VAN = "van"


@dataclass(frozen=True)
class StopInfo:
    id: str
    code: str
    name: str
    route: str
    active: bool
    van_code: str


@dataclass(frozen=True)
class Route:
    """One route of the van and its stops, by code."""

    name: str
    stops: tuple[StopInfo, ...]


def _info(point: ServicePoint) -> StopInfo:
    return StopInfo(point.id, point.code, point.name, point.route or "", bool(point.active), point.branch.code)


def van_branch(code: str | None = None) -> Branch:
    """The van's branch: the one named, or the library's only branch of kind van."""
    if code:
        branch = get_branch(code)
        if branch.kind != VAN:
            raise Invalid("circ.not_a_van", "{name} is not a mobile library van.", name=branch.name)
        return branch
    vans = list(Branch.select().where(Branch.kind == VAN).order_by(Branch.code))
    if not vans:
        raise NotFound("circ.no_van", "The library has no mobile library van: add a branch of kind van first.")
    if len(vans) > 1:
        raise Invalid(
            "circ.several_vans",
            "The library has several vans ({codes}): say which one.",
            codes=", ".join(v.code for v in vans),
        )
    return vans[0]


def get_stop(code: str) -> ServicePoint:
    point = ServicePoint.get_or_none(ServicePoint.code == code.strip().upper())
    if point is None or point.route is None or point.branch.kind != VAN:
        raise NotFound("circ.stop_not_found", "There is no van stop with the code {code}.", code=code.strip())
    return point


def _set_route(writer: Writer, point: ServicePoint, route: str) -> None:
    ServicePoint.update(route=route).where(ServicePoint.id == point.id).execute()
    writer.journal("service_point.route", "service_point", point.id, {"route": route})


@writes
def add_stop(session: Session, code: str, name: str, route: str, *, van: str | None = None) -> StopInfo:
    """A new stop on a route (a new route name starts a new route)."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    branch = van_branch(van)
    route = clean_name(route)
    with session.write() as writer:
        point = insert_service_point(writer, branch=branch, code=code, name=name, created_at=session.library.now_text())
        _set_route(writer, point, route)
    return _info(ServicePoint.get_by_id(point.id))


def list_stops(session: Session, *, route: str | None = None, van: str | None = None) -> list[Route]:
    """The stop list per route, routes and stops by name and code; closed stops are shown as such."""
    branch = van_branch(van)
    query = ServicePoint.select().where(ServicePoint.branch == branch.id, ServicePoint.route.is_null(False))
    if route:
        query = query.where(ServicePoint.route == route.strip())
    routes: dict[str, list[StopInfo]] = {}
    for point in query.order_by(ServicePoint.route, ServicePoint.code):
        routes.setdefault(point.route, []).append(_info(point))
    if route and not routes:
        raise NotFound("circ.route_not_found", "The van has no route {route}.", route=route.strip())
    return [Route(name, tuple(stops)) for name, stops in routes.items()]


@writes
def move_stop(session: Session, code: str, route: str) -> StopInfo:
    """Put a stop on another route."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    point = get_stop(code)
    route = clean_name(route)
    with session.write() as writer:
        _set_route(writer, point, route)
    return _info(ServicePoint.get_by_id(point.id))


@writes
def rename_stop(session: Session, code: str, name: str) -> StopInfo:
    """A stop is renamed like any service point (that also needs the right to manage branches)."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    point = get_stop(code)
    rename_service_point(session, point.code, name)
    return _info(ServicePoint.get_by_id(point.id))


@writes
def set_stop_active(session: Session, code: str, active: bool) -> StopInfo:
    """Close a stop the van no longer serves (its loans stay counted), or reopen it.

    A stop with a rotation batch still out cannot close: the batch is brought back first.
    """
    session.require(Permission.CONFIGURE_CIRCULATION)
    point = get_stop(code)
    if not active:
        batch = RotationBatch.get_or_none(
            RotationBatch.to_service_point == point.id, RotationBatch.returned_at.is_null()
        )
        if batch is not None:
            raise Invalid(
                "circ.stop_has_batch_out",
                "Rotation batch {batch} goes to {stop} and is not back yet.",
                batch=batch.code,
                stop=point.name,
            )
    with session.write() as writer:
        ServicePoint.update(active=active).where(ServicePoint.id == point.id).execute()
        writer.journal(
            "service_point.activate" if active else "service_point.deactivate", "service_point", point.id, {}
        )
    return _info(ServicePoint.get_by_id(point.id))
