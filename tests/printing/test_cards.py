"""Reader cards, checked as the desk would: both codes scan back to the card number,
every line is readable text on the card, and no name is long enough to run off it."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace

import pytest
from PIL import Image
from reportlab.lib.units import mm

from printing.cards import ReaderCard, render_reader_card, render_reader_cards
from printing.pages import CR80

from .conftest import PdfTools, Word

BLIND_LINE = "盲人阅览室 · 有声读物与听书机外借"
#: Text keeps this far from the card's edges (the corners are rounded).
SAFE_MARGIN = 3 * mm
#: pdftotext rounds boxes and the font's box can poke a hair past the glyphs.
TOLERANCE = 0.5
#: Twenty characters, as long as names on the desk's register get.
LONG_NAME = "阿依古丽·买买提明·阿不都热合曼江·艾力"
LONG_LIBRARY = "醴陵市图书馆白兔潭镇汆溪分馆流动汽车图书屋服务点"


def adult(**changes: object) -> ReaderCard:
    card = ReaderCard(
        library_name="醴陵市图书馆",
        reader_name="张三",
        card_number="LL0012345678",
        reader_type="成人",
        branch_name="总馆",
        blind_line=None,
        card_label="读者证",
    )
    return replace(card, **changes)


def blind_reader(**changes: object) -> ReaderCard:
    card = adult(
        reader_name="李四光明",
        card_number="LL0087654321",
        reader_type="视障",
        branch_name="白兔潭镇汆溪分馆",
        blind_line=BLIND_LINE,
    )
    return replace(card, **changes)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def symbols(pdf_tools: PdfTools, pdf: bytes) -> list[tuple[int, str, str]]:
    """(page, symbology, value) for every code zbar reads.

    zbar is asked for the symbology as well as the value, so a card whose
    QR code scans but whose Code 128 does not (or the reverse) is caught.
    """
    found = []
    for page, png in enumerate(pdf_tools.render(pdf), start=1):
        result = subprocess.run(["zbarimg", "-q", str(png)], capture_output=True, text=True)
        assert result.returncode in (0, 4), result.stderr
        for line in result.stdout.splitlines():
            symbology, _, value = line.partition(":")
            found.append((page, symbology, value))
    return sorted(found)


def _overlapping(words: list[Word]) -> list[tuple[str, str]]:
    clashes = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if a.page == b.page and not (
                a.x_max <= b.x_min + TOLERANCE
                or b.x_max <= a.x_min + TOLERANCE
                or a.y_max <= b.y_min + TOLERANCE
                or b.y_max <= a.y_min + TOLERANCE
            ):
                clashes.append((a.text, b.text))
    return clashes


def assert_text_inside_the_card(words: list[Word]) -> None:
    width, height = CR80
    for word in words:
        assert word.x_min >= SAFE_MARGIN - TOLERANCE, word
        assert word.x_max <= width - SAFE_MARGIN + TOLERANCE, word
        assert word.y_min >= SAFE_MARGIN - TOLERANCE, word
        assert word.y_max <= height - SAFE_MARGIN + TOLERANCE, word
    assert _overlapping(words) == []


def _words_of(words: list[Word], text: str) -> list[Word]:
    """The words that make up ``text`` (pdftotext splits at spaces)."""
    parts = text.split()
    return [word for word in words if word.text in parts]


# --- the card ---------------------------------------------------------------


def test_card_is_one_cr80_page_in_the_embedded_chinese_font(pdf_tools: PdfTools) -> None:
    pdf = render_reader_card(blind_reader())
    assert pdf_tools.page_sizes(pdf) == [pytest.approx((85.6 * mm, 54 * mm), abs=0.01)]
    pdf_tools.assert_only_cjk_font(pdf)
    # The print queue shows the card's name, never the holder's.
    assert pdf_tools.info(pdf)["Title"] == "读者证"


def test_card_shows_every_line_it_was_given(pdf_tools: PdfTools) -> None:
    card = blind_reader()
    text = _squash(pdf_tools.text(render_reader_card(card)))
    for string in (
        card.library_name,
        card.card_label,
        card.reader_name,
        card.reader_type,
        card.branch_name,
        card.card_number,
        card.blind_line,
    ):
        assert _squash(string) in text


@pytest.mark.parametrize(
    "card_number",
    [
        "LL0012345678",  # prefix and digits
        "4302000312345678",  # the old Zhuzhou style: digits only, region first
        "LL001234567X",  # a check character that is a letter
    ],
)
def test_code128_and_qr_both_scan_to_the_card_number(pdf_tools: PdfTools, card_number: str) -> None:
    pdf = render_reader_card(adult(card_number=card_number))
    assert symbols(pdf_tools, pdf) == [(1, "CODE-128", card_number), (1, "QR-Code", card_number)]


def test_card_number_is_printed_under_the_bars_and_nothing_else_near_the_codes(
    pdf_tools: PdfTools,
) -> None:
    card = blind_reader()
    words = pdf_tools.words(render_reader_card(card))
    # The codes fill the foot of the card; the number under the bars is the
    # only text there, so nothing eats into the quiet zones.
    codes_top = CR80[1] - 20 * mm
    in_codes = [word.text for word in words if word.y_max > codes_top]
    assert in_codes == [card.card_number]


def test_blind_line_is_large_and_high_contrast_only_when_given(pdf_tools: PdfTools) -> None:
    blind_pdf = render_reader_card(blind_reader())
    plain_pdf = render_reader_card(adult())
    assert "盲人阅览室" not in pdf_tools.text(plain_pdf)

    words = pdf_tools.words(blind_pdf)
    blind = _words_of(words, BLIND_LINE)
    branch = _words_of(words, "白兔潭镇汆溪分馆")
    assert blind and branch
    blind_height = min(word.y_max - word.y_min for word in blind)
    branch_height = branch[0].y_max - branch[0].y_min
    assert blind_height >= 1.3 * branch_height

    # Black type on a yellow strip: look at the pixels under the line.
    image = Image.open(pdf_tools.render(blind_pdf)[0]).convert("RGB")
    scale = image.width / CR80[0]
    box = (
        round(min(w.x_min for w in blind) * scale),
        round(blind[0].y_min * scale),
        round(max(w.x_max for w in blind) * scale),
        round(blind[0].y_max * scale),
    )
    colours = image.crop(box).getcolors(maxcolors=1 << 16)
    assert colours is not None
    yellow = sum(n for n, (r, g, b) in colours if r > 200 and g > 180 and b < 80)
    black = sum(n for n, (r, g, b) in colours if r < 60 and g < 60 and b < 60)
    assert yellow > 0.3 * sum(n for n, _ in colours)
    assert black > 0.15 * sum(n for n, _ in colours)

    plain = Image.open(pdf_tools.render(plain_pdf)[0]).convert("RGB")
    plain_colours = plain.getcolors(maxcolors=1 << 20) or []
    assert not any(r > 200 and g > 180 and b < 80 for _, (r, g, b) in plain_colours)


@pytest.mark.parametrize(
    ("name", "library"),
    [
        ("欧阳晓明", "醴陵市图书馆"),
        (LONG_NAME, "醴陵市图书馆"),
        ("张三", LONG_LIBRARY),
        (LONG_NAME, LONG_LIBRARY),
        ("MUHAMMAD ABDULLAH BIN IBRAHIM AL-RASHID", LONG_LIBRARY),
    ],
)
def test_names_of_any_length_fit_on_the_card_whole(pdf_tools: PdfTools, name: str, library: str) -> None:
    card = blind_reader(reader_name=name, library_name=library)
    pdf = render_reader_card(card)
    words = pdf_tools.words(pdf)
    assert_text_inside_the_card(words)
    text = _squash(pdf_tools.text(pdf))
    assert _squash(name) in text and _squash(library) in text
    assert [value for _, _, value in symbols(pdf_tools, pdf)] == [card.card_number] * 2


def test_long_name_is_twenty_characters_and_shrinks_while_a_short_one_stays_large(
    pdf_tools: PdfTools,
) -> None:
    assert len(LONG_NAME) == 20
    short = _words_of(pdf_tools.words(render_reader_card(adult(reader_name="欧阳晓明"))), "欧阳晓明")
    long = _words_of(pdf_tools.words(render_reader_card(adult(reader_name=LONG_NAME))), LONG_NAME)
    short_height = short[0].y_max - short[0].y_min
    long_height = long[0].y_max - long[0].y_min
    assert short_height > 7 * mm
    assert long_height < short_height
    # Shrunk to fit the width, no further.
    assert long[0].x_max - long[0].x_min == pytest.approx(CR80[0] - 7 * mm, abs=2)


# --- several cards ----------------------------------------------------------


def test_several_cards_print_one_per_page_each_with_its_own_codes(pdf_tools: PdfTools) -> None:
    cards = [
        adult(),
        blind_reader(),
        adult(reader_name="王小红", card_number="LL0055555555", reader_type="少儿"),
    ]
    pdf = render_reader_cards(cards)
    assert pdf_tools.page_sizes(pdf) == [pytest.approx(CR80, abs=0.01)] * 3
    expected = []
    for page, card in enumerate(cards, start=1):
        expected += [(page, "CODE-128", card.card_number), (page, "QR-Code", card.card_number)]
    assert symbols(pdf_tools, pdf) == sorted(expected)

    words = pdf_tools.words(pdf)
    for page, card in enumerate(cards, start=1):
        on_page = [word.text for word in words if word.page == page]
        assert card.reader_name in on_page and card.card_number in on_page
    assert_text_inside_the_card(words)


# --- refusals ---------------------------------------------------------------


def test_a_card_number_too_long_to_scan_is_refused_before_printing() -> None:
    with pytest.raises(ValueError, match="minimum module width"):
        render_reader_cards([adult(), adult(card_number="LL" + "0123456789ABCDEFGHIJ" * 2)])


def test_a_card_number_a_scanner_cannot_type_is_refused() -> None:
    with pytest.raises(ValueError, match="printable ASCII"):
        render_reader_card(adult(card_number="LL00１２３"))


def test_no_cards_is_an_error() -> None:
    with pytest.raises(ValueError, match="no reader cards"):
        render_reader_cards([])


@pytest.mark.parametrize("branch", ["总馆", "白兔潭镇汆溪分馆流动汽车图书屋服务点"])
def test_an_expiring_card_shows_its_expiry_beside_the_branch_and_still_scans(pdf_tools: PdfTools, branch: str) -> None:
    card = blind_reader(branch_name=branch, expiry_line="有效期至 2029-03-01")
    pdf = render_reader_card(card)
    words = pdf_tools.words(pdf)
    assert "有效期至2029-03-01" in _squash(pdf_tools.text(pdf))
    assert_text_inside_the_card(words)
    expiry = _words_of(words, "有效期至 2029-03-01")
    assert expiry and min(w.y_max - w.y_min for w in expiry) > 2.5  # as large as the branch line: readable
    assert symbols(pdf_tools, pdf) == [(1, "CODE-128", card.card_number), (1, "QR-Code", card.card_number)]
    assert "有效期" not in pdf_tools.text(render_reader_card(adult()))
