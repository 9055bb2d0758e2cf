"""Ages: who needs a guardian, who may be one, and the age bands statistics keep.

The bands keep every indicator the annual report asks for (children's card holders,
readers by age) once a reader's birth date is gone: a de-identified loan and an
anonymised reader keep the band, never the date.
"""

from __future__ import annotations

import datetime as dt

CHILD_AGE = 14  # PIPL Art. 31: under 14, a parent or guardian consents
ADULT_AGE = 18  # a guardian must be an adult
# (lowest age, band) from the top down; the lowest band starts at 0.
AGE_BANDS = ((60, "60+"), (35, "35-59"), (18, "18-34"), (14, "14-17"), (7, "7-13"), (0, "0-6"))
UNKNOWN_BAND = "unknown"


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years on ``day``; born on 29 February, one comes of age on 1 March."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def is_child(birth_date: dt.date | None, day: dt.date) -> bool:
    """Under ``CHILD_AGE`` on ``day``: registers with a guardian, who consents for the child."""
    return birth_date is not None and age_on(birth_date, day) < CHILD_AGE


def age_band(birth_date: dt.date | None, day: dt.date) -> str:
    """The reader's age band on ``day`` ("7-13", "18-34" ...), or "unknown" for an organisation."""
    if birth_date is None:
        return UNKNOWN_BAND
    age = age_on(birth_date, day)
    return next(band for lowest, band in AGE_BANDS if age >= lowest)
