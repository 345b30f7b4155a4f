"""Brands in the brand.yml format: applied to a Style, and every mistake positioned."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from handbook.brand import load_brand
from handbook.errors import ContentError
from handbook.style import default_style

BRANDS = Path(__file__).parent.parent / "content" / "brands"


def test_bluewhale_brand():
    style = load_brand(BRANDS / "bluewhale", default_style("zh-Hans"), "zh-Hans")
    assert (style.primary, style.secondary, style.foreground) == ("#0b5fa5", "#f28c28",
                                                                  "#1d2733")
    assert style.body_font[0] == "Noto Serif CJK SC"
    assert style.heading_font[0] == "Noto Serif"
    assert [(f.family, f.path.name, f.weight) for f in style.font_faces] == [
        ("Noto Serif", "NotoSerif-Regular.ttf", 400), ("Noto Serif", "NotoSerif-Bold.ttf", 700)]
    assert style.footer == "蓝鲸咨询 · 客户机密"
    assert style.logo.name == "logo.svg"
    assert (style.page_size, style.margins_mm) == ("A4", (20.0, 20.0, 20.0, 20.0))


def test_jade_brand_logo_variant_and_letter_paper():
    style = load_brand(BRANDS / "jade-partners", default_style("en"), "en")
    assert style.primary == "#00796b"
    assert style.logo.name == "jade-logo.svg"
    assert style.page_size == "Letter"
    assert style.margins_mm == pytest.approx((19.05,) * 4)
    assert style.brand_name == "Jade Partners HR Advisory"


def test_noto_cjk_region_follows_output_language():
    style = load_brand(BRANDS / "bluewhale", default_style("zh-Hant"), "zh-Hant")
    assert style.body_font[0] == "Noto Serif CJK TC"
    assert style.cjk_font == "Noto Serif CJK TC"
    hong_kong = load_brand(BRANDS / "bluewhale", default_style("zh-Hant", region="HK"),
                           "zh-Hant")
    assert (hong_kong.body_font[0], hong_kong.cjk_font) == ("Noto Serif CJK HK",) * 2


@pytest.fixture
def brand_dir(tmp_path, monkeypatch):
    target = tmp_path / "brand"
    shutil.copytree(BRANDS / "bluewhale", target)
    monkeypatch.chdir(tmp_path)
    return target


def _errors(brand_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_brand(Path("brand"), default_style("zh-Hans"), "zh-Hans")
    return [str(p) for p in caught.value.problems]


def _edit(brand_dir: Path, old: str, new: str) -> None:
    path = brand_dir / "_brand.yml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_network_font_is_refused(brand_dir):
    _edit(brand_dir, "      source: system", "      source: google")
    assert _errors(brand_dir) == [
        "brand/_brand.yml:20:15: error: font `Noto Serif CJK SC` comes from `google`, which "
        "needs the network at build time; download its font files into the brand directory "
        "and list them with `source: file`"]


def test_missing_system_font_is_named(brand_dir):
    _edit(brand_dir, "    - family: Noto Serif CJK SC", "    - family: Fangzheng Kaiti Missing")
    assert _errors(brand_dir) == [
        "brand/_brand.yml:19:15: error: font family `Fangzheng Kaiti Missing` is not installed; "
        "install it or ship its files in the brand directory with `source: file`"]


def test_missing_font_file(brand_dir):
    (brand_dir / "fonts/NotoSerif-Bold.ttf").unlink()
    assert _errors(brand_dir) == [
        "brand/_brand.yml:18:44: error: `fonts/NotoSerif-Bold.ttf` does not exist in brand/"]


def test_unknown_handbook_setting(brand_dir):
    _edit(brand_dir, "    footer:", "    fotter:")
    assert _errors(brand_dir) == [
        "brand/_brand.yml:25:5: error: unknown key `fotter` in `defaults: handbook:`; "
        "did you mean `footer`?"]


def test_bad_page_size_and_margins(brand_dir):
    _edit(brand_dir, "page: {size: A4, margins: 20mm}", "page: {size: B0, margins: wide}")
    assert _errors(brand_dir) == [
        "brand/_brand.yml:26:18: error: page size `B0` is not one of A4, Letter, A5, A3, Legal",
        "brand/_brand.yml:26:31: error: margins `wide` must be lengths in mm, cm or in: one "
        "value, or top right bottom left"]


def test_logo_outside_brand(brand_dir):
    _edit(brand_dir, "logo: logo.svg", "logo: ../../secret.png")
    assert _errors(brand_dir) == [
        "brand/_brand.yml:5:7: error: `../../secret.png` points outside brand/; "
        "keep the file inside it"]
