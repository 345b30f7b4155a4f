"""A spatial index of axis-parallel rectangles and segments, for dotted-line routing.

Routing scores every candidate route against the boxes and lines it passes near; on a chart of
thousands of positions the candidates' segments run across most of the chart's width. A uniform
grid answers such a query by visiting every cell the segment crosses (ten million cells at
2,000 positions). Here the chart is cut into thin bands (rows, or columns for an index of
vertical lines), and each band keeps its items sorted by where they start along it, in classes
of width (up to 16 pt, 32 pt, 64 pt, …): a query is a binary search per class and returns the
items it meets plus at most a few that end just short of it. Long lines (the bus under a manager
with many reports) sit in their own class and so do not widen every search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort

_BAND = 16.0  # band thickness, in points: a third of a box's height
_NARROW = 16  # width of the narrowest class; each next class is twice as wide

_Item = tuple[float, float, float, float]  # x0, y0, x1, y1 with x0 ≤ x1 and y0 ≤ y1


class SpatialIndex:
    """Rectangles and segments (x0, y0, x1, y1, in any corner order); `near` finds the items
    whose bounding box meets a query rectangle, edges included.

    `columns` bands the plane in vertical strips instead of rows: the better choice for items
    that are tall and narrow, such as vertical lines.
    """

    def __init__(self, *, columns: bool = False) -> None:
        self.items: list[_Item] = []
        self._columns = columns
        self._bands: dict[int, dict[int, list[tuple[float, int]]]] = {}  # band → class → starts

    def add(self, x0: float, y0: float, x1: float, y1: float) -> None:
        index = len(self.items)
        item = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        self.items.append(item)
        start, across0, end, across1 = self._oriented(item)
        width_class = (int(end - start) // _NARROW).bit_length()
        for j in _bands(across0, across1):
            insort(self._bands.setdefault(j, {}).setdefault(width_class, []), (start, index))

    def near(self, x0: float, y0: float, x1: float, y1: float) -> set[int]:
        """Every item whose bounding box meets [x0, x1] × [y0, y1] (x0 ≤ x1, y0 ≤ y1)."""
        items, found, last = self.items, set(), len(self.items)
        start, across0, end, across1 = self._oriented((x0, y0, x1, y1))
        for j in _bands(across0, across1):
            for width_class, starts in self._bands.get(j, {}).items():
                reach = _NARROW << width_class  # wider than any item of the class
                low = bisect_left(starts, (start - reach, -1))
                for _, i in starts[low:bisect_right(starts, (end, last))]:
                    item = items[i]
                    if item[2] >= x0 and item[0] <= x1 and item[3] >= y0 and item[1] <= y1:
                        found.add(i)
        return found

    def _oriented(self, item: _Item) -> _Item:
        """(start, across start, end, across end) along this index's bands."""
        x0, y0, x1, y1 = item
        return (y0, x0, y1, x1) if self._columns else item


def _bands(low: float, high: float) -> range:
    return range(int(low // _BAND), int(high // _BAND) + 1)
