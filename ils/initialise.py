"""``ils init``: a new library database with its branches, this node and the first administrator."""

from __future__ import annotations

from pathlib import Path

from db.ids import new_id
from db.models import Branch, Setting
from ils import identity, presets
from ils.branches import insert_branch, insert_service_point
from ils.catalogue.book_numbers import CENTRAL_BOOK_NUMBERS, insert_range
from ils.catalogue.locations import insert_location
from ils.clock import Clock, SystemClock
from ils.errors import DatabaseProblem, Invalid
from ils.library import LIBRARY_NAME, NODE_BRANCH, NODE_ID, NODE_NAME, Library, is_initialised
from ils.permissions import Role
from ils.readers.keys import ensure_keys, key_path
from ils.staff import MIN_PASSWORD_LENGTH, create_staff_row
from ils.storage import open_database


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def initialise(
    path: Path,
    *,
    admin_username: str,
    admin_password: str,
    admin_display_name: str = "",
    library_name: str = presets.LIBRARY_NAME,
    branch_code: str = "ZG",
    node_name: str = "",
    clock: Clock | None = None,
    role: str = identity.DESK,
) -> Library:
    """Create the database at ``path``; on any failure no file is left behind.

    ``role`` is ``union`` for the county union catalogue's database (``ils union init``).
    """
    path = Path(path)
    if is_initialised(path):
        raise Invalid(
            "initialise.library_database_already_exists", "A library database already exists at {path}.", path=path
        )
    codes = {preset.code for preset in presets.BRANCHES}
    branch_code = branch_code.strip().upper()
    if branch_code not in codes:
        raise Invalid(
            "initialise.unknown_branch_choose_one",
            "Unknown branch {code}; choose one of: {codes}.",
            code=branch_code,
            codes=", ".join(sorted(codes)),
        )
    if len(admin_password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            "initialise.password_needs_least_characters",
            "A password needs at least {n} characters.",
            n=MIN_PASSWORD_LENGTH,
        )
    if not library_name.strip():
        raise Invalid("initialise.name_empty", "A name cannot be empty.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseProblem(
            "initialise.write_check_folder_permissions",
            "Cannot write to {path}: check the folder's permissions.",
            path=path,
        ) from error
    keys_were_there = key_path(path).exists()
    database, migration = open_database(path)
    library = Library(database, path, clock or SystemClock(), migration)
    try:
        _fill(
            library,
            library_name.strip(),
            branch_code,
            node_name.strip(),
            admin_username,
            admin_password,
            admin_display_name,
            role,
        )
        identity.write_marker(library)
    except BaseException:
        library.close()
        _remove_database_files(path)
        if not keys_were_there:
            key_path(path).unlink(missing_ok=True)
        identity.marker_path(path).unlink(missing_ok=True)
        raise
    return library


def _fill(
    library: Library,
    library_name: str,
    branch_code: str,
    node_name: str,
    admin_username: str,
    admin_password: str,
    admin_display_name: str,
    role: str,
) -> None:
    """Everything a new database starts with, in one journaled write.

    A central library's desk also gets its first block of 种次号
    (``CENTRAL_BOOK_NUMBERS``, 1–4999), because cataloguing is centralised at the 总馆
    and should work from the first day; a branch desk gets none, since only the
    central library can say which block is free for it (``ils catalogue ranges reserve``).

    The reader key file is made beside the database, or adopted if one is already there
    (copied from the central desk, so that all desks of the library share one key).
    """
    now = library.now_text()
    node_id = new_id()
    library.adopt_node_id(node_id)  # every change of this first write is captured as this node's
    with library.write(None) as writer:
        Setting.create(key=NODE_ID, value=node_id)
        Setting.create(key=LIBRARY_NAME, value=library_name)
        writer.journal("library.init", "node", node_id, {"library_name": library_name})
        identity.begin(writer, library, role)
        for preset in presets.BRANCHES:
            branch = insert_branch(writer, code=preset.code, name=preset.name, kind=preset.kind, created_at=now)
            for code, name in preset.service_points:
                insert_service_point(writer, branch=branch, code=code, name=name, created_at=now)
            for location in preset.locations:
                insert_location(
                    writer,
                    branch=branch,
                    code=location.code,
                    name=location.name,
                    created_at=now,
                    book_number_scheme=location.book_number_scheme,
                    loanable=location.loanable,
                )
        home = Branch.get(Branch.code == branch_code)
        node_name = node_name or f"{home.name}-1"
        Setting.create(key=NODE_BRANCH, value=home.id)
        Setting.create(key=NODE_NAME, value=node_name)
        writer.journal("node.configure", "node", node_id, {"branch_id": home.id, "node_name": node_name})
        if home.kind == "central" and role == identity.DESK:  # branches wait for a block from the central library
            first, last = CENTRAL_BOOK_NUMBERS
            insert_range(writer, kind="book_number", node_id=node_id, first=first, last=last, now=now)
        ensure_keys(writer, library)
        create_staff_row(
            writer,
            username=admin_username,
            display_name=admin_display_name,
            password=admin_password,
            roles=frozenset({Role.ADMIN}),
            branch_id=home.id,
            now=now,
        )
