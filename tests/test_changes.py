"""handbook build --changes-since: the changes section, marks in place, Word tracked changes,
the revision summary and check's warning, on two versions of the English example.

The old version is a copy of content/acme-en; the new one has one change of each kind
(duty reworded, duty added and removed, KPI weights moved, a KPI renamed and its target
raised, a summary reworded, a seat added, manager changed, position added, removed and
renamed, department moved, a department's function and the intro reworded) and a version 2.1
entry without ``changes``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import lxml.html
import pdfplumber
import pikepdf
import pytest
from lxml import etree

from handbook import build as build_module
from handbook.build import BuildRequest, build_document
from handbook.changetext import runs_of
from handbook.cli import main
from handbook.diff import compare, word_diff
from handbook.document import resolve
from handbook.markdown import parse_markdown
from handbook.markedtext import marked_markdown
from handbook.validate import load_handbook
from handbook.write.docx import write_docx
from handbook.write.html import render_html

from .conftest import ROOT

EXAMPLE = ROOT / "content" / "acme-en"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
AUTHOR, DATE = "Hannah Price", "2026-03-02"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def every_kind(new: Path) -> None:
    roles = new / "roles"
    designer = roles / "content-designer.yml"
    _edit(designer, "Design product detail pages, homepage banners",
          "Design product detail pages, seasonal homepage banners")
    _edit(designer, "  - text: Keep the asset library organised and up to date\n"
          "    share: 5\n    essential: false\n",
          "  - text: Brief freelance photographers\n    share: 5\n")
    _edit(designer, "to the Acme style guide\n", "to the **Acme style guide** and the "
          "[brand book](https://example.com/brand)\n")
    _edit(designer, "    - Basic video editing (Premiere Pro or similar)\n", "    - Figma\n")
    _edit(designer, "  other:\n    - A portfolio is required with your application\n",
          "  other: []\n")
    _edit(designer, "weight: 35", "weight: 30")
    _edit(designer, "weight: 25", "weight: 30")
    _edit(designer, "page layouts and campaign creative", "short videos, page layouts and "
          "campaign creative")
    _edit(designer, "name: Average time on product pages\n    target: \"≥ 50 s\"",
          "name: Average engaged time on product pages\n    target: \"≥ 60 s\"")
    _edit(designer, "headcount: 2", "headcount: 3")
    _edit(roles / "performance-marketer.yml", "reports_to: marketing-lead",
          "reports_to: head-of-ecommerce")
    _edit(roles / "performance-marketer.yml", "[Analytical thinking, Testing and optimisation]",
          "[Data storytelling, Analytical thinking]")
    (roles / "warehouse-operative.yml").unlink()
    (roles / "customer-care-advisor.yml").rename(roles / "care-advisor.yml")
    _edit(roles / "care-advisor.yml", "title: Customer Care Advisor",
          "title: Customer Service Advisor")
    (roles / "social-media-executive.yml").write_text(
        "title: Social Media Executive\ncode: ACME-MK-04\ndepartment: marketing\n"
        "reports_to: marketing-lead\nduties:\n  - text: Run the Instagram and TikTok accounts\n"
        "requirements: {education: A degree in marketing}\n", encoding="utf-8")
    _edit(new / "handbook.yml", "  - id: customer-care\n",
          "  - id: customer-care\n    parent: ecommerce\n")
    _edit(new / "handbook.yml", "The team runs paid search and", "The team runs paid search, "
          "marketplace advertising and")
    _edit(new / "handbook.yml", "  annual reviews, so", "  annual performance reviews, so")
    _edit(new / "handbook.yml", 'version: "2.0"\n  effective: 2026-02-02',
          'version: "2.1"\n  effective: 2026-03-02')
    _edit(new / "handbook.yml", "\nintro: |", f'  - version: "2.1"\n    date: {DATE}\n'
          f"    author: {AUTHOR}\n\nintro: |")


@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("versions")
    old, new = base / "old", base / "new"
    shutil.copytree(EXAMPLE, old)
    shutil.copytree(EXAMPLE, new)
    every_kind(new)
    return old, new


@pytest.fixture(scope="module")
def built(versions, tmp_path_factory) -> Path:
    """HTML, PDF and DOCX of the new version with --changes-since the old directory."""
    old, new = versions
    out = tmp_path_factory.mktemp("built")
    assert main(["build", str(new), "-o", str(out), "--changes-since", str(old),
                 "--no-page-numbers", "-q"]) == 0
    return out


def _html(built: Path):
    return lxml.html.fromstring((built / "new.html").read_text(encoding="utf-8"))


def _text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


# --- the changes section and the marks, in HTML -------------------------------------------


def test_changes_section_follows_the_revision_history_in_html(built):
    page = _html(built)
    parts = [s.get("id") for s in page.xpath("//main/section[contains(@class, 'part')]")]
    assert parts[:2] == ["revisions", "changes"]
    section = page.get_element_by_id("changes")
    text = _text(section)
    assert "Changes from version 2.0 to version 2.1" in text
    assert "Warehouse Operative position removed" in text
    assert "Social Media Executive position added" in text
    # the removed position's old wording, struck through
    struck = [_text(d) for d in section.xpath(".//del")]
    assert "Pick and pack orders to the packing standard, including inserts and gift notes" \
        in struck
    # renamed: old → new; the reworded duty's inserted word; weights moved
    assert "Customer Care Advisor" in struck
    inserted = [_text(i) for i in section.xpath(".//ins")]
    assert "Customer Service Advisor" in inserted and "seasonal" in inserted
    assert "35%" in struck and "30%" in inserted
    assert "Reports to: Marketing & Content Lead → Head of E-commerce" in text
    assert "Moved: — → E-commerce" in text
    assert ("KPI 2: Average engaged time on product pages; Target: ≥ 5060 s; "
            "Weight: 25% → 30%") in text  # each field of a changed KPI named once


def test_changed_positions_are_marked_in_place_with_a_change_bar(built):
    page = _html(built)
    designer = page.get_element_by_id("role-content-designer")
    assert "changed" in designer.get("class").split()
    duties = designer.xpath(".//table[contains(@class, 'duty-table')]/tbody/tr")
    assert [_text(i) for i in duties[1].xpath(".//ins")] == ["seasonal"]
    assert "row-added" in duties[4].get("class", "")
    assert _text(duties[4]).startswith("5 Brief freelance photographers")
    assert [_text(d) for d in duties[5].xpath(".//del")] == [
        "Keep the asset library organised and up to date"]
    weights = designer.xpath(".//table[contains(@class, 'kpi-table')]/tbody/tr[1]/td[last()]")
    assert ([_text(d) for d in weights[0].xpath("del")],
            [_text(i) for i in weights[0].xpath("ins")]) == (["35%"], ["30%"])
    marketer = page.get_element_by_id("role-performance-marketer")
    assert [_text(d) for d in marketer.xpath(".//table[@class='facts']//del")] == [
        "Marketing & Content Lead"]
    unchanged = page.get_element_by_id("role-head-of-ecommerce")
    assert "changed" not in unchanged.get("class").split()
    assert not unchanged.xpath(".//ins|.//del")


def test_a_changed_duty_keeps_its_formatting_and_removed_requirements_are_struck(built):
    """The word diff is laid over the duty's Markdown: bold kept, the inserted words inside
    their link; a removed skill struck where it stood, a requirement row gone struck whole."""
    designer = _html(built).get_element_by_id("role-content-designer")
    cell = designer.xpath(".//table[contains(@class, 'duty-table')]/tbody/tr[1]/td[2]")[0]
    assert [_text(b) for b in cell.xpath("strong")] == ["Acme style guide"]
    assert [_text(i) for i in cell.xpath(".//ins")] == ["and the", "brand book"]
    assert cell.xpath("a[@href='https://example.com/brand']/ins")
    rows = {_text(r.xpath("th")[0]): r for r in designer.xpath(
        ".//table[contains(@class, 'requirement-table')]/tbody/tr")}
    skills = [(_text(li), [c.tag for c in li]) for li in rows["Skills"].xpath(".//li")]
    assert skills == [("Adobe Photoshop, Lightroom and Illustrator", []),
                      ("Basic video editing (Premiere Pro or similar)", ["del"]),
                      ("Figma", ["ins"])]
    assert "row-removed" in rows["Other"].get("class")
    assert [_text(d) for d in rows["Other"].xpath(".//del")] == [
        "A portfolio is required with your application"]


def _marks(element) -> tuple[list[str], list[str]]:
    return ([_text(d) for d in element.xpath(".//del")],
            [_text(i) for i in element.xpath(".//ins")])


def test_every_changed_field_is_marked_where_it_is_printed(built):
    """The summary, a KPI's name and target, the seats, a department's function, the intro
    and the document control: the words that changed struck and underlined in place, and
    nothing else marked."""
    page = _html(built)
    designer = page.get_element_by_id("role-content-designer")
    summary = designer.xpath(".//section[contains(@class, 'summary')]")[0]
    assert _marks(summary) == ([], [", short videos"])
    assert "Creates the product imagery, short videos, page layouts" in _text(summary)
    kpi = designer.xpath(".//table[contains(@class, 'kpi-table')]/tbody/tr[2]/td")
    assert _marks(kpi[0]) == ([], ["engaged"]) and _marks(kpi[1]) == (["50"], ["60"])
    assert _marks(designer.xpath(".//td[contains(@class, 'seats')]")[0]) == (
        ["1/2 (1 vacant)"], ["1/3 (2 vacant)"])
    marketing = page.get_element_by_id("dept-marketing")
    assert "changed" in marketing.get("class").split()
    assert _marks(marketing.xpath(".//div[@class='dept-function']")[0]) == (
        [], [", marketplace advertising"])
    staffing = {_text(r.xpath("th")[0]): r for r in marketing.xpath(
        ".//table[contains(@class, 'staffing-table')]/tbody/tr[not(@class='total')]")}
    assert [_marks(td) for td in staffing["Content Designer"].xpath("td")[-3:]] == [
        ([], []), (["2"], ["3"]), (["1"], ["2"])]  # filled, headcount, vacant
    assert _marks(staffing["Performance Marketing Specialist"]) == (
        ["Marketing & Content Lead"], ["Head of E-commerce"])
    assert [name for name, row in staffing.items() if "row-added" in row.get("class", "")] == [
        "Social Media Executive"]
    intro = page.get_element_by_id("intro")
    assert "changed" in intro.get("class").split() and _marks(intro) == ([], ["performance"])
    control = {_text(r.xpath("th")[0]): r.xpath("td")[0]
               for r in page.xpath("//table[@class='control']/tbody/tr")}
    assert _marks(control["Version"]) == (["2.0"], ["2.1"])
    assert _marks(control["Effective date"]) == (["2 February 2026"], ["2 March 2026"])
    assert not control["Prepared by"].xpath("ins|del")
    fulfilment = page.get_element_by_id("dept-fulfilment")  # a position removed from it
    assert "changed" in fulfilment.get("class").split()
    [gone] = fulfilment.xpath(".//table[contains(@class, 'staffing-table')]/tbody/tr"
                              "[@class='row-removed']")
    assert [_text(d) for d in gone.xpath(".//del")] == [
        "Warehouse Operative", "ACME-FL-02", "L1", "Fulfilment Coordinator", "2", "2", "0"]
    for unchanged in ("dept-customer-care", "role-marketing-lead"):
        element = page.get_element_by_id(unchanged)
        assert "changed" not in element.get("class").split() and _marks(element) == ([], [])


def test_competencies_added_and_removed_are_marked(built):
    """A competency added is underlined, one removed is struck at its old place (the second),
    in HTML and as DOCX tracked changes whose separators make both readings well joined:
    "Data storytelling, Analytical thinking" now, "Testing and optimisation, Analytical
    thinking" rejected."""
    chips = _html(built).get_element_by_id("role-performance-marketer").xpath(
        ".//section[contains(@class, 'competencies')]//li")
    assert [(_text(li), _marks(li)) for li in chips] == [
        ("Data storytelling", ([], ["Data storytelling"])),
        ("Testing and optimisation", (["Testing and optimisation"], [])),
        ("Analytical thinking", ([], []))]
    body = _docx_body(built / "new.docx")
    [line] = [p for p in body.iter(f"{W}p")
              if "Analytical thinking" in "".join(p.itertext()) and any(_tracked(p))]
    assert _tracked(line) == (["Testing and optimisation"], ["Data storytelling"])
    kept = "".join(t.text for t in line.iter(f"{W}t")
                   if t.getparent().getparent().tag != f"{W}ins")
    assert kept == ", Analytical thinking"
    assert "".join(t.text for t in line.iter(f"{W}t")) == "Data storytelling, Analytical thinking"


def test_a_block_field_is_marked_inside_its_paragraphs_and_lists():
    """A summary or function of several blocks: the changed words marked where they stand,
    bold and list items kept; accepting every change reads the new text, rejecting the old."""
    old = "## Aim\n\nServe **customers** well.\n\n- answer chats\n- handle returns\n"
    new = ("## Aim\n\nServe **customers** quickly and well.\n\n- answer chats and calls\n"
           "- handle returns\n- train new staff\n")
    printed = parse_markdown(new)
    runs = runs_of(word_diff(parse_markdown(old).plain, printed.plain))
    page = lxml.html.fromstring(f"<div>{marked_markdown(printed, runs).html()}</div>")
    assert [_text(i) for i in page.xpath("//ins")] == ["quickly and", "and calls",
                                                        "train new staff"]
    assert [_text(b) for b in page.xpath("//strong")] == ["customers"]
    assert len(page.xpath("//li")) == 3 and page.xpath("//li[3]/ins")  # a list item added

    def reading(drop: str) -> str:
        copy = lxml.html.fromstring(lxml.html.tostring(page))
        for element in copy.xpath(f"//{drop}"):
            element.drop_tree()
        return re.sub(r"\s+", "", copy.text_content())

    assert reading("del") == re.sub(r"\s+", "", printed.plain)
    assert reading("ins") == re.sub(r"\s+", "", parse_markdown(old).plain)


def test_revision_entry_without_changes_gets_the_summary(built):
    page = _html(built)
    rows = page.xpath("//table[contains(@class, 'revision-table')]/tbody/tr")
    assert _text(rows[-1].xpath("th")[0]) == "2.1"
    assert _text(rows[-1].xpath("td[last()]")[0]) == (
        "1 position added; 1 position removed; 1 position renamed; duties changed in "
        "1 position; KPIs changed in 1 position; requirements changed in 1 position; "
        "reporting line changed for 1 position; other details changed in 2 positions; "
        "1 department moved; head or function changed in 1 department; introduction revised")


def test_summary_in_chinese_follows_the_language(versions, tmp_path):
    """zh-Hans content in Traditional Chinese: the summary in Taiwan's words."""
    shutil.copytree(ROOT / "content" / "ecommerce-ops", tmp_path / "old")
    shutil.copytree(ROOT / "content" / "ecommerce-ops", tmp_path / "new")
    roles = tmp_path / "new" / "roles"
    (roles / "night-cs.yml").unlink()
    (roles / "live-host.yml").write_text(
        "title: 直播主播\ncode: OPS-PR-09\ndepartment: promotion\nreports_to: promo-lead\n"
        "duties: [负责店铺直播]\nrequirements: {education: 大专及以上学历}\n", encoding="utf-8")
    old, _ = load_handbook(tmp_path / "old")
    new, _ = load_handbook(tmp_path / "new")
    diff = compare(old, new)
    simplified = resolve(new, diff=diff, chart_pages=False).changes.summary
    traditional = resolve(new, lang="zh-Hant", diff=diff, chart_pages=False).changes.summary
    assert simplified == "新增 1 个岗位；撤销 1 个岗位"
    assert traditional == "新增 1 個職務；裁撤 1 個職務"
    summary = roles / "cs-lead.yml"  # a change the summary has no word of its own for
    summary.write_text(summary.read_text(encoding="utf-8").replace("headcount: 1", "headcount: 2"),
                       encoding="utf-8")
    new, _ = load_handbook(tmp_path / "new")
    traditional = resolve(new, lang="zh-Hant", diff=compare(old, new), chart_pages=False)
    assert traditional.changes.summary == "新增 1 個職務；裁撤 1 個職務；修改 1 個職務的其他內容"
    handbook = tmp_path / "new" / "handbook.yml"  # a list item added to a function
    handbook.write_text(handbook.read_text(encoding="utf-8").replace(
        "      - 服务质量检查与客服培训。\n", "      - 服务质量检查与客服培训；\n"
        "      - 承接原分销部的代销商售后对接。\n"), encoding="utf-8")
    new, _ = load_handbook(tmp_path / "new")
    changes = resolve(new, diff=compare(old, new), chart_pages=False).changes
    [line] = [line for group in changes.groups for line in group.lines
              if line[0][1].startswith("部门职能")]
    assert "".join(text for _, text in line) == (
        "部门职能：…务质量检查与客服培训；承接原分销部的代销商售后对接。")
    assert ("ins", "；承接原分销部的代销商售后对接") in line  # one line, no break inside


def test_a_new_department_head_is_marked_in_html_and_docx(tmp_path):
    """zh-Hant content: the opener's head struck and underlined, a tracked change in Word."""
    shutil.copytree(ROOT / "content" / "startup-team", tmp_path / "old")
    shutil.copytree(ROOT / "content" / "startup-team", tmp_path / "new")
    _edit(tmp_path / "new" / "handbook.yml", "    head: platform-cs\n",
          "    head: warehouse-clerk\n")
    old, _ = load_handbook(tmp_path / "old")
    new, _ = load_handbook(tmp_path / "new")
    document = resolve(new, diff=compare(old, new), chart_pages=False)
    page = lxml.html.fromstring(render_html(document, root=new.root))
    service = page.get_element_by_id("dept-service")
    assert "changed" in service.get("class").split()
    assert _marks(service.xpath(".//p[@class='dept-head']")[0]) == (["平台窗口兼客服"],
                                                                    ["倉儲出貨人員"])
    write_docx(document, tmp_path / "new.docx", root=new.root, page_numbers=False)
    [head] = [p for p in _paragraphs_with(_docx_body(tmp_path / "new.docx"), "倉儲出貨人員")
              if any(_tracked(p))]
    assert _tracked(head) == (["平台窗口兼客服"], ["倉儲出貨人員"])
    assert [d.id for d in document.departments if d.marks] == ["service"]


def test_a_renamed_department_is_marked_in_its_heading_and_named_anew_elsewhere(tmp_path):
    """The heading holds the change struck and underlined (a tracked change in Word); the
    PDF's bookmark and running header, and the DOCX's contents, hold the new name only."""
    shutil.copytree(ROOT / "content" / "startup-team", tmp_path / "old")
    shutil.copytree(ROOT / "content" / "startup-team", tmp_path / "new")
    _edit(tmp_path / "new" / "handbook.yml", "    name: 客服物流部\n", "    name: 客服與物流部\n")
    assert main(["build", str(tmp_path / "new"), "-o", str(tmp_path / "out"), "-f", "html,pdf,docx",
                 "--changes-since", str(tmp_path / "old"), "--no-page-numbers", "-q"]) == 0
    page = lxml.html.fromstring((tmp_path / "out" / "new.html").read_text(encoding="utf-8"))
    heading = page.get_element_by_id("dept-service-title")
    assert _marks(heading) == ([], ["與"]) and heading.get("data-bookmark").endswith("客服與物流部")
    with pikepdf.open(tmp_path / "out" / "new.pdf") as pdf, pdf.open_outline() as outline:
        titles, stack = [], list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack += item.children
    assert [t for t in titles if "物流部" in t] == [heading.get("data-bookmark")]
    with pdfplumber.open(tmp_path / "out" / "new.pdf") as pdf:
        headers = [(p.extract_text() or "").splitlines()[0] for p in pdf.pages[1:]]
    assert any(h.endswith("客服與物流部") for h in headers)
    assert not [h for h in headers if h.endswith("客服物流部")]
    body = _docx_body(tmp_path / "out" / "new.docx")
    [docx_heading] = [p for p in _paragraphs_with(body, "物流部") if any(_tracked(p))]
    assert _tracked(docx_heading) == ([], ["與"]) and _style(docx_heading).startswith("Heading")


# --- PDF ------------------------------------------------------------------------------------


def _page_with(pdf, text: str):
    return next(p for p in pdf.pages if text in (p.extract_text() or ""))


def test_pdf_shows_the_record_struck_and_underlined_with_change_bars(built):
    with pdfplumber.open(built / "new.pdf") as pdf:
        first = pdf.pages.index(_page_with(pdf, "Changes from version 2.0 to version 2.1"))
        changes = _page_with(pdf, "Pick and pack orders")  # the section runs over two pages
        assert pdf.pages.index(changes) - first in (0, 1)
        text = "\n".join(p.extract_text() for p in pdf.pages[first:first + 2])
        # pdfplumber may drop the space after bold words
        assert re.search(r"Warehouse Operative\s*position removed", text)
        assert re.search(r"Social Media Executive\s*position added", text)
        removed = changes.search("Pick and pack orders")[0]
        middle = (removed["top"] + removed["bottom"]) / 2
        strokes = [r for r in changes.rects + changes.lines
                   if abs((r["top"] + r["bottom"]) / 2 - middle) < 2.5
                   and r["x0"] <= removed["x0"] + 1 and r["x1"] >= removed["x1"] - 1]
        assert strokes, "the removed duty is not struck through"
        designer = _page_with(pdf, "Edit short product videos for the web shop")
        left = min(c["x0"] for c in designer.chars)
        bars = [r for r in designer.rects if r["x0"] <= left - 10 and r["height"] > 300]
        assert bars, "no change bar in the margin of a changed position's page"
        lead = _page_with(pdf, "Approve the promotions calendar")
        assert not [r for r in lead.rects if r["x0"] <= min(c["x0"] for c in lead.chars) - 10
                    and r["height"] > 300]


def test_pdf_outline_toc_and_running_header_show_the_new_title_only(built):
    """A retitled position's heading holds both titles struck and underlined; its bookmark,
    its contents entry and its continuation pages' running header hold the new one."""
    with pikepdf.open(built / "new.pdf") as pdf, pdf.open_outline() as outline:
        titles, stack = [], list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack += item.children
    assert "Customer Service Advisor" in titles
    assert not [t for t in titles if "Care Service" in t or "CareService" in t]
    with pdfplumber.open(built / "new.pdf") as pdf:
        pages = [p.extract_text() or "" for p in pdf.pages]
    contents = "\n".join(t for t in pages if re.search(r"\.{10,} ?\d+", t))
    assert re.search(r"Customer Service Advisor ?\.+ ?\d+", contents)
    assert "Care Service" not in contents
    continued = [t for t in pages if "Customer Service Advisor · ACME-CC-02 (cont.)" in t]
    heading = next(t for t in pages if "Customer Care Service Advisor" in t)  # the redline
    assert continued and heading


# --- DOCX -----------------------------------------------------------------------------------


def _docx_body(path: Path):
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def test_docx_carries_tracked_changes_by_the_revision_author(built):
    body = _docx_body(built / "new.docx")
    marks = body.findall(f".//{W}ins") + body.findall(f".//{W}del")
    changes = [m for m in marks if m.getparent().tag != f"{W}trPr"]
    assert {m.get(f"{W}author") for m in marks} == {AUTHOR}
    assert {m.get(f"{W}date") for m in marks} == {f"{DATE}T00:00:00Z"}
    ids = [e.get(f"{W}id") for e in body.iter(f"{W}ins", f"{W}del", f"{W}bookmarkStart")]
    assert len(ids) == len(set(ids))
    deleted = ["".join(m.itertext()) for m in changes if m.tag == f"{W}del"]
    inserted = ["".join(m.itertext()) for m in changes if m.tag == f"{W}ins"]
    assert {"Care", "Marketing & Content Lead", "35%", "25%"} <= set(deleted)
    assert {"Service", "Head of E-commerce", " seasonal", "30%"} <= set(inserted)
    rows = {m.getparent().getparent(): m.tag for m in marks if m.getparent().tag == f"{W}trPr"}
    texts = {"".join(row.itertext()): tag for row, tag in rows.items()}
    assert texts["Keep the asset library organised and up to date"] == f"{W}del"
    assert texts["5Brief freelance photographers5%Yes—"] == f"{W}ins"


def _paragraphs_with(body, text: str) -> list:
    return [p for p in body.iter(f"{W}p") if text in "".join(p.itertext())]


def _style(p) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return "" if style is None else style.get(f"{W}val")


def test_docx_tracks_the_title_in_the_heading_and_keeps_the_toc_new(built):
    body = _docx_body(built / "new.docx")
    heading = next(p for p in _paragraphs_with(body, "Advisor")
                   if _style(p).startswith("Heading"))
    assert ["".join(m.itertext()) for m in heading.iter(f"{W}del", f"{W}ins")] == [
        "Care", "Service"]
    assert {r.find(f"{W}rPr/{W}rStyle").get(f"{W}val") for r in heading.iter(f"{W}r")} == {
        "PositionTitle"}
    toc = [p for p in body.iter(f"{W}p")
           if _style(p).startswith("TOC")]
    entries = ["".join(p.itertext()) for p in toc]
    assert any(e.startswith("Customer Service Advisor") for e in entries)
    assert not [e for e in entries if "Care" in e and "Service" in e]


def test_docx_duty_keeps_its_formatting_and_requirements_are_tracked(built):
    body = _docx_body(built / "new.docx")
    duty = next(p for p in _paragraphs_with(body, "Shoot and retouch")
                if _style(p) == "TableText")
    bold = [r for r in duty.iter(f"{W}r") if r.find(f"{W}rPr/{W}b") is not None]
    assert ["".join(r.itertext()) for r in bold] == ["Acme style guide"]
    assert ["".join(m.itertext()) for m in duty.iter(f"{W}ins")] == [" and the ", "brand book"]
    assert duty.find(f"{W}hyperlink/{W}ins") is not None
    gone = next(p for p in _paragraphs_with(body, "Basic video editing")
                if _style(p) == "TableText")
    assert gone.find(f"{W}pPr/{W}rPr/{W}del") is not None  # the paragraph goes with it
    assert "".join(t.text for t in gone.iter(f"{W}delText")) == (
        "Basic video editing (Premiere Pro or similar)")
    figma = next(p for p in _paragraphs_with(body, "Figma")
                 if _style(p) == "TableText")
    assert figma.find(f"{W}ins") is not None
    portfolio = next(p for p in _paragraphs_with(body, "A portfolio is required")
                     if _style(p) == "TableText")
    row = next(a for a in portfolio.iterancestors(f"{W}tr"))
    assert row.find(f"{W}trPr/{W}del") is not None


def _tracked(paragraph) -> tuple[list[str], list[str]]:
    return (["".join(t.text for t in m.iter(f"{W}delText")) for m in paragraph.iter(f"{W}del")
             if m.getparent().tag != f"{W}rPr"],
            ["".join(m.itertext()) for m in paragraph.iter(f"{W}ins")])


def test_docx_tracks_every_changed_field_where_it_is_printed(built):
    body = _docx_body(built / "new.docx")
    expected = {"Creates the product imagery": ([], [", short videos"]),
                "Average engaged time": ([], [" engaged"]),
                "1/3 (2 vacant)": (["1/2 (1 vacant)"], ["1/3 (2 vacant)"]),
                "The team runs paid search": ([], [", marketplace advertising"]),
                "annual performance reviews": ([], [" performance"]),
                "2 March 2026": (["2 February 2026"], ["2 March 2026"])}
    for text, marks in expected.items():  # elsewhere (the changes section) only formatted
        assert [_tracked(p) for p in _paragraphs_with(body, text) if any(_tracked(p))] == [
            marks], text
    [target] = [p for p in body.iter(f"{W}p") if "".join(p.itertext()) == "≥ 5060 s"]
    assert _tracked(target) == (["50"], ["60"])
    def rows(title: str) -> list:  # the staffing table's and the index's
        return [row for row in body.iter(f"{W}tr") if row.find(f"{W}tc") is not None
                and "".join(row.find(f"{W}tc").itertext()) == title]

    assert [[_tracked(cell) for cell in row.findall(f"{W}tc")[-3:]]
            for row in rows("Content Designer") if row.find(f".//{W}ins") is not None] == [
        [([], []), (["2"], ["3"]), (["1"], ["2"])]]  # filled, headcount, vacant
    assert [row.find(f"{W}trPr/{W}ins") is not None for row in rows("Social Media Executive")
            ] == [True, False]  # a new row of the staffing table; the index is not tracked
    [gone] = [row for row in body.iter(f"{W}tr") if "".join(
        t.text for t in row.iter(f"{W}delText")).startswith("Warehouse Operative")]
    assert gone.find(f"{W}trPr/{W}del") is not None


def _fodt(docx: Path, out: Path) -> etree._Element:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/lo", "--headless",
                    "--convert-to", "fodt", "--outdir", str(out), str(docx)],
                   check=True, capture_output=True, timeout=300)
    return etree.parse(str(out / f"{docx.stem}.fodt")).getroot()


def _accepted(root, deletions: set[str]) -> str:
    """The body's text with every change accepted: deleted ranges left out."""
    out: list[str] = []
    inside: set[str] = set()

    def walk(element) -> None:
        tag = element.tag
        if tag == f"{TEXT}tracked-changes":
            return
        change = element.get(f"{TEXT}change-id")
        if tag == f"{TEXT}change-start" and change in deletions:
            inside.add(change)
        elif tag == f"{TEXT}change-end":
            inside.discard(change)
        if element.text and not inside:
            out.append(element.text)
        for child in element:
            walk(child)
            if child.tail and not inside:
                out.append(child.tail)

    walk(root.find(".//{urn:oasis:names:tc:opendocument:xmlns:office:1.0}text"))
    return re.sub(r"\s+", "", "".join(out))


def test_libreoffice_lists_the_changes_and_accepting_them_gives_the_new_text(
        built, versions, tmp_path):
    old, new = versions
    marked = _fodt(built / "new.docx", tmp_path / "marked")
    regions = marked.findall(f".//{TEXT}tracked-changes/{TEXT}changed-region")
    kinds = {region.get(f"{TEXT}id"): region[0].tag.removeprefix(TEXT) for region in regions}
    assert {"insertion", "deletion"} <= set(kinds.values())
    dc = "{http://purl.org/dc/elements/1.1/}"
    creators = {e.text for region in regions for e in region.iter(f"{dc}creator")}
    dates = {e.text[:10] for region in regions for e in region.iter(f"{dc}date")}
    assert creators == {AUTHOR} and dates == {DATE}
    plain_out = tmp_path / "plain"
    assert main(["build", str(new), "-o", str(plain_out), "-f", "docx", "--no-page-numbers",
                 "-q"]) == 0
    plain = _fodt(plain_out / "new.docx", tmp_path / "plain")
    start = "Departmentsandpositions"
    accepted = _accepted(marked, {i for i, kind in kinds.items() if kind == "deletion"})
    expected = _accepted(plain, set())
    assert accepted[accepted.rindex(start):] == expected[expected.rindex(start):]


# --- job descriptions -------------------------------------------------------------------


def test_job_descriptions_are_clean_and_workers_never_read_the_old_version(
        versions, tmp_path, monkeypatch):
    """A job description goes to candidates: no marks, bars or tracked changes even in a
    --changes-since build; the pool's workers get the parent's diff instead of loading the
    old version again (a worker that tried would fail the build)."""
    old, new = versions
    parent = os.getpid()
    reads = build_module._changes_since

    def once(request, handbook):
        assert os.getpid() == parent, "a worker read the old version"
        return reads(request, handbook)

    monkeypatch.setattr(build_module, "_changes_since", once)
    out = tmp_path / "out"
    result = build_module.build(BuildRequest(new, ("html", "docx"), out, each_role=True,
                                             page_numbers=False, changes_since=str(old)))
    jds = [p for p in result.written if p.parent.name == "roles"]
    assert len(jds) > build_module._JobDescriptions._CHUNK  # so the pool wrote them
    page = lxml.html.fromstring((out / "roles" / "content-designer.html").read_text("utf-8"))
    role = page.get_element_by_id("role-content-designer")
    assert "changed" not in role.get("class").split()
    assert not page.xpath("//ins|//del") and not page.get_element_by_id("changes", None)
    assert "seasonal homepage banners" in _text(role)
    for name in ("content-designer", "care-advisor"):
        body = _docx_body(out / "roles" / f"{name}.docx")
        assert not list(body.iter(f"{W}ins", f"{W}del"))
    handbook_body = _docx_body(out / "new.docx")  # the handbook itself is still marked
    assert list(handbook_body.iter(f"{W}ins"))


# --- by git revision, usage errors, check -------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t",
                    *args], check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository with the old version committed and tagged v2.0, the new one in
    the working tree."""
    handbook = tmp_path / "repo" / "acme"
    shutil.copytree(EXAMPLE, handbook)
    _git(tmp_path / "repo", "init", "-q")
    _git(tmp_path / "repo", "add", ".")
    _git(tmp_path / "repo", "commit", "-q", "-m", "2.0")
    _git(tmp_path / "repo", "tag", "v2.0")
    every_kind(handbook)
    return handbook


def test_changes_since_a_git_tag_match_the_directory(repo, versions):
    old, new = versions
    by_tag, _ = build_document(BuildRequest(repo, changes_since="v2.0"))
    by_dir, _ = build_document(BuildRequest(new, changes_since=str(old)))
    assert by_tag.changes == by_dir.changes
    assert by_tag.changes.summary.startswith("1 position added")


def test_unknown_revision_and_non_handbook_are_usage_errors(repo, tmp_path, capsys):
    assert main(["build", str(repo), "-o", str(tmp_path / "o"), "--changes-since",
                 "v9.9"]) == 2
    assert "--changes-since v9.9: neither a directory nor a revision" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["build", str(repo), "-o", str(tmp_path / "o"), "--changes-since",
                 str(tmp_path / "empty")]) == 2
    assert "not a handbook (no handbook.yml in it)" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def _version_line(handbook: Path) -> int:
    lines = (handbook / "handbook.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == 'version: "2.1"')


def test_check_warns_when_the_new_version_has_no_record(repo, capsys):
    assert main(["check", str(repo)]) == 0
    out = capsys.readouterr().out
    line = _version_line(repo)
    assert re.search(rf"handbook\.yml:{line}:\d+: warning: version 2\.1 differs from v2\.0",
                     out), out
    entry = f"    date: {DATE}\n    author: {AUTHOR}\n"
    _edit(repo / "handbook.yml", entry, f"{entry}    changes: Social media role added\n")
    assert main(["check", str(repo)]) == 0
    assert "differs from v2.0" not in capsys.readouterr().out


def test_no_warning_outside_git_or_without_the_tag(repo, versions, capsys):
    _, new = versions
    assert main(["check", str(new)]) == 0
    assert "differs from" not in capsys.readouterr().out
    _git(repo.parent, "tag", "-d", "v2.0")
    assert main(["check", str(repo)]) == 0
    assert "differs from" not in capsys.readouterr().out
