"""The desks a staff member can open from the home screen.

A desk is registered once, here, with the permission it needs; the home screen
and the command palette list the registered desks the logged-in staff member
may use, in ``order``. A new desk is a ``DeskScreen`` subclass in its own
module, registered by one line at the bottom of this one, e.g.::

    register(Desk("circulation", N_("Circulation"), Permission.<what it needs>, CirculationScreen, order=10))

Number keys on the home screen follow the visible order (1 = first desk).

Orders leave room for the desks to come, in the order staff expect them:
circulation 10, cataloguing 20, reader cards 30, blind reading room 40,
events 50, statistics 60, sync 70, system 80.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session
from screens.blind_desk import BlindScreen
from screens.cataloguing_desk import CataloguingScreen
from screens.circulation_desk import CirculationScreen
from screens.events_desk import EventsScreen
from screens.periodicals_desk import PeriodicalsScreen
from screens.readers_desk import ReadersScreen
from screens.statistics_desk import StatisticsScreen
from screens.system_desk import SystemScreen
from screens.union_desk import UnionScreen, is_union


@dataclass(frozen=True)
class Desk:
    """One entry of the home screen."""

    key: str
    """Stable name, used in tests and command ids."""
    label: str
    """Message id (``N_``), translated where shown."""
    permission: Permission | None
    """Needed to see the desk; ``None``: every staff member sees it (services still refuse)."""
    factory: Callable[[], Screen[None]]
    order: int
    shown: Callable[[Session], bool] | None = None
    """``None``: shown wherever the permission allows; else also only where this says (the union's desk)."""


_DESKS: dict[str, Desk] = {}


def register(desk: Desk) -> None:
    """Add a desk; registering a key twice is a mistake that would hide one of them."""
    if desk.key in _DESKS:
        raise ValueError(f"desk {desk.key!r} is registered twice")
    _DESKS[desk.key] = desk


def all_desks() -> list[Desk]:
    return sorted(_DESKS.values(), key=lambda desk: desk.order)


def visible_desks(session: Session) -> list[Desk]:
    """The desks this staff member may open, in home-screen order."""
    return [
        desk
        for desk in all_desks()
        if (desk.permission is None or session.may(desk.permission)) and (desk.shown is None or desk.shown(session))
    ]


register(Desk("circulation", N_("Circulation"), Permission.CIRCULATE, CirculationScreen, order=10))
register(Desk("cataloguing", N_("Cataloguing"), Permission.CATALOGUE, CataloguingScreen, order=20))
register(Desk("readers", N_("Readers"), Permission.VIEW_READERS, ReadersScreen, order=30))
register(Desk("blind", N_("Blind reading room"), Permission.BLIND_SERVICE, BlindScreen, order=40))
register(Desk("events", N_("Events and visits"), Permission.RECORD_EVENTS, EventsScreen, order=50))
register(Desk("system", N_("System"), None, SystemScreen, order=80))
register(Desk("periodicals", N_("Periodicals"), Permission.SERIALS, PeriodicalsScreen, order=45))
register(Desk("statistics", N_("Statistics"), Permission.VIEW_STATISTICS, StatisticsScreen, order=60))
register(Desk("union", N_("Union catalogue"), Permission.SYNC, UnionScreen, order=70, shown=is_union))
