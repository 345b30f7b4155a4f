"""The HTML handbook: parsed for structure and accessibility, opened in a real browser.

Rendering HTML is quick, so each example is rendered once per session and parsed with lxml;
Chromium (Debian's ``chromium``) loads it headless with networking off to prove it draws
without errors and without fetching anything.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from lxml import html as lxml_html

from handbook import orgchart
from handbook.document import Document, resolve
from handbook.validate import load_handbook
from handbook.write.html import render_html
from handbook.write.html.render import BLOCKS

from .conftest import EXAMPLES, FIXTURES
from .devtools import CHROMIUM

CHARTS = hasattr(orgchart, "plan_charts")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def document_for(directory: Path, **options) -> Document:
    from handbook.build import BuildRequest, _style

    handbook, _ = load_handbook(directory)
    style = _style(BuildRequest(directory, lang=options.get("lang")), handbook)
    return resolve(handbook, style=style, chart_pages=CHARTS, **options)


@dataclass
class Page:
    document: Document
    text: str

    @cached_property
    def tree(self):
        return lxml_html.document_fromstring(self.text)


@pytest.fixture(scope="session")
def pages() -> dict[str, Page]:
    result = {}
    for example in EXAMPLES:
        document = document_for(example)
        result[example.name] = Page(document, render_html(document, root=example))
    return result


@pytest.fixture(params=[p.name for p in EXAMPLES])
def page(request, pages) -> Page:
    return pages[request.param]


# --- structure -----------------------------------------------------------------------------


def test_lang_title_and_one_h1(page):
    tree = page.tree
    assert tree.get("lang") == page.document.language_tag  # "en-GB" for acme-en
    assert tree.findtext(".//title") == page.document.title
    assert [h.text_content() for h in tree.iter("h1")] == [page.document.title]


def test_heading_levels_never_skip(page):
    levels = [int(h.tag[1]) for h in page.tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, (before, after)


def test_every_th_has_a_scope(page):
    headers = list(page.tree.iter("th"))
    assert headers
    assert all(th.get("scope") in ("col", "row") for th in headers)


def test_no_script_and_no_external_resources(page):
    tree = page.tree
    assert not list(tree.iter("script"))
    assert "<script" not in page.text.lower()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name in ("src", "srcset", "poster", "data"):
            value = element.get(name)
            assert value is None or value.startswith(("data:", "#")), (element.tag, value)
        if element.tag in ("link", "iframe", "object", "embed", "base"):
            pytest.fail(f"<{element.tag}> in the handbook page")
        for name, value in element.attrib.items():
            assert not value.strip().lower().startswith("javascript:"), (element.tag, name)
    for style in tree.iter("style"):
        for url in re.findall(r"url\(\s*['\"]?([^)'\"]*)", style.text or ""):
            assert url.startswith("data:"), url
        assert "@import" not in (style.text or "")


def test_internal_links_resolve_and_ids_are_unique(page):
    ids = [e.get("id") for e in page.tree.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids))
    targets = {href[1:] for href in page.tree.xpath("//a/@href") if href.startswith("#")}
    assert targets <= set(ids)


def test_navigation_lists_every_toc_entry(page):
    nav = page.tree.find(".//nav")
    assert nav is not None and (nav.get("aria-label") or nav.get("aria-labelledby"))
    hrefs = [a.get("href") for a in nav.iter("a")]
    assert hrefs == [f"#{entry.anchor}" for entry in page.document.toc]


def test_logo_and_charts_have_alternative_text(page):
    for image in page.tree.iter("img"):
        assert image.get("alt") is not None
    if page.document.style.logo:
        logo = page.tree.find(".//img[@class='cover-logo']")
        assert logo.get("alt") == page.document.organization
        assert logo.get("src").startswith("data:image/")
    charts = page.tree.xpath("//*[contains(@class, 'chart-svg')]")
    assert len(charts) == len(page.document.charts)
    for chart in charts:
        assert chart.get("role") == "img" and chart.get("aria-label")
        assert chart.find(".//svg") is not None or "<svg" in lxml_html.tostring(chart).decode()


def test_every_department_and_position_present(page):
    document = page.document
    for department in document.departments:
        section = page.tree.get_element_by_id(department.anchor)
        assert department.name in section.text_content()
    for role in document.roles:
        section = page.tree.get_element_by_id(role.anchor)
        text = section.text_content()
        assert role.ref.title in text
        assert len(section.xpath(".//table[contains(@class, 'duty-table')]/tbody/tr")) == len(
            role.duties)
        if role.reports_to:
            assert section.xpath(f".//a[@href='#{role.reports_to.anchor}']")


_WIDE_BREAK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]\s*\n\s*"
                         r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def test_cjk_soft_line_breaks_join_and_latin_ones_stay_a_space(pages):
    """A source line break between Chinese characters reaches no HTML text (browsers would
    show it as a space); between English words it is still a break, shown as one space."""
    for name in ("ecommerce-ops", "startup-team"):
        markdown = pages[name].tree.find_class("markdown")
        assert markdown
        for element in markdown:
            for text in element.itertext():
                assert not _WIDE_BREAK.search(text), (name, text)
    assert "履约交付。中心下设" in pages["ecommerce-ops"].text
    foreword = pages["acme-en"].tree.get_element_by_id("intro").text_content()
    assert re.search(r"through\s+Amazon", foreword)
    assert "throughAmazon" not in foreword


def test_duty_columns_follow_each_table(pages):
    """Every position's duty table has the columns its own duties fill, "—" where a row
    has nothing (打包发货员 fills neither share nor frequency: both columns go)."""
    for page in pages.values():
        labels = page.document.labels
        for role in page.document.roles:
            section = page.tree.get_element_by_id(role.anchor)
            table = section.xpath(".//table[contains(@class, 'duty-table')]")[0]
            header = table.find(".//thead").text_content()
            columns = role.columns
            assert (labels["duty_share"] in header) == columns.share
            assert (labels["duty_frequency"] in header) == columns.frequency
            assert (labels["duty_essential"] in header) == columns.essential
            for cell in table.xpath("./tbody/tr/td"):
                assert cell.text_content().strip(), (role.ref.title, "an empty cell")
    packer = pages["ecommerce-ops"].tree.get_element_by_id("role-packer")
    header = packer.xpath(".//table[contains(@class, 'duty-table')]/thead")[0].text_content()
    assert "时间占比" not in header and "频次" not in header


def test_brand_colours_reach_the_page_as_css_variables(pages):
    page = pages["ecommerce-ops"]
    style = page.document.style
    css = page.tree.findtext(".//style")
    assert f"--hb-primary: {style.primary};" in css
    assert "--hb-dept-0:" in css
    assert "var(--hb-primary)" in css


def test_block_names_are_in_the_template():
    from handbook.write.html.render import builtin_templates

    source = (builtin_templates() / "handbook.html.j2").read_text(encoding="utf-8")
    for block in BLOCKS:
        assert re.search(r"{%\s*block " + block + r"\b", source), block


# --- hostile content and user templates ----------------------------------------------------


def _copy_minimal(tmp_path: Path) -> Path:
    target = tmp_path / "hb"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


def test_hostile_markdown_is_inert(tmp_path):
    directory = _copy_minimal(tmp_path)
    handbook = directory / "handbook.yml"
    text = handbook.read_text(encoding="utf-8")
    hostile = ("  [click](javascript:alert(1)) <script>alert(2)</script>\n"
               "  <img src=x onerror=alert(3)> ![pic](https://evil.example/x.png)\n"
               "  [ok](https://example.com)\n")
    text = re.sub(r"(?m)^(intro: \|.*\n)", lambda m: m[1] + hostile, text, count=1)
    assert "javascript:alert(1)" in text
    handbook.write_text(text, encoding="utf-8")
    out = render_html(document_for(directory), root=directory)
    tree = lxml_html.document_fromstring(out)
    assert not list(tree.iter("script"))
    assert "javascript:" not in "".join(tree.xpath("//@href"))
    assert not tree.xpath("//@onerror")
    assert not [src for src in tree.xpath("//@src") if not src.startswith("data:")]
    intro = tree.get_element_by_id("intro").text_content()
    assert "<script>alert(2)</script>" in intro  # shown as text, never run
    assert tree.xpath("//a[@href='https://example.com']")


def test_a_handbook_template_replaces_one_block(tmp_path):
    directory = _copy_minimal(tmp_path)
    (directory / "templates").mkdir()
    (directory / "templates" / "handbook.html.j2").write_text(
        '{% extends "handbook.html.j2" %}\n'
        '{% block cover %}<header class="cover"><h1>{{ document.title }}</h1>'
        '<p class="agency">Prepared by Agency &amp; Co</p></header>{% endblock %}\n',
        encoding="utf-8")
    out = render_html(document_for(directory), root=directory)
    tree = lxml_html.document_fromstring(out)
    assert tree.xpath("//p[@class='agency']")
    assert not tree.xpath("//table[@class='control']")  # the old cover is gone
    assert tree.get_element_by_id("revisions") is not None  # the rest is untouched


def test_autoescape_in_plain_fields(tmp_path):
    directory = _copy_minimal(tmp_path)
    handbook = directory / "handbook.yml"
    text = handbook.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^organization: .*$", 'organization: "<b>Evil</b> & Co"', text)
    handbook.write_text(text, encoding="utf-8")
    out = render_html(document_for(directory), root=directory)
    assert "<b>Evil</b>" not in out
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in out


# --- a real browser ------------------------------------------------------------------------


def _chromium(url: str, *extra: str, size: str = "1280,2000") -> subprocess.CompletedProcess:
    profile = Path(__import__("tempfile").mkdtemp(prefix="chromium-"))
    try:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", f"--window-size={size}",
             "--enable-logging=stderr", "--v=0", *extra, url],
            capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@needs_chromium
@pytest.mark.parametrize("name, size", [("ecommerce-ops", "1280,2000"),
                                        ("startup-team", "390,1600"),
                                        ("acme-en", "1280,2000")])
def test_chromium_renders_the_page(pages, tmp_path, name, size):
    page = pages[name]
    source = tmp_path / f"{name}.html"
    source.write_text(page.text, encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = _chromium(source.as_uri(), f"--screenshot={shot}", size=size)
    assert result.returncode == 0, result.stderr[-2000:]
    width, height = (int(v) for v in size.split(","))
    assert _png_size(shot) == (width, height)
    assert shot.stat().st_size > 20_000, "a real, non-blank screenshot"
    problems = [line for line in result.stderr.splitlines()
                if re.search(r"CONSOLE|Failed to load resource|net::ERR_", line)]
    assert problems == []


@needs_chromium
def test_chromium_dom_has_the_whole_handbook(pages, tmp_path):
    page = pages["ecommerce-ops"]
    source = tmp_path / "page.html"
    source.write_text(page.text, encoding="utf-8")
    result = _chromium(source.as_uri(), "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = lxml_html.document_fromstring(result.stdout)
    roles = dom.xpath("//section[contains(concat(' ', @class, ' '), ' role ')]")
    assert len(roles) == len(page.document.roles)
    assert dom.get("lang") == "zh-Hans"


def test_template_edits_are_seen_by_a_cached_environment(tmp_path):
    """Environments are cached per template directory; a changed template still counts."""
    import time as _time

    from handbook.write.html.render import environment

    own = tmp_path / "templates"
    own.mkdir()
    (own / "note.html.j2").write_text("first", encoding="utf-8")
    assert environment(own).get_template("note.html.j2").render() == "first"
    _time.sleep(1.1)  # Jinja compares modification times in seconds
    (own / "note.html.j2").write_text("second", encoding="utf-8")
    assert environment(own) is environment(own)
    assert environment(own).get_template("note.html.j2").render() == "second"
