"""Readable names for the MARC tags and subfields a public-library cataloguer meets daily.

Only the common ones: a record view labels what it knows and shows the bare tag for the
rest, which is what cataloguers expect (they read tags fluently; the labels help the
front desk and new staff). CNMARC names follow the Chinese edition's terms.
"""

from __future__ import annotations

from ils.catalogue.marc_fields import CNMARC
from ils.i18n import N_, _

_CNMARC_TAGS: dict[str, str] = {
    "001": N_("Record identifier"),
    "005": N_("Version identifier"),
    "010": N_("International Standard Book Number (ISBN)"),
    "011": N_("ISSN"),
    "091": N_("Unified book number"),
    "100": N_("General processing data"),
    "101": N_("Language of the item"),
    "102": N_("Country of publication"),
    "105": N_("Coded data: textual material"),
    "106": N_("Coded data: form of item"),
    "200": N_("Title and statement of responsibility"),
    "205": N_("Edition statement"),
    "210": N_("Publication, distribution"),
    "215": N_("Physical description"),
    "225": N_("Series"),
    "300": N_("General note"),
    "330": N_("Summary"),
    "333": N_("Users / intended audience note"),
    "410": N_("Series link"),
    "461": N_("Set link"),
    "510": N_("Parallel title"),
    "517": N_("Other variant title"),
    "600": N_("Personal name used as subject"),
    "606": N_("Topical subject"),
    "607": N_("Geographical name used as subject"),
    "610": N_("Uncontrolled subject terms"),
    "690": N_("Chinese Library Classification"),
    "692": N_("Classification of the Chinese Academy of Sciences"),
    "700": N_("Personal name: primary responsibility"),
    "701": N_("Personal name: alternative primary responsibility"),
    "702": N_("Personal name: secondary responsibility"),
    "710": N_("Corporate body: primary responsibility"),
    "711": N_("Corporate body: alternative primary responsibility"),
    "712": N_("Corporate body: secondary responsibility"),
    "801": N_("Originating source"),
    "905": N_("Local holdings"),
}

_MARC21_TAGS: dict[str, str] = {
    "001": N_("Control number"),
    "003": N_("Control number identifier"),
    "005": N_("Date and time of latest transaction"),
    "008": N_("Fixed-length data elements"),
    "010": N_("LC control number"),
    "020": N_("International Standard Book Number (ISBN)"),
    "022": N_("ISSN"),
    "040": N_("Cataloguing source"),
    "041": N_("Language code"),
    "050": N_("LC call number"),
    "082": N_("Dewey Decimal Classification"),
    "084": N_("Other classification number"),
    "100": N_("Main entry: personal name"),
    "110": N_("Main entry: corporate name"),
    "245": N_("Title statement"),
    "246": N_("Varying form of title"),
    "250": N_("Edition statement"),
    "260": N_("Publication, distribution"),
    "264": N_("Production, publication"),
    "300": N_("Physical description"),
    "490": N_("Series statement"),
    "500": N_("General note"),
    "504": N_("Bibliography note"),
    "505": N_("Contents note"),
    "520": N_("Summary"),
    "600": N_("Subject: personal name"),
    "650": N_("Subject: topical term"),
    "651": N_("Subject: geographic name"),
    "700": N_("Added entry: personal name"),
    "710": N_("Added entry: corporate name"),
    "852": N_("Location"),
    "880": N_("Alternate graphic representation"),
    "952": N_("Local holdings (Koha)"),
}

_CNMARC_SUBFIELDS: dict[tuple[str, str], str] = {
    ("010", "a"): N_("International Standard Book Number (ISBN)"),
    ("010", "b"): N_("Qualification"),
    ("010", "d"): N_("Price"),
    ("200", "a"): N_("Title proper"),
    ("200", "d"): N_("Parallel title"),
    ("200", "e"): N_("Other title information"),
    ("200", "f"): N_("First statement of responsibility"),
    ("200", "g"): N_("Subsequent statement of responsibility"),
    ("200", "h"): N_("Number of part"),
    ("200", "i"): N_("Name of part"),
    ("210", "a"): N_("Place of publication"),
    ("210", "c"): N_("Publisher"),
    ("210", "d"): N_("Date of publication"),
    ("215", "a"): N_("Extent"),
    ("215", "d"): N_("Dimensions"),
    ("225", "a"): N_("Series title"),
    ("606", "a"): N_("Entry element"),
    ("690", "a"): N_("Class number"),
    ("690", "v"): N_("Edition"),
    ("701", "a"): N_("Entry element"),
    ("701", "4"): N_("Relator code"),
    ("905", "a"): N_("Holding library"),
    ("905", "b"): N_("Barcode"),
    ("905", "c"): N_("Location"),
    ("905", "d"): N_("Class number"),
    ("905", "e"): N_("Book number"),
    ("905", "f"): N_("Volume"),
}

_MARC21_SUBFIELDS: dict[tuple[str, str], str] = {
    ("020", "a"): N_("International Standard Book Number (ISBN)"),
    ("020", "c"): N_("Terms of availability"),
    ("084", "a"): N_("Class number"),
    ("084", "2"): N_("Source"),
    ("100", "a"): N_("Personal name"),
    ("100", "d"): N_("Dates"),
    ("245", "a"): N_("Title"),
    ("245", "b"): N_("Remainder of title"),
    ("245", "c"): N_("Statement of responsibility"),
    ("250", "a"): N_("Edition statement"),
    ("260", "a"): N_("Place of publication"),
    ("260", "b"): N_("Publisher"),
    ("260", "c"): N_("Date of publication"),
    ("264", "a"): N_("Place of publication"),
    ("264", "b"): N_("Publisher"),
    ("264", "c"): N_("Date of publication"),
    ("300", "a"): N_("Extent"),
    ("650", "a"): N_("Topical term"),
    ("700", "a"): N_("Personal name"),
    ("852", "b"): N_("Sublocation"),
    ("852", "h"): N_("Classification part"),
    ("852", "p"): N_("Barcode"),
}


def tag_label(fmt: str, tag: str) -> str:
    """The tag's name in the interface language, or '' when it is not a common tag."""
    table = _CNMARC_TAGS if fmt == CNMARC else _MARC21_TAGS
    return _(table[tag]) if tag in table else ""


def subfield_label(fmt: str, tag: str, code: str) -> str:
    table = _CNMARC_SUBFIELDS if fmt == CNMARC else _MARC21_SUBFIELDS
    key = (tag, code)
    return _(table[key]) if key in table else ""
