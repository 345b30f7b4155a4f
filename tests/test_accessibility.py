"""Accessibility of every format, read from the outputs themselves: the HTML's DOM (lxml,
and headless Chromium for computed colours and the keyboard), a tagged PDF of the same page
(pikepdf: the structure tree and the content's marked sequences) and the DOCX's XML."""

from __future__ import annotations

import functools
import re
import zipfile
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from lxml import etree
from lxml import html as lxml_html

from handbook.brand import load_brand
from handbook.colour import contrast, palette_for
from handbook.document import resolve
from handbook.languages import foreign_runs
from handbook.style import default_style
from handbook.validate import load_handbook
from handbook.write.docx import oxml as docx_xml
from handbook.write.docx import write_docx
from handbook.write.html import render_html

from .conftest import EXAMPLES, ROOT
from .test_html import document_for, needs_chromium

BRANDS = ROOT / "content" / "brands"
W = docx_xml.NS["w"]
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@functools.cache
def _page(name: str, brand: str | None = None) -> str:
    example = next(p for p in EXAMPLES if p.name == name)
    if brand is None:
        return render_html(document_for(example), root=example)
    from handbook.build import BuildRequest, _style

    handbook, _ = load_handbook(example)
    style = _style(BuildRequest(example, brand=BRANDS / brand), handbook)
    return render_html(resolve(handbook, style=style), root=example)


def _levels(tree) -> list[int]:
    return [int(h.tag[1]) for h in tree.iter(*HEADING_TAGS)]


def _assert_outline(levels: list[int]) -> None:
    """One h1, first; no level skipped on the way down."""
    assert levels[:1] == [1] and levels.count(1) == 1, levels[:5]
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (before, after)


# --- HTML: landmarks, skip link, outline, lang ------------------------------------------------


@pytest.mark.parametrize("name", [p.name for p in EXAMPLES])
def test_landmarks_and_a_skip_link_to_the_main_content(name):
    body = lxml_html.document_fromstring(_page(name)).find("body")
    banner = [e for e in body if e.tag == "header"]
    assert len(banner) == 1 and banner[0].find(".//h1") is not None  # the cover is the banner
    mains = list(body.iter("main"))
    assert len(mains) == 1 and mains[0].getparent() is body
    assert mains[0].get("id") == "main" and mains[0].get("tabindex") == "-1"
    navs = list(body.iter("nav"))
    assert len(navs) == 1 and body.get_element_by_id(navs[0].get("aria-labelledby")) is not None
    focusable = [e for e in body.iter("a", "summary", "button") if e.get("tabindex") != "-1"]
    assert focusable[0].get("class") == "skip-link" and focusable[0].get("href") == "#main"
    assert focusable[0].text_content().strip()



@pytest.mark.parametrize("name", ["acme-en", "startup-team"])
def test_a_job_description_has_one_h1_a_banner_a_main_and_a_skip_link(name):
    from handbook.jobdesc import job_description

    example = next(p for p in EXAMPLES if p.name == name)
    document = document_for(example)
    role = document.roles[-1]
    page = render_html(job_description(document, role.ref.id), root=example)
    body = lxml_html.document_fromstring(page).find("body")
    _assert_outline(_levels(body))
    assert [h.text_content() for h in body.iter("h1")] == [role.ref.title]
    assert [e.tag for e in body if e.tag in ("header", "main")] == ["header", "main"]
    assert body.find("a").get("class") == "skip-link" and body.find("main").get("id") == "main"

def test_markdown_headings_nest_under_their_section_without_skipping(handbook_dir):
    handbook_dir.edit("handbook.yml", "  This handbook describes the operations team",
                      "  #### How to read it\n\n  ## Layout\n\n  ###### Details\n\n"
                      "  # Scope\n\n  This handbook describes the operations team")
    handbook_dir.edit("handbook.yml", "changes: First release",
                      'changes: "### First release\\n\\n##### Scope\\n\\nEverything."')
    tree = lxml_html.document_fromstring(render_html(document_for(handbook_dir.root),
                                                     root=handbook_dir.root))
    _assert_outline(_levels(tree))
    intro = tree.get_element_by_id("intro")
    assert [(h.tag, h.text) for h in intro.iter(*HEADING_TAGS)] == [
        ("h2", "Introduction"), ("h3", "How to read it"), ("h3", "Layout"), ("h4", "Details"),
        ("h3", "Scope")]
    revisions = tree.get_element_by_id("revisions")
    assert [h.tag for h in revisions.iter(*HEADING_TAGS)] == ["h2", "h3", "h4"]


def test_foreign_runs_are_what_the_characters_show():
    def marked(text, tag):
        pieces = foreign_runs(text, tag)
        assert "".join(piece for piece, _ in pieces) == text
        return [(piece, lang) for piece, lang in pieces if lang]

    assert marked("负责 Customer Success 与 KPI、GMV，岗位编号 OPS-PR-01", "zh-Hans") == [
        ("Customer Success", "en")]
    assert marked("对接臺北辦公室的同事", "zh-Hans") == []  # one run, mixed: left alone
    assert marked("对接 臺北辦公室 的同事", "zh-Hans") == [("臺北辦公室", "zh-Hant")]
    assert marked("台北市 平台 核准", "zh-Hant") == []  # Taiwan's own usage
    assert marked("對接 运营中心", "zh-Hant-HK") == [("运营中心", "zh-Hans")]
    assert marked("Acme Ltd (星河电子商务 / 中山 / 臺北) KPI", "en-GB") == [
        ("星河电子商务", "zh-Hans"), ("中山", "zh"), ("臺北", "zh-Hant")]


def test_text_in_another_language_is_marked_in_the_page(handbook_dir):
    handbook_dir.edit("handbook.yml", "language: en", "language: zh-Hans")
    handbook_dir.edit("handbook.yml", "organization: Example Online Store Ltd.",
                      "organization: 星河电商 臺北辦公室")
    handbook_dir.edit("handbook.yml", "    name: Customer Service",
                      "    name: 客服部 Customer Care")
    handbook_dir.edit("roles/service-agent.yml", "title: Customer Service Agent",
                      "title: 客服专员 Service Agent")
    page = render_html(document_for(handbook_dir.root), root=handbook_dir.root)
    tree = lxml_html.document_fromstring(page)
    marks = {(e.text, e.get("lang")) for e in tree.iter("span") if e.get("lang")}
    assert {("臺北辦公室", "zh-Hant"), ("Customer Care", "en"), ("Service Agent", "en")} <= marks
    assert ("HR-OPS-2026-01", "en") not in marks and all(lang != "en" or text[0].isalpha()
                                                           for text, lang in marks)
    # Text only: the head and the attributes are left as they were.
    assert "<span" not in page[:page.index("<body")]
    labels = [e.get("aria-label") for e in tree.iter() if e.get("aria-label")]
    assert any("Service Agent" in label for label in labels)  # the chart's text alternative
    assert not any("<span" in label for label in labels)


# --- HTML in a browser: contrast of every text, the keyboard --------------------------------

# Every visible text node (and the phone cards' data-label captions) whose colour does not
# reach WCAG AA on the background behind it: 4.5:1, 3:1 for large text (24 px, or 18.66 px
# bold). The background is the first opaque one up the tree, translucent ones blended in.
_CONTRAST_FAILURES = r"""(() => {
  const parse = (text) => {
    const m = text.match(/rgba?\(([^)]*)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r, g, b, a};
  };
  const over = (top, base) => ({r: top.r * top.a + base.r * (1 - top.a),
    g: top.g * top.a + base.g * (1 - top.a), b: top.b * top.a + base.b * (1 - top.a), a: 1});
  const ground = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const colour = parse(getComputedStyle(e).backgroundColor);
      if (colour && colour.a > 0) { layers.push(colour); if (colour.a >= 1) break; }
    }
    return layers.reverse().reduce((base, top) => over(top, base), {r: 255, g: 255, b: 255, a: 1});
  };
  const luminance = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (high + 0.05) / (low + 0.05);
  };
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && box.right > 0 &&
      getComputedStyle(el).visibility !== 'hidden';
  };
  const failures = [];
  let checked = 0;
  const check = (el, style, text) => {
    const back = ground(el);
    const fore = over(parse(style.color), back);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
    const value = ratio(fore, back);
    checked += 1;
    if (value < need - 0.005) {
      failures.push(`${el.tagName.toLowerCase()}.${el.className} "${text.slice(0, 20)}" ` +
                    `${style.color} on ${JSON.stringify(back)}: ${value.toFixed(2)} < ${need}`);
    }
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || el.closest('svg') || !shown(el)) continue;
    check(el, getComputedStyle(el), node.data.trim());
  }
  for (const el of document.querySelectorAll('[data-label]')) {
    const before = getComputedStyle(el, '::before');
    if (before.content === 'none' || !shown(el)) continue;
    check(el, before, el.dataset.label);
  }
  return {checked, failures};
})()"""


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize(("name", "brand"), [(p.name, None) for p in EXAMPLES]
                         + [("acme-en", "bluewhale"), ("startup-team", "jade-partners")])
def test_every_text_reaches_wcag_aa_on_its_background(browser, tmp_path, name, brand, width):
    path = tmp_path / "page.html"
    path.write_text(_page(name, brand), encoding="utf-8")
    session = browser.open(path.as_uri(), width)
    result = browser.evaluate(session, _CONTRAST_FAILURES)
    assert result["checked"] > 200
    assert result["failures"] == []


_FOCUS = r"""(() => {
  const el = document.activeElement, style = getComputedStyle(el), box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), cls: el.className, href: el.getAttribute('href'),
          outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
          visible: box.width > 10 && box.height > 10 && box.left >= 0 && box.top >= 0 &&
                   box.right <= innerWidth && box.bottom <= innerHeight,
          hash: location.hash};
})()"""


def _press(browser, session, key: str, code: int) -> dict:
    for kind in ("keyDown", "keyUp"):
        browser.call("Input.dispatchKeyEvent", session, type=kind, key=key, code=key,
                     windowsVirtualKeyCode=code)
    return browser.evaluate(session, _FOCUS)


@needs_chromium
@pytest.mark.parametrize("width", [1280, 390])
def test_the_keyboard_finds_a_skip_link_and_sees_where_it_is(browser, tmp_path, width):
    path = tmp_path / "page.html"
    path.write_text(_page("ecommerce-ops"), encoding="utf-8")
    session = browser.open(path.as_uri(), width)
    skip = _press(browser, session, "Tab", 9)
    assert (skip["cls"], skip["href"], skip["visible"]) == ("skip-link", "#main", True)
    assert skip["outline"] >= 2
    main = _press(browser, session, "Enter", 13)
    assert (main["tag"], main["hash"]) == ("main", "#main")
    link = _press(browser, session, "Tab", 9)
    assert link["tag"] in ("a", "summary") and link["outline"] >= 2 and link["visible"]


_LINK_STYLE = r"""(() => {
  const link = document.querySelector('#intro a[href="https://example.com/policy"]');
  const text = getComputedStyle(link.parentElement), style = getComputedStyle(link);
  return {line: style.textDecorationLine, colour: style.color, around: text.color};
})()"""


@needs_chromium
def test_a_link_in_running_text_is_underlined_not_told_by_colour_alone(browser, handbook_dir,
                                                                       tmp_path):
    handbook_dir.edit("handbook.yml", "  This handbook describes the operations team",
                      "  See [the policy](https://example.com/policy).\n\n"
                      "  This handbook describes the operations team")
    path = tmp_path / "page.html"
    path.write_text(render_html(document_for(handbook_dir.root), root=handbook_dir.root),
                    encoding="utf-8")
    style = browser.evaluate(browser.open(path.as_uri(), 1280), _LINK_STYLE)
    assert style["line"] == "underline"
    assert style["colour"] != style["around"]


# --- colours: a brand that would break contrast -------------------------------------------


def test_the_default_style_needs_no_adjustment_and_its_accent_text_reads_on_the_tint():
    palette = palette_for(default_style("zh-Hans"), ["a"])
    assert palette.notices == ()
    assert contrast(palette.secondary_text, palette.primary_tint) >= 4.5  # vacancies in totals
    assert contrast(palette.secondary_text, palette.background) >= 4.5


def test_a_brand_that_breaks_contrast_is_refused_with_the_pair_named():
    style = load_brand(BRANDS / "bluewhale", default_style("zh-Hans"), "zh-Hans").with_(
        primary="#7fb2e5", muted="#a0a8b0")
    palette = palette_for(style, ["a"])
    assert palette.primary != "#7fb2e5" and contrast(palette.primary, palette.primary_tint) >= 4.5
    notices = "\n".join(palette.notices)
    assert re.search(r"brand colour primary #7fb2e5 as text on the primary tint \(table headers, "
                     r"totals\) #[0-9a-f]{6} has contrast \d\.\d\d:1, below 4\.5:1 \(WCAG AA\): "
                     rf"text uses {palette.primary}", notices), notices
    assert "brand colour muted #a0a8b0 as text on the primary tint" in notices
    assert "badge behind text #ffffff has contrast 2.45:1" in notices


# --- the tagged PDF the page makes ----------------------------------------------------------


def _struct_elements(pdf) -> list[tuple[str, pikepdf.Dictionary, list[str]]]:
    found = []

    def walk(element, path):
        kind = str(element.get("/S", ""))
        found.append((kind, element, path))
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, [*path, kind])

    for top in pdf.Root.StructTreeRoot.K:
        walk(top, [])
    return found


_PAINTING = {"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"}


def _painted_outside_artifacts(page) -> int:
    """Rectangles and paths filled or stroked in marked content that is neither an
    artifact nor a figure: decoration a screen reader would meet."""
    stack: list[str] = []
    count = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BMC", "BDC"):
            stack.append(str(operands[0]))
        elif op == "EMC" and stack:
            stack.pop()
        elif op in _PAINTING and not {"/Artifact", "/Figure"} & set(stack):
            count += 1
    return count


@pytest.mark.parametrize("name", ["acme-en"])
def test_the_tagged_pdf_keeps_the_outline_headers_and_artifacts(name, tmp_path):
    target = tmp_path / "tagged.pdf"
    weasyprint.HTML(string=_page(name)).write_pdf(target, pdf_variant="pdf/ua-1")
    html_levels = _levels(lxml_html.document_fromstring(_page(name)))
    with pikepdf.open(target) as pdf:
        elements = _struct_elements(pdf)
        levels = [int(kind[2]) for kind, _, _ in elements if re.fullmatch(r"/H[1-6]", kind)]
        assert levels == html_levels  # every heading once: none split in two by a block
        _assert_outline(levels)
        assert not any(re.fullmatch(r"/H[1-6]", kind) and any(p.startswith("/H") for p in path)
                       for kind, _, path in elements)
        headers = [e for kind, e, _ in elements if kind == "/TH"]
        cells = [e for kind, e, _ in elements if kind == "/TD"]
        ids = {str(e.ID) for e in headers}
        assert headers and len(ids) == len(headers)
        assert all(str(ref) in ids for cell in cells for ref in cell.A.get("/Headers", []))
        assert sum(1 for cell in cells if len(cell.A.get("/Headers", []))) > len(cells) * 0.9
        # The cover's accent rule, the part titles' rules and the table rules: artifacts.
        for page in pdf.pages[:8]:
            assert _painted_outside_artifacts(page) == 0


# --- DOCX -------------------------------------------------------------------------------------


def _docx(directory: Path, target: Path, **options):
    handbook, _ = load_handbook(directory)
    document = resolve(handbook, **options)
    write_docx(document, target, root=directory)
    with zipfile.ZipFile(target) as archive:
        return document, {name: etree.fromstring(archive.read(name))
                          for name in ("word/document.xml", "word/styles.xml",
                                       "docProps/core.xml")}


def _q(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.mark.parametrize("name", ["acme-en", "startup-team"])
def test_docx_headings_header_rows_alt_text_and_language(name, tmp_path):
    example = next(p for p in EXAMPLES if p.name == name)
    document, parts = _docx(example, tmp_path / "out.docx")
    body, styles = parts["word/document.xml"], parts["word/styles.xml"]
    names = {s.get(_q("styleId")): s.find(_q("name")).get(_q("val"))
             for s in styles.iter(_q("style"))}
    levels = []
    for paragraph in body.iter(_q("p")):
        style = paragraph.find(f"{_q('pPr')}/{_q('pStyle')}")
        found = re.fullmatch(r"heading (\d)", names.get(style.get(_q("val")), "")
                             if style is not None else "")
        if found:
            levels.append(int(found[1]))
    assert levels and levels[0] == 1
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:], strict=False))
    tables = list(body.iter(_q("tbl")))
    assert tables
    for table in tables:
        rows = table.findall(_q("tr"))
        labelled = all(_cell_style(row) == "TableLabel" for row in rows)
        marked = rows[0].find(f"{_q('trPr')}/{_q('tblHeader')}") is not None
        assert marked or labelled, "".join(table.itertext())[:40]  # label–value tables: no row
    pictures = list(body.iter("{http://schemas.openxmlformats.org/drawingml/2006/"
                              "wordprocessingDrawing}docPr"))
    assert pictures and all(p.get("descr", "").strip() for p in pictures)
    lang = styles.find(f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}/{_q('lang')}")
    expected = {"acme-en": ("en-GB", None), "startup-team": ("zh-TW", "zh-TW")}[name]
    assert (lang.get(_q("val")), lang.get(_q("eastAsia"))) == expected


def _cell_style(row) -> str | None:
    style = row.find(f"{_q('tc')}/{_q('p')}/{_q('pPr')}/{_q('pStyle')}")
    return style.get(_q("val")) if style is not None else None


def test_hong_kong_stays_hong_kong_in_every_format(handbook_dir, tmp_path):
    handbook_dir.edit("handbook.yml", "language: en", "language: zh-HK")
    document, parts = _docx(handbook_dir.root, tmp_path / "hk.docx")
    assert document.language_tag == "zh-Hant-HK"
    lang = parts["word/styles.xml"].find(
        f"{_q('docDefaults')}/{_q('rPrDefault')}/{_q('rPr')}/{_q('lang')}")
    assert (lang.get(_q("val")), lang.get(_q("eastAsia"))) == ("zh-HK", "zh-HK")
    core = parts["docProps/core.xml"]
    assert core.findtext("{http://purl.org/dc/elements/1.1/}language") == "zh-HK"
    page = render_html(document, root=handbook_dir.root)
    assert lxml_html.document_fromstring(page).get("lang") == "zh-Hant-HK"
    taiwan = resolve(load_handbook(handbook_dir.root)[0], lang="zh-TW")
    assert taiwan.language_tag == "zh-Hant-TW"
    assert resolve(load_handbook(handbook_dir.root)[0], lang="zh-Hant").language_tag == "zh-Hant"

