"""Org-chart layout: from positions and `reports_to` to placed boxes and connector lines.

The chart is a forest of *units* handed to the tidy-tree placement (`tidy.py`):

- a **head unit** is a position's box plus its assistants, hung left and right of the connector
  that runs down from the box, so they sit beside their manager and not among the reports;
- a **leaf block** replaces a row of reports when a manager has `leaf_columns_threshold` or more
  reports and none of them has reports: the leaves are stacked in columns, in pairs on either
  side of a vertical bus (a lone column hangs beside its bus), with as many columns as keep them
  within `max_leaf_rows` rows, which keeps wide teams narrow enough to print.

Each unit is centred over the connectors of its reports (the tidy layout's anchor), boxes of one
chart share a height, and dotted-line reporting is routed afterwards (`route.py`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from .content import DEFAULT_STYLE, Content, Rows, Style, make_box, measure_node, rows_for
from .labels import labels_for
from .model import Box, ChartDepartment, ChartNode, DottedEdge, Edge, Layout, Point
from .route import route_dotted, simplify
from .tidy import TidyNode, tidy_layout


def layout_chart(
    nodes: Sequence[ChartNode],
    *,
    lang: str = "zh-Hans",
    leaf_columns_threshold: int | None = 4,
    max_leaf_rows: int = 8,
    min_leaf_columns: int = 2,
    departments: Iterable[ChartDepartment] = (),
    labels: Mapping[str, str] | None = None,
    hidden_reports: Mapping[str, int] | None = None,
    dotted_notes: Mapping[str, str] | None = None,
    kind: str = "role",
    style: Style = DEFAULT_STYLE,
) -> Layout:
    """Place `nodes` (children in the order given) as a tidy org chart, in points.

    Stacked leaves use at least `min_leaf_columns` columns (2: a pair around the bus; 1: one
    column under a side bus) and as many more as keep them within `max_leaf_rows` rows.
    `hidden_reports` counts, per position, the reports charted on another page (shown as "+n");
    `dotted_notes` gives the text noted inside a box whose dotted-line manager is not on this
    chart. Dotted lines whose both ends are in `nodes` are drawn; `kind` is "role", or
    "department" for the overview chart.
    """
    forest = _Forest(nodes)
    words = labels_for(lang, labels)
    hidden_reports = hidden_reports or {}
    dotted_notes = dotted_notes or {}
    contents = {
        node.id: measure_node(node, lang=lang, words=words, style=style,
                         hidden=hidden_reports.get(node.id, 0), note=dotted_notes.get(node.id))
        for node in forest.order
    }
    rows = rows_for(contents.values())
    placer = _Placer(forest, contents, rows.height(style), style, leaf_columns_threshold or 0,
                     max(1, max_leaf_rows), max(1, min_leaf_columns))
    placer.place()
    colors = _color_indexes(forest.order, departments)
    pairs = [
        (node.id, target) for node in forest.order for target in dict.fromkeys(node.dotted_to)
        if target in forest.by_id and target not in (node.id, forest.parent_of.get(node.id))
    ]
    routes = route_dotted(placer.rects, [e.points for e in placer.edges], pairs, style)
    return _assemble(forest, contents, placer, routes, rows=rows, style=style, lang=lang,
                     colors=colors, kind=kind, hidden=hidden_reports)


class _Forest:
    """The reporting tree: children in input order; unknown managers and cycles cut to roots."""

    def __init__(self, nodes: Sequence[ChartNode]) -> None:
        self.by_id: dict[str, ChartNode] = {}
        for node in nodes:
            self.by_id.setdefault(node.id, node)
        self.order = list(self.by_id.values())
        self.children: dict[str, list[str]] = {node.id: [] for node in self.order}
        self.parent_of: dict[str, str] = {}
        self.roots: list[str] = []
        for node in self.order:
            if node.parent in self.by_id and node.parent != node.id:
                self.children[node.parent].append(node.id)
                self.parent_of[node.id] = node.parent
            else:
                self.roots.append(node.id)
        reached = self._reach(self.roots)
        for node in self.order:  # whatever no root reaches hangs in a cycle: cut it there
            if node.id not in reached:
                self.children[self.parent_of.pop(node.id)].remove(node.id)
                self.roots.append(node.id)
                reached |= self._reach([node.id])

    def _reach(self, starts: list[str]) -> set[str]:
        seen, stack = set(starts), list(starts)
        while stack:
            for child in self.children[stack.pop()]:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen


class _Assistant(NamedTuple):
    id: str
    w: float
    side: int  # +1 right of the connector, -1 left
    row: int


@dataclass
class _Head:
    id: str
    box_w: float
    assistants: list[_Assistant]
    anchor: float  # the connector, from the unit's left edge
    w: float
    h: float


@dataclass
class _Block:
    columns: list[list[str]]
    col_x: list[float]  # left edge of each column, relative to the block
    col_w: list[float]
    col_side: list[int]  # +1: the column's bus is on its left, -1: on its right
    buses: list[float]
    w: float
    h: float
    anchor: float = field(init=False)  # the middle of the buses, under the manager

    def __post_init__(self) -> None:
        self.anchor = (self.buses[0] + self.buses[-1]) / 2


class _Placer:
    """Builds the units, runs the tidy layout and collects rectangles and solid edges."""

    def __init__(self, forest: _Forest, contents: dict[str, Content], box_h: float,
                 style: Style, threshold: int, max_rows: int, min_columns: int) -> None:
        self.forest, self.contents, self.box_h, self.style = forest, contents, box_h, style
        self.threshold, self.max_rows, self.min_columns = threshold, max_rows, min_columns
        self.rects: dict[str, tuple[float, float, float, float]] = {}  # id -> x, y, w, h
        self.edges: list[Edge] = []

    def place(self) -> None:
        root = TidyNode(0.0, 0.0, 0.0, 0.0)
        stack = [(root, rid) for rid in reversed(self.forest.roots)]
        while stack:  # depth first, children appended in their given order
            parent, nid = stack.pop()
            head = self._head(nid)
            node = self._tidy(head, parent)
            beside = {a.id for a in head.assistants}
            reports = [c for c in self.forest.children[nid] if c not in beside]
            if self._stackable(reports):
                self._tidy(self._block(reports), node)
            else:
                stack.extend((node, c) for c in reversed(reports))
        tidy_layout(root)
        placed = [root]
        while placed:
            t = placed.pop()
            if isinstance(t.payload, _Head):
                self._emit_head(t)
            placed.extend(t.children)

    def _tidy(self, unit: _Head | _Block, parent: TidyNode) -> TidyNode:
        """The unit as a tidy-tree node below `parent`, padded by the gaps kept around it."""
        s = self.style
        y = parent.y + parent.h
        node = TidyNode(unit.w + s.h_gap, unit.h + s.v_gap, y, unit.anchor + s.h_gap / 2, unit)
        parent.children.append(node)
        return node

    def _stackable(self, reports: list[str]) -> bool:
        children = self.forest.children
        return bool(self.threshold) and len(reports) >= self.threshold and not any(
            children[r] for r in reports)

    def _head(self, nid: str) -> _Head:
        s, children, by_id = self.style, self.forest.children, self.forest.by_id
        box_w = self.contents[nid].w
        helpers = [c for c in children[nid] if by_id[c].assistant and not children[c]]
        assistants = [_Assistant(a, self.contents[a].w, 1 if i % 2 == 0 else -1, i // 2)
                      for i, a in enumerate(helpers)]
        left = max([box_w / 2] + [s.stub + a.w for a in assistants if a.side < 0])
        right = max([box_w / 2] + [s.stub + a.w for a in assistants if a.side > 0])
        rows = math.ceil(len(assistants) / 2)
        h = self.box_h + rows * (s.row_gap + self.box_h)
        return _Head(nid, box_w, assistants, left, left + right, h)

    def _block(self, leaves: list[str]) -> _Block:
        """Leaves in columns of at most `max_rows`, paired around buses, left to right."""
        s = self.style
        wanted = max(self.min_columns, math.ceil(len(leaves) / self.max_rows))
        rows = math.ceil(len(leaves) / min(len(leaves), wanted))
        columns = [leaves[i:i + rows] for i in range(0, len(leaves), rows)]
        col_w = [max(self.contents[c].w for c in col) for col in columns]
        col_x: list[float] = []
        col_side: list[int] = []
        buses: list[float] = []
        x = 0.0
        for i in range(0, len(columns), 2):
            if i + 1 < len(columns):  # a pair around its bus
                bus = x + col_w[i] + s.stub
                col_x += [x, bus + s.stub]
                col_side += [-1, 1]
                x = bus + s.stub + col_w[i + 1]
            else:  # a last, lone column: bus on its left
                bus = x
                col_x.append(bus + s.stub)
                col_side.append(1)
                x = bus + s.stub + col_w[i]
            buses.append(bus)
            x += s.h_gap
        h = rows * self.box_h + (rows - 1) * s.row_gap
        return _Block(columns, col_x, col_w, col_side, buses, x - s.h_gap, h)

    def _emit_head(self, t: TidyNode) -> None:
        s, head, bh = self.style, t.payload, self.box_h
        assert isinstance(head, _Head)
        left, top = t.x + s.h_gap / 2, t.y
        trunk = left + head.anchor
        self.rects[head.id] = (trunk - head.box_w / 2, top, head.box_w, bh)
        bottom = top + bh
        for aid, w, side, row in head.assistants:
            y = bottom + s.row_gap + row * (s.row_gap + bh)
            x = trunk + s.stub if side > 0 else trunk - s.stub - w
            self.rects[aid] = (x, y, w, bh)
            edge_x = x if side > 0 else x + w
            self._edge(head.id, aid, "assistant",
                       [(trunk, bottom), (trunk, y + bh / 2), (edge_x, y + bh / 2)])
        for child in t.children:
            mid = child.y - s.v_gap / 2
            unit, cleft = child.payload, child.x + s.h_gap / 2
            if isinstance(unit, _Head):
                ctrunk = cleft + unit.anchor
                self._edge(head.id, unit.id, "report",
                           [(trunk, bottom), (trunk, mid), (ctrunk, mid), (ctrunk, child.y)])
            else:
                assert isinstance(unit, _Block)
                self._emit_block(head.id, trunk, bottom, mid, unit, cleft, child.y)

    def _emit_block(self, parent: str, trunk: float, bottom: float, mid: float,
                    block: _Block, left: float, top: float) -> None:
        s, bh = self.style, self.box_h
        for col, (ids, x, w, side) in enumerate(
                zip(block.columns, block.col_x, block.col_w, block.col_side, strict=True)):
            # one bus continues the manager's connector; several hang from a bar below it
            bus = trunk if len(block.buses) == 1 else left + block.buses[col // 2]
            for row, leaf in enumerate(ids):
                y = top + row * (bh + s.row_gap)
                self.rects[leaf] = (left + x, y, w, bh)
                end = (left + x) if side > 0 else (left + x + w)
                knee = [(trunk, bottom)] if len(block.buses) == 1 else [
                    (trunk, bottom), (trunk, mid), (bus, mid)]
                self._edge(parent, leaf, "column", [*knee, (bus, y + bh / 2), (end, y + bh / 2)])

    def _edge(self, parent: str, child: str, kind: str, points: list[Point]) -> None:
        self.edges.append(Edge(parent, child, kind, simplify(points)))  # type: ignore[arg-type]


def _color_indexes(
    order: list[ChartNode], departments: Iterable[ChartDepartment]
) -> dict[str, int]:
    """Department colours as given; departments not given get the next indexes, in order."""
    colors = {d.id: d.color_index for d in departments}
    following = max(colors.values(), default=-1) + 1
    for node in order:
        if node.department not in colors:
            colors[node.department] = following
            following += 1
    return colors


def _assemble(
    forest: _Forest, contents: dict[str, Content], placer: _Placer,
    routes: list[DottedEdge], *, rows: Rows, style: Style, lang: str,
    colors: dict[str, int], kind: str, hidden: Mapping[str, int],
) -> Layout:
    """Shift everything so the drawing starts at the margin, and build the frozen Layout."""
    xs: list[float] = []
    ys: list[float] = []
    for x, y, w, h in placer.rects.values():
        xs += [x, x + w]
        ys += [y, y + h]
    for points in [e.points for e in placer.edges] + [r.points for r in routes]:
        xs += [p[0] for p in points]
        ys += [p[1] for p in points]
    dx = style.margin - min(xs, default=0.0)
    dy = style.margin - min(ys, default=0.0)
    boxes: list[Box] = []
    for node in forest.order:
        x, y, w, _ = placer.rects[node.id]
        boxes.append(make_box(node, contents[node.id], x + dx, y + dy, w,
                              rows=rows, style=style, kind=kind,
                              color_index=colors[node.department],
                              hidden=hidden.get(node.id, 0)))

    def moved(points: tuple[Point, ...]) -> tuple[Point, ...]:
        return tuple((x + dx, y + dy) for x, y in points)

    edges = tuple(replace(e, points=moved(e.points)) for e in placer.edges)
    dotted = tuple(replace(d, points=moved(d.points)) for d in routes)
    return Layout(
        boxes=tuple(boxes), edges=edges, dotted=dotted,
        width=max(xs, default=0.0) + dx + style.margin,
        height=max(ys, default=0.0) + dy + style.margin,
        lang=lang, min_font_pt=style.min_font_pt, nodes=tuple(forest.order),
    )
