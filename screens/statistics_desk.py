"""The statistics desk (统计), for the ``statistics`` role: a year's figures month by month with a
sparkline, the annual report's texts (工作总结, 工作计划), and the exports (the national return,
the ledgers, the annual report), one tab each.

Keys: F5 show the figures again, Ctrl+S save the text, Ctrl+PgDn / Ctrl+PgUp next and previous tab.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Input, Label, Select, Sparkline, Static, TabbedContent, TabPane, TextArea

from ils.branches import list_branches
from ils.errors import Invalid
from ils.i18n import N_, _
from ils.stats import annual, exports
from ils.stats import inputs as manual
from screens.base import DeskPane, TabbedDeskScreen
from screens.widgets import ListTable, StatusLine
from screens.work import call_service

EXPORT_BUTTONS = (
    (N_("Return (XLSX)"), "return_xlsx"),
    (N_("Return (PDF)"), "return_pdf"),
    (N_("Ledgers (XLSX)"), "ledgers"),
    (N_("Report (PDF)"), "report_pdf"),
    (N_("Report (XLSX)"), "report_xlsx"),
    (N_("Report (DOCX)"), "report_docx"),
)


def _year(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise Invalid("screens.stats_year", "Type a year, e.g. 2021.") from None


class FiguresPane(DeskPane):
    """Choose a year, a branch and an indicator; see its months, as a sparkline and a table."""

    def compose(self) -> ComposeResult:
        last_year = str(self.session.now().year - 1)
        with Horizontal(id="stats-choose"):
            yield Input(last_year, placeholder=_("Report year"), id="stats-year", compact=True)
            yield Select([(_("Whole library"), "")], id="stats-branch", allow_blank=False, value="", compact=True)
            yield Select(
                annual.indicator_choices(), id="stats-indicator", allow_blank=False, value="loans", compact=True
            )
        yield Static("", id="stats-definition", markup=False)
        yield Sparkline([0] * 12, id="stats-spark")
        yield StatusLine(id="stats-status")
        yield ListTable(N_("Month"), N_("Quantity"), id="stats-table")

    def on_mount(self) -> None:
        self.query_one("#stats-table", ListTable).can_focus = False
        session = self.session
        call_service(self, "stats-branches", lambda: list_branches(session), self._branches, self.show_error)

    def _branches(self, found: list) -> None:
        select = self.query_one("#stats-branch", Select)
        select.set_options([(_("Whole library"), ""), *((b.name, b.code) for b in found)])
        select.value = ""
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()

    def reload(self) -> None:
        session = self.session
        try:
            year = _year(self.query_one("#stats-year", Input).value)
        except Invalid as error:
            self.show_error(error.render())
            return
        code = str(self.query_one("#stats-indicator", Select).value)
        branch = str(self.query_one("#stats-branch", Select).value or "") or None
        call_service(
            self, "stats-figures", lambda: annual.monthly(session, code, year, branch), self._show, self.show_error
        )

    def _show(self, found: annual.Monthly) -> None:
        self.query_one("#stats-definition", Static).update(found.definition)
        self.query_one("#stats-spark", Sparkline).data = list(found.months)
        months = annual.month_labels()
        self.query_one("#stats-table", ListTable).show_rows(
            [(str(m), (months[m], f"{v:,}")) for m, v in enumerate(found.months)]
        )
        self.status().info(
            _("{name}: {total} {unit} in the year").format(name=found.name, total=f"{found.total:,}", unit=found.unit)
        )


class TextsPane(DeskPane):
    """The year's work summary and work plan, written here; a line starting with # is a heading."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="texts-choose"):
            yield Input(str(self.session.now().year - 1), placeholder=_("Report year"), id="texts-year", compact=True)
            yield Select(
                [(_(en), kind) for kind, (_zh, en) in manual.TEXTS.items()],
                id="texts-kind",
                allow_blank=False,
                value="summary",
                compact=True,
            )
            yield Button(_("Save"), id="texts-save", compact=True)
        yield Label(_(" A line starting with # is a heading. Ctrl+S saves."), id="texts-hint", markup=False)
        yield TextArea("", id="texts-body", soft_wrap=True)
        yield StatusLine(id="texts-status")

    def on_mount(self) -> None:
        self.reload()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.save()

    def _chosen(self) -> tuple[int, str]:
        return _year(self.query_one("#texts-year", Input).value), str(self.query_one("#texts-kind", Select).value)

    def reload(self) -> None:
        session = self.session
        try:
            year, kind = self._chosen()
        except Invalid as error:
            self.show_error(error.render())
            return
        call_service(self, "texts-load", lambda: manual.text_of(session, year, kind), self._loaded, self.show_error)

    def _loaded(self, text: manual.YearText) -> None:
        self.query_one("#texts-body", TextArea).text = text.body
        self.status().clear()

    def save(self) -> None:
        session = self.session
        try:
            year, kind = self._chosen()
        except Invalid as error:
            self.show_error(error.render())
            return
        body = self.query_one("#texts-body", TextArea).text
        call_service(
            self,
            "texts-save",
            lambda: manual.set_text(session, year=year, kind=kind, body=body),
            lambda saved: self.status().info(_("Saved {count} characters.").format(count=len(saved.body))),
            self.show_error,
        )


class ExportPane(DeskPane):
    """Write the year's national return, ledgers or annual report into reports/ beside the database."""

    def compose(self) -> ComposeResult:
        yield Input(str(self.session.now().year - 1), placeholder=_("Report year"), id="export-year", compact=True)
        yield Grid(
            *(Button(_(label), id=f"export-{what}", compact=True) for label, what in EXPORT_BUTTONS),
            classes="pane-buttons",
        )
        yield StatusLine(id="export-status")
        yield ListTable(N_("File"), id="export-table")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        what = (event.button.id or "").removeprefix("export-")
        self.run_export(what)

    def run_export(self, what: str) -> None:
        session = self.session
        try:
            year = _year(self.query_one("#export-year", Input).value)
        except Invalid as error:
            self.show_error(error.render())
            return
        self.status().info(_("Writing…"))
        call_service(self, "export", lambda: exports.export(session, what, year), self._written, self.show_error)

    def _written(self, paths: list) -> None:
        self.query_one("#export-table", ListTable).show_rows([(str(p), (p.name,)) for p in paths])
        folder = paths[0].parent if paths else ""
        self.status().info(_("Wrote {count} files to {folder}.").format(count=len(paths), folder=folder))


class StatisticsScreen(TabbedDeskScreen):
    """The statistics desk."""

    TITLE_ID: ClassVar[str] = N_("Statistics")
    CSS_PATH: ClassVar[str] = "statistics_desk.tcss"
    AUTO_FOCUS: ClassVar[str] = "#stats-year"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "figures", N_("Show the figures again"), key_display="F5"),
        Binding("ctrl+s", "save_text", N_("Save the text"), key_display="Ctrl+S", priority=True),
    ]

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="stats-tabs"):
            with TabPane(_("Figures"), id="tab-figures"):
                yield FiguresPane(id="figures-pane")
            with TabPane(_("Report texts"), id="tab-texts"):
                yield TextsPane(id="texts-pane")
            with TabPane(_("Export"), id="tab-export"):
                yield ExportPane(id="export-pane")

    def action_figures(self) -> None:
        self.query_one(TabbedContent).active = "tab-figures"
        self.query_one(FiguresPane).reload()

    def action_save_text(self) -> None:
        if self.query_one(TabbedContent).active == "tab-texts":
            self.query_one(TextsPane).save()
