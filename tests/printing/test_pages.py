"""Page sizes and label sheets: what a ruler on the printed paper would measure."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from printing.pages import (
    A4,
    CR80,
    LABEL_SHEETS,
    RECEIPT_END_MARGIN,
    RECEIPT_PAPER_WIDTH,
    RECEIPT_PRINTABLE_WIDTH,
    RECEIPT_SIDE_MARGIN,
    LabelSheet,
    label_sheet,
    receipt_page_size,
)


def test_page_sizes_in_millimetres() -> None:
    assert A4 == pytest.approx((210 * mm, 297 * mm))
    assert CR80 == pytest.approx((85.6 * mm, 54 * mm))
    assert RECEIPT_PAPER_WIDTH == pytest.approx(80 * mm)
    assert RECEIPT_PRINTABLE_WIDTH == pytest.approx(72 * mm)
    assert RECEIPT_SIDE_MARGIN == pytest.approx(4 * mm)


def test_receipt_page_is_as_long_as_its_content() -> None:
    assert receipt_page_size(100 * mm) == pytest.approx((80 * mm, 100 * mm + 2 * RECEIPT_END_MARGIN))
    assert receipt_page_size(0)[1] == pytest.approx(2 * RECEIPT_END_MARGIN)
    with pytest.raises(ValueError):
        receipt_page_size(-1)


def _sheet(**changes: float) -> LabelSheet:
    values = dict(
        name="test",
        page_size=A4,
        columns=3,
        rows=8,
        label_width=70 * mm,
        label_height=37 * mm,
        left_margin=0,
        top_margin=0.5 * mm,
    )
    values.update(changes)
    return LabelSheet(**values)


def test_sheet_that_exactly_fills_the_page_is_accepted() -> None:
    assert _sheet(top_margin=0).count == 24


@pytest.mark.parametrize(
    "changes",
    [
        {"left_margin": 1 * mm},  # 1 + 3 × 70 mm is wider than A4
        {"h_gap": 0.5 * mm},
        {"top_margin": 2 * mm},  # 2 + 8 × 37 mm is taller than A4
        {"v_gap": 1 * mm},
        {"columns": 4},
        {"label_height": 38 * mm},
    ],
)
def test_sheet_that_does_not_fit_the_page_is_refused(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="test: labels reach .* past the"):
        _sheet(**changes)


@pytest.mark.parametrize(
    "changes",
    [{"rows": 0}, {"columns": 0}, {"label_width": 0}, {"left_margin": -1}, {"v_gap": -1}],
)
def test_nonsensical_sheet_is_refused(changes: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        _sheet(**changes)


def test_labels_run_row_by_row_from_the_top_left() -> None:
    sheet = LABEL_SHEETS["a4-5x13-38.1x21.2"]
    labels = list(sheet.labels())
    assert len(labels) == sheet.count == 65
    assert [(label.row, label.column) for label in labels[:6]] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (0, 3),
        (0, 4),
        (1, 0),
    ]
    first, last = labels[0], labels[-1]
    # First label: 4.75 mm from the left edge, 10.7 mm from the top edge.
    assert first.x == pytest.approx(4.75 * mm)
    assert first.y + first.height == pytest.approx(A4[1] - 10.7 * mm)
    # Second label starts one label plus one 2.5 mm gap to the right.
    assert labels[1].x == pytest.approx(4.75 * mm + 38.1 * mm + 2.5 * mm)
    # Last label: 10.7 mm above the bottom edge, 4.75 mm from the right edge.
    assert last.y == pytest.approx(10.7 * mm)
    assert last.x + last.width == pytest.approx(A4[0] - 4.75 * mm)
    assert sheet.right_margin == pytest.approx(4.75 * mm)
    assert sheet.bottom_margin == pytest.approx(10.7 * mm)


@pytest.mark.parametrize("sheet", LABEL_SHEETS.values(), ids=list(LABEL_SHEETS))
def test_preset_labels_lie_on_the_page_and_never_overlap(sheet: LabelSheet) -> None:
    labels = list(sheet.labels())
    assert len(labels) == sheet.rows * sheet.columns
    width, height = sheet.page_size
    tolerance = 0.01
    for label in labels:
        assert -tolerance <= label.x and label.x + label.width <= width + tolerance
        assert -tolerance <= label.y and label.y + label.height <= height + tolerance
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            apart = (
                a.x + a.width <= b.x + tolerance
                or b.x + b.width <= a.x + tolerance
                or a.y + a.height <= b.y + tolerance
                or b.y + b.height <= a.y + tolerance
            )
            assert apart, (a, b)


def test_presets_the_library_buys() -> None:
    counts = {name: sheet.count for name, sheet in LABEL_SHEETS.items()}
    assert counts == {
        "a4-3x8-70x37": 24,
        "a4-4x10-48.5x25.4": 40,
        "a4-5x13-38.1x21.2": 65,
        "cr80-card": 1,
    }
    assert LABEL_SHEETS["cr80-card"].page_size == CR80


def test_lookup_by_name() -> None:
    assert label_sheet("a4-4x10-48.5x25.4") is LABEL_SHEETS["a4-4x10-48.5x25.4"]
    with pytest.raises(KeyError, match="a4-3x8-70x37"):
        label_sheet("a4-2x2-nonsense")
