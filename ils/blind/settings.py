"""The blind room's settings: whether a certificate number is kept, when a late device is
followed up, the return address printed on parcels, the label size, spoken feedback.

Kept in the ``setting`` table like the other settings; a key never set has the default below.
Spoken feedback belongs to one desk (the one with a loudspeaker at the reader's side), so it is
desk-local (``db.sync_spec.DESK_SETTINGS``); the others are library-wide.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Setting
from ils.errors import Invalid
from ils.library import Library
from ils.permissions import Permission
from ils.session import Session

STORE_CERTIFICATE = "blind.store_certificate_number"
CALL_AFTER_DAYS = "blind.call_after_days"
RETURN_ADDRESS = "blind.return_address"
RETURN_POSTCODE = "blind.return_postcode"
LABEL_SIZE = "blind.label_size"
SPEECH = "blind.speech"

LABEL_SIZES = ("a6", "100x150")


@dataclass(frozen=True)
class BlindSettings:
    store_certificate_number: bool  # off by default (DOMAIN 5.2.3); sealed with the reader key when on
    call_after_days: int  # a device loan this many days overdue goes on the call list
    return_address: str  # the library's address on labels and return cards ("" = library and branch name)
    return_postcode: str
    label_size: str
    speech: bool  # this desk speaks each outcome (espeak-ng); off by default


DEFAULTS = BlindSettings(
    store_certificate_number=False,
    call_after_days=14,
    return_address="",
    return_postcode="",
    label_size="a6",
    speech=False,
)
_KEYS = {
    "store_certificate_number": STORE_CERTIFICATE,
    "call_after_days": CALL_AFTER_DAYS,
    "return_address": RETURN_ADDRESS,
    "return_postcode": RETURN_POSTCODE,
    "label_size": LABEL_SIZE,
    "speech": SPEECH,
}
_FLAGS = ("store_certificate_number", "speech")


def blind_settings(library: Library) -> BlindSettings:
    values = {}
    for name, key in _KEYS.items():
        raw = library.setting(key)
        default = getattr(DEFAULTS, name)
        if raw is None:
            values[name] = default
        elif name in _FLAGS:
            values[name] = raw == "1"
        else:
            values[name] = type(default)(raw)
    return BlindSettings(**values)


def _checked(name: str, value: object) -> str:
    if name in _FLAGS:
        if not isinstance(value, bool):
            raise Invalid("blind.setting_yes_no", "{name} is yes or no.", name=name)
        return "1" if value else "0"
    if name == "call_after_days":
        if not isinstance(value, int) or not 1 <= value <= 365:
            raise Invalid("blind.call_after_days", "The call list starts from 1 to 365 days overdue.")
        return str(value)
    if name == "label_size":
        if value not in LABEL_SIZES:
            raise Invalid("blind.label_size", "The label size is one of: {sizes}.", sizes=", ".join(LABEL_SIZES))
        return str(value)
    text = "\n".join(" ".join(line.split()) for line in str(value).split("\n") if line.strip())
    if len(text) > 120:
        raise Invalid("blind.return_address_long", "The return address has at most 120 characters.")
    if name == "return_postcode" and text and not (text.isdigit() and len(text) == 6):
        raise Invalid("blind.postcode", "A postcode has 6 digits.")
    return text


def change_blind_settings(session: Session, **changes: object) -> BlindSettings:
    """Change settings by name. Keeping certificate numbers is a privacy decision: it needs the
    right to configure reader data, and a privacy notice that says so."""
    session.require(Permission.BLIND_SERVICE)
    unknown = set(changes) - set(_KEYS)
    if unknown:
        raise Invalid("blind.unknown_setting", "Unknown blind room setting {name}.", name=", ".join(sorted(unknown)))
    if changes.get("store_certificate_number") is not None:
        session.require(Permission.CONFIGURE_READERS)
    checked = {_KEYS[name]: _checked(name, value) for name, value in changes.items() if value is not None}
    with session.write() as writer:
        for key, value in checked.items():
            Setting.insert(key=key, value=value).on_conflict_replace().execute()
            writer.journal("setting.set", "setting", key, {"value": value})
    return blind_settings(session.library)
