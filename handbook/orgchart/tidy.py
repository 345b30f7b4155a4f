"""Tidy-tree placement for boxes of different sizes (van der Ploeg, 2014).

"Drawing non-layered tidy trees in linear time" extends Reingold–Tilford/Walker/Buchheim to
nodes of any width and height: subtrees are pushed apart only as far as their contours require,
found by walking threaded contours, and the slack is spread evenly over the subtrees in between,
all in O(n). We follow the paper's published algorithm with two changes:

- walks are iterative (org charts can be deeper than Python's recursion limit), and
- a node is centred on its *anchor* (where its connector leaves or arrives) rather than its
  middle, so a manager with assistants on one side still sits over the middle of its reports.

Callers set `w`, `h` (including the gaps they want kept around the node), `y` and `anchor`; the
layout sets `x`, the node's left edge.
"""

from __future__ import annotations


class TidyNode:
    __slots__ = (
        "w", "h", "y", "anchor", "children", "payload", "x",
        "prelim", "mod", "shift", "change", "tl", "tr", "el", "er", "msel", "mser",
    )

    def __init__(self, w: float, h: float, y: float, anchor: float, payload: object = None):
        self.w, self.h, self.y, self.anchor, self.payload = w, h, y, anchor, payload
        self.children: list[TidyNode] = []
        self.x = self.prelim = self.mod = self.shift = self.change = 0.0
        self.msel = self.mser = 0.0
        self.tl: TidyNode | None = None
        self.tr: TidyNode | None = None
        self.el: TidyNode = self
        self.er: TidyNode = self


class _IYL:
    """Linked list of left siblings still visible in the contour, by lowest y."""

    __slots__ = ("low_y", "index", "nxt")

    def __init__(self, low_y: float, index: int, nxt: _IYL | None):
        self.low_y, self.index, self.nxt = low_y, index, nxt


def tidy_layout(root: TidyNode) -> None:
    """Set `x` on every node of the tree under `root`."""
    order: list[TidyNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    for node in reversed(order):  # children before their parent
        _first_walk(node)
    _second_walk(root)


def _first_walk(t: TidyNode) -> None:
    if not t.children:
        _set_extremes(t)
        return
    ih = _update_iyl(_bottom(t.children[0].el), 0, None)
    for i in range(1, len(t.children)):
        min_y = _bottom(t.children[i].er)
        _separate(t, i, ih)
        ih = _update_iyl(min_y, i, ih)
    _position_root(t)
    _set_extremes(t)


def _set_extremes(t: TidyNode) -> None:
    if not t.children:
        t.el = t.er = t
        t.msel = t.mser = 0.0
    else:
        first, last = t.children[0], t.children[-1]
        t.el, t.msel = first.el, first.msel
        t.er, t.mser = last.er, last.mser


def _separate(t: TidyNode, i: int, ih: _IYL) -> None:
    sr: TidyNode | None = t.children[i - 1]  # right contour of the left siblings
    mssr = sr.mod
    cl: TidyNode | None = t.children[i]  # left contour of the current subtree
    mscl = cl.mod
    while sr is not None and cl is not None:
        while ih.nxt is not None and _bottom(sr) > ih.low_y:
            ih = ih.nxt
        dist = (mssr + sr.prelim + sr.w) - (mscl + cl.prelim)
        if dist > 0:
            mscl += dist
            _move_subtree(t, i, ih.index, dist)
        sy, cy = _bottom(sr), _bottom(cl)
        if sy <= cy:
            sr = _next_right(sr)
            if sr is not None:
                mssr += sr.mod
        if sy >= cy:
            cl = _next_left(cl)
            if cl is not None:
                mscl += cl.mod
    if sr is None and cl is not None:
        _set_left_thread(t, i, cl, mscl)
    elif sr is not None and cl is None:
        _set_right_thread(t, i, sr, mssr)


def _move_subtree(t: TidyNode, i: int, si: int, dist: float) -> None:
    child = t.children[i]
    child.mod += dist
    child.msel += dist
    child.mser += dist
    if si != i - 1:  # spread the move over the subtrees in between
        nr = i - si
        t.children[si + 1].shift += dist / nr
        child.shift -= dist / nr
        child.change -= dist - dist / nr


def _next_left(t: TidyNode) -> TidyNode | None:
    return t.children[0] if t.children else t.tl


def _next_right(t: TidyNode) -> TidyNode | None:
    return t.children[-1] if t.children else t.tr


def _bottom(t: TidyNode) -> float:
    return t.y + t.h


def _set_left_thread(t: TidyNode, i: int, cl: TidyNode, modsum_cl: float) -> None:
    first = t.children[0]
    li = first.el
    li.tl = cl
    diff = (modsum_cl - cl.mod) - first.msel
    li.mod += diff
    li.prelim -= diff
    first.el, first.msel = t.children[i].el, t.children[i].msel


def _set_right_thread(t: TidyNode, i: int, sr: TidyNode, modsum_sr: float) -> None:
    current = t.children[i]
    ri = current.er
    ri.tr = sr
    diff = (modsum_sr - sr.mod) - current.mser
    ri.mod += diff
    ri.prelim -= diff
    current.er, current.mser = t.children[i - 1].er, t.children[i - 1].mser


def _position_root(t: TidyNode) -> None:
    first, last = t.children[0], t.children[-1]
    left = first.prelim + first.mod + first.anchor
    right = last.prelim + last.mod + last.anchor
    t.prelim = (left + right) / 2 - t.anchor


def _second_walk(root: TidyNode) -> None:
    stack: list[tuple[TidyNode, float]] = [(root, 0.0)]
    while stack:
        t, modsum = stack.pop()
        modsum += t.mod
        t.x = t.prelim + modsum
        _add_child_spacing(t)
        stack.extend((child, modsum) for child in t.children)


def _add_child_spacing(t: TidyNode) -> None:
    d = modsum_delta = 0.0
    for child in t.children:
        d += child.shift
        modsum_delta += d + child.change
        child.mod += modsum_delta


def _update_iyl(min_y: float, i: int, ih: _IYL | None) -> _IYL:
    """Drop the siblings the new subtree hides, then put it in front."""
    while ih is not None and min_y >= ih.low_y:
        ih = ih.nxt
    return _IYL(min_y, i, ih)
