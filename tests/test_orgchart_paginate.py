"""Org-chart pagination: every planned chart fits its page at a readable size, and every
position is charted somewhere."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.orgchart import ChartDepartment, ChartNode, ChartPage, plan_charts
from handbook.orgchart.paginate import overview_nodes

from .test_orgchart_layout import assert_geometry

A4 = (481.0, 728.0)  # printable area of A4 with 20 mm margins, in points
TITLE_CHARS = "运营客服数据推广商品仓库专员主管"


def assert_fits(page: ChartPage, width: float, height: float, min_font: float) -> None:
    w, h = (height, width) if page.landscape else (width, height)
    assert page.width <= w + 1e-6 and page.height <= h + 1e-6, "stays within the margins"
    assert page.scale <= 1.0
    assert page.scale * page.layout.min_font_pt >= min_font - 1e-9, "readable"


def charted_roles(pages: list[ChartPage]) -> set[str]:
    return {b.id for p in pages if p.kind != "overview" for b in p.layout.boxes}


def traditional_org() -> tuple[list[ChartNode], list[ChartDepartment]]:
    """45 positions in Traditional Chinese: a manager with ten reports, a chain six deep,
    assistants, vacancies and dotted lines across departments."""
    departments = [
        ChartDepartment("gm", "總經理室", None, "ceo", 0),
        ChartDepartment("ops", "營運處", "gm", "coo", 1),
        ChartDepartment("wh", "倉儲物流部", "ops", "wh-mgr", 2),
        ChartDepartment("cs", "客戶服務部", "ops", "cs-mgr", 3),
        ChartDepartment("mkt", "行銷部", "gm", "cmo", 4),
        ChartDepartment("it", "資訊部", "gm", "cto", 5),
    ]
    n = ChartNode
    nodes = [
        n("ceo", "總經理", None, "gm", code="GM-01"),
        n("ceo-asst", "總經理特別助理", "ceo", "gm", code="GM-02", assistant=True),
        n("coo", "營運副總經理", "ceo", "ops", code="OP-01"),
        n("wh-mgr", "倉儲物流經理", "coo", "wh", code="WH-01"),
        n("wh-lead", "倉儲主管", "wh-mgr", "wh", code="WH-02"),
        n("wh-team", "揀貨組長", "wh-lead", "wh", code="WH-03"),
        n("picker", "揀貨員", "wh-team", "wh", code="WH-04", headcount=8, filled=6),
        n("packer", "包裝員", "wh-team", "wh", code="WH-05", headcount=4, filled=4),
        n("cs-mgr", "客戶服務經理", "coo", "cs", code="CS-01", dotted_to=("cmo",)),
        *[n(f"cs-{i}", title, "cs-mgr", "cs", code=f"CS-{i + 2:02d}", headcount=h, filled=f)
          for i, (title, h, f) in enumerate([
              ("售前客服專員", 6, 5), ("售後客服專員", 4, 3), ("評價管理專員", 1, 1),
              ("會員（CRM）專員", 1, 1), ("客服品質稽核員", 1, 0), ("夜班客服專員", 2, 1),
              ("客服培訓專員", 1, 1), ("大客戶服務專員", 1, 1), ("退換貨處理專員", 2, 2),
              ("直播間客服專員", 2, 2)])],
        n("cmo", "行銷總監", "ceo", "mkt", code="MK-01"),
        n("brand", "品牌經理", "cmo", "mkt", code="MK-02"),
        n("designer", "視覺設計師", "brand", "mkt", code="MK-03", headcount=3, filled=2),
        n("copy", "文案企劃", "brand", "mkt", code="MK-04"),
        n("ads", "廣告投放專員", "cmo", "mkt", code="MK-05", dotted_to=("data-lead",)),
        n("social", "社群經營專員（臉書、IG、LINE）", "cmo", "mkt", code="MK-06"),
        n("event", "活動企劃專員", "cmo", "mkt", code="MK-07", dotted_to=("cs-mgr",)),
        n("cto", "資訊長", "ceo", "it", code="IT-01"),
        n("it-asst", "資訊部行政助理", "cto", "it", code="IT-02", assistant=True),
        n("dev-lead", "系統開發主管", "cto", "it", code="IT-03"),
        *[n(f"dev-{i}", title, "dev-lead", "it", code=f"IT-1{i}")
          for i, title in enumerate(["前端工程師", "後端工程師", "App 工程師", "測試工程師"])],
        n("data-lead", "數據分析主管", "cto", "it", code="IT-20"),
        n("analyst", "數據分析師", "data-lead", "it", code="IT-21", headcount=2, filled=1,
          dotted_to=("cmo", "coo")),
        n("bi", "BI 報表工程師", "data-lead", "it", code="IT-22"),
        n("ops-it", "系統維運工程師", "cto", "it", code="IT-30"),
        n("sec", "資訊安全專員", "ops-it", "it", code="IT-31"),
        n("hr", "人力資源專員", "ceo", "gm", code="GM-03"),
        n("fin", "財務會計", "ceo", "gm", code="GM-04", headcount=2, filled=2),
        n("legal", "法務專員", "ceo", "gm", code="GM-05", headcount=1, filled=0),
        n("admin", "行政總務", "ceo", "gm", code="GM-06"),
        n("buyer", "採購專員", "coo", "ops", code="OP-02", dotted_to=("wh-mgr",)),
        n("planner", "營運企劃專員", "coo", "ops", code="OP-03"),
        n("driver", "配送司機", "wh-mgr", "wh", code="WH-06", headcount=3, filled=3),
        n("stock", "庫存管理員", "wh-lead", "wh", code="WH-07"),
    ]
    return nodes, departments


def test_traditional_chinese_org_is_charted_whole_and_readable():
    nodes, departments = traditional_org()
    assert len(nodes) >= 40
    pages = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1],
                        lang="zh-Hant")
    assert charted_roles(pages) == {node.id for node in nodes}
    for page in pages:
        assert_fits(page, *A4, 7.0)
        assert_geometry(list(page.layout.nodes), page.layout)
    kinds = [p.kind for p in pages]
    assert kinds[0] == "overview" and set(kinds[1:]) == {"department"}
    overview = pages[0].layout
    assert {b.id for b in overview.boxes} == {d.id for d in departments}
    assert all(p.title_key == f"orgchart.{p.kind}" for p in pages)


def test_a_small_chart_is_one_full_page():
    nodes, departments = traditional_org()
    small = [node for node in nodes if node.department == "mkt"]
    pages = plan_charts(small, departments, page_width=A4[0], page_height=A4[1],
                        lang="zh-Hant")
    assert [p.kind for p in pages] == ["full"]
    assert not pages[0].landscape and pages[0].scale == 1.0
    with_overview = plan_charts(nodes[:3], departments, page_width=A4[0], page_height=A4[1],
                                include_overview=True)
    assert [p.kind for p in with_overview] == ["overview", "full"]


def test_landscape_when_only_landscape_is_readable():
    nodes = [ChartNode("m", "经理", None, "d")] + [
        ChartNode(f"r{i}", f"主管{i}", "m", "d") for i in range(3)] + [
        ChartNode(f"l{i}", f"专员{i}", f"r{i % 3}", "d") for i in range(6)]
    pages = plan_charts(nodes, [], page_width=300, page_height=500, leaf_columns_threshold=None)
    assert [(p.kind, p.landscape) for p in pages] == [("full", True)]


def test_departments_too_big_for_a_page_continue_on_further_pages():
    nodes = [ChartNode("m", "客服经理", None, "cs")]
    for t in range(6):
        nodes.append(ChartNode(f"t{t}", f"客服组长{t}", "m", "cs"))
        nodes += [ChartNode(f"t{t}-{i}", f"客服专员{t}-{i}", f"t{t}", "cs") for i in range(14)]
    departments = [ChartDepartment("cs", "客服部", None, "m", 0)]
    pages = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1])
    assert len(pages) > 1 and {p.kind for p in pages} == {"department"}
    assert [p.part for p in pages] == list(range(1, len(pages) + 1))
    assert {p.parts for p in pages} == {len(pages)}
    assert charted_roles(pages) == {node.id for node in nodes}
    first = pages[0].layout.box("t0")
    assert first.hidden_reports == 14, "the team lead shows how many are charted further on"
    for page in pages:
        assert_fits(page, *A4, 7.0)


def test_dotted_manager_on_another_page_is_noted_in_the_box():
    nodes, departments = traditional_org()
    pages = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1],
                        lang="zh-Hant")
    page = next(p for p in pages if "analyst" in {b.id for b in p.layout.boxes})
    notes = [t.text for t in page.layout.box("analyst").texts if t.cls == "hb-note"]
    assert notes == ["行銷總監、營運副總經理"]


def test_overview_totals_cover_sub_departments():
    nodes, departments = traditional_org()
    overview = {n.id: n for n in overview_nodes(nodes, departments)}
    ops = [n for n in nodes if n.department in {"ops", "wh", "cs"}]
    assert overview["ops"].headcount == sum(n.headcount for n in ops)
    assert overview["ops"].filled == sum(n.filled for n in ops)
    assert overview["wh"].subtitle == "倉儲物流經理" and overview["wh"].parent == "ops"


@st.composite
def organizations(draw):
    """Random organizations of up to 150 positions, departments following the reporting tree."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    count = draw(st.integers(1, 150))
    nodes = [ChartNode("p0", "总经理", None, "d0")]
    departments = [ChartDepartment("d0", "总部", None, "p0", 0)]
    for i in range(1, count):
        parent = nodes[rng.randrange(max(0, i - 20) if rng.random() < 0.7 else 0, i)]
        department = parent.department
        if rng.random() < 0.12:  # a new department headed by this position
            department = f"d{len(departments)}"
            departments.append(ChartDepartment(department, f"部门{len(departments)}",
                                               parent.department, f"p{i}", len(departments)))
        title = "".join(rng.choice(TITLE_CHARS) for _ in range(rng.randint(2, 16)))
        headcount = rng.choice([1, 1, 2, 4])
        nodes.append(ChartNode(
            f"p{i}", title, parent.id, department, code=f"X-{i}", headcount=headcount,
            filled=rng.randrange(headcount + 1), assistant=rng.random() < 0.05,
            dotted_to=(f"p{rng.randrange(i)}",) if rng.random() < 0.05 else ()))
    if count > 4 and draw(st.booleans()):  # a reporting cycle the validator would report
        nodes[2] = replace(nodes[2], parent="p3")
        nodes[3] = replace(nodes[3], parent="p2")
    return nodes, departments


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(), st.sampled_from([A4, (340.0, 520.0), (700.0, 1000.0)]),
       st.sampled_from([7.0, 8.0]))
def test_every_planned_page_fits_and_every_position_is_charted(org, page, min_font):
    nodes, departments = org
    pages = plan_charts(nodes, departments, page_width=page[0], page_height=page[1],
                        min_font_pt=min_font)
    assert charted_roles(pages) == {node.id for node in nodes}
    for chart in pages:
        assert_fits(chart, *page, min_font)
        assert_geometry(list(chart.layout.nodes), chart.layout)


@pytest.mark.parametrize("kind", ["full", "department"])
def test_pages_are_deterministic(kind):
    nodes, departments = traditional_org()
    if kind == "full":
        nodes = nodes[:12]
    first = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1], lang="zh-Hant")
    again = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1], lang="zh-Hant")
    assert first == again
