"""Bar charts for the annual report, drawn with reportlab.graphics in the bundled Chinese font.

Every label (categories, values, the title) is set in the embedded font, or Chinese would print
as boxes; every value axis starts at 0, so a month the library was closed shows as no bar at
all against the same scale, never as a short bar on a raised floor.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from printing.fonts import register_cjk_font

BAR = colors.HexColor("#3b6ea5")
TITLE_SIZE, LABEL_SIZE = 10, 7


def _step(top: int) -> int:
    """A round step giving about five gridlines up to ``top``."""
    if top <= 5:
        return 1
    rough = top / 5
    magnitude = 10 ** (len(str(int(rough))) - 1)
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)


def _value_axis(axis, values: Sequence[int]) -> None:
    font = register_cjk_font()
    top = max([*values, 0])
    step = _step(top)
    axis.valueMin = 0
    axis.valueMax = max(step, -(-top // step) * step)
    axis.valueStep = step
    axis.labels.fontName = font
    axis.labels.fontSize = LABEL_SIZE
    axis.labelTextFormat = lambda v: f"{int(v):,}"
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#dddddd")


def _title(drawing: Drawing, title: str, width: float, height: float) -> None:
    drawing.add(
        String(
            width / 2,
            height - TITLE_SIZE - 2,
            title,
            fontName=register_cjk_font(),
            fontSize=TITLE_SIZE,
            textAnchor="middle",
        )
    )


def column_chart(title: str, labels: Sequence[str], values: Sequence[int], width: float, height: float) -> Drawing:
    """Vertical bars, one per label (months)."""
    font = register_cjk_font()
    drawing = Drawing(width, height, initialFontName=font)
    chart = VerticalBarChart()
    chart.x, chart.y = 48, 28
    chart.width, chart.height = width - 60, height - 28 - TITLE_SIZE - 14
    chart.data = [list(values)]
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.dy = -2
    _value_axis(chart.valueAxis, values)
    chart.barLabelFormat = lambda v: f"{int(v):,}"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = LABEL_SIZE - 1
    chart.barLabels.nudge = 6
    drawing.add(chart)
    _title(drawing, title, width, height)
    return drawing


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int], width: float) -> Drawing:
    """Horizontal bars, one per label (branches: long names read across), first label on top."""
    font = register_cjk_font()
    row = 12
    height = max(4, len(labels)) * row + 40 + TITLE_SIZE
    drawing = Drawing(width, height, initialFontName=font)
    chart = HorizontalBarChart()
    chart.x, chart.y = 110, 24
    chart.width, chart.height = width - 150, len(labels) * row if labels else 4 * row
    chart.data = [list(reversed(values))]
    chart.bars[0].fillColor = BAR
    chart.bars.strokeColor = None
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    _value_axis(chart.valueAxis, values)
    chart.barLabelFormat = lambda v: f"{int(v):,}"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = LABEL_SIZE - 1
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    _title(drawing, title, width, height)
    return drawing
