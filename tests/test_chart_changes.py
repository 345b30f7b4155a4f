"""The org charts of a --changes-since build: what changed, marked on the chart in every format.

The minimal handbook is changed in one way of each kind (a position added, one removed, one
under another manager, one renamed); the e-commerce example gets a realistic set across its
department charts. Without a diff the charts are exactly today's.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
import zipfile

import pdfplumber
import pytest

from handbook import orgchart
from handbook.brand import load_brand
from handbook.colour import AA, contrast, palette_for
from handbook.diff import compare
from handbook.document import resolve
from handbook.labels import load_labels
from handbook.orgchart.labels import labels_for
from handbook.orgchart.theme import colors_for
from handbook.style import default_style
from handbook.validate import load_handbook
from handbook.write.docx import write_docx
from handbook.write.html import render_html
from handbook.write.pdf import write_pdf

from .conftest import EXAMPLES, FIXTURES, ROOT

SVG = "{http://www.w3.org/2000/svg}"
MARKS = ("added", "removed", "moved", "changed")
LABELS = ("org_added", "org_removed", "org_changed", "org_was_under", "org_was_titled",
          "legend_added", "legend_removed", "legend_moved", "legend_changed",
          "legend_removed_department")


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _versions(tmp, source):
    old, new = tmp / "old", tmp / "new"
    shutil.copytree(source, old)
    shutil.copytree(source, new)
    return old, new


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    """(old, new, document): one change of each kind on the minimal handbook's one chart."""
    old, new = _versions(tmp_path_factory.mktemp("minimal"), FIXTURES / "minimal")
    roles = new / "roles"
    (roles / "content-writer.yml").write_text(
        "title: Content Writer\ncode: OPS-03\ndepartment: operations\nreports_to: ops-manager\n"
        "duties: [Writes the listings]\n",
        encoding="utf-8")
    (roles / "service-agent.yml").unlink()
    _edit(roles / "ops-specialist.yml", "reports_to: ops-manager", "reports_to: service-lead")
    _edit(roles / "service-lead.yml", "title: Customer Service Lead", "title: Customer Care Lead")
    before, _ = load_handbook(old)
    after, _ = load_handbook(new)
    return before, after, resolve(after, diff=compare(before, after))


def _boxes(document) -> dict[str, tuple[int, orgchart.Box]]:
    """Position boxes by id, with the index of the chart page each is on."""
    return {box.id: (index, box) for index, page in enumerate(document.charts)
            for box in page.layout.boxes if box.kind == "role"}


def _svg(document, page) -> ET.Element:
    return ET.fromstring(orgchart.to_svg(page, lang=document.lang, labels=document.labels,
                                         colors=document.palette.chart_colours()))


def _group(root: ET.Element, box_id: str) -> ET.Element:
    return next(g for g in root.iter(f"{SVG}g") if g.get("data-id") == box_id)


def _texts(box: orgchart.Box, cls: str) -> list[str]:
    return [t.text for t in box.texts if t.cls == cls]


def _inside(inner: orgchart.Rect | tuple, box: orgchart.Box) -> bool:
    x0, y0, x1, y1 = inner
    return box.x <= x0 <= x1 <= box.right and box.y <= y0 <= y1 <= box.bottom


def _overlap(a: orgchart.Box, b: orgchart.Box) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_each_kind_of_change_is_marked_on_its_box(minimal):
    _, _, document = minimal
    [page] = document.charts
    boxes = {b.id: b for b in page.layout.boxes}
    assert {i: b.change for i, b in boxes.items()} == {
        "ops-manager": None, "content-writer": "added", "service-lead": "changed",
        "ops-specialist": "moved", "service-agent": "removed"}
    added = boxes["content-writer"]
    assert _texts(added, "hb-change-tag") == ["New"] and added.tag is not None
    tag = added.tag
    assert _inside((tag.x, tag.y, tag.x + tag.w, tag.y + tag.h), added)
    assert _texts(boxes["service-lead"], "hb-was") == ["formerly Customer Service Lead"]
    assert _texts(boxes["service-lead"], "hb-change-tag") == ["Changed"]
    assert _texts(boxes["ops-specialist"], "hb-was") == ["formerly under Operations Manager"]
    for box in boxes.values():  # every line inside its box, one height for all
        assert box.h == added.h
        for text in box.texts:
            assert box.y < text.y < box.bottom, (box.id, text.text)


def test_a_removed_position_is_a_ghost_under_its_old_manager(minimal):
    _, _, document = minimal
    layout = document.charts[0].layout
    ghost, manager = layout.box("service-agent"), layout.box("service-lead")
    assert " ".join(ghost.title) == "Customer Service Agent" and ghost.kind == "role"
    assert ghost.headcount == 0 and ghost.badge is None and not _texts(ghost, "hb-count")
    assert _texts(ghost, "hb-change-tag") == ["Removed"] and _texts(ghost, "hb-code") == ["SVC-02"]
    assert [(e.parent, e.kind) for e in layout.edges if e.child == "service-agent"] == [
        ("service-lead", "report")]
    assert ghost.y >= manager.bottom
    assert not any(_overlap(ghost, b) for b in layout.boxes if b.id != ghost.id)
    titles = [t for t in ghost.texts if t.cls == "hb-title"]
    assert len(ghost.strikes) == len(titles) == 2  # one through each line, as wide as it
    for (start, end), title in zip(ghost.strikes, titles, strict=True):
        assert start[1] == end[1] and title.y - title.size < start[1] < title.y
        assert end[0] - start[0] > 4 * title.size
        assert start[0] + end[0] == pytest.approx(2 * title.x)
        assert _inside((start[0], start[1], end[0], end[1]), ghost)


def test_a_moved_position_is_drawn_under_its_new_manager(minimal):
    _, _, document = minimal
    layout = document.charts[0].layout
    [edge] = [e for e in layout.edges if e.child == "ops-specialist"]
    assert edge.parent == "service-lead"
    moved, manager = layout.box("ops-specialist"), layout.box("service-lead")
    assert edge.points[0] == pytest.approx((manager.cx, manager.bottom))
    assert edge.points[-1] == pytest.approx((moved.cx, moved.y))
    assert moved.y >= manager.bottom


def test_svg_draws_the_marks_distinguishable_in_greyscale(minimal):
    """Every mark differs from an ordinary box or line in more than its colour: width,
    dashes, a strike-through or words."""
    _, _, document = minimal
    root = _svg(document, document.charts[0])
    plain = _group(root, "ops-manager").find(f"{SVG}rect")
    added = _group(root, "content-writer")
    assert "hb-added" in added.get("class").split()
    outline = added.find(f"{SVG}rect")
    assert float(outline.get("stroke-width")) >= 2 * float(plain.get("stroke-width"))
    assert added.find(f"{SVG}rect[@class='hb-change-frame']") is not None
    assert [t.text for t in added.iter(f"{SVG}text") if t.get("class") == "hb-change-tag"] == [
        "New"]
    ghost = _group(root, "service-agent")
    box = ghost.find(f"{SVG}rect")
    assert box.get("stroke-dasharray") and plain.get("stroke-dasharray") is None
    assert box.get("fill") != plain.get("fill")
    assert ghost.find(f"{SVG}path[@class='hb-strike']") is not None
    paths = {p.get("data-child"): p for p in root.iter(f"{SVG}path") if p.get("data-child")}
    assert "hb-edge-moved" in paths["ops-specialist"].get("class")
    assert float(paths["ops-specialist"].get("stroke-width")) >= 1.5
    assert paths["service-agent"].get("stroke-dasharray")
    assert paths["content-writer"].get("stroke-width") is None  # an ordinary line stays so
    changed = _group(root, "service-lead")
    assert "hb-changed" in changed.get("class").split()
    assert "formerly Customer Service Lead" in [t.text for t in changed.iter(f"{SVG}text")]


def test_the_key_explains_each_mark_drawn(minimal):
    _, _, document = minimal
    legend = document.charts[0].legend
    entries = {e.kind: e for e in legend.entries}
    labels = document.labels
    for mark in MARKS:
        assert entries[mark].text == labels[f"legend_{mark}"]
    assert entries["added"].sample == "New" and entries["changed"].sample == "Changed"
    assert "unfilled" not in entries  # a ghost's dashes are not "no one in post"
    root = _svg(document, document.charts[0])
    key = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "hb-legend")
    words = [t.text for t in key.iter(f"{SVG}text")]
    for mark in MARKS:
        assert labels[f"legend_{mark}"] in words
    assert key.find(f"{SVG}path[@class='hb-strike']") is not None
    assert key.find(f"{SVG}path[@class='hb-edge hb-edge-moved']") is not None


@pytest.mark.parametrize("name", ["default", "bluewhale", "jade"])
def test_mark_colours_meet_the_palette_contrast_rules(name):
    style = {"default": lambda: default_style("zh-Hans"),
             "bluewhale": lambda: load_brand(ROOT / "content" / "brands" / "bluewhale",
                                             default_style("zh-Hans"), "zh-Hans"),
             "jade": lambda: load_brand(ROOT / "content" / "brands" / "jade-partners",
                                        default_style("en"), "en")}[name]()
    for colours in (palette_for(style, ["a"]).chart_colours(), colors_for(None)):
        colours = colors_for(colours)
        for ground in ("background", "primary-tint"):  # the "new" tag on either box fill
            assert contrast(colours["accent"], colours[ground]) >= AA
        assert contrast(colours["ghost-text"], colours["ghost"]) >= AA
        assert contrast(colours["ghost"], colours["background"]) > 1.05  # greyed, visibly


def test_every_language_has_the_marks_words():
    for lang in ("zh-Hans", "zh-Hant", "en", "en-GB"):
        labels = load_labels(lang.split("-")[0] if lang == "en-GB" else lang, lang)
        chart = labels_for(lang)
        for key in LABELS:
            assert labels[key] and chart[key], (lang, key)
    assert load_labels("zh-Hant", "zh-Hant")["org_was_under"] == "原上級：{title}"
    assert "grey" in load_labels("en", "en-GB")["legend_removed"]
    assert "gray" in load_labels("en", "en")["legend_removed"]


@pytest.fixture(scope="module")
def ecommerce(tmp_path_factory):
    """The e-commerce example with a realistic change set across its department charts."""
    old, new = _versions(tmp_path_factory.mktemp("ecommerce"), ROOT / "content" / "ecommerce-ops")
    roles = new / "roles"
    (roles / "live-host.yml").write_text(
        "title: 直播主播\ncode: OPS-PR-09\ndepartment: live\nreports_to: promo-lead\n"
        "duties: [负责店铺直播]\nrequirements: {education: 大专及以上学历}\n", encoding="utf-8")
    _edit(new / "handbook.yml", "  - id: marketing\n",
          "  - id: live\n    name: 直播组\n    parent: promotion\n    head: live-host\n"
          "  - id: marketing\n")
    (roles / "night-cs.yml").unlink()
    _edit(roles / "photographer.yml", "reports_to: design-lead", "reports_to: planning-lead")
    _edit(roles / "ztc-specialist.yml", "title: 直通车专员", "title: 直通车推广专员")
    _edit(roles / "designer.yml", "headcount: 5", "headcount: 6")
    before, _ = load_handbook(old)
    after, _ = load_handbook(new)
    return after, compare(before, after)


def test_department_charts_mark_their_own_changes_in_chinese(ecommerce):
    after, diff = ecommerce
    document = resolve(after, diff=diff)
    boxes = _boxes(document)
    assert {i: b.change for i, (_, b) in boxes.items() if b.change} == {
        "live-host": "added", "night-cs": "removed", "photographer": "moved",
        "ztc-specialist": "changed", "designer": "changed"}
    page, ghost = boxes["night-cs"]
    assert boxes["cs-lead"][0] == page and ghost.department == "customer-service"
    assert _texts(ghost, "hb-change-tag") == ["已撤销"]
    assert _texts(boxes["photographer"][1], "hb-was") == ["原上级：美工主管"]
    assert _texts(boxes["ztc-specialist"][1], "hb-was") == ["原名称：直通车专员"]
    assert _texts(boxes["live-host"][1], "hb-change-tag") == ["新增"]
    assert _texts(boxes["designer"][1], "hb-was") == []
    for page in document.charts:  # each key names the marks its own chart draws, no others
        kinds = {e.kind for e in page.legend.entries} & set(MARKS)
        assert kinds == {b.change for b in page.layout.boxes if b.change}, page.caption
    plain = resolve(after)
    director = [box for page in plain.charts for box in page.layout.boxes
                if box.id == "ops-director"]
    marked = [box for page in document.charts for box in page.layout.boxes
              if box.id == "ops-director"]
    assert [b.hidden_reports for b in marked] == [b.hidden_reports for b in director]
    assert marked[0].hidden_reports == len(after.roles) - 2  # "+N" counts no ghost
    overview, before = document.charts[0].layout, plain.charts[0].layout
    assert document.charts[0].kind == "overview"
    assert {b.id: b.change for b in overview.boxes if b.change} == {"live": "added"}
    assert _texts(overview.box("live"), "hb-change-tag") == ["新增"]
    assert [b.texts for b in overview.boxes if b.id != "live"] == [  # a ghost counts no seats
        b.texts for b in before.boxes if b.id != "live"]


def test_traditional_chinese_build_words_the_marks_in_taiwan_usage(ecommerce):
    after, diff = ecommerce
    document = resolve(after, lang="zh-Hant", diff=diff)
    boxes = _boxes(document)
    assert _texts(boxes["night-cs"][1], "hb-change-tag") == ["已裁撤"]
    assert boxes["night-cs"][1].title == ("夜間值班客服",)  # the old title converted too
    assert _texts(boxes["photographer"][1], "hb-was") == ["原上級：美工主管"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_without_changes_the_charts_are_todays(example):
    """No diff, or a diff with nothing in it: the same SVG, byte for byte, and no mark."""
    handbook, _ = load_handbook(example)
    plain = resolve(handbook)
    same = resolve(handbook, diff=compare(handbook, handbook))
    first = [orgchart.to_svg(p, lang=plain.lang, labels=plain.labels) for p in plain.charts]
    again = [orgchart.to_svg(p, lang=same.lang, labels=same.labels) for p in same.charts]
    assert first == again and first
    assert not any(re.search(r"hb-(added|removed|moved|changed|change-|edge-moved|was)", s)
                   for s in first)


@pytest.fixture(scope="module")
def outputs(minimal, tmp_path_factory):
    """The minimal handbook's three formats, with and without the diff."""
    before, after, document = minimal
    out = tmp_path_factory.mktemp("outputs")
    plain = resolve(after)
    for name, doc in (("changes", document), ("plain", plain)):
        html = render_html(doc, root=after.root)
        (out / f"{name}.html").write_text(html, encoding="utf-8")
        write_docx(doc, out / f"{name}.docx", root=after.root, page_numbers=False)
    write_pdf(document, (out / "changes.html").read_text(encoding="utf-8"), out / "changes.pdf",
              root=after.root)
    return out


def test_pdf_chart_page_prints_the_marks_as_text(outputs):
    with pdfplumber.open(outputs / "changes.pdf") as pdf:
        pages = ["".join((page.extract_text() or "").split()) for page in pdf.pages]
    [chart] = [text for text in pages if "filled/headcount" in text]  # the key's first entry
    for words in ("Content Writer", "New", "Service Agent", "Removed",  # a ghost title line
                  "formerly under Operations Manager", "formerly Customer Service Lead",
                  "new in this version (bold outline)", "removed position (gray, dashed)",
                  "new reporting line (bold; old manager noted)",
                  "title, seats or other details changed"):
        assert "".join(words.split()) in chart, words  # SVG text: spaces are positions


def _chart_png(path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        media = sorted(n for n in archive.namelist()
                       if n.startswith("word/media/") and n.endswith(".png"))
        pictures = [archive.read(n) for n in media]
    return max(pictures, key=len)  # the chart, not a logo


def test_docx_carries_the_marked_chart_image(outputs):
    changed, plain = _chart_png(outputs / "changes.docx"), _chart_png(outputs / "plain.docx")
    assert changed.startswith(b"\x89PNG") and plain.startswith(b"\x89PNG")
    assert changed != plain
    with zipfile.ZipFile(outputs / "changes.docx") as archive:
        svgs = [archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.startswith("word/media/") and n.endswith(".svg")]
    assert any("hb-removed" in s and "formerly under Operations Manager" in s for s in svgs)


def test_html_inlines_the_marked_svg(outputs):
    html = (outputs / "changes.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg", html.index('id="org-chart"')):]
    svg = svg[:svg.index("</svg>") + 6]
    for mark in MARKS:
        assert f"hb-{mark}" in svg
    assert "hb-edge-moved" in svg and "hb-strike" in svg and ">New<" in svg
    plain = (outputs / "plain.html").read_text(encoding="utf-8")
    assert "hb-removed" not in plain and "hb-change-tag" not in plain


def test_a_removed_team_stays_as_ghosts_under_its_removed_manager(tmp_path):
    old, new = _versions(tmp_path, FIXTURES / "minimal")
    (new / "roles" / "service-lead.yml").unlink()
    (new / "roles" / "service-agent.yml").unlink()
    _edit(new / "handbook.yml", "    head: service-lead", "")
    before, _ = load_handbook(old)
    after, _ = load_handbook(new)
    [page] = resolve(after, diff=compare(before, after)).charts
    layout = page.layout
    assert {b.id: b.change for b in layout.boxes} == {
        "ops-manager": None, "ops-specialist": None, "service-lead": "removed",
        "service-agent": "removed"}
    assert {(e.parent, e.child) for e in layout.edges} == {
        ("ops-manager", "ops-specialist"), ("ops-manager", "service-lead"),
        ("service-lead", "service-agent")}
    assert not layout.dotted  # a ghost keeps no dotted line
    assert layout.box("service-agent").y >= layout.box("service-lead").bottom
    kinds = [e.kind for e in page.legend.entries]
    assert kinds.count("removed") == 1 and "unfilled" not in kinds


def test_the_text_alternative_names_a_ghost_as_removed_not_as_a_position(minimal):
    _, _, document = minimal
    index, ghost = _boxes(document)["service-agent"]
    alt = document.charts[index].alt
    title = " ".join(ghost.title)
    removed = alt.index("Removed in this version")
    assert alt.count(title) == 1 and alt.index(title) > removed
    assert "Content Writer" in alt[:removed]


@pytest.fixture(scope="module")
def merged(tmp_path_factory):
    """The e-commerce example with its distribution department closed: the department, its
    three positions and the dotted line to its lead removed."""
    old, new = _versions(tmp_path_factory.mktemp("merged"), ROOT / "content" / "ecommerce-ops")
    for role in ("distribution-lead", "distribution-specialist", "juhuasuan-specialist"):
        (new / "roles" / f"{role}.yml").unlink()
    _edit(new / "roles" / "taoke-specialist.yml", "dotted_line_to: [distribution-lead]\n", "")
    text = (new / "handbook.yml").read_text(encoding="utf-8")
    start, end = text.index("  - id: distribution\n"), text.index("  - id: data\n")
    (new / "handbook.yml").write_text(text[:start] + text[end:], encoding="utf-8")
    before, _ = load_handbook(old)
    after, _ = load_handbook(new)
    return after, compare(before, after)


def test_a_removed_department_is_a_ghost_on_the_overview(merged):
    """Greyed, struck and tagged where it stood under its old parent, with no seats and no
    chart page of its own; the key and the text alternative name it as a removed department."""
    after, diff = merged
    document = resolve(after, diff=diff)
    overview = document.charts[0]
    assert overview.kind == "overview"
    boxes = [b.id for b in overview.layout.boxes]
    assert boxes.index("logistics") < boxes.index("distribution") < boxes.index("data")
    ghost = overview.layout.box("distribution")
    assert ghost.change == "removed" and ghost.kind == "department"
    assert _texts(ghost, "hb-title") == ["分销部"] and _texts(ghost, "hb-change-tag") == ["已撤销"]
    assert not _texts(ghost, "hb-count") and not _texts(ghost, "hb-subtitle")
    assert len(ghost.strikes) == 1
    assert [e.parent for e in overview.layout.edges if e.child == "distribution"] == ["ops-center"]
    assert "distribution" not in {page.department for page in document.charts}
    plain = resolve(after).charts[0].layout
    assert [[t.text for t in b.texts] for b in overview.layout.boxes
            if b.id != "distribution"] == [[t.text for t in b.texts] for b in plain.boxes]
    words = [e.text for e in overview.legend.entries]
    assert "已撤销部门（灰色虚线框）" in words and "已撤销岗位（灰色虚线框）" not in words
    removed = overview.alt.index("本版撤销的部门（灰色显示）：分销部")
    assert overview.alt.count("分销部") == 1 and removed > overview.alt.index("数据分析部")
    root = _svg(document, overview)
    group = _group(root, "distribution")
    assert "hb-removed" in group.get("class").split()
    assert group.find(f"{SVG}path[@class='hb-strike']") is not None
    hant = resolve(after, lang="zh-Hant", diff=diff).charts[0]
    assert _texts(hant.layout.box("distribution"), "hb-change-tag") == ["已裁撤"]
    assert "本版裁撤的部門（灰色顯示）：分銷部" in hant.alt


def test_the_removed_department_is_drawn_in_html_and_docx(merged, tmp_path):
    """HTML (and the PDF printed from it) inlines the overview's SVG with the ghost and its
    alt; the DOCX carries the same SVG and the alt as the picture's description."""
    after, diff = merged
    document = resolve(after, diff=diff)
    html = render_html(document, root=after.root)
    start = html.index('id="org-chart"')
    figure = html[start:html.index("</figure>", start)]
    assert "本版撤销的部门（灰色显示）：分销部" in figure and "hb-removed" in figure
    write_docx(document, tmp_path / "merged.docx", root=after.root, page_numbers=False)
    with zipfile.ZipFile(tmp_path / "merged.docx") as archive:
        body = archive.read("word/document.xml").decode("utf-8")
        svgs = [archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.startswith("word/media/") and n.endswith(".svg")]
    assert "本版撤销的部门（灰色显示）：分销部" in body
    assert any('data-id="distribution"' in s and "已撤销部门" in s for s in svgs)


def test_the_changes_section_names_a_removed_dotted_line_by_its_title(merged):
    after, diff = merged
    document = resolve(after, diff=diff, chart_pages=False)
    lines = ["".join(text for _, text in line) for group in document.changes.groups
             for item in group.items for line in item.lines]
    assert "虚线汇报 1（删除）：分销主管" in lines
    assert not [line for line in lines if "distribution-lead" in line]
