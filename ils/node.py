"""Library-wide names and this node's place: what the header shows on every desk."""

from __future__ import annotations

from db.models import Setting
from ils.branches import get_branch
from ils.errors import Invalid
from ils.i18n import N_
from ils.library import LIBRARY_NAME, NODE_BRANCH, NODE_NAME, NodeInfo
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import clean_input

MAX_NAME_CHARS = 50


def _set(session: Session, key: str, value: str) -> NodeInfo:
    with session.write() as writer:
        Setting.insert(key=key, value=value).on_conflict_replace().execute()
        writer.journal("setting.set", "setting", key, {"value": value})
    session.library.forget_node()
    return session.library.node


def set_library_name(session: Session, name: str) -> NodeInfo:
    session.require(Permission.MANAGE_BRANCHES)
    return _set(session, LIBRARY_NAME, clean_input(name, N_("Library name"), max_length=MAX_NAME_CHARS))


def set_node_name(session: Session, name: str) -> NodeInfo:
    session.require(Permission.MANAGE_BRANCHES)
    return _set(session, NODE_NAME, clean_input(name, N_("Workstation name"), max_length=MAX_NAME_CHARS))


@writes
def move_node(session: Session, branch_code: str) -> NodeInfo:
    """Say which branch this desk serves (a laptop that moves with the van, say)."""
    session.require(Permission.MANAGE_BRANCHES)
    branch = get_branch(branch_code)
    if not branch.active:
        raise Invalid("node.branch_closed", "{name} is closed.", name=branch.name)
    return _set(session, NODE_BRANCH, branch.id)
