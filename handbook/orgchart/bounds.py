"""A lower bound on a chart's box area from its nodes alone, before any layout.

Pagination asks whether a set of positions can be read on one page. Laying out a large
organisation only to learn that its boxes alone cover more than the page is most of the planning
time at a few thousand positions, so the question is first asked of the boxes' least sizes: each
box measured bare (no "+n" count, no dotted-line note, which only widen it) and as tall as the
rows its set needs without notes (a note only adds a row). A laid-out chart's boxes are at least
that large and never overlap, so a set whose least area, scaled to the smallest readable size,
exceeds the page cannot be readable whatever its shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .content import Content, Style, measure_node, rows_for
from .labels import labels_for
from .model import ChartNode


class LeastBoxes:
    """Each node measured once, bare; `area` sums a set's least box area in points²."""

    def __init__(self, nodes: Sequence[ChartNode], *, lang: str,
                 labels: Mapping[str, str] | None, style: Style) -> None:
        words = labels_for(lang, labels)
        self.style = style
        self._contents: dict[str, Content] = {}
        for node in nodes:
            if node.id not in self._contents:
                self._contents[node.id] = measure_node(node, lang=lang, words=words, style=style)

    def area(self, ids: Iterable[str]) -> float:
        contents = [self._contents[i] for i in dict.fromkeys(ids)]
        height = rows_for(contents).height(self.style)
        return sum(c.w for c in contents) * height
