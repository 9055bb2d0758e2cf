"""The fixed lists staff choose from: programme types, target groups, venues, channels.

Each is code → label (``N_``); codes are stored, labels shown in the desk's language. The
national return (文化和旅游统计) asks for 讲座, 展览 and 培训 apart: ``RETURN_KIND`` says which
programme types count under each.
"""

from __future__ import annotations

from ils.errors import Invalid
from ils.i18n import N_, _
from ils.text_input import field_label

PROGRAMME_KINDS: dict[str, str] = {
    "lecture": N_("Lecture"),
    "exhibition": N_("Exhibition"),
    "training": N_("Training course"),
    "reading_club": N_("Reading club or sharing"),
    "story": N_("Story time or family reading"),
    "contest": N_("Contest"),
    "online": N_("Online activity"),
    "outreach": N_("Books to the countryside or mobile service"),
    "festival": N_("Festival activity"),
}

#: The national return's three columns; other types count under "other activities".
RETURN_KIND: dict[str, str] = {"lecture": "lecture", "exhibition": "exhibition", "training": "training"}
RETURN_LABELS: dict[str, str] = {
    "lecture": N_("Lectures"),
    "exhibition": N_("Exhibitions"),
    "training": N_("Training"),
    "other": N_("Other activities"),
}

AUDIENCES: dict[str, str] = {
    "all": N_("Everyone"),
    "children": N_("Children"),
    "teens": N_("Teenagers"),
    "adults": N_("Adults"),
    "elderly": N_("Elderly people"),
    "visually_impaired": N_("Visually impaired people"),
    "students": N_("University students"),
}

VENUE_KINDS: dict[str, str] = {
    "room": N_("A room of the library"),
    "branch": N_("A branch"),
    "outside": N_("An outside place"),
    "online": N_("Online"),
}

#: The library's rooms where programmes take place.
ROOMS: dict[str, str] = {
    "hall": N_("Multi-purpose lecture hall"),
    "children_experience": N_("Children's experience hall"),
    "picture_books": N_("Picture-book room"),
    "exhibition_hall": N_("Exhibition hall"),
}

#: Rooms that count their own use (seats, visits or e-reading sessions) by a manual tally.
#: The blind reading room counts its visits at its own desk (``blind_visit``).
TALLY_ROOMS: dict[str, str] = {
    "e_reading": N_("E-reading room"),
    "children": N_("Children's reading room"),
    "local_documents": N_("Local documents room"),
    "ancient_books": N_("Ancient books room"),
    "ceramics": N_("Ceramics materials room"),
    "periodicals": N_("Newspapers and periodicals room"),
}

#: The rooms the figures list: the tallied ones and the blind reading room (its own desk's tally).
FIGURE_ROOMS: dict[str, str] = {**TALLY_ROOMS, "blind": N_("Blind reading room")}

MEASURES: dict[str, str] = {"visits": N_("Visits"), "sessions": N_("Sessions")}

REACH_CHANNELS: dict[str, str] = {
    "wechat": N_("WeChat article"),
    "video": N_("Video"),
    "live": N_("Live stream"),
    "website": N_("Website"),
}

EVIDENCE_KINDS: dict[str, str] = {
    "photo": N_("Photo"),
    "sign_in": N_("Sign-in sheet"),
    "cutting": N_("Press cutting"),
    "other": N_("Other"),
}

RECIPIENTS: dict[str, str] = {
    "library": N_("The library"),
    "branch": N_("A branch"),
    "staff": N_("A staff member"),
    "reader": N_("A reader"),
}

ENQUIRY_CHANNELS: dict[str, str] = {"in_person": N_("In person"), "phone": N_("By phone"), "online": N_("Online")}

ENQUIRY_KINDS: dict[str, str] = {
    "lookup": N_("Finding a book"),
    "reference": N_("Reference question"),
    "directions": N_("Directions and services"),
    "cards": N_("Cards and borrowing"),
    "digital": N_("Digital resources"),
}

TRAINING_AUDIENCES: dict[str, str] = {"branch_staff": N_("Branch staff (基层辅导)"), "own_staff": N_("Our own staff")}

TRAINING_CATEGORIES: dict[str, str] = {
    "business": N_("Library work"),
    "fire_safety": N_("Fire and work safety"),
    "volunteer": N_("Volunteer service"),
    "other": N_("Other"),
}

DIGITAL_MEASURES: dict[str, str] = {
    "clicks": N_("Clicks"),
    "downloads": N_("Downloads"),
    "visits": N_("Website visits"),
    "followers": N_("Followers"),
    "pushes": N_("Pushes"),
    "booklists": N_("Booklists pushed"),
}

#: Measures that are a level at the month's end, not a count during it: a period reports its last.
LEVEL_MEASURES = frozenset({"followers"})


def choice(value: str | None, choices: dict[str, str], field: str) -> str:
    """``value`` if it is one of ``choices``' codes (or labels, in either language), else a refusal."""
    text = (value or "").strip()
    if text in choices:
        return text
    for code, label in choices.items():
        if text in (label, _(label)):
            return code
    raise Invalid(
        "events.unknown_choice",
        "{field} must be one of: {choices}.",
        field=field_label(field),
        choices=", ".join(choices),
    )


def label(choices: dict[str, str], code: str) -> str:
    """The label of ``code`` in the current language; an unknown code (a newer desk's) as it is."""
    return _(choices[code]) if code in choices else code
