"""Spine and barcode labels, checked as the printed sheet would be: text a viewer
finds, barcodes a scanner reads, and ink only on the stickers meant for it."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PIL import Image, ImageDraw

from printing.labels import BarcodeLabel, SpineLabel, render_barcode_labels, render_spine_labels
from printing.pages import LabelRect, LabelSheet, label_sheet

from .conftest import PdfTools, Word

SHEET_NAMES = ["a4-3x8-70x37", "a4-5x13-38.1x21.2"]
#: pdftotext rounds boxes and the font's box can poke a hair past the glyphs.
TOLERANCE = 0.5
BRANCHES = ["总馆 地方文献", "陶瓷资料室", None]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def spine_labels(count: int) -> list[SpineLabel]:
    """Distinct call numbers, some with a volume line, some with a branch line."""
    labels = []
    for i in range(count):
        lines = [f"I247.{i}", str(100 + i)]
        if i % 2:
            lines.append(str(i % 5 + 1))
        if i % 7 == 3:
            lines = [f"TQ174.6-{i:03d}", str(1000 + i), f"v.{i} c.2"]
        labels.append(SpineLabel(tuple(lines), BRANCHES[i % len(BRANCHES)]))
    return labels


def barcode_labels(count: int) -> list[BarcodeLabel]:
    """Distinct values (zbar reports equal values once per page), both numbering styles."""
    labels = []
    for i in range(count):
        value = f"00123{i:05d}" if i % 2 else f"LL000{i:05d}"
        labels.append(BarcodeLabel(value, value, "醴陵市图书馆" if i % 3 else None))
    return labels


def placements(sheet: LabelSheet, count: int, start_at: int) -> list[tuple[int, LabelRect]]:
    """(1-based page, rectangle) expected for each of ``count`` labels."""
    rects = list(sheet.labels())
    return [
        (index // sheet.count + 1, rects[index % sheet.count]) for index in range(start_at - 1, start_at - 1 + count)
    ]


def _in_rect(word: Word, rect: LabelRect, page_height: float) -> bool:
    top = page_height - (rect.y + rect.height)
    bottom = page_height - rect.y
    return (
        word.x_min >= rect.x - TOLERANCE
        and word.x_max <= rect.x + rect.width + TOLERANCE
        and word.y_min >= top - TOLERANCE
        and word.y_max <= bottom + TOLERANCE
    )


def words_by_label(words: list[Word], sheet: LabelSheet, placed: list[tuple[int, LabelRect]]) -> list[list[Word]]:
    """Each placed label's words, top to bottom; every word must fall in one label."""
    grouped: list[list[Word]] = [[] for _ in placed]
    page_height = sheet.page_size[1]
    for word in words:
        homes = [i for i, (page, rect) in enumerate(placed) if page == word.page and _in_rect(word, rect, page_height)]
        assert len(homes) == 1, f"{word} is not inside exactly one label: {homes}"
        grouped[homes[0]].append(word)
    return [sorted(group, key=lambda w: (round(w.y_min), w.x_min)) for group in grouped]


def assert_ink_only_on_labels(
    pdf_tools: PdfTools, pdf: bytes, sheet: LabelSheet, placed: list[tuple[int, LabelRect]]
) -> None:
    """Blank out the labels that were printed: nothing else on any page may be inked,
    neither the margins nor the skipped positions of a part-used sheet."""
    dpi = 100
    scale = dpi / 72
    pages = pdf_tools.render(pdf, dpi)
    assert len(pages) == placed[-1][0]
    for number, png in enumerate(pages, start=1):
        image = Image.open(png).convert("L")
        painter = ImageDraw.Draw(image)
        for page, rect in placed:
            if page == number:
                top = sheet.page_size[1] - (rect.y + rect.height)
                painter.rectangle(
                    (
                        rect.x * scale - 1,
                        top * scale - 1,
                        (rect.x + rect.width) * scale + 1,
                        (top + rect.height) * scale + 1,
                    ),
                    fill=255,
                )
        dark = image.point(lambda value: 255 if value < 200 else 0).getbbox()
        assert dark is None, f"ink outside the printed labels on page {number} at {dark}"


# --- spine labels -----------------------------------------------------------


@pytest.mark.parametrize("sheet_name", SHEET_NAMES)
def test_spine_labels_fill_from_start_at_and_spill_onto_a_second_page(pdf_tools: PdfTools, sheet_name: str) -> None:
    sheet = label_sheet(sheet_name)
    start_at = 5
    count = sheet.count - start_at + 1 + 4
    labels = spine_labels(count)
    pdf = render_spine_labels(labels, sheet, start_at=start_at, title="书标")

    pdf_tools.assert_only_cjk_font(pdf)
    info = pdf_tools.info(pdf)
    assert info["Pages"] == "2"
    assert info["Title"] == "书标"

    text = _squash(pdf_tools.text(pdf))
    for label in labels:
        for line in label.lines:
            assert _squash(line) in text
    assert "陶瓷资料室" in text and "总馆地方文献" in text

    placed = placements(sheet, count, start_at)
    grouped = words_by_label(pdf_tools.words(pdf), sheet, placed)
    for label, words in zip(labels, grouped, strict=True):
        expected = _squash("".join(label.lines) + (label.branch or ""))
        assert "".join(w.text for w in words) == expected
    assert_ink_only_on_labels(pdf_tools, pdf, sheet, placed)


def test_spine_call_number_is_large_and_centred_with_a_small_branch_line(
    pdf_tools: PdfTools,
) -> None:
    sheet = label_sheet("a4-4x10-48.5x25.4")
    label = SpineLabel(("I247.5", "123", "2"), "总馆 地方文献")
    pdf = render_spine_labels([label], sheet)
    rect = next(sheet.labels())
    words = pdf_tools.words(pdf)
    height = {w.text: w.y_max - w.y_min for w in words}
    # Call number lines share one size, far larger than the branch line.
    assert height["I247.5"] == pytest.approx(height["123"], abs=0.1)
    assert height["123"] > 1.5 * height["总馆"]
    for word in words:
        if word.text in label.lines:
            centre = (word.x_min + word.x_max) / 2
            assert centre == pytest.approx(rect.x + rect.width / 2, abs=1.5)
    # Lines read top to bottom in order, and the branch line sits at the foot.
    tops = [next(w.y_min for w in words if w.text == t) for t in (*label.lines, "总馆")]
    assert tops == sorted(tops)


def test_spine_long_call_number_shrinks_to_the_label_width(pdf_tools: PdfTools) -> None:
    sheet = label_sheet("a4-5x13-38.1x21.2")
    pdf = render_spine_labels([SpineLabel(("TQ174.6-0921234567", "12"))], sheet)
    placed = placements(sheet, 1, 1)
    (words,) = words_by_label(pdf_tools.words(pdf), sheet, placed)
    assert [w.text for w in words] == ["TQ174.6-0921234567", "12"]


def test_spine_label_lines_are_frozen_and_checked() -> None:
    label = SpineLabel(["I247.5", "123"])
    assert label.lines == ("I247.5", "123")
    with pytest.raises(AttributeError):
        label.branch = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        SpineLabel(())
    with pytest.raises(ValueError):
        SpineLabel(("I247.5", " "))


# --- barcode labels ---------------------------------------------------------


@pytest.mark.parametrize(("sheet_name", "start_at"), [("a4-5x13-38.1x21.2", 60), ("a4-3x8-70x37", 20)])
def test_barcode_labels_all_scan_and_stay_on_their_labels(pdf_tools: PdfTools, sheet_name: str, start_at: int) -> None:
    sheet = label_sheet(sheet_name)
    count = sheet.count - start_at + 1 + 7
    labels = barcode_labels(count)
    pdf = render_barcode_labels(labels, sheet, start_at=start_at)

    pdf_tools.assert_only_cjk_font(pdf)
    assert pdf_tools.info(pdf)["Pages"] == "2"
    assert Counter(pdf_tools.decode(pdf)) == Counter(label.value for label in labels)

    text = _squash(pdf_tools.text(pdf))
    assert "醴陵市图书馆" in text
    for label in labels:
        assert label.text in text

    placed = placements(sheet, count, start_at)
    grouped = words_by_label(pdf_tools.words(pdf), sheet, placed)
    for label, words in zip(labels, grouped, strict=True):
        expected = [label.top_line, label.text] if label.top_line else [label.text]
        assert [w.text for w in words] == expected
    assert_ink_only_on_labels(pdf_tools, pdf, sheet, placed)


def test_barcode_label_text_may_differ_from_the_value(pdf_tools: PdfTools) -> None:
    sheet = label_sheet("a4-4x10-48.5x25.4")
    label = BarcodeLabel("0012345678", "00 1234 5678", "醴陵市图书馆")
    pdf = render_barcode_labels([label], sheet)
    assert pdf_tools.decode(pdf) == ["0012345678"]
    assert "00 1234 5678" in pdf_tools.text(pdf)


def test_barcode_too_wide_for_the_label_is_refused() -> None:
    sheet = label_sheet("a4-5x13-38.1x21.2")
    value = "LIBRARY-ITEM-ABCDEF"
    with pytest.raises(ValueError, match=r"needs .* mm .* minimum module width"):
        render_barcode_labels([BarcodeLabel("0012345678", "0012345678"), BarcodeLabel(value, value)], sheet)
    # The same value fits the wider stock.
    assert render_barcode_labels([BarcodeLabel(value, value)], label_sheet("a4-3x8-70x37"))


# --- shared rules -----------------------------------------------------------


@pytest.mark.parametrize("start_at", [0, 25, -1])
def test_start_at_must_be_a_position_on_the_sheet(start_at: int) -> None:
    sheet = label_sheet("a4-3x8-70x37")
    with pytest.raises(ValueError, match="start_at"):
        render_spine_labels([SpineLabel(("I247.5",))], sheet, start_at=start_at)
    with pytest.raises(ValueError, match="start_at"):
        render_barcode_labels([BarcodeLabel("1", "1")], sheet, start_at=start_at)


def test_last_position_is_a_valid_start_and_nothing_to_print_is_refused(
    pdf_tools: PdfTools,
) -> None:
    sheet = label_sheet("a4-3x8-70x37")
    pdf = render_spine_labels(spine_labels(2), sheet, start_at=sheet.count)
    assert pdf_tools.info(pdf)["Pages"] == "2"
    with pytest.raises(ValueError, match="no labels"):
        render_spine_labels([], sheet)
    with pytest.raises(ValueError, match="no labels"):
        render_barcode_labels([], sheet)
