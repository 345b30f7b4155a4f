"""Chart planning at scale: the spatial index, the area bound and the shape signatures make it
fast, and the charts stay exactly what the exhaustive planner and router drew."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from handbook.orgchart import DEFAULT_STYLE, ChartNode, layout_chart
from handbook.orgchart.bounds import LeastBoxes
from handbook.orgchart.paginate import _LEAF_SHAPES
from handbook.orgchart.shapes import group_sizes, signature
from handbook.orgchart.spatial import SpatialIndex

from .chartgeometry import geometry, organisation

FIXTURE = Path(__file__).parent / "fixtures" / "orgchart-dotted.json"


def _meets(item, query) -> bool:
    return (item[0] <= query[2] and item[2] >= query[0]
            and item[1] <= query[3] and item[3] >= query[1])


@pytest.mark.parametrize("columns", [False, True])
def test_index_finds_exactly_the_items_a_query_meets(columns):
    rng = random.Random(7)
    index = SpatialIndex(columns=columns)
    items = []
    for _ in range(600):
        x, y = rng.uniform(-500, 3000), rng.uniform(-200, 900)
        kind = rng.random()
        if kind < 0.4:  # a box
            item = (x, y, x + rng.uniform(40, 140), y + rng.uniform(30, 60))
        elif kind < 0.7:  # a horizontal line, some of them very long
            item = (x, y, x + rng.choice([0, 5, 80, 700, 2900]), y)
        else:  # a vertical line, given bottom to top
            item = (x, y + rng.uniform(0, 400), x, y)
        index.add(*item)
        items.append((min(item[0], item[2]), min(item[1], item[3]),
                      max(item[0], item[2]), max(item[1], item[3])))
    assert index.items == items
    for _ in range(400):
        x, y = rng.uniform(-600, 3100), rng.uniform(-300, 1000)
        query = (x, y, x + rng.choice([0, 10, 300, 3000]), y + rng.choice([0, 10, 500]))
        expected = {i for i, item in enumerate(items) if _meets(item, query)}
        assert index.near(*query) == expected
    touching = items[0]
    assert 0 in index.near(touching[2], touching[3], touching[2] + 1, touching[3] + 1)


def _random_forest(rng: random.Random, count: int) -> list[ChartNode]:
    nodes = [ChartNode("n0", "总经理", None, "d0")]
    for i in range(1, count):
        parent = f"n{rng.randrange(i // 3, i) if rng.random() < 0.6 else rng.randrange(i)}"
        title = rng.choice(["运营专员", "数据分析主管", "客服"]) * rng.randint(1, 3)
        nodes.append(ChartNode(f"n{i}", title, parent, f"d{i % 3}", assistant=rng.random() < 0.08,
                               headcount=rng.choice([1, 2]),
                               dotted_to=(f"n{rng.randrange(i)}",) if rng.random() < 0.1 else ()))
    return nodes


@pytest.mark.parametrize("seed", range(6))
def test_shapes_with_one_signature_lay_a_chart_out_alike(seed):
    rng = random.Random(seed)
    nodes = _random_forest(rng, rng.randint(8, 70))
    children: dict[str, list[ChartNode]] = {n.id: [] for n in nodes}
    for n in nodes:
        if n.parent in children:
            children[n.parent].append(n)
    sizes = group_sizes((len(c), sum(r.assistant for r in c)) for c in children.values())
    layouts: dict[tuple, object] = {}
    for threshold, rows, columns in _LEAF_SHAPES:
        threshold = threshold or 4
        layout = layout_chart(nodes, leaf_columns_threshold=threshold, max_leaf_rows=rows,
                              min_leaf_columns=columns)
        key = signature(sizes, threshold, rows, columns)
        assert layouts.setdefault(key, layout) == layout
    assert len(layouts) < len(_LEAF_SHAPES)  # some shapes are known alike, not laid out twice


@pytest.mark.parametrize("seed", range(4))
def test_least_box_area_bounds_every_layout(seed):
    rng = random.Random(100 + seed)
    nodes = _random_forest(rng, 60)
    least = LeastBoxes(nodes, lang="zh-Hans", labels=None, style=DEFAULT_STYLE)
    ids = [n.id for n in nodes]
    notes = {n.id: "数据分析主管" for n in nodes[::7]}
    hidden = {n.id: 3 for n in nodes[::5]}
    for threshold, rows, columns in _LEAF_SHAPES[:6]:
        layout = layout_chart(nodes, leaf_columns_threshold=threshold or 4, max_leaf_rows=rows,
                              min_leaf_columns=columns, dotted_notes=notes,
                              hidden_reports=hidden)
        assert least.area(ids) <= sum(b.w * b.h for b in layout.boxes)
    bare = layout_chart(nodes, leaf_columns_threshold=None)  # no columns widened by stacking
    assert least.area(ids) == pytest.approx(sum(b.w * b.h for b in bare.boxes))


def test_charts_with_dotted_lines_are_drawn_as_the_exhaustive_planner_drew_them():
    pinned = json.loads(FIXTURE.read_text(encoding="utf-8"))
    drawn = json.loads(json.dumps(geometry(), ensure_ascii=False))
    assert [p["kind"] for p in drawn["large"]][:3] == ["overview", "department", "department"]
    assert drawn["small"][0]["kind"] == "full" and drawn["small"][0]["dotted"]
    assert sum(len(p["dotted"]) for p in drawn["large"]) >= 4  # routed on department pages
    assert len(drawn["whole"]["dotted"]) >= 15  # long routes across the whole organisation
    for name in ("small", "large", "whole"):
        assert drawn[name] == pinned[name], name


def test_organisation_has_dotted_lines_within_and_across_departments():
    nodes, _ = organisation(6, 40, 24)
    by_id = {n.id: n for n in nodes}
    pairs = [(n.department, by_id[t].department) for n in nodes for t in n.dotted_to]
    assert len(pairs) == 24
    assert any(a == b for a, b in pairs) and any(a != b for a, b in pairs)
