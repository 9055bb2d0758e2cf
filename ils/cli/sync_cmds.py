"""``ils sync ...`` at a desk, and ``ils node adopt``: the desk's side of the exchange with the union."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ils import identity
from ils.cli.branch_cmds import node
from ils.cli.group import cli
from ils.cli.output import emit, table
from ils.cli.state import json_option, state
from ils.i18n import N_, _, ngettext
from ils.sync import conflicts, exchange, peers, statehash, status
from ils.sync.exchange import BundleReport
from ils.sync.watch import Watcher, WatchSettings, desk_export


def report_text(report: BundleReport) -> str:
    """One bundle written or read, as a line or two for people."""
    counts = ", ".join(f"{t} {n}" for t, n in sorted(report.counts.items())) or _("no rows")
    lines = {
        "exported": _("Wrote {path}: changes {first}–{last} of epoch {epoch} ({counts}).").format(
            path=report.path, first=report.first, last=report.last, epoch=report.epoch, counts=counts
        ),
        "applied": _("Applied changes {first}–{last} of epoch {epoch} from {origin} ({counts}).").format(
            first=report.first, last=report.last, epoch=report.epoch, origin=report.origin[:8], counts=counts
        ),
        "replayed": _(
            "Already applied: changes {first}–{last} of epoch {epoch} from {origin}; nothing changed."
        ).format(first=report.first, last=report.last, epoch=report.epoch, origin=report.origin[:8]),
        "quarantined": _(
            "Held in quarantine: its clock is ahead of this desk's. `status` lists it; it is applied "
            "when the clock catches up, or when staff release it."
        ).format(),
        "dropped": _("Dropped the quarantined bundle from {origin}.").format(origin=report.origin[:8]),
    }
    text = [lines.get(report.state, report.state)]
    if report.conflicts:
        text.append(
            ngettext(
                "{count} new conflict: see `conflicts`.", "{count} new conflicts: see `conflicts`.", report.conflicts
            ).format(count=report.conflicts)
        )
    if report.pending:
        text.append(
            ngettext(
                "{count} row waits for a bundle not yet here.",
                "{count} rows wait for a bundle not yet here.",
                report.pending,
            ).format(count=report.pending)
        )
    if report.gaps:
        text.append(_("Missing changes: {gaps}.").format(gaps=", ".join(f"{a}–{b}" for a, b in report.gaps)))
    if report.forgotten:
        text.append(_("{count} readers who stopped sharing were forgotten.").format(count=report.forgotten))
    return "\n".join(text)


def status_text(found: status.SyncStatus) -> str:
    lines = [
        _("Node {name} ({id}), epoch {epoch}, {role}").format(
            name=found.node_name, id=found.node_id, epoch=found.epoch, role=found.role
        ),
        _("This node's key: {fingerprint}").format(fingerprint=found.fingerprint),
    ]
    if found.role == identity.DESK:
        lines.append(_("Union key trusted: {fingerprint}").format(fingerprint=found.union_fingerprint or _("none")))
        lines.append(
            _("Last export: {export}; last import: {imported}").format(
                export=found.last_export or _("never"), imported=found.last_import or _("never")
            )
        )
        lines.append(_("Changes not yet acknowledged by the union: {count}").format(count=found.unacknowledged))
        if found.gaps:
            lines.append(_("Missing union changes: {gaps}").format(gaps=", ".join(f"{a}–{b}" for a, b in found.gaps)))
    if found.peers:
        lines.append(
            table(
                [
                    (
                        p.branch_code or "",
                        p.name,
                        p.node_id[:8],
                        str(p.epoch),
                        str(p.applied_to),
                        ", ".join(f"{a}–{b}" for a, b in p.gaps) or "-",
                        p.last_in or "-",
                        _("revoked") if p.revoked else "",
                    )
                    for p in found.peers
                ],
                (_("Branch"), _("Desk"), _("Node"), _("Epoch"), _("Applied to"), _("Gaps"), _("Last bundle"), ""),
            )
        )
    for bundle in found.quarantined:
        lines.append(
            _("Quarantined: {id} from {origin}, stamped {stamp}").format(
                id=bundle.bundle_id[:12], origin=bundle.origin[:8], stamp=bundle.stamp_wall
            )
        )
    if found.tampered:
        lines.append(_("Bundles refused as tampered: {count}").format(count=found.tampered))
    if found.pending:
        lines.append(_("Rows waiting for a missing bundle: {count}").format(count=found.pending))
    lines.append(_("Open conflicts: {count}").format(count=len(found.conflicts)))
    lines += [f"! {warning}" for warning in found.warnings]
    return "\n".join(lines)


def conflicts_text(rows: list[conflicts.ConflictInfo]) -> str:
    if not rows:
        return _("No conflicts.")
    return table(
        [
            (
                c.id[:8],
                c.kind_label,
                c.barcode or "",
                ",".join(c.branch_codes),
                c.found_at[:16],
                _("open") if c.state == "open" else _("resolved"),
            )
            for c in rows
        ],
        (_("Conflict"), _("Kind"), _("Barcode"), _("Branches"), _("When"), _("State")),
    )


def conflict_text(info: conflicts.ConflictInfo) -> str:
    lines = [
        f"{info.id}  {info.kind_label}",
        _("Copy: {barcode} {title}").format(barcode=info.barcode or "-", title=info.title or ""),
    ]
    lines += [
        _("Loan {id} at {branch}, {loaned} – {ended}").format(
            id=loan["id"][:8], branch=loan["branch"], loaned=loan["loaned_at"], ended=loan["ended_at"] or _("open")
        )
        for loan in info.loans
    ]
    lines.append(
        _("State: {state}").format(
            state=_("open") if info.state == "open" else _("resolved ({how})").format(how=info.resolution)
        )
    )
    return "\n".join(lines)


def progress_line() -> exchange.Progress | None:
    """A long import's progress on one line of a terminal's standard error (none when piped).

    Written to the interpreter's own standard error: its carriage return is the one control
    character it means (the wrapped stream would show it), and the line holds only numbers."""
    stream = sys.__stderr__
    if stream is None or not stream.isatty():
        return None
    shown = [-1]

    def show(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if percent != shown[0]:
            shown[0] = percent
            line = _("Applying rows: {done} of {total} ({percent}%)").format(done=done, total=total, percent=percent)
            stream.write("\r" + line + ("\n" if done >= total else ""))
            stream.flush()

    return show


def do_import(file: Path, as_json: bool) -> None:
    report = exchange.import_bundle(state().session(), file, None if as_json else progress_line())
    emit(as_json, report, lambda: report_text(report))


def do_status(as_json: bool) -> None:
    found = status.sync_status(state().session())
    emit(as_json, found, lambda: status_text(found))


def do_conflicts(show_all: bool, as_json: bool) -> None:
    session = state().session()
    session.require(conflicts.Permission.SYNC)
    node_info = session.library.node
    branch = node_info.branch_id if identity.identity(session.library).role == identity.DESK else None
    rows = conflicts.list_conflicts(session.library.database, open_only=not show_all, branch_id=branch)
    emit(as_json, rows, lambda: conflicts_text(rows))


def do_resolve(conflict: str, keep: str | None, note: str, as_json: bool) -> None:
    info = conflicts.resolve(state().session(), conflict, keep=keep, note=note)
    emit(as_json, info, lambda: conflict_text(info))


def do_state_hash(as_json: bool) -> None:
    session = state().session()
    session.require(conflicts.Permission.SYNC)
    hashes = statehash.state_hash(session.library.database)
    emit(as_json, hashes, lambda: "\n".join(f"{name}  {digest}" for name, digest in hashes.items()))


def do_release(bundle: str, drop: bool, as_json: bool) -> None:
    report = exchange.release(state().session(), bundle, drop=drop)
    emit(as_json, report, lambda: report_text(report))


@cli.group("sync", help=N_("Exchange changes with the county union catalogue through signed bundles."))
def sync_group() -> None:
    """Group only: each sync action is a subcommand."""


@sync_group.command(help=N_("Write this desk's enrolment request for the union, and trust the union's key."))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help=N_("File or folder to write it to."))
@click.option("--union-key", "union_key", required=True, help=N_("The union's key fingerprint, as the union shows it."))
@json_option
def enrol(out: Path, union_key: str, as_json: bool) -> None:
    path, fingerprint = peers.enrol(state().session(), out, union_key)
    emit(
        as_json,
        {"path": path, "fingerprint": fingerprint},
        lambda: _(
            "Wrote {path}. This desk's key fingerprint is {fingerprint}: check that the union shows the same one."
        ).format(path=path, fingerprint=fingerprint),
    )


@sync_group.command("export", help=N_("Write one bundle of every change the union has not acknowledged."))
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=N_("Folder to write the bundle to (a USB stick, a shared folder)."),
)
@json_option
def export_(out: Path, as_json: bool) -> None:
    report = exchange.export_desk(state().session(), out)
    emit(as_json, report, lambda: report_text(report))


@sync_group.command("import", help=N_("Apply a bundle from the union (checked before anything is read)."))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def import_(file: Path, as_json: bool) -> None:
    do_import(file, as_json)


@sync_group.command("status", help=N_("Show what was sent and received, gaps, quarantine and conflicts."))
@json_option
def status_(as_json: bool) -> None:
    do_status(as_json)


@sync_group.command("conflicts", help=N_("List the conflicts that touch this desk."))
@click.option("--all", "show_all", is_flag=True, help=N_("Include resolved conflicts."))
@json_option
def conflicts_(show_all: bool, as_json: bool) -> None:
    do_conflicts(show_all, as_json)


@sync_group.command(help=N_("Resolve a conflict (for a copy lent twice, say which loan to keep)."))
@click.argument("conflict")
@click.option("--keep", help=N_("The loan the copy is really with: its id or the code of the branch that lent it."))
@click.option("--note", default="", help=N_("What was decided, in words."))
@json_option
def resolve(conflict: str, keep: str | None, note: str, as_json: bool) -> None:
    do_resolve(conflict, keep, note, as_json)


@sync_group.command(help=N_("Apply a quarantined bundle now (its future stamps become this desk's), or drop it."))
@click.argument("bundle")
@click.option("--drop", is_flag=True, help=N_("Drop it instead of applying it."))
@json_option
def release(bundle: str, drop: bool, as_json: bool) -> None:
    do_release(bundle, drop, as_json)


@sync_group.command(
    "state-hash", help=N_("One hash per replicated table: equal wherever the same changes were applied.")
)
@json_option
def state_hash(as_json: bool) -> None:
    do_state_hash(as_json)


@node.command(help=N_("Take back the identity of the desk this database was copied from (it was moved, not copied)."))
@json_option
def adopt(as_json: bool) -> None:
    found = identity.adopt_identity(state().session())
    emit(
        as_json,
        found,
        lambda: _("This desk is node {node} again, in epoch {epoch}.").format(node=found.node_id, epoch=found.epoch),
    )


def watch_options(command):
    """The options ``ils sync watch`` and ``ils union watch`` share."""
    for option in reversed(
        (
            click.option(
                "--inbox",
                required=True,
                type=click.Path(file_okay=False, path_type=Path),
                help=N_("Folder bundles arrive in (a shared folder or a USB stick's folder)."),
            ),
            click.option(
                "--outbox",
                type=click.Path(file_okay=False, path_type=Path),
                help=N_("Folder this side's own bundles are written to."),
            ),
            click.option(
                "--polling",
                is_flag=True,
                help=N_(
                    "Look at the folders every moment instead of waiting for the system's notices (network shares, USB sticks)."
                ),
            ),
            click.option(
                "--settle",
                default=2.0,
                show_default=True,
                help=N_("Seconds a file must stay unchanged before it is read (when polling)."),
            ),
            click.option(
                "--rescan", default=30.0, show_default=True, help=N_("Seconds between full looks at the inbox.")
            ),
            click.option(
                "--export-every",
                default=60.0,
                show_default=True,
                help=N_("Seconds between looks for changes to write to the outbox."),
            ),
        )
    ):
        command = option(command)
    return command


def do_watch(settings: WatchSettings, export, as_json: bool) -> None:
    """Run a watcher until SIGTERM or Ctrl-C; each bundle is reported as it is handled."""
    import signal
    import threading

    session = state().session()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_args: stop.set())

    said = {
        "watching": N_("Watching {path}"),
        "inbox gone": N_("{path} is gone (a drive pulled out?): waiting for it to come back"),
        "rearmed": N_("{path} is back: watching it again"),
        "applied": N_("Applied {path} ({detail})"),
        "rejected": N_("Refused {path} ({detail}): moved to rejected/ with the reason"),
        "waiting": N_("Could not apply {path} now, trying again later: {detail}"),
        "exported": N_("Wrote {path}"),
    }

    def told(kind: str, path: Path | None, detail: str = "") -> None:
        if as_json:
            click.echo(json.dumps({"event": kind, "path": str(path), "detail": detail}, ensure_ascii=False))
        else:
            click.echo(_(said[kind]).format(path=path, detail=detail))

    watcher = Watcher(session, settings, exchange.import_bundle, export, on_event=told)
    report = watcher.run(stop)
    emit(
        as_json,
        report,
        lambda: _("Stopped: {applied} applied, {rejected} refused, {exported} written.").format(
            applied=len(report.applied), rejected=len(report.rejected), exported=len(report.exported)
        ),
    )


@sync_group.command(
    help=N_("Watch an inbox for the union's bundles and write this desk's to an outbox, until stopped.")
)
@watch_options
@json_option
def watch(
    inbox: Path, outbox: Path | None, polling: bool, settle: float, rescan: float, export_every: float, as_json: bool
) -> None:
    settings = WatchSettings(inbox, outbox, polling, settle, rescan, export_every)
    do_watch(settings, desk_export, as_json)
