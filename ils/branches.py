"""Branches and service points: the places where loans happen and items live."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from db.ids import reference_id
from db.models import Branch, ServicePoint
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.library import NODE_BRANCH, Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import clean_input
from ils.validation import clean_code

MAX_NAME_CHARS = 50

KINDS: dict[str, str] = {
    "central": N_("Central library"),
    "branch": N_("Branch"),
    "van": N_("Mobile library van"),
    "self_service": N_("Self-service room"),
}


@dataclass(frozen=True)
class ServicePointInfo:
    id: str
    code: str
    name: str
    branch_code: str
    active: bool


@dataclass(frozen=True)
class BranchInfo:
    id: str
    code: str
    name: str
    kind: str
    kind_label: str
    active: bool
    service_points: tuple[ServicePointInfo, ...]


def _info(branch: Branch) -> BranchInfo:
    points = tuple(
        ServicePointInfo(p.id, p.code, p.name, branch.code, p.active)
        for p in branch.service_points.order_by(ServicePoint.code)
    )
    return BranchInfo(branch.id, branch.code, branch.name, branch.kind, _(KINDS[branch.kind]), branch.active, points)


def get_branch(code: str) -> Branch:
    branch = Branch.get_or_none(Branch.code == clean_input(code, N_("Branch"), fold=True).upper())
    if branch is None:
        raise NotFound("branches.no_such_branch", "There is no branch with the code {code}.", code=code)
    return branch


def list_branches(session: Session) -> list[BranchInfo]:
    return [_info(b) for b in Branch.select().order_by(Branch.sort_order, Branch.code)]


def insert_branch(writer: Writer, *, code: str, name: str, kind: str, created_at: str) -> Branch:
    """Insert and journal a branch; shared by ``add_branch`` and ``ils init``."""
    code = clean_code(clean_input(code, N_("Code"), fold=True))
    name = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    if kind not in KINDS:
        raise Invalid(
            "branches.unknown_kind",
            "Unknown kind of branch {kind}; kinds are: {kinds}.",
            kind=kind,
            kinds=", ".join(KINDS),
        )
    if Branch.get_or_none(Branch.code == code) is not None:
        raise Invalid("branches.branch_code_taken", "The branch code {code} is taken.", code=code)
    order = (Branch.select(fn.MAX(Branch.sort_order)).scalar() or 0) + 1
    branch = Branch.create(
        id=reference_id("branch", code), code=code, name=name, kind=kind, sort_order=order, created_at=created_at
    )
    writer.journal("branch.add", "branch", branch.id, {"code": code, "name": name, "kind": kind})
    return branch


def insert_service_point(writer: Writer, *, branch: Branch, code: str, name: str, created_at: str) -> ServicePoint:
    code = clean_code(clean_input(code, N_("Code"), fold=True))
    name = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    if ServicePoint.get_or_none(ServicePoint.code == code) is not None:
        raise Invalid("branches.service_point_code_taken", "The service point code {code} is taken.", code=code)
    point = ServicePoint.create(
        id=reference_id("service_point", code), branch=branch, code=code, name=name, created_at=created_at
    )
    writer.journal("service_point.add", "service_point", point.id, {"code": code, "name": name, "branch_id": branch.id})
    return point


@writes
def add_branch(session: Session, *, code: str, name: str, kind: str = "branch") -> BranchInfo:
    session.require(Permission.MANAGE_BRANCHES)
    with session.write() as writer:
        branch = insert_branch(writer, code=code, name=name, kind=kind, created_at=session.library.now_text())
    return _info(branch)


@writes
def rename_branch(session: Session, code: str, name: str) -> BranchInfo:
    session.require(Permission.MANAGE_BRANCHES)
    branch = get_branch(code)
    name = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    with session.write() as writer:
        Branch.update(name=name).where(Branch.id == branch.id).execute()
        writer.journal("branch.rename", "branch", branch.id, {"name": name})
    session.library.forget_node()
    return _info(Branch.get_by_id(branch.id))


@writes
def set_branch_active(session: Session, code: str, active: bool) -> BranchInfo:
    session.require(Permission.MANAGE_BRANCHES)
    branch = get_branch(code)
    if not active and session.library.setting(NODE_BRANCH) == branch.id:
        raise Invalid(
            "branches.desk_branch_cannot_close",
            "This desk belongs to {name}; it cannot be closed here.",
            name=branch.name,
        )
    with session.write() as writer:
        Branch.update(active=active).where(Branch.id == branch.id).execute()
        writer.journal("branch.activate" if active else "branch.deactivate", "branch", branch.id, {})
    return _info(Branch.get_by_id(branch.id))


@writes
def add_service_point(session: Session, *, branch: str, code: str, name: str) -> ServicePointInfo:
    session.require(Permission.MANAGE_BRANCHES)
    owner = get_branch(branch)
    with session.write() as writer:
        point = insert_service_point(writer, branch=owner, code=code, name=name, created_at=session.library.now_text())
    return ServicePointInfo(point.id, point.code, point.name, owner.code, point.active)


@writes
def rename_service_point(session: Session, code: str, name: str) -> ServicePointInfo:
    session.require(Permission.MANAGE_BRANCHES)
    point = ServicePoint.get_or_none(ServicePoint.code == clean_input(code, N_("Service point"), fold=True).upper())
    if point is None:
        raise NotFound("branches.no_such_service_point", "There is no service point with the code {code}.", code=code)
    name = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    with session.write() as writer:
        ServicePoint.update(name=name).where(ServicePoint.id == point.id).execute()
        writer.journal("service_point.rename", "service_point", point.id, {"name": name})
    point = ServicePoint.get_by_id(point.id)
    return ServicePointInfo(point.id, point.code, point.name, point.branch.code, point.active)
