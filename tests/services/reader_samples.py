"""Synthetic ID numbers and a quick registration for the reader tests; never real people."""

from __future__ import annotations

from stdnum.cn import ric

from ils.readers.readers import Registration, register_reader


def citizen(born: str = "19850312", region: str = "430281", order: str = "123") -> str:
    """An 18-character resident ID number with a valid check digit."""
    body = region + born + order
    return body + ric.calc_check_digit(body + "0")


# Three people the reader tests share: an adult, a parent, and the parent's child (under 14).
ADULT = citizen("19850312")
GUARDIAN = citizen("19800520", order="456")
CHILD = citizen("20180601", order="789")


def with_x(born: str = "19800101", region: str = "430281") -> str:
    """A valid number whose check digit is X, found by trying order codes."""
    for order in range(1000):
        number = citizen(born, region, f"{order:03d}")
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit")


def register(session, name="王芳", number=None, **options):
    """Register an adult (or whatever ``options`` say) with sensible defaults; returns the record."""
    form = Registration(name=name, id_type=options.pop("id_type", "resident"), id_number=number or citizen(), **options)
    return register_reader(session, form)
