"""Org-chart geometry: properties that hold for any reporting tree, checked on random ones.

Golden SVGs would break on every cosmetic change; these assert what a reader relies on: boxes
never overlap, managers sit centred over their reports, every line joins the right two boxes,
lines avoid other boxes, and the same input always gives the same picture.
"""

from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from itertools import combinations, pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.orgchart import ChartNode, Layout, layout_chart
from handbook.orgchart.measure import text_width, wrap_title

EPS = 1e-6
CJK = "运营总监客服专员数据分析师推广主管商品采购仓库组长營運總監資深設計"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789"
PROPERTY = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def titles(draw) -> str:
    """CJK, Latin or mixed titles of 1 to ~30 characters, some with brackets and spaces."""
    words = draw(st.lists(
        st.one_of(st.text(CJK, min_size=1, max_size=8), st.text(LATIN, min_size=1, max_size=10)),
        min_size=1, max_size=4))
    title = draw(st.sampled_from([" ", ""])).join(words)
    if draw(st.integers(0, 5)) == 0:
        title += "（" + draw(st.text(CJK, min_size=1, max_size=4)) + "）"
    return title


@st.composite
def forests(draw, max_nodes: int = 250) -> list[ChartNode]:
    """Random reporting forests: chains, bushy managers, leaf teams, assistants, dotted lines,
    unknown managers (roots) and the odd reporting cycle."""
    count = draw(st.integers(1, max_nodes))
    rng = random.Random(draw(st.integers(0, 2**32)))
    style = rng.random()
    nodes = []
    for i in range(count):
        if i == 0 or rng.random() < 0.03:
            parent = None if rng.random() < 0.8 else "nobody"
        elif rng.random() < style * 0.5:
            parent = f"n{i - 1}"  # chains
        else:
            parent = f"n{rng.randrange(max(0, i - 12) if rng.random() < 0.6 else 0, i)}"
        headcount = rng.choice([1, 1, 1, 2, 3, 5])
        nodes.append(ChartNode(
            id=f"n{i}", title=draw(titles()), parent=parent, department=f"d{rng.randrange(4)}",
            code=f"C-{i:03d}" if rng.random() < 0.7 else None, headcount=headcount,
            filled=rng.randrange(0, headcount + 1), assistant=rng.random() < 0.08,
            dotted_to=tuple(f"n{rng.randrange(count)}" for _ in range(rng.random() < 0.06)),
        ))
    if count > 3 and draw(st.booleans()):  # a cycle the validator would report; must not hang
        nodes[1] = ChartNode(**{**nodes[1].__dict__, "parent": "n2"})
        nodes[2] = ChartNode(**{**nodes[2].__dict__, "parent": "n1"})
    return nodes


def assert_no_overlaps(layout: Layout) -> None:
    boxes = sorted(layout.boxes, key=lambda b: b.x)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if b.x >= a.right - EPS:
                break
            assert a.bottom <= b.y + EPS or b.bottom <= a.y + EPS, f"{a.id} overlaps {b.id}"


def assert_geometry(nodes: list[ChartNode], layout: Layout) -> None:
    """Every property of a sound chart; shared with the pagination and render tests."""
    boxes = {b.id: b for b in layout.boxes}
    assert sorted(boxes) == sorted({n.id for n in nodes})
    assert_no_overlaps(layout)
    for box in layout.boxes:
        assert box.x >= -EPS and box.y >= -EPS
        assert box.right <= layout.width + EPS and box.bottom <= layout.height + EPS
    assert_edges(layout, boxes)
    assert_centred(layout, boxes)
    assert_dotted(layout, boxes)


def assert_edges(layout: Layout, boxes) -> None:
    children = [e.child for e in layout.edges]
    assert len(children) == len(set(children)), "one reporting line per position"
    index = BoxIndex(layout)
    for edge in layout.edges:
        parent, child = boxes[edge.parent], boxes[edge.child]
        start, end = edge.points[0], edge.points[-1]
        assert start == pytest.approx((parent.cx, parent.bottom)), "leaves the manager's bottom"
        if edge.kind == "report":
            assert end == pytest.approx((child.cx, child.y)), "reaches the report's top"
        else:  # stacked leaf or assistant: reaches the side, halfway down
            assert end[1] == pytest.approx(child.cy)
            assert min(abs(end[0] - child.x), abs(end[0] - child.right)) < 1e-3
        assert_orthogonal(edge.points)
        for a, b in pairwise(edge.points):  # solid lines never run through a box
            for box in index.near(min(a[0], b[0]), max(a[0], b[0])):
                assert not crosses(a, b, box), f"{edge.parent}->{edge.child} crosses {box.id}"


class BoxIndex:
    """The boxes of a layout sorted by x, to find those spanning an x range by bisection."""

    def __init__(self, layout: Layout) -> None:
        self.boxes = sorted(layout.boxes, key=lambda b: b.x)
        self.xs = [b.x for b in self.boxes]
        self.widest = max((b.w for b in self.boxes), default=0.0)

    def near(self, x0: float, x1: float):
        start = bisect_left(self.xs, x0 - self.widest)
        stop = bisect_right(self.xs, x1)
        return [b for b in self.boxes[start:stop] if b.right >= x0]


def assert_centred(layout: Layout, boxes) -> None:
    """A manager sits over the middle of its reports' connectors (or of its columns' buses)."""
    anchors: dict[str, list[float]] = {}
    for edge in layout.edges:
        if edge.kind == "report":
            anchors.setdefault(edge.parent, []).append(boxes[edge.child].cx)
        elif edge.kind == "column":
            anchors.setdefault(edge.parent, []).append(edge.points[-2][0])  # its bus
    for parent, xs in anchors.items():
        assert boxes[parent].cx == pytest.approx((min(xs) + max(xs)) / 2, abs=1e-3)


def assert_dotted(layout: Layout, boxes) -> None:
    for dotted in layout.dotted:
        assert on_boundary(dotted.points[0], boxes[dotted.source])
        assert on_boundary(dotted.points[-1], boxes[dotted.target])
        assert_orthogonal(dotted.points)


def assert_orthogonal(points) -> None:
    assert len(points) >= 2
    for a, b in pairwise(points):
        assert abs(a[0] - b[0]) < EPS or abs(a[1] - b[1]) < EPS, f"diagonal {a} {b}"


def crosses(a, b, box, eps: float = 0.01) -> bool:
    """Whether the axis-parallel segment a-b enters the inside of `box`."""
    x0, x1 = sorted((a[0], b[0]))
    y0, y1 = sorted((a[1], b[1]))
    return (x1 > box.x + eps and x0 < box.right - eps
            and y1 > box.y + eps and y0 < box.bottom - eps)


def on_boundary(point, box, eps: float = 1e-3) -> bool:
    x, y = point
    inside_x = box.x - eps <= x <= box.right + eps
    inside_y = box.y - eps <= y <= box.bottom + eps
    return (inside_x and (abs(y - box.y) < eps or abs(y - box.bottom) < eps)) or (
        inside_y and (abs(x - box.x) < eps or abs(x - box.right) < eps))


@PROPERTY
@given(forests(), st.sampled_from([None, 2, 4, 7]), st.integers(1, 12), st.integers(1, 3))
def test_random_forests_lay_out_soundly(nodes, threshold, rows, columns):
    layout = layout_chart(nodes, leaf_columns_threshold=threshold, max_leaf_rows=rows,
                          min_leaf_columns=columns)
    assert_geometry(nodes, layout)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forests(max_nodes=120))
def test_layout_is_identical_across_runs(nodes):
    assert layout_chart(nodes) == layout_chart(list(nodes))


def test_parent_is_centred_over_reports_of_different_widths():
    nodes = [ChartNode("boss", "总经理", None, "d"),
             ChartNode("a", "数据", "boss", "d"),
             ChartNode("b", "跨境电商平台运营与数据分析高级专员", "boss", "d")]
    layout = layout_chart(nodes)
    a, b, boss = layout.box("a"), layout.box("b"), layout.box("boss")
    assert boss.cx == pytest.approx((a.cx + b.cx) / 2)
    assert a.right <= b.x


def test_leaf_reports_stack_in_columns_under_a_bus():
    nodes = [ChartNode("m", "客服组长", None, "cs")] + [
        ChartNode(f"l{i}", f"客服专员{i}", "m", "cs") for i in range(9)]
    layout = layout_chart(nodes, leaf_columns_threshold=4)
    columns = {round(b.x, 3) for b in layout.boxes if b.id != "m"}
    assert len(columns) == 2, "nine leaves in a pair of columns"
    assert all(e.kind == "column" for e in layout.edges)
    wide = layout_chart(nodes, leaf_columns_threshold=None)
    assert wide.width > 2 * layout.width, "without stacking the row is far wider"
    single = layout_chart(nodes, max_leaf_rows=12, min_leaf_columns=1)
    assert len({round(b.x, 3) for b in single.boxes if b.id != "m"}) == 1


def test_assistant_sits_beside_the_managers_connector_not_among_reports():
    nodes = [ChartNode("m", "运营总监", None, "d"),
             ChartNode("a", "运营助理", "m", "d", assistant=True),
             ChartNode("r1", "运营主管", "m", "d"), ChartNode("r2", "推广主管", "m", "d")]
    layout = layout_chart(nodes)
    m, a, r1 = layout.box("m"), layout.box("a"), layout.box("r1")
    edge = next(e for e in layout.edges if e.child == "a")
    assert edge.kind == "assistant"
    assert m.bottom < a.y and a.bottom < r1.y, "between the manager and the reports"
    assert a.x == pytest.approx(m.cx + 10) or a.right == pytest.approx(m.cx - 10)


def test_dotted_lines_are_routed_around_boxes():
    nodes = [ChartNode("ceo", "总经理", None, "d0")]
    for d in range(4):
        nodes.append(ChartNode(f"h{d}", f"部门经理{d}", "ceo", f"d{d}"))
        nodes += [ChartNode(f"s{d}{i}", f"专员{d}{i}", f"h{d}", f"d{d}") for i in range(3)]
    nodes.append(ChartNode("x", "数据分析师", "h3", "d3", dotted_to=("h0", "h1")))
    layout = layout_chart(nodes, leaf_columns_threshold=None)
    assert {(d.source, d.target) for d in layout.dotted} == {("x", "h0"), ("x", "h1")}
    for dotted in layout.dotted:
        for a, b in pairwise(dotted.points):
            assert not any(crosses(a, b, box) for box in layout.boxes)


def test_vacancies_counts_and_codes_are_in_the_box():
    nodes = [ChartNode("m", "客服主管", None, "d", code="CS-01", headcount=5, filled=3)]
    box = layout_chart(nodes, lang="zh-Hans").box("m")
    texts = {t.cls: t.text for t in box.texts}
    assert texts["hb-code"] == "CS-01" and texts["hb-count"] == "3/5"
    assert texts["hb-badge-text"] == "缺 2" and box.badge is not None and box.vacancies == 2
    english = layout_chart(nodes, lang="en", labels={"vacant_short": "{n} open"}).box("m")
    assert {t.cls: t.text for t in english.texts}["hb-badge-text"] == "2 open"


def test_text_is_measured_with_font_metrics():
    cjk = text_width("运营总监", 10, lang="zh-Hans", bold=True)
    latin = text_width("abcd", 10, lang="zh-Hans", bold=True)
    assert cjk == pytest.approx(40, abs=0.5), "ideographs are one em wide"
    assert 15 < latin < 30, "Latin letters are about half an em"
    box = layout_chart([ChartNode("m", "运营总监运营总监", None, "d")]).box("m")
    title = next(t for t in box.texts if t.cls == "hb-title")
    assert box.w >= text_width(title.text, title.size, lang="zh-Hans", bold=True)


@pytest.mark.parametrize(("title", "lines"), [
    ("运营总监", ("运营总监",)),
    ("新媒体运营专员（微博、微信、抖音）", ("新媒体运营专员", "（微博、微信、抖音）")),
    ("第三方 B2C 平台销售专员", ("第三方 B2C", "平台销售专员")),
    ("Senior Customer Service Representative", ("Senior Customer", "Service Representative")),
])
def test_long_titles_wrap_to_two_balanced_lines(title, lines):
    assert wrap_title(title, 10, 108, lang="zh-Hans") == lines


def test_lines_never_start_with_closing_punctuation():
    for title in ("客服专员客服专员客服，专员客服专员", "数据分析数据分析）数据分析数据分析"):
        first, second = wrap_title(title, 10, 60, lang="zh-Hans")
        assert second[0] not in "，）" and first + second == title


def test_unknown_managers_and_cycles_become_roots():
    nodes = [ChartNode("a", "甲", "b", "d"), ChartNode("b", "乙", "a", "d"),
             ChartNode("c", "丙", "ghost", "d")]
    layout = layout_chart(nodes)
    assert {b.id for b in layout.boxes} == {"a", "b", "c"}
    assert len(layout.edges) == 1


def test_a_thousand_positions_lay_out():
    """Layout time is measured by the benchmark, not asserted here."""
    rng = random.Random(7)
    nodes = [ChartNode("n0", "总经理", None, "d0")]
    for i in range(1, 1000):
        parent = f"n{rng.randrange(max(0, i - 40), i)}"
        nodes.append(ChartNode(f"n{i}", f"岗位{i}专员", parent, f"d{i % 9}",
                               code=f"P-{i}", headcount=rng.choice([1, 2, 3]),
                               dotted_to=(f"n{rng.randrange(i)}",) if i % 97 == 0 else ()))
    layout = layout_chart(nodes)
    assert len(layout.boxes) == 1000
    assert_no_overlaps(layout)


def test_no_box_overlaps_in_a_pair_check():
    """The sweep in assert_no_overlaps agrees with checking every pair (on a dense chart)."""
    nodes = [ChartNode("m", "经理", None, "d")] + [
        ChartNode(f"t{i}", f"组长{i}", "m", "d") for i in range(5)] + [
        ChartNode(f"l{i}", "专员" * (1 + i % 5), f"t{i % 5}", "d") for i in range(40)]
    layout = layout_chart(nodes)
    for a, b in combinations(layout.boxes, 2):
        assert (a.right <= b.x + EPS or b.right <= a.x + EPS
                or a.bottom <= b.y + EPS or b.bottom <= a.y + EPS)
