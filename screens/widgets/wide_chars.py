"""Wide characters drawn whole where one widget lies over another's edge.

Textual composes each screen line from "chops": the line is cut at every widget edge
on it, each piece is taken from the front-most widget there, and the pieces are joined.
Cutting a line through a double-width character (Rich's ``Segment.divide``) cannot keep
half of it, so it becomes two spaces, even when the same front-most widget supplies
both halves. At 80 columns the footer's keys run on under the docked "^p 命令" key and
drew "^p   令"; a Select's list dropped over a dialog drew "地方文献   (ZG-DF)". This is
Textual issue 6357, open for Textual 8.

Here a widget's line is cut only where the widget in front changes: the buckets a widget
wins side by side get one piece, and the later buckets of the run an empty placeholder,
so nothing behind fills them. A partial update learns each piece's real end from the
piece, not from the next cut. ``install`` replaces the two compositor methods; a Textual
upgrade that renames them fails loudly at start (``tests/ui`` draws both cases).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

_PLACEHOLDER = Strip([], 0)
"""Holds a bucket covered by the piece before it: it draws nothing, and nothing behind may fill it."""


def _render_chops(
    self: Compositor, crop: Region, is_rendered_line: Callable[[int], bool]
) -> Sequence[Mapping[int, Strip]]:
    cuts = self.cuts
    chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
    for region, clip, strips in self._get_renders(crop):
        render_region = region.intersection(clip)
        render_x = render_region.x
        first_cut, last_cut = render_region.column_span
        for y, strip in zip(render_region.line_range, strips, strict=False):
            if not is_rendered_line(y):
                continue
            line = chops[y]
            spans = [cut for cut in cuts[y] if last_cut >= cut >= first_cut]
            if len(spans) < 2:
                continue
            free = [line.get(cut) is None for cut in spans[:-1]]
            # Cut only where this widget stops or starts winning, so a run it wins stays one piece.
            starts = [spans[0]] + [cut for i, cut in enumerate(spans[1:-1], 1) if free[i] != free[i - 1]]
            ends = starts[1:] + [spans[-1]]
            pieces = strip.divide([end - render_x for end in ends])
            for start, end, piece in zip(starts, ends, pieces, strict=False):
                if line.get(start) is not None:
                    continue
                line[start] = piece
                for cut in spans:
                    if start < cut < end:
                        line[cut] = _PLACEHOLDER
    return chops  # type: ignore[return-value]


def _render_partial_update(self: Compositor) -> ChopsUpdate | None:
    screen_region = self.size.region
    update_regions = self._dirty_regions.copy()
    self._dirty_regions.clear()
    if not update_regions:
        return None
    crop = Region.from_union(update_regions).intersection(screen_region)
    spans = list(self._regions_to_spans(update_regions))
    is_rendered_line = {y for y, _, _ in spans}.__contains__
    chops = _render_chops(self, crop, is_rendered_line)
    chop_ends = [
        [
            x + strip.cell_length if strip is not None and strip is not _PLACEHOLDER else end
            for (x, strip), end in zip(line.items(), cut_set[1:], strict=False)
        ]
        for line, cut_set in zip(chops, self.cuts, strict=False)
    ]
    return ChopsUpdate(chops, spans, chop_ends)


def install() -> None:
    """Draw wide characters whole from now on, in every app of this process."""
    Compositor._render_chops = _render_chops  # type: ignore[method-assign]
    Compositor.render_partial_update = _render_partial_update  # type: ignore[method-assign]
