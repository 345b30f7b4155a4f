"""Deciding which charts to print so that every one is readable on its page.

A chart is readable when, scaled to fit the printable area, its smallest text is still at least
`min_font_pt`. The whole chart is tried first, portrait before landscape and with leaf columns of
several heights (taller columns make a chart narrower). When it cannot be read on one page the
plan is an overview (one box per department) and department charts: a department whose roles,
sub-departments included, fit one page gets that page; otherwise its own roles get a page and
each sub-department is planned the same way. Any chart still too big is split by depth (the
deepest levels that fit, then one page per cut-off subtree, its manager repeated on top) and,
as a last resort, by groups of direct reports. Boxes show "+n" for reports charted elsewhere and
a dashed note for a dotted-line manager on another page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .bounds import LeastBoxes
from .content import DEFAULT_STYLE, Style
from .layout import layout_chart
from .memo import LAYOUTS
from .model import ChartDepartment, ChartNode, ChartPage, Layout
from .shapes import group_sizes, signature

# Leaf-column shapes to try: (stack from this many leaf reports, or None for the caller's
# threshold; max rows; min columns). The first is layout_chart's default.
_LEAF_SHAPES = (
    (None, 8, 2), (None, 8, 1), (2, 8, 2), (2, 8, 1), (None, 4, 2), (None, 6, 2),
    (None, 12, 1), (None, 12, 2), (None, 16, 1), (None, 16, 2), (None, 24, 2), (None, 32, 2),
)


@dataclass(frozen=True)
class _Fit:
    layout: Layout
    scale: float
    landscape: bool


def plan_charts(
    nodes: Sequence[ChartNode],
    departments: Sequence[ChartDepartment],
    *,
    page_width: float,
    page_height: float,
    lang: str = "zh-Hans",
    min_font_pt: float = 7.0,
    labels: Mapping[str, str] | None = None,
    leaf_columns_threshold: int | None = 4,
    include_overview: bool = False,
    style: Style = DEFAULT_STYLE,
) -> list[ChartPage]:
    """The charts to print, each with the scale and orientation that fit its page.

    `page_width` and `page_height` are the printable area of a portrait page in points; a
    landscape page swaps them. One "full" chart when it is readable (preceded by the overview if
    `include_overview`), else an "overview" (unless there is only one department) and
    "department" charts, in the order of the department tree.
    """
    if not nodes:
        return []
    page = (page_width, page_height, min_font_pt)
    common = dict(departments=departments, lang=lang, labels=labels,
                  threshold=leaf_columns_threshold, style=style)
    roles = _Charter(nodes, page, kind="role", **common)  # type: ignore[arg-type]
    overview = _Charter(overview_nodes(nodes, departments), page, kind="department",
                        **common)  # type: ignore[arg-type]
    full = roles.fit([n.id for n in roles.nodes])
    pages: list[ChartPage] = []
    if (full is None or include_overview) and len(overview.nodes) > 1:
        pages += _numbered(overview.chart([n.id for n in overview.nodes]), "overview", None)
    if full is not None:
        return [*pages, ChartPage("full", "orgchart.full", None, full.layout, full.scale,
                                  full.landscape)]
    for department in _department_order(nodes, departments):
        pages += _department_pages(department, roles, departments)
    return pages


def overview_nodes(
    nodes: Sequence[ChartNode], departments: Sequence[ChartDepartment]
) -> list[ChartNode]:
    """One node per department: its name, its head's title, headcounts over its subtree."""
    by_id = {n.id: n for n in nodes}
    known = {d.id for d in departments}
    extra = [ChartDepartment(d, d, None, None, 0)
             for d in dict.fromkeys(n.department for n in nodes) if d not in known]
    everything = [*departments, *extra]
    out = []
    for department in everything:
        within = _subtree(department.id, everything)
        members = [n for n in nodes if n.department in within]
        head = by_id.get(department.head or "")
        out.append(ChartNode(
            id=department.id, title=department.name,
            parent=department.parent if department.parent in known else None,
            department=department.id, subtitle=head.title if head else None,
            headcount=sum(n.headcount for n in members), filled=sum(n.filled for n in members),
            change=department.change,
        ))
    return out


class _Charter:
    """Fits and splits charts drawn from one set of nodes (the roles, or the departments)."""

    def __init__(self, nodes: Sequence[ChartNode], page: tuple[float, float, float], *,
                 kind: str, departments: Sequence[ChartDepartment], lang: str,
                 labels: Mapping[str, str] | None, threshold: int | None, style: Style):
        unique: dict[str, ChartNode] = {}
        for node in nodes:
            unique.setdefault(node.id, node)
        self.nodes = list(unique.values())
        self.by_id = {n.id: n for n in self.nodes}
        self._order = {n.id: index for index, n in enumerate(self.nodes)}
        self.width, self.height, self.min_font = page
        self.kind, self.departments, self.lang, self.labels = kind, departments, lang, labels
        self.threshold, self.style = threshold, style
        self._fits: dict[tuple[str, ...], _Fit] = {}
        self.children: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        for n in self.nodes:
            if n.parent in self.by_id and n.parent != n.id:
                self.children[n.parent].append(n.id)
        self._sizes = self._subtree_sizes()
        self._least = LeastBoxes(self.nodes, lang=lang, labels=labels, style=style)
        self._inputs = (kind, tuple(departments), lang,
                        tuple(labels.items()) if labels is not None else None, style)

    def fit(self, ids: list[str], *, readable: bool = True) -> _Fit | None:
        """The best fit of the chart of `ids`; None if it is not readable and must be."""
        key = tuple(ids)
        best = self._fits.get(key)
        if best is None:
            if readable and self._cannot_fit(ids):
                return None  # not laid out: the boxes alone are too big to read on a page
            best = self._fits[key] = self._best(ids)
        if readable and not _readable(best, self.min_font):
            return None
        return best

    def chart(self, ids: list[str]) -> list[_Fit]:
        """`ids` as one readable chart, or split by the rules in the module docstring."""
        if self.fit(ids) is not None:
            return [self._any_fit(ids)]
        inside = set(ids)
        roots = self._roots(ids, inside)
        if len(roots) == 1:
            return self._split_tree(roots[0], inside)
        trees = [self._subtree(root, inside) for root in roots]
        fits: list[_Fit] = []
        start = 0
        while start < len(trees):  # neighbouring trees share a page while they fit
            count = self._fitting_run(trees, start)
            if count:
                fits.append(self._any_fit([i for tree in trees[start:start + count]
                                           for i in tree]))
            else:
                fits += self._split_tree(roots[start], inside)
            start += count or 1
        return fits

    def _roots(self, ids: list[str], inside: set[str]) -> list[str]:
        """Tops of the trees in `ids`; a reporting cycle (invalid, but possible) gets one too."""
        roots = [i for i in ids if self.by_id[i].parent not in inside]
        reached = {i for root in roots for i in self._subtree(root, inside)}
        for i in ids:
            if i not in reached:
                roots.append(i)
                reached.update(self._subtree(i, inside))
        return roots

    def _fitting_run(self, groups: list[list[str]], start: int, head: tuple[str, ...] = ()) -> int:
        """How many of `groups[start:]`, after `head`, fit one page: 0 if not even the first.

        Galloping then bisecting keeps this at O(log n) layouts where adding one group at a
        time would lay out ever larger charts n times.
        """
        def fits(count: int) -> bool:
            chosen = [i for group in groups[start:start + count] for i in group]
            return self.fit([*head, *chosen]) is not None

        if not fits(1):
            return 0
        good, bad = 1, 2
        while start + bad <= len(groups) and fits(bad):
            good, bad = bad, bad * 2
        bad = min(bad, len(groups) - start + 1)
        while bad - good > 1:
            middle = (good + bad) // 2
            good, bad = (middle, bad) if fits(middle) else (good, middle)
        return good

    def _any_fit(self, ids: list[str]) -> _Fit:
        """The best fit even if unreadable: a chart that cannot be split must still fit."""
        fit = self.fit(ids, readable=False)
        assert fit is not None
        return fit

    def _best(self, ids: list[str]) -> _Fit:
        best: _Fit | None = None
        stackable = self._stackable(ids)
        sizes = self._group_sizes(ids)
        tried: set[tuple[int | None, ...]] = set()
        for threshold, rows, columns in _LEAF_SHAPES:
            if self.threshold is None and threshold is not None:
                continue  # the caller turned stacking off
            shape = signature(sizes, threshold or self.threshold or 0, rows, columns)
            if shape in tried:
                continue  # the same layout as a shape tried: it cannot change the best
            tried.add(shape)
            layout = self._layout(ids, threshold or self.threshold, rows, columns)
            for fit in self._orientations(layout):
                if best is None or _rank(fit, self.min_font) > _rank(best, self.min_font):
                    best = fit
            assert best is not None
            if (not stackable or (best.scale >= 1 and not best.landscape)
                    or self._hopeless(layout)):
                break  # other shapes cannot change, improve or rescue this chart
        assert best is not None
        return best

    def _group_sizes(self, ids: list[str]) -> list[int]:
        inside = set(ids)
        counts = []
        for i in ids:
            reports = [c for c in self.children[i] if c in inside]
            counts.append((len(reports), sum(self.by_id[c].assistant for c in reports)))
        return group_sizes(counts)

    def _stackable(self, ids: list[str]) -> bool:
        """Whether some manager has two or more reports and all of them are leaves."""
        inside = set(ids)
        for i in ids:
            reports = [c for c in self.children[i] if c in inside]
            if len(reports) >= 2 and not any(
                    c in inside for r in reports for c in self.children[r]):
                return True
        return False

    def _cannot_fit(self, ids: list[str]) -> bool:
        """`_hopeless` for any layout of `ids`, judged from the least size of their boxes."""
        scale = self.min_font / self.style.min_font_pt
        return self._least.area(ids) * scale * scale > self.width * self.height

    def _hopeless(self, layout: Layout) -> bool:
        """Too much box area for a page at the smallest readable scale, whatever the shape."""
        scale = self.min_font / layout.min_font_pt
        boxes = sum(b.w * b.h for b in layout.boxes) * scale * scale
        return boxes > self.width * self.height

    def _split_tree(self, root: str, inside: set[str]) -> list[_Fit]:
        levels = self._levels(root, inside)
        low, high, found = 1, len(levels) - 2, 0
        while low <= high:  # the deepest cut that still fits
            mid = (low + high) // 2
            if self.fit([i for level in levels[: mid + 1] for i in level]) is not None:
                found, low = mid, mid + 1
            else:
                high = mid - 1
        if not found:
            return self._split_reports(root, inside)
        page = [i for level in levels[: found + 1] for i in level]
        return [self._any_fit(page), *self._continued(levels[found], inside, set(page))]

    def _continued(self, cuts: list[str], inside: set[str], placed: set[str]) -> list[_Fit]:
        """The trees below `cuts`, each under its repeated manager, sharing pages while they fit.

        Positions already `placed` stay out (but for the cuts), so every step charts fewer
        positions, even through a reporting cycle.
        """
        trees = [self._subtree(cut, (inside - placed) | {cut}) for cut in cuts]
        below = [i for tree in trees if len(tree) > 1 for i in tree]
        return self.chart(below) if below else []

    def _split_reports(self, root: str, inside: set[str]) -> list[_Fit]:
        """The manager with as many direct reports per page as fit, then each report's tree."""
        reports = [c for c in self.children[root] if c in inside]
        if not reports:
            return [self._any_fit([root])]
        fits: list[_Fit] = []
        start = 0
        while start < len(reports):
            count = max(1, self._fitting_run([[r] for r in reports], start, (root,)))
            fits.append(self._any_fit([root, *reports[start:start + count]]))
            start += count
        return fits + self._continued(reports, inside, {root, *reports})

    def _layout(self, ids: list[str], threshold: int | None, rows: int, columns: int) -> Layout:
        """`layout_chart` of `ids`, or the same layout kept from an earlier plan (LAYOUTS)."""
        inside = set(ids)
        nodes = tuple(self.by_id[i] for i in sorted(inside, key=self._order.__getitem__))
        hidden, notes = self._hidden(inside), self._notes(nodes, inside)
        key = (nodes, threshold, rows, columns, tuple(hidden.items()), tuple(notes.items()),
               self._inputs)
        return LAYOUTS.get(key, lambda: layout_chart(
            nodes, lang=self.lang, leaf_columns_threshold=threshold, max_leaf_rows=rows,
            min_leaf_columns=columns, departments=self.departments, labels=self.labels,
            kind=self.kind, hidden_reports=hidden, dotted_notes=notes, style=self.style,
        ))

    def _orientations(self, layout: Layout) -> Iterable[_Fit]:
        for landscape, (w, h) in ((False, (self.width, self.height)),
                                  (True, (self.height, self.width))):
            yield _Fit(layout, min(1.0, w / layout.width, h / layout.height), landscape)

    def _hidden(self, inside: set[str]) -> dict[str, int]:
        """Per charted position, how many positions below it are charted elsewhere: its
        subtree less the subtrees of the charted positions nearest below it."""
        counts = {i: self._sizes[i] - 1 for i in inside}
        for i in inside:
            above = self.by_id[i].parent
            seen = {i}
            while above in self.by_id and above not in inside and above not in seen:
                seen.add(above)
                above = self.by_id[above].parent
            if above in inside and above not in seen:
                counts[above] -= self._sizes[i]
        return {i: count for i, count in counts.items() if count > 0}

    def _subtree_sizes(self) -> dict[str, int]:
        """Positions in each position's subtree, itself included (reporting cycles count 1);
        a removed position's ghost counts none."""
        sizes = {n.id: int(n.change != "removed") for n in self.nodes}
        roots = [n.id for n in self.nodes if n.parent not in self.by_id or n.parent == n.id]
        order, seen = list(roots), set(roots)
        for i in order:  # grows while iterating: breadth first
            fresh = [c for c in self.children[i] if c not in seen]
            seen.update(fresh)
            order += fresh
        for i in reversed(order):
            parent = self.by_id[i].parent
            if i not in roots and parent in sizes:
                sizes[parent] += sizes[i]
        return sizes

    def _notes(self, nodes: Sequence[ChartNode], inside: set[str]) -> dict[str, str]:
        """Titles of dotted-line managers charted elsewhere, noted in the position's box."""
        joiner = "、" if self.lang.lower().startswith(("zh", "ja")) else ", "
        notes = {}
        for node in nodes:
            away = [self.by_id[t].title for t in dict.fromkeys(node.dotted_to)
                    if t in self.by_id and t not in inside and t != node.parent]
            if away:
                notes[node.id] = joiner.join(away)
        return notes

    def _subtree(self, root: str, inside: set[str]) -> list[str]:
        return [i for level in self._levels(root, inside) for i in level]

    def _levels(self, root: str, inside: set[str]) -> list[list[str]]:
        levels, seen = [[root]], {root}
        while True:
            following = [c for i in levels[-1] for c in self.children[i]
                         if c in inside and c not in seen]
            if not following:
                return levels
            seen.update(following)
            levels.append(following)


def _readable(fit: _Fit, min_font: float) -> bool:
    return fit.scale * fit.layout.min_font_pt >= min_font - 1e-9


def _rank(fit: _Fit, min_font: float) -> tuple[bool, bool, float]:
    """Readable beats unreadable, then portrait beats landscape, then the larger scale wins."""
    readable = _readable(fit, min_font)
    return readable, readable and not fit.landscape, fit.scale


def _department_pages(
    department: ChartDepartment, roles: _Charter, departments: Sequence[ChartDepartment]
) -> list[ChartPage]:
    """A department on one page if it fits, else its own roles, then each sub-department."""
    within = _subtree(department.id, departments)
    ids = [n.id for n in roles.nodes if n.department in within]
    if not ids:
        return []
    if roles.fit(ids) is not None:
        return _numbered(roles.chart(ids), "department", department.id)
    own = [n.id for n in roles.nodes if n.department == department.id]
    pages = _numbered(roles.chart(own), "department", department.id) if own else []
    for child in departments:
        if child.parent == department.id and child.id != department.id:
            pages += _department_pages(child, roles, departments)
    return pages


def _department_order(
    nodes: Sequence[ChartNode], departments: Sequence[ChartDepartment]
) -> list[ChartDepartment]:
    """Top-level departments as given, then departments that roles name but nobody lists."""
    known = {d.id for d in departments}
    tops = [d for d in departments if d.parent not in known or d.parent == d.id]
    reached: set[str] = set()
    for top in tops:
        reached |= _subtree(top.id, departments)
    for department in departments:  # departments in a cycle of parents: start at the first
        if department.id not in reached:
            tops.append(department)
            reached |= _subtree(department.id, departments)
    extra = [ChartDepartment(d, d, None, None, 0)
             for d in dict.fromkeys(n.department for n in nodes) if d not in known]
    return tops + extra


def _subtree(root: str, departments: Sequence[ChartDepartment]) -> set[str]:
    """`root` and every department below it."""
    found, stack = {root}, [root]
    while stack:
        current = stack.pop()
        for d in departments:
            if d.parent == current and d.id not in found:
                found.add(d.id)
                stack.append(d.id)
    return found


def _numbered(fits: list[_Fit], kind: str, department: str | None) -> list[ChartPage]:
    return [
        ChartPage(kind, f"orgchart.{kind}", department, fit.layout, fit.scale,  # type: ignore[arg-type]
                  fit.landscape, part=i, parts=len(fits))
        for i, fit in enumerate(fits, start=1)
    ]
