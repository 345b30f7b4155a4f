"""One Palette for every format: brand colours reach everything, departments keep their colour
across HTML, PDF and DOCX, text stays readable (WCAG AA), English books need no CJK face."""

from __future__ import annotations

import colorsys
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest

from handbook import orgchart
from handbook.brand import load_brand
from handbook.build import BuildRequest, build
from handbook.colour import AA, AA_LARGE, contrast, palette_for, rgb
from handbook.style import _BANDS, default_style

ROOT = Path(__file__).parent.parent
BRANDS = ROOT / "content" / "brands"
ACME = ROOT / "content" / "acme-en"
BUILT_IN = {c.lower() for c in (*_BANDS, *orgchart.theme.PALETTE,
                                *orgchart.theme.COLORS.values())} - {"#ffffff"}
_COLOUR_OPS = {"rg", "RG", "sc", "SC", "scn", "SCN"}


def _styles():
    yield "default-zh-Hans", default_style("zh-Hans")
    yield "default-en", default_style("en")
    yield "bluewhale", load_brand(BRANDS / "bluewhale", default_style("zh-Hans"), "zh-Hans")
    yield "jade", load_brand(BRANDS / "jade-partners", default_style("en"), "en")


@pytest.mark.parametrize(("name", "style"), list(_styles()), ids=lambda v: str(v)[:20])
def test_every_text_pair_of_the_palette_reaches_aa(name, style):
    """The pairs the stylesheet, the DOCX styles and the charts print text in."""
    palette = palette_for(style, [f"d{i}" for i in range(14)])
    ground, tint = palette.background, palette.primary_tint
    pairs = [(palette.foreground, ground), (palette.foreground, tint),
             (palette.primary, ground), (palette.primary, tint), (palette.muted, ground),
             (palette.muted, tint), (palette.secondary_text, ground),
             (palette.dotted, ground), (palette.badge_text, palette.badge),
             (palette.background, palette.primary)]
    pairs += [(palette.department_text(d), ground) for d in palette.departments]
    for text, on in pairs:
        assert contrast(text, on) >= AA, (name, text, on)
    for band in palette.departments.values():  # department numbers: large text, rules
        assert contrast(band, ground) >= AA_LARGE, (name, band)


def test_a_brand_pair_below_aa_is_adjusted_and_named():
    style = load_brand(BRANDS / "bluewhale", default_style("zh-Hans"), "zh-Hans")
    palette = palette_for(style, ["a"])
    assert palette.badge == "#f28c28" and palette.badge_text == "#1d2733", "dark text on amber"
    assert any("#f28c28" in notice and "2.45:1" in notice for notice in palette.notices)


def _hue(colour: str) -> float | None:
    """HLS hue in degrees of a chromatic colour; None for greys and near-white tints."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in rgb(colour)))
    return hue * 360 if saturation >= 0.25 and 0.1 <= lightness <= 0.9 else None


def _pdf_colours(path: Path) -> set[str]:
    found = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            streams = [page] + [x for _, x in (page.Resources.get("/XObject") or {}).items()
                                if x.get("/Subtype") == "/Form"]
            for stream in streams:
                for operands, op in pikepdf.parse_content_stream(stream):
                    if str(op) in _COLOUR_OPS and len(operands) == 3:
                        found.add("#" + "".join(f"{round(float(v) * 255):02x}"
                                                for v in operands))
    return found


@pytest.fixture(scope="module")
def jade(tmp_path_factory):
    out = tmp_path_factory.mktemp("jade")
    build(BuildRequest(ACME, out=out, brand=BRANDS / "jade-partners"))
    return out


def test_branded_pdf_has_only_the_brands_hues(jade):
    colours = _pdf_colours(jade / "acme-en.pdf")
    assert not colours & BUILT_IN, "no built-in accent survives under a brand"
    brand = [_hue(c) for c in ("#00796b", "#b8860b")]
    for colour in colours:
        hue = _hue(colour)
        if hue is not None:
            assert min(abs(hue - own) % 360 for own in brand) <= 8, colour
    assert {"#00796b"} <= colours


def _html_departments(html: str) -> dict[int, str]:
    return {int(i): c for i, c in re.findall(r"\.hb-dept-(\d+) \{ --hb-dept: (#[0-9a-f]{6});",
                                             html)}


def _svg_bands(svg: str) -> dict[str, str]:
    """Department id → band colour drawn for it in a chart SVG."""
    return dict(re.findall(r'data-department="([^"]+)">.*?class="hb-band" fill="(#[0-9a-f]+)"',
                           svg))


def test_department_colour_is_the_same_in_html_pdf_and_docx_charts(jade):
    html = (jade / "acme-en.html").read_text(encoding="utf-8")
    css = _html_departments(html)
    html_bands = _svg_bands(html)
    with zipfile.ZipFile(jade / "acme-en.docx") as archive:
        docx_bands = {}
        for name in archive.namelist():
            if name.startswith("word/media/") and name.endswith(".svg"):
                docx_bands.update(_svg_bands(archive.read(name).decode("utf-8")))
    assert html_bands and html_bands == docx_bands
    ids = re.findall(r'<section class="department hb-dept-(\d+)" id="dept-([^"]+)"', html)
    assert {department: css[int(index)] for index, department in ids} == html_bands
    assert set(html_bands.values()) <= _pdf_colours(jade / "acme-en.pdf")


def test_english_pdf_embeds_no_cjk_font(tmp_path):
    build(BuildRequest(ACME, formats=("pdf",), out=tmp_path))
    fonts = subprocess.run(["pdffonts", str(tmp_path / "acme-en.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "Noto-Sans" in fonts and "CJK" not in fonts


def test_every_badge_of_a_branded_chart_and_its_key_has_the_readable_text(tmp_path):
    """Under bluewhale, amber badges carry dark text, in the boxes and in the key alike."""
    build(BuildRequest(ROOT / "content" / "ecommerce-ops", formats=("html",), out=tmp_path,
                       brand=BRANDS / "bluewhale"))
    html = (tmp_path / "ecommerce-ops.html").read_text(encoding="utf-8")
    fills = re.findall(r'<text class="[^"]*hb-badge-text[^"]*"[^>]*fill="([^"]+)"', html)
    badges = re.findall(r'<rect class="hb-badge"', html)
    assert len(fills) == len(badges) > 3 and set(fills) == {"#1d2733"}
