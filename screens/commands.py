"""The command palette (Ctrl+P): the desks and the app-wide actions, in the current language.

Replaces Textual's own system commands, which are English only. A command
matches what is typed against its translated name and its English id, so
"lang" finds 切换语言 too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from ils.i18n import N_, _
from screens.desks import visible_desks

if TYPE_CHECKING:
    from screens.app import IlsApp

Action = Callable[[], object] | Callable[[], Awaitable[object]]


class DeskCommands(Provider):
    """Open a desk, switch language or contrast, log out, quit."""

    def _commands(self) -> list[tuple[str, str, str, Action]]:
        """(name shown, English id, help, action) for what makes sense right now."""
        app = cast("IlsApp", self.app)
        commands: list[tuple[str, str, str, Action]] = []
        if app.session is not None:
            for desk in visible_desks(app.session):
                name = _("Open the {desk} desk").format(desk=_(desk.label))
                commands.append((name, desk.label, _("Go to this desk"), partial(app.open_desk, desk)))
        fixed: list[tuple[str, str, Action]] = [
            (
                N_("Switch language (中文/English)"),
                N_("Show every screen in the other language"),
                app.action_toggle_language,
            ),
            (N_("High contrast on or off"), N_("Black background, white and yellow text"), app.action_toggle_contrast),
            (N_("Keys"), N_("Show the keys of this screen"), app.action_help),
        ]
        if app.session is not None:
            fixed.append((N_("Log out"), N_("Back to the log-in screen"), app.action_log_out))
        fixed.append((N_("Quit"), N_("Close the program"), app.action_quit))
        commands += [(_(name), name, _(help_text), action) for name, help_text, action in fixed]
        return commands

    async def discover(self) -> Hits:
        for name, _english, help_text, action in self._commands():
            yield DiscoveryHit(name, action, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, english, help_text, action in self._commands():
            score = max(matcher.match(name), matcher.match(english))
            if score > 0:
                yield Hit(score, matcher.highlight(name), action, text=name, help=help_text)


class LocalCommandPalette(CommandPalette):
    """Textual's palette, saying "No matches found" in the desk's language (Textual has it in English only)."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        super()._start_no_matches_countdown(search_value)
        if self._no_matches_timer is not None:
            self._no_matches_timer.stop()
        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, partial(self._no_matches, search_value))

    def _no_matches(self, search_value: str) -> None:
        if not search_value:  # browsing every command: an empty list needs no notice
            self._list_visible = False
            return
        notice = Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=self._NO_MATCHES)
        self.query_one(CommandList).add_option(notice)
        self._list_visible = True
