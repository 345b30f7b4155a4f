"""The resolved Document: print order, reporting lines both ways, columns, labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.document import resolve
from handbook.labels import LANGUAGES, load_labels
from handbook.validate import load_handbook

from .conftest import EXAMPLES, FIXTURES


def _document(path: Path, **options):
    handbook, _ = load_handbook(path)
    return resolve(handbook, chart_pages=False, **options)


def test_label_files_have_the_same_keys():
    keys = {lang: set(load_labels(lang)) for lang in LANGUAGES}
    assert keys["zh-Hant"] == keys["zh-Hans"] == keys["en"]


def test_departments_depth_first_and_numbered():
    document = _document(FIXTURES / "minimal")
    assert [(d.title, d.id, d.depth) for d in document.departments] == [
        ("Operations", "operations", 0), ("1 Customer Service", "service", 0)]


def test_a_single_top_department_is_no_chapter_its_departments_are():
    """ecommerce-ops: 运营中心 over everything is unnumbered; 运营部 … 数据分析部 are 1–8."""
    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    document = _document(example)
    numbers = [(d.number, d.name, d.depth) for d in document.departments]
    assert numbers[:3] == [("", "运营中心", 0), ("1", "运营部", 0), ("2", "商品部", 0)]
    assert ("4.1", "美工组", 1) in numbers and ("8", "数据分析部", 0) in numbers
    toc = {entry.anchor: entry for entry in document.toc}
    assert toc["dept-ops-center"].text == "运营中心"
    assert toc[document.departments[1].anchor].text == "1 运营部"
    assert toc[document.departments[1].anchor].level == toc["dept-ops-center"].level


def test_several_top_departments_are_the_chapters():
    example = next(p for p in EXAMPLES if p.name == "acme-en")
    assert [d.title for d in _document(example).departments][:2] == [
        "1 E-commerce", "2 Marketing & Content"]


def test_roles_ordered_managers_first_and_reporting_lines_both_ways():
    document = _document(FIXTURES / "minimal")
    assert [r.ref.id for r in document.roles] == [
        "ops-manager", "ops-specialist", "service-lead", "service-agent"]
    lead = next(r for r in document.roles if r.ref.id == "service-lead")
    assert lead.reports_to.id == "ops-manager"
    assert [ref.id for ref in lead.direct_reports] == ["service-agent"]
    agent = next(r for r in document.roles if r.ref.id == "service-agent")
    assert [ref.id for ref in agent.dotted_line_to] == ["ops-specialist"]
    assert (agent.headcount, agent.filled, agent.vacancies) == (4, 3, 1)


def test_staffing_totals():
    document = _document(FIXTURES / "minimal")
    service = document.departments[1]
    assert service.total_rows[0].counts == (4, 5, 1)  # filled, headcount, vacancies
    assert [row.role.id for row in service.staffing] == ["service-lead", "service-agent"]


def test_columns_follow_what_the_handbook_uses():
    columns = _document(FIXTURES / "minimal").columns
    assert (columns.share, columns.frequency, columns.essential) == (True, True, False)


def test_toc_nests_parts_departments_positions():
    toc = _document(FIXTURES / "minimal").toc
    assert [(e.level, e.anchor) for e in toc] == [
        (1, "revisions"), (1, "intro"), (1, "departments"), (2, "dept-operations"),
        (3, "role-ops-manager"), (3, "role-ops-specialist"), (2, "dept-service"),
        (3, "role-service-lead"), (3, "role-service-agent"), (1, "appendix")]


def test_simplified_to_traditional_conversion():
    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    document = _document(example, lang="zh-Hant")
    assert document.labels["contents"] == "目錄"
    director = document.roles[0]
    assert director.ref.title == "運營總監"
    assert document.notices == []


def test_english_labels_on_chinese_content_say_so():
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    document = _document(example, lang="en")
    assert document.labels["contents"] == "Contents"
    assert document.notices == ["content stays in zh-Hant: --lang en switches labels and fonts "
                                "only (no machine translation)"]


@pytest.mark.parametrize("epoch, expected", [("0", "1970-01-01T00:00:00+00:00"),
                                             ("1767225600", "2026-01-01T00:00:00+00:00")])
def test_created_from_source_date_epoch(monkeypatch, epoch, expected):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    assert _document(FIXTURES / "minimal").created.isoformat() == expected


def test_index_by_title_follows_pinyin():
    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    titles = [ref.title for ref in _document(example).index_by_title]
    assert titles.index("仓管员") < titles.index("运营总监")  # cang < yun
    assert titles.index("策划主管") < titles.index("美工")  # ce < mei


_TITLES = {"ops-manager": "总经理", "ops-specialist": "人事专员", "service-agent": "客服专员",
           "service-lead": "安全主管"}


@pytest.mark.parametrize("lang, expected", [
    ("zh-Hans", ["安全主管", "客服专员", "人事专员", "总经理"]),  # an, ke, ren, zong
    ("zh-Hant", ["人事專員", "安全主管", "客服專員", "總經理"]),  # 2, 6, 9 and 17 strokes
])
def test_index_by_title_sorts_by_pinyin_or_by_strokes(handbook_dir, lang, expected):
    """The two Chinese orders really differ on these titles, so each is ICU's, not the other."""
    handbook_dir.edit("handbook.yml", "language: en ", "language: zh-Hans ")
    for role, title in _TITLES.items():
        text = (handbook_dir.root / "roles" / f"{role}.yml").read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("title:"))
        handbook_dir.edit(f"roles/{role}.yml", old, f"title: {title}")
    document = _document(handbook_dir.root, lang=lang)
    assert [ref.title for ref in document.index_by_title] == expected


def test_index_by_title_is_alphabetical_in_english_whatever_the_case(handbook_dir):
    handbook_dir.edit("roles/service-lead.yml", "title: Customer Service Lead",
                      "title: assistant to the manager")
    titles = [ref.title for ref in _document(handbook_dir.root).index_by_title]
    assert titles == ["assistant to the manager", "Customer Service Agent",
                      "Operations Manager", "Operations Specialist"]


def test_every_package_directory_ships_in_the_wheel():
    import tomllib

    root = FIXTURES.parent.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
                 ["packages"])
    on_disk = {".".join(p.parent.relative_to(root).parts)
               for p in (root / "handbook").rglob("__init__.py")}
    assert on_disk | {"handbook.templates"} == listed


def test_british_english_spells_its_own_labels_and_names_its_region():
    example = next(p for p in EXAMPLES if p.name == "acme-en")
    document = resolve(load_handbook(example)[0])
    assert document.language_tag == "en-GB"
    assert document.labels["org_chart"] == "Organisation chart"
    american = resolve(load_handbook(example)[0], lang="en-US")
    assert american.language_tag == "en-US"
    assert american.labels["org_chart"] == "Organization chart"


def test_an_intro_opening_with_its_own_title_is_not_titled_twice():
    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    document = resolve(load_handbook(example)[0])
    assert "## 前言" in document.intro.source  # the content repeats the part's title
    first = document.intro.tokens[0]
    assert not (first.type == "heading_open"
                and document.intro.tokens[1].content == document.labels["introduction"])
