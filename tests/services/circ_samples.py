"""A small lending library for the circulation tests: titles with copies at the central
library (ZG) and a branch (XHMZ), and readers of each kind; never real people."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from ils.catalogue.items import add_item
from tests.services.reader_samples import ADULT, citizen, register
from tests.services.test_book_numbers import new_record


@dataclass
class Shelf:
    bibs: dict[str, str]
    adult: str  # card numbers
    other: str
    blind: str


@pytest.fixture
def shelf(admin) -> Shelf:
    bibs = {}
    for title, clc in (
        ("三体", "I247.5"),
        ("呐喊", "I246.7"),
        ("红楼梦", "I242.4"),
        ("活着", "I247.57"),
        ("平凡的世界", "I247.5"),
        ("围城", "I246.5"),
        ("边城", "I246.5"),
    ):
        bibs[title] = new_record(admin, title, clc=clc)
    add_item(admin, bibs["三体"], "T0001", location="ZG-WJ", price="CNY23.00")
    add_item(admin, bibs["三体"], "T0002", branch="XHMZ", location="XHMZ")
    add_item(admin, bibs["呐喊"], "T0003", location="ZG-WJ")
    add_item(admin, bibs["红楼梦"], "T0004", location="ZG-WJ")
    add_item(admin, bibs["活着"], "T0005", location="ZG-WJ")
    add_item(admin, bibs["平凡的世界"], "T0006", location="ZG-WJ")
    add_item(admin, bibs["围城"], "T0007", location="ZG-WJ")
    add_item(admin, bibs["边城"], "T0008", branch="XHMZ", location="XHMZ")
    add_item(admin, bibs["边城"], "T0009", location="ZG-BK")  # a reading-room copy: not for loan
    add_item(admin, bibs["边城"], "D0001", location="ZG-MR", item_type="listening_device")
    adult = register(admin, "王芳", ADULT).summary.card_number
    other = register(admin, "张伟", citizen("19900101", order="222")).summary.card_number
    blind = register(
        admin, "刘明", citizen("19700101", order="333"), reader_type="blind", consents=frozenset({"disability"})
    ).summary.card_number
    return Shelf(bibs, adult, other, blind)
