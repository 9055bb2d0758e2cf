"""Circulation settings a library may change: the overdue policy, holds, lost-item charges,
the receipt printer.

Kept in the ``setting`` table like the reader settings; a key never set has the default
below, a Chinese county library's (DOMAIN 2.2): overdue items block borrowing and cost
nothing (fees need a cash workflow), two holds kept three days, a lost copy paid at its
price.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Setting
from ils.caches import cached
from ils.errors import Invalid
from ils.i18n import N_
from ils.permissions import Permission
from ils.session import Session, writes

OVERDUE_MODE = "circ.overdue_mode"
FINE_BLOCK_FEN = "circ.fine_block_fen"
HOLD_LIMIT = "circ.hold_limit"
HOLD_SHELF_DAYS = "circ.hold_shelf_days"
LOST_PRICE_PERCENT = "circ.lost_price_percent"
LOST_DEFAULT_FEN = "circ.lost_default_fen"
RECEIPT_PRINTER = "circ.receipt_printer"

BLOCK = "block"
FINES = "fines"
OVERDUE_MODES: dict[str, str] = {
    BLOCK: N_("No fines: nothing can be borrowed while anything is overdue"),
    FINES: N_("Fines per day; borrowing stops once the debt reaches the threshold"),
}


@dataclass(frozen=True)
class CirculationSettings:
    overdue_mode: str
    fine_block_fen: int
    hold_limit: int
    hold_shelf_days: int
    lost_price_percent: int
    lost_default_fen: int
    receipt_printer: str

    @property
    def fines(self) -> bool:
        return self.overdue_mode == FINES


DEFAULTS = CirculationSettings(
    overdue_mode=BLOCK,
    fine_block_fen=3000,
    hold_limit=2,
    hold_shelf_days=3,
    lost_price_percent=100,
    lost_default_fen=3000,
    receipt_printer="",
)
_KEYS = {
    "overdue_mode": OVERDUE_MODE,
    "fine_block_fen": FINE_BLOCK_FEN,
    "hold_limit": HOLD_LIMIT,
    "hold_shelf_days": HOLD_SHELF_DAYS,
    "lost_price_percent": LOST_PRICE_PERCENT,
    "lost_default_fen": LOST_DEFAULT_FEN,
    "receipt_printer": RECEIPT_PRINTER,
}
_LIMITS = {
    "fine_block_fen": (0, 1_000_000),
    "hold_limit": (0, 50),
    "hold_shelf_days": (1, 60),
    "lost_price_percent": (0, 1000),
    "lost_default_fen": (0, 1_000_000),
}


def circulation_settings() -> CirculationSettings:
    """Asked at every scan of a card (for the reader's blocks) and every loan: kept per connection
    until a setting changes here or anything changes at another desk (``ils.caches``)."""
    return cached("circulation_settings", _read_settings)


def _read_settings() -> CirculationSettings:
    stored = {row.key: row.value for row in Setting.select().where(Setting.key.in_(list(_KEYS.values())))}
    values = {}
    for name, key in _KEYS.items():
        default = getattr(DEFAULTS, name)
        raw = stored.get(key)
        values[name] = default if raw is None else type(default)(raw)
    return CirculationSettings(**values)


def _checked(name: str, value: object) -> str:
    if name == "overdue_mode":
        if value not in OVERDUE_MODES:
            raise Invalid(
                "circ.unknown_overdue_mode", "The overdue policy is one of: {modes}.", modes=", ".join(OVERDUE_MODES)
            )
        return str(value)
    if name == "receipt_printer":
        return str(value).strip()
    low, high = _LIMITS[name]
    if not isinstance(value, int) or not low <= value <= high:
        raise Invalid(
            "circ.setting_out_of_range",
            "{name} must be a whole number from {low} to {high}.",
            name=name,
            low=low,
            high=high,
        )
    return str(value)


@writes
def change_circulation_settings(session: Session, **changes: object) -> CirculationSettings:
    """Change any of the settings by name; unknown names are refused before anything is written."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    unknown = set(changes) - set(_KEYS)
    if unknown:
        raise Invalid(
            "circ.unknown_circulation_setting", "Unknown circulation setting {name}.", name=", ".join(sorted(unknown))
        )
    checked = {_KEYS[name]: _checked(name, value) for name, value in changes.items() if value is not None}
    with session.write() as writer:
        for key, value in checked.items():
            Setting.insert(key=key, value=value).on_conflict_replace().execute()
            writer.journal("setting.set", "setting", key, {"value": value})
    return circulation_settings()
