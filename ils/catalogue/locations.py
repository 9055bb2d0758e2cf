"""Shelving locations (馆藏地): where in a branch an item is shelved, and the rules that go with it."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN, fn

from db.ids import reference_id
from db.models import Branch, Item, Location
from ils.branches import get_branch
from ils.errors import Invalid, NotFound
from ils.i18n import N_, _
from ils.library import Writer
from ils.permissions import Permission
from ils.session import Session, writes
from ils.text_input import clean_input
from ils.validation import clean_code

MAX_NAME_CHARS = 50

SCHEMES: dict[str, str] = {
    "sequence": N_("running number per class (种次号)"),
    "author": N_("author number (著者号)"),
}


@dataclass(frozen=True)
class LocationInfo:
    id: str
    code: str
    name: str
    branch_code: str
    branch_name: str
    book_number_scheme: str
    floating: bool
    loanable: bool
    active: bool


def _info(row: Location) -> LocationInfo:
    return LocationInfo(
        row.id,
        row.code,
        row.name,
        row.branch.code,
        row.branch.name,
        row.book_number_scheme,
        row.floating,
        row.loanable,
        row.active,
    )


def list_locations(branch_code: str | None = None, *, include_closed: bool = False) -> list[LocationInfo]:
    query = Location.select(Location, Branch).join(Branch).order_by(Branch.sort_order, Branch.code, Location.code)
    if branch_code:
        query = query.where(Branch.code == clean_input(branch_code, N_("Branch"), fold=True).upper())
    if not include_closed:
        query = query.where(Location.active == True)  # noqa: E712 (peewee expression)
    return [_info(row) for row in query]


def main_location(branch_code: str) -> str | None:
    """The branch's open, lending location with the most copies: where new copies usually go."""
    query = (
        Location.select(Location.code)
        .join(Branch)
        .switch(Location)
        .join(Item, JOIN.LEFT_OUTER, on=(Item.location == Location.id))
        .where(
            (Branch.code == clean_input(branch_code, N_("Branch"), fold=True).upper())
            & (Location.active == True)  # noqa: E712
            & (Location.loanable == True)
        )  # noqa: E712
        .group_by(Location.id)
        .order_by(fn.COUNT(Item.id).desc(), Location.code)
        .limit(1)
    )
    row = query.first()
    return row.code if row else None


def get_location(code: str) -> Location:
    row = Location.get_or_none(Location.code == clean_input(code, N_("Location"), fold=True).upper())
    if row is None:
        raise NotFound("catalogue.no_such_location", "There is no shelving location with the code {code}.", code=code)
    return row


def _check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise Invalid(
            "catalogue.unknown_book_number_scheme",
            "Unknown book-number scheme {scheme}; choose one of: {schemes}.",
            scheme=scheme,
            schemes=", ".join(SCHEMES),
        )
    return scheme


def insert_location(
    writer: Writer,
    *,
    branch: Branch,
    code: str,
    name: str,
    created_at: str,
    book_number_scheme: str = "sequence",
    floating: bool = False,
    loanable: bool = True,
) -> Location:
    row = Location.create(
        id=reference_id("location", code),
        branch=branch,
        code=code,
        name=name,
        book_number_scheme=book_number_scheme,
        floating=floating,
        loanable=loanable,
        created_at=created_at,
    )
    writer.journal(
        "location.add",
        "location",
        row.id,
        {
            "branch_id": branch.id,
            "code": code,
            "name": name,
            "book_number_scheme": book_number_scheme,
            "floating": floating,
            "loanable": loanable,
        },
    )
    return row


@writes
def add_location(
    session: Session,
    *,
    branch: str,
    code: str,
    name: str,
    book_number_scheme: str = "sequence",
    floating: bool = False,
    loanable: bool = True,
) -> LocationInfo:
    session.require(Permission.MANAGE_LOCATIONS)
    code = clean_code(clean_input(code, N_("Code"), fold=True))
    name = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    _check_scheme(book_number_scheme)
    branch_row = get_branch(branch)
    if Location.get_or_none(Location.code == code):
        raise Invalid("catalogue.location_code_taken", "The location code {code} is already in use.", code=code)
    with session.write() as writer:
        row = insert_location(
            writer,
            branch=branch_row,
            code=code,
            name=name,
            created_at=session.library.now_text(),
            book_number_scheme=book_number_scheme,
            floating=floating,
            loanable=loanable,
        )
    return _info(row)


@writes
def change_location(
    session: Session,
    code: str,
    *,
    name: str | None = None,
    book_number_scheme: str | None = None,
    floating: bool | None = None,
    loanable: bool | None = None,
    active: bool | None = None,
) -> LocationInfo:
    """Change what is given; ``None`` leaves a setting as it is."""
    session.require(Permission.MANAGE_LOCATIONS)
    row = get_location(code)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = clean_input(name, N_("Name"), max_length=MAX_NAME_CHARS)
    if book_number_scheme is not None:
        changes["book_number_scheme"] = _check_scheme(book_number_scheme)
    for key, value in (("floating", floating), ("loanable", loanable), ("active", active)):
        if value is not None:
            changes[key] = bool(value)
    changes = {k: v for k, v in changes.items() if getattr(row, k) != v}
    if not changes:
        return _info(row)
    with session.write() as writer:
        Location.update(**changes).where(Location.id == row.id).execute()
        writer.journal("location.change", "location", row.id, changes)
    return _info(Location.get_by_id(row.id))


def scheme_label(scheme: str) -> str:
    return _(SCHEMES[scheme])
