"""Layouts kept across plans, so that re-planning an edited organisation lays out again only
the charts whose boxes changed.

The live preview re-plans every chart after each save. A chart's layout is a pure function
of the nodes on it and the few things `layout_chart` reads besides (the "+n" counts, the
off-page dotted-line notes, departments, labels, leaf shape, style), all frozen values: a
layout planned from equal inputs is the same layout, so it is reused whole. A title edit thus
lays out the charts that show that position (its department's, the overview when it heads a
department, a chart noting it as a dotted-line manager) and reuses every other one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from .model import Layout

__all__ = ["LAYOUTS", "LayoutMemo"]


class LayoutMemo:
    """A bounded least-recently-used map from layout inputs to layouts, with counts.

    ``laid_out`` and ``reused`` count the layouts made and found since the last ``reset``;
    ``limit`` bounds memory (a 2,000-position plan makes a few hundred layouts).
    """

    def __init__(self, limit: int = 2048) -> None:
        self.limit = limit
        self.laid_out = 0
        self.reused = 0
        self._layouts: OrderedDict[Hashable, Layout] = OrderedDict()

    def get(self, key: Hashable, make: Callable[[], Layout]) -> Layout:
        """The layout kept for ``key``, else ``make()`` kept under it."""
        layout = self._layouts.get(key)
        if layout is not None:
            self._layouts.move_to_end(key)
            self.reused += 1
            return layout
        layout = self._layouts[key] = make()
        self.laid_out += 1
        if len(self._layouts) > self.limit:
            self._layouts.popitem(last=False)
        return layout

    def reset(self) -> None:
        """Zero the counts (the layouts stay)."""
        self.laid_out = self.reused = 0


LAYOUTS = LayoutMemo()  # the process's: plans of one handbook share their charts' layouts
