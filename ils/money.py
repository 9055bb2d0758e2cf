"""Amounts of money as staff type them, and as the desk shows them.

Money is kept as whole fen (分) in integers everywhere. What a person types is
parsed here and nowhere else, strictly: a typed amount that could mean two
things is refused with the reason, never guessed at. ``1e309``, ``0x10`` and
``1,000`` are not amounts a cashier types; ``-5`` is a refund only where a
refund is meant. (Prices read from MARC records are suppliers' free text and
are read leniently by ``catalogue.items.parse_price``.)
"""

from __future__ import annotations

import re
from decimal import Decimal

from ils.errors import Invalid, Message
from ils.i18n import N_
from ils.text import fold

MAX_FEN = 100_000_000
"""¥1,000,000: more than any fine, charge or book price; a larger figure is a slip of the finger."""

_AMOUNT = re.compile(r"(?P<sign>[-+]?)(?P<units>\d+)(?:\.(?P<fraction>\d*))?")
_CURRENCY = re.compile(r"^(?:¥|￥|CNY|RMB)\s*|\s*(?:元|圆|块)$", re.IGNORECASE)


def parse_yuan(text: str | None, *, field: str = N_("Amount"), refund: bool = False) -> int:
    """Fen from a typed amount in yuan (``12``, ``12.5``, ``¥12.50``, ``12.50元``).

    ``field`` names the box in the refusal. ``refund`` allows a leading minus.
    """
    typed = fold(text).strip()
    sign, typed = (typed[0], typed[1:]) if typed[:1] in ("-", "+") else ("", typed)  # -¥5.00, as ``yuan`` shows it
    cleaned = sign + _CURRENCY.sub("", typed.strip()).strip()
    if not cleaned:
        raise Invalid("money.empty", "{field}: type an amount in yuan, e.g. 12.50.", field=_label(field))
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise Invalid(
            "money.not_an_amount",
            "{field}: {text} is not an amount in yuan; type digits and at most one decimal point, e.g. 12.50.",
            field=_label(field),
            text=text.strip() if text else "",
        )
    fraction = match["fraction"] or ""
    if len(fraction) > 2:
        raise Invalid(
            "money.too_many_decimals",
            "{field}: {text} has more than two decimal places (fen).",
            field=_label(field),
            text=cleaned,
        )
    if match["sign"] == "-" and not refund:
        raise Invalid("money.negative", "{field}: an amount cannot be negative here.", field=_label(field))
    fen = int(Decimal(f"{match['units']}.{fraction or '0'}") * 100)
    if fen > MAX_FEN:
        raise Invalid(
            "money.too_large",
            "{field}: {text} is more than the largest amount allowed ({limit}).",
            field=_label(field),
            text=cleaned,
            limit=yuan(MAX_FEN),
        )
    return -fen if match["sign"] == "-" else fen


def yuan(fen: int) -> str:
    """``¥12.50``; exact for any number of fen (no binary fractions on the way)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}¥{whole}.{part:02d}"


def _label(field: str) -> Message:
    """The box's name, translated when the refusal is shown."""
    return Message("money.field", field)
