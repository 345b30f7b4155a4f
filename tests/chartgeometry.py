"""A generated organisation with dotted lines, and the chart geometry the tests pin for it.

`python -m tests.chartgeometry FILE` writes the geometry as JSON: the fixture
tests/fixtures/orgchart-dotted.json was written by the exhaustive router and planner that the
spatial index, the area bound and the shape signatures replaced, so the test that reads it
checks that the faster code plans and routes every chart exactly as they did.
"""

from __future__ import annotations

import json
import random
import sys

from handbook.orgchart import ChartDepartment, ChartNode, layout_chart, plan_charts

TITLES = ["运营", "推广", "商品", "美工", "策划", "客服", "仓储", "数据", "内容", "直播"]
PAGE = {"page_width": 483.0, "page_height": 650.0}  # A4 less margins, as the handbook prints


def organisation(departments: int, size: int, dotted: int, seed: int = 18
                 ) -> tuple[list[ChartNode], list[ChartDepartment]]:
    """A head over `departments` of `size` positions (head, three leads, staff), with
    `dotted` dotted lines from staff to leads, half of them within the staff's department."""
    rng = random.Random(seed)
    nodes = [ChartNode("ceo", "总经理", None, "hq", code="C-000")]
    chart_departments = [ChartDepartment("hq", "总部", None, "ceo", 0)]
    leads: dict[str, list[str]] = {}
    for d in range(departments):
        dept, area = f"d{d}", TITLES[d % len(TITLES)]
        chart_departments.append(ChartDepartment(dept, f"{area}{d}部", "hq", f"{dept}-h", d + 1))
        nodes.append(ChartNode(f"{dept}-h", f"{area}经理", "ceo", dept, code=f"C-{d}00"))
        leads[dept] = [f"{dept}-l{i}" for i in range(3)]
        for i, lead in enumerate(leads[dept]):
            nodes.append(ChartNode(lead, f"{area}主管（{i + 1}组）", f"{dept}-h", dept))
        for s in range(size - 4):
            headcount = rng.choice([1, 1, 2, 3])
            nodes.append(ChartNode(f"{dept}-s{s}", f"{area}专员{s:02d}", leads[dept][s % 3],
                                   dept, headcount=headcount,
                                   filled=headcount - rng.choice([0, 0, 1])))
    staff = [i for i, n in enumerate(nodes) if "-s" in n.id]
    for k, i in enumerate(rng.sample(staff, dotted)):
        own = nodes[i].department
        pool = leads[own] if k % 2 else [x for d, ids in leads.items() if d != own for x in ids]
        nodes[i] = ChartNode(**{**nodes[i].__dict__, "dotted_to": (rng.choice(pool),)})
    return nodes, chart_departments


def geometry() -> dict:
    """Box rectangles and dotted-line points: of every planned page of two organisations (one
    that fits a page, one planned by department), and of the large one laid out whole."""
    out: dict = {}
    for name, shape in (("small", (2, 12, 4)), ("large", (6, 40, 24))):
        nodes, departments = organisation(*shape)
        pages = plan_charts(nodes, departments, **PAGE)
        out[name] = [{"kind": p.kind, "department": p.department, "scale": p.scale,
                      "landscape": p.landscape, **_layout(p.layout)} for p in pages]
    nodes, departments = organisation(6, 40, 24)
    out["whole"] = _layout(layout_chart(nodes, departments=departments))
    return out


def _layout(layout) -> dict:
    return {"size": [layout.width, layout.height],
            "boxes": [[b.id, b.x, b.y, b.w, b.h] for b in layout.boxes],
            "dotted": [[d.source, d.target, [list(p) for p in d.points]]
                       for d in layout.dotted]}


if __name__ == "__main__":
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(geometry(), f, ensure_ascii=False)
