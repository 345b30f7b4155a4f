"""Routing dotted-line (matrix) reporting as dashed orthogonal connectors around the boxes.

Each dotted line leaves its position's box by a side or by the top or bottom off-centre (the
centre belongs to the solid line), runs vertically to a horizontal channel in the space between
rows, along it, and enters the dotted-line manager's box the same way. Every combination of exit,
channel and entry is scored: crossing a box costs most, then running close along a box edge, a
solid line or an earlier dashed one (they would read as one), then length and bends. The route
with the lowest score wins; ties go to the first candidate, so routing is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from .model import DottedEdge, Point
from .spatial import SpatialIndex

if TYPE_CHECKING:
    from .content import Style

_Rect = tuple[float, float, float, float]  # x, y, w, h
_EPS = 0.5
_CLEAR = 5.0  # a dashed line closer than this to a box edge or another line seems to touch it


def route_dotted(
    rects: dict[str, _Rect], solid: Sequence[Sequence[Point]],
    pairs: Sequence[tuple[str, str]], style: Style,
) -> list[DottedEdge]:
    """One dashed polyline per (source, target) pair, in the order given."""
    if not pairs:
        return []
    boxes = SpatialIndex()
    for x, y, w, h in rects.values():
        boxes.add(x, y, x + w, y + h)
    lines = _Lines()
    for points in solid:
        lines.add(points)
    rows = sorted({(r[1], r[1] + r[3]) for r in rects.values()})
    routes = []
    for source, target in pairs:
        best = _cheapest(_candidates(rects[source], rects[target], rows, style), boxes, lines)
        routes.append(DottedEdge(source, target, best))
        lines.add(best)
    return routes


class _Lines:
    """The lines drawn so far, horizontal and vertical segments apart: a dashed segment is only
    scored against lines that run the same way (crossing a line costs nothing)."""

    def __init__(self) -> None:
        self.horizontal = SpatialIndex()
        self.vertical = SpatialIndex(columns=True)

    def add(self, points: Sequence[Point]) -> None:
        for a, b in pairwise(points):
            if a[1] == b[1]:
                self.horizontal.add(a[0], a[1], b[0], b[1])
            elif a[0] == b[0]:
                self.vertical.add(a[0], a[1], b[0], b[1])


def _ends(r: _Rect, other: _Rect, style: Style) -> list[tuple[Point, Point, str]]:
    """Ways out of `r`: (point on the box, first point outside it, direction of travel)."""
    x, y, w, h = r
    cx, cy = x + w / 2, y + h / 2
    toward = 1 if other[0] + other[2] / 2 >= cx else -1
    off = cx + toward * w / 4
    gap = style.h_gap / 2
    return [
        ((x + w, cy), (x + w + gap, cy), "h"),
        ((x, cy), (x - gap, cy), "h"),
        ((off, y), (off, y), "up"),
        ((off, y + h), (off, y + h), "down"),
    ]


def _candidates(
    s: _Rect, t: _Rect, rows: list[tuple[float, float]], style: Style
) -> list[tuple[Point, ...]]:
    top = min(s[1], t[1]) - style.v_gap
    bottom = max(s[1] + s[3], t[1] + t[3]) + style.v_gap
    offset = style.v_gap * 0.22  # keep clear of the solid buses halfway between rows
    channels = sorted({
        c
        for row_top, row_bottom in rows
        for c in (row_top - offset, row_bottom + offset)
        if top <= c <= bottom
    } | {s[1] + s[3] / 2, t[1] + t[3] / 2})
    out = []
    for s_on, s_out, s_dir in _ends(s, t, style):
        for t_on, t_out, t_dir in _ends(t, s, style):
            for yc in channels:
                if not (_reaches(s_on, s_dir, yc) and _reaches(t_on, t_dir, yc)):
                    continue
                out.append(simplify([s_on, s_out, (s_out[0], yc), (t_out[0], yc), t_out, t_on]))
    return out


def simplify(points: Iterable[Point]) -> tuple[Point, ...]:
    """Drop repeated points and the middle of three collinear ones (axis-parallel polylines)."""
    out: list[Point] = []
    for p in points:
        if out and _near(p[0], out[-1][0]) and _near(p[1], out[-1][1]):
            continue
        if len(out) >= 2 and (
            (_near(out[-2][0], out[-1][0]) and _near(out[-1][0], p[0]))
            or (_near(out[-2][1], out[-1][1]) and _near(out[-1][1], p[1]))
        ):
            out[-1] = p
            continue
        out.append(p)
    return tuple(out)


def _near(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


def _reaches(on: Point, direction: str, yc: float) -> bool:
    """A top exit can only go up to its channel, a bottom exit only down."""
    if direction == "up":
        return yc < on[1]
    if direction == "down":
        return yc > on[1]
    return True


def _cheapest(
    candidates: list[tuple[Point, ...]], boxes: SpatialIndex, lines: _Lines
) -> tuple[Point, ...]:
    """The lowest-cost route. Length and bends are a lower bound of the cost, so candidates are
    tried shortest first and the search stops once no shorter one is left to beat the best."""
    ordered = sorted(candidates, key=_base_cost)  # stable: ties keep the candidates' order
    best, best_cost = ordered[0], float("inf")
    for route in ordered:
        if _base_cost(route) >= best_cost:
            break
        cost = _cost(route, boxes, lines, best_cost)
        if cost < best_cost:
            best, best_cost = route, cost
    return best


def _base_cost(route: tuple[Point, ...]) -> float:
    length = sum(abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in pairwise(route))
    return length + (len(route) - 2) * 15


def _cost(route: tuple[Point, ...], boxes: SpatialIndex, lines: _Lines, limit: float) -> float:
    """Crossed boxes cost most; then running close along a box edge or another line (the
    dashes would cling to the box or read as part of the other line); then length and bends.

    Stops counting (returning at least `limit`) once the route cannot beat `limit`: every term
    only grows, so the cost so far is a lower bound of the whole.
    """
    base = _base_cost(route)
    crossings = 0
    near = 0.0
    for a, b in pairwise(route):
        if crossings * 1e6 + near * 50 + base >= limit:
            return limit
        x0, x1 = sorted((a[0], b[0]))
        y0, y1 = sorted((a[1], b[1]))
        horizontal = y0 == y1
        for i in boxes.near(x0 - _CLEAR, y0 - _CLEAR, x1 + _CLEAR, y1 + _CLEAR):
            bx0, by0, bx1, by1 = boxes.items[i]
            if x1 > bx0 + _EPS and x0 < bx1 - _EPS and y1 > by0 + _EPS and y0 < by1 - _EPS:
                crossings += 1
                if crossings * 1e6 + base >= limit:
                    return limit
            elif horizontal and min(abs(y0 - by0), abs(y0 - by1)) < _CLEAR:
                near += max(0.0, min(x1, bx1) - max(x0, bx0))
            elif not horizontal and min(abs(x0 - bx0), abs(x0 - bx1)) < _CLEAR:
                near += max(0.0, min(y1, by1) - max(y0, by0))
        if horizontal:
            along = lines.horizontal
            for i in along.near(x0 - _CLEAR, y0 - _CLEAR, x1 + _CLEAR, y1 + _CLEAR):
                lx0, ly0, lx1, _ = along.items[i]
                if abs(ly0 - y0) < _CLEAR:
                    near += max(0.0, min(x1, lx1) - max(x0, lx0))
        else:
            along = lines.vertical
            for i in along.near(x0 - _CLEAR, y0 - _CLEAR, x1 + _CLEAR, y1 + _CLEAR):
                lx0, ly0, _, ly1 = along.items[i]
                if abs(lx0 - x0) < _CLEAR:
                    near += max(0.0, min(y1, ly1) - max(y0, ly0))
    return crossings * 1e6 + near * 50 + base
