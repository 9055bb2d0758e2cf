"""The union's desk, driven with Pilot: the enrolled desks, a conflict resolved from its two facts
side by side (the resolution reaches the desks), and "which branch has it?"."""

from __future__ import annotations

import datetime as dt

from ils.circulation.loans import checkout
from ils.library import open_library
from ils.sync import conflicts
from screens.app import make_app
from screens.union_desk import UnionScreen
from tests.services.reader_samples import citizen
from tests.sync.network import PASSWORD, build, catalogue, reader
from tests.ui.conftest import log_in_as, open_desk, press_button, run, screen_text, settle, type_text


def test_the_system_librarian_resolves_a_copy_lent_twice_and_finds_copies(tmp_path, sqlite_templates):
    network = build(tmp_path / "net", sqlite_templates, {"a": "ZG", "b": "YS"})
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "ZG"), ("T0002", "YS"))
    network.round()
    card_a, card_b = reader(a, "王芳", citizen("19850312")), reader(b, "张伟", citizen("19900101", order="222"))
    loan_a = checkout(a.session(), card_a, "T0001").loan.id
    checkout(b.session(), card_b, "T0001")
    network.round()
    network.round()
    union = network.union
    union.close()
    app = make_app(union.library.path, language="en", clock=union.clock)

    async def scenario(pilot):
        await log_in_as(pilot, "admin", PASSWORD)
        await open_desk(pilot, "union")
        assert isinstance(app.screen, UnionScreen)
        text = screen_text(app)
        assert "ZG" in text and "YS" in text and "trusted" in text  # both desks, their keys
        app.screen.query_one("#union-tabs").active = "tab-union-conflicts"
        await settle(pilot)
        left, right = (str(side.render()) for side in app.screen.query(".conflict-side"))
        # What each desk recorded, side by side: the action, branch, reader's card, copy, local time.
        for side, branch, card in ((left, "ZG", card_a), (right, "YS", card_b)):
            assert f"Branch: {branch}" in side and f"Reader card: {card}" in side, side
            assert "Action: Lent" in side and "Copy barcode: T0001" in side and "still open" in side
            assert "Time: " + union.clock.now().strftime("%Y-%m-%d") in side
        assert citizen("19850312") not in screen_text(app)  # never an ID number
        app.screen.set_focus(app.screen.query_one("#union-note"))
        await type_text(pilot, "ZG has the copy")
        await press_button(pilot, "#union-keep-left")
        assert "Resolved" in screen_text(app)
        app.screen.query_one("#union-tabs").active = "tab-union-copies"
        await settle(pilot)
        app.screen.set_focus(app.screen.query_one("#union-find"))
        await type_text(pilot, "三体")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "T0001" in text and "T0002" in text and "2 copies found" in text

    run(app, scenario)
    union.library = open_library(union.library.path, union.clock)
    union._session = None
    (resolved,) = conflicts.list_conflicts(union.database, open_only=False)
    assert resolved.state == "resolved" and resolved.resolution == "ZG has the copy"
    assert [s.ended.code if s.ended else None for s in resolved.sides] == [
        None,
        "sync.fact.end.resolved",
    ]
    network.round()  # the resolution travels like any other change
    for desk in (a, b):
        desk.bind()
        ended = dict(desk.database.execute_sql("SELECT id, ended_as FROM loan WHERE item_id = ?", (resolved.item_id,)))
        assert ended[loan_a] is None and "resolved" in ended.values()
    network.close()


def test_a_desk_sends_its_bundle_to_a_removable_drive_from_the_system_desk(tmp_path, sqlite_templates, monkeypatch):
    from screens.dialogs import FormDialog
    from screens.system_desk import SystemScreen

    network = build(tmp_path / "net", sqlite_templates, {"a": "ZG"})
    a = network.desks["a"]
    catalogue(a, "呐喊", ("N0001", "ZG"))
    a.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    monkeypatch.setattr("ils.sync.watch.removable_drives", lambda: [stick])
    app = make_app(a.library.path, language="en", clock=a.clock)

    async def scenario(pilot):
        await log_in_as(pilot, "admin", PASSWORD)
        await open_desk(pilot, "system")
        assert isinstance(app.screen, SystemScreen)
        app.screen.query_one("#system-tabs").active = "tab-sync"
        await settle(pilot)
        await press_button(pilot, "#sync-drive")
        assert isinstance(app.screen, FormDialog)
        await press_button(pilot, "#dialog-ok")
        assert isinstance(app.screen, SystemScreen)
        assert "Wrote" in screen_text(app)

    run(app, scenario)
    (bundle,) = (stick / "ils-sync").glob("*.ilsync")
    network.union.bind()
    assert network.deliver(network.union, bundle).state == "applied"
    network.close()


def test_a_desk_resolves_a_conflict_from_both_facts_in_its_sync_tab(tmp_path, sqlite_templates):
    from screens.sync_view import ResolveDialog
    from screens.system_desk import SystemScreen

    network = build(tmp_path / "net", sqlite_templates, {"a": "ZG", "b": "YS"})
    a, b = network.desks["a"], network.desks["b"]
    catalogue(network.union, "三体", ("T0001", "ZG"))
    network.round()
    card_a, card_b = reader(a, "王芳", citizen("19850312")), reader(b, "张伟", citizen("19900101", order="222"))
    checkout(a.session(), card_a, "T0001")
    loan_b = checkout(b.session(), card_b, "T0001").loan.id
    network.round()
    network.round()
    a.close()
    network.advance(hours=3)
    app = make_app(a.library.path, language="en", clock=a.clock)

    async def scenario(pilot):
        await log_in_as(pilot, "admin", PASSWORD)
        await open_desk(pilot, "system")
        assert isinstance(app.screen, SystemScreen)
        app.screen.query_one("#system-tabs").active = "tab-sync"
        await settle(pilot)
        info = str(app.screen.query_one("#sync-info").render())
        exported = a.clock.now() - dt.timedelta(hours=3)
        assert f"Last export: {exported:%Y-%m-%d %H:%M} (3 hours ago)" in info  # local time, lag in words
        await press_button(pilot, "#sync-resolve")
        assert isinstance(app.screen, ResolveDialog)
        left, right = (str(side.render()) for side in app.screen.query(".conflict-side"))
        assert "Branch: ZG" in left and f"Reader card: {card_a}" in left and "Copy barcode: T0001" in left
        assert "Branch: YS" in right and f"Reader card: {card_b}" in right
        await press_button(pilot, "#resolve-keep-right")
        assert isinstance(app.screen, SystemScreen)
        assert "Resolved" in screen_text(app)

    run(app, scenario)
    a.library = open_library(a.library.path, a.clock)
    a._session = None
    network.round()
    network.round()  # the union passes the resolution on to the other desk
    for desk in (a, b, network.union):
        desk.bind()
        ended = dict(desk.database.execute_sql("SELECT id, ended_as FROM loan"))
        assert ended[loan_b] is None and sorted(ended.values(), key=str) == [None, "resolved"]
    network.close()


def test_the_union_imports_a_folder_of_bundles_with_a_progress_bar(tmp_path, sqlite_templates):
    from screens.dialogs import FormDialog

    network = build(tmp_path / "net", sqlite_templates, {"a": "ZG", "b": "YS"})
    catalogue(network.desks["a"], "呐喊", ("N0001", "ZG"), ("N0002", "ZG"))
    catalogue(network.desks["b"], "彷徨", ("P0001", "YS"))
    folder = tmp_path / "day"
    folder.mkdir()
    for name in ("a", "b"):
        bundle = network.export(name)
        bundle.rename(folder / bundle.name)
    (folder / "broken.ilsync").write_bytes(b"not a bundle")
    union = network.union
    union.close()
    app = make_app(union.library.path, language="en", clock=union.clock)
    seen: list[tuple[int, int]] = []

    async def scenario(pilot):
        await log_in_as(pilot, "admin", PASSWORD)
        await open_desk(pilot, "union")
        bar = app.screen.query_one("#union-progress")
        original = bar.update

        def watched(**values):
            if values.get("total") and "progress" in values:
                seen.append((values["progress"], values["total"]))
            return original(**values)

        bar.update = watched
        await press_button(pilot, "#union-import")
        assert isinstance(app.screen, FormDialog)
        await type_text(pilot, str(folder))
        await press_button(pilot, "#dialog-ok")
        await settle(pilot)
        for _ in range(50):
            if "Imported" in screen_text(app):
                break
            await pilot.pause(0.1)
        text = screen_text(app)
        assert "Imported 2 bundles" in text and "Refused 1: broken.ilsync" in text, text
        assert not app.screen.query_one("#union-progress").display  # the bar goes once the import is done

    run(app, scenario)
    assert seen and seen[-1] == (3000, 3000)  # a thousand steps a bundle, the refused one included
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
    network.close()


def test_an_import_reports_its_progress_row_by_row(tmp_path, sqlite_templates):
    from ils.sync import exchange

    network = build(tmp_path / "net", sqlite_templates, {"a": "ZG"})
    for n in range(3):
        catalogue(network.desks["a"], f"书{n}", (f"B{n:04d}", "ZG"))
    bundle = network.export("a")
    told: list[tuple[int, int]] = []
    report = exchange.import_bundle(network.union.session(), bundle, lambda done, total: told.append((done, total)))
    assert report.state == "applied"
    total = told[-1][1]
    assert told[-1] == (total, total) and total >= sum(report.counts.values()) > 0
    network.close()
