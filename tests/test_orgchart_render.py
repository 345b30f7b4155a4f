"""Org-chart output: SVG with real, escaped, styled text; its PNG at print resolution, no tofu."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from fontTools.ttLib import TTCollection
from PIL import Image

from handbook.orgchart import (
    ChartNode,
    FontNotFoundError,
    layout_chart,
    plan_charts,
    to_svg,
)
from handbook.orgchart import fonts as chart_fonts
from handbook.orgchart.fonts import find_face
from handbook.write.docx.images import rasterize
from handbook.write.html.assets import regional_svg_fonts

from .test_orgchart_paginate import A4, traditional_org

SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def texts_by_box(root: ET.Element) -> dict[str, list[str]]:
    out = {}
    for group in root.iter(f"{SVG}g"):
        if "hb-node" in group.get("class", "").split():
            out[group.get("data-id")] = [t.text for t in group.iter(f"{SVG}text")]
    return out


@pytest.fixture(scope="module")
def tc_layout():
    nodes, departments = traditional_org()
    return nodes, layout_chart(nodes, lang="zh-Hant", departments=departments)


def test_svg_is_standalone_xml_with_every_title_as_text(tc_layout):
    nodes, layout = tc_layout
    svg = to_svg(layout, lang="zh-Hant")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get(XML_LANG) == "zh-Hant"
    view_box = [float(v) for v in root.get("viewBox").split()]
    assert view_box == pytest.approx([0, 0, layout.width, layout.height], abs=0.01)
    assert root.find(f"{SVG}title").text == "組織架構圖"
    assert "Noto Sans CJK TC" in root.get("font-family")
    boxes = texts_by_box(root)
    for node in nodes:
        drawn = "".join(boxes[node.id]).replace(" ", "")
        assert node.title.replace(" ", "") in drawn, node.title


def test_svg_marks_vacancies_dotted_lines_and_assistants(tc_layout):
    _, layout = tc_layout
    root = ET.fromstring(to_svg(layout))
    nodes = {g.get("data-id"): g for g in root.iter(f"{SVG}g") if g.get("data-id")}
    picker = nodes["picker"]
    assert "hb-vacant" in picker.get("class")
    assert "缺 2" in [t.text for t in picker.iter(f"{SVG}text")]
    assert picker.find(f"{SVG}rect[@class='hb-badge']") is not None
    legal = nodes["legal"].find(f"{SVG}rect[@class='hb-box']")
    assert legal.get("stroke-dasharray"), "a position nobody fills has a dashed outline"
    assert "hb-assistant" in nodes["ceo-asst"].get("class")
    dotted = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "hb-dotted")
    assert dotted.get("stroke-dasharray")
    assert len(dotted.findall(f"{SVG}path")) == len(layout.dotted) >= 4
    edges = {(p.get("data-parent"), p.get("data-child"))
             for p in root.iter(f"{SVG}path") if p.get("data-parent")}
    assert ("ceo", "ceo-asst") in edges and ("wh-team", "picker") in edges


def test_svg_colours_and_fonts_come_from_css_variables_with_fallbacks(tc_layout):
    _, layout = tc_layout
    svg = to_svg(layout, colors={"secondary": "#ff0000", "dept-2": "#00ff00",
                                 "primary": "red;}</style><script>"})
    sheet = ET.fromstring(svg).find(f"{SVG}style").text
    assert sheet.startswith("@supports (color: var(--hb))")
    assert "var(--hb-font-chart, 'Noto Sans CJK TC', sans-serif)" in sheet
    assert "fill: var(--hb-dept-2, #00ff00)" in sheet
    assert 'fill="#ff0000"' in svg, "brand colours reach renderers without CSS variables"
    assert "<script>" not in svg, "only hex colours are accepted"


def test_regional_fonts_keep_the_chart_rule_whole(tc_layout):
    """Moving a chart to Hong Kong's faces renames every CJK family, in the attribute and in
    the rule's var() fallback, and leaves the rule one valid declaration."""
    _, layout = tc_layout
    svg = regional_svg_fonts(to_svg(layout, font_family='"Noto Sans CJK TC", "Noto Sans"'),
                             "Noto Sans CJK HK")
    root = ET.fromstring(svg)
    sheet = root.find(f"{SVG}style").text
    rule = re.search(r"\.hb-orgchart-tc \{ font-family: ([^;]*); \}", sheet)
    assert rule and rule[1] == ('var(--hb-font-chart, "Noto Sans CJK HK", "Noto Sans", '
                                "'Noto Sans CJK HK', sans-serif)")
    assert "CJK TC" not in svg and "Noto Sans CJK HK" in root.get("font-family")


def test_svg_escapes_text():
    nodes = [ChartNode("a&b", "R&D <主管> \"x\"\x0b", None, "d<1>", code="<C>")]
    root = ET.fromstring(to_svg(layout_chart(nodes, lang="en"), lang="en"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<C>" in texts and any("R&D" in t for t in texts)
    assert root.find(f".//{SVG}g[@data-id='a&b']") is not None


def test_svg_of_a_page_is_sized_to_the_page():
    nodes, departments = traditional_org()
    page = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1])[0]
    root = ET.fromstring(to_svg(page))
    width = float(root.get("width").removesuffix("pt"))
    assert width == pytest.approx(page.width, abs=0.01)
    assert width <= (A4[1] if page.landscape else A4[0])


def test_png_is_a_print_resolution_image_with_content(tc_layout):
    _, layout = tc_layout
    png = rasterize([to_svg(layout, lang="zh-Hant").encode()], 200)[0]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.info["dpi"][0] == pytest.approx(200, abs=0.01)
    assert image.width == pytest.approx(layout.width * 200 / 72, abs=1)
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    ink = sum(count for count, rgb in colours if sum(rgb) < 600)
    assert ink > 0.01 * image.width * image.height, "boxes, lines and text are drawn"
    assert len(colours) > 50, "antialiased text and the department colours"


def test_png_draws_cjk_text_without_tofu():
    """Every character is drawn with a real glyph, not the missing-glyph box."""
    title = "倉儲物流經理（CRM）總監 3/5 缺"
    face = find_face("zh-Hant", bold=True)
    cmap = TTCollection(face.path, lazy=True).fonts[face.index].getBestCmap()
    assert all(ord(c) in cmap for c in title)

    def svg(char: str) -> bytes:
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="30pt" height="30pt">'
                '<text x="3" y="24" font-size="22" font-weight="bold" '
                f'font-family="Noto Sans CJK TC">{char}</text></svg>').encode()

    chars = [c for c in title if c != " "]
    glyphs = rasterize([svg(c) for c in [*chars, "\U000f0000"]], 200)
    *drawn, tofu = (Image.open(io.BytesIO(png)).tobytes() for png in glyphs)
    assert all(glyph != tofu for glyph in drawn)
    assert len(set(drawn)) == len(set(chars)), "each character has its own glyph"


def test_faces_are_chosen_by_family_name_for_each_language():
    for lang, family in [("zh-Hans", "Noto Sans CJK SC"), ("zh-Hant", "Noto Sans CJK TC"),
                         ("zh-HK", "Noto Sans CJK HK"), ("ja", "Noto Sans CJK JP"),
                         ("en", "Noto Sans CJK SC")]:
        for bold in (False, True):
            face = find_face(lang, bold)
            font = TTCollection(face.path, lazy=True).fonts[face.index]
            assert face.family == family
            assert font["name"].getDebugName(1) == family
            assert (font["OS/2"].usWeightClass >= 600) == bold


def test_missing_fonts_raise_a_clear_error(monkeypatch):
    monkeypatch.setattr(chart_fonts, "_candidate_files", lambda family, bold: [])
    chart_fonts.find_face.cache_clear()
    try:
        with pytest.raises(FontNotFoundError, match="fonts-noto-cjk"):
            chart_fonts.find_face("ko", False)
    finally:
        chart_fonts.find_face.cache_clear()


def test_weasyprint_keeps_the_chart_text_selectable(tc_layout):
    """The SVG inlined in HTML becomes real PDF text in the right face, in brand colours."""
    weasyprint = pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    nodes, departments = traditional_org()
    page = plan_charts(nodes, departments, page_width=A4[0], page_height=A4[1],
                       lang="zh-Hant")[0]
    html = f'<html lang="zh-Hant"><body>{to_svg(page)}</body></html>'
    pdf = pypdf.PdfReader(io.BytesIO(weasyprint.HTML(string=html).write_pdf()))
    text = re.sub(r"\s", "", pdf.pages[0].extract_text())
    for box in page.layout.boxes:
        assert "".join(box.title).replace(" ", "") in text
    fonts = {str(f.get("/BaseFont")) for f in
             pdf.pages[0]["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-CJK-TC" in f or "NotoSansCJKtc" in f for f in fonts), fonts
