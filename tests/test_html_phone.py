"""The HTML handbook on a phone (390 CSS px) and a large handbook's navigation, measured in
headless Chromium through the DevTools protocol (``devtools``): geometry from the browser's
own layout, never from the markup."""

from __future__ import annotations

import subprocess
import sys

import pytest
from lxml import html as lxml_html

from handbook.write.html import render_html

from .conftest import EXAMPLES, ROOT
from .test_html import document_for, needs_chromium

PHONE = 390

# Every problem of the page at this width, as short strings (empty: none).
_LAYOUT_PROBLEMS = r"""(() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px`);
  }
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const inScroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  const describe = (el) => `${el.tagName.toLowerCase()}.${el.className} "${
    el.textContent.trim().slice(0, 24)}"`;
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || el.classList.contains('skip-link') || inScroller(el)) continue;
    if (box.left < -0.5 || box.right > width + 0.5) {
      problems.push(`wider than the screen: ${describe(el)} ${box.left}..${box.right}`);
    }
  }
  const visible = (el) => el.getBoundingClientRect().width > 1 && !el.closest('thead');
  const lines = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0)
                                   .map((r) => Math.round(r.bottom))).size;
  for (const cell of document.querySelectorAll('td, th')) {
    if (!visible(cell)) continue;
    const text = cell.textContent.replace(/\s+/g, '');
    if (text.length < 3) continue;
    const range = document.createRange();
    range.selectNodeContents(cell);
    const count = lines(range);
    if (text.length / count < 3) problems.push(`${count} lines for ${describe(cell)}`);
    // Words and numbers never break (a code, such as OPS-CS-01, not even at its hyphens).
    const word = cell.classList.contains('code') ? /\S+/g : /[A-Za-z0-9][A-Za-z0-9.,%]*/g;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(word)) {
        if (match[0].length > 24) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        if (lines(range) > 1) problems.push(`"${match[0]}" broken in ${describe(cell)}`);
      }
    }
    // Nor does a label run out of its cell over the value beside it.
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push(`overflows ${describe(cell)}`);
  }
  return problems;
})()"""

# Each chart at its printed size (CSS px = 4/3 pt) in a box no wider than the screen.
_CHARTS = r"""(() => [...document.querySelectorAll('.chart-svg')].map((box) => {
  const svg = box.querySelector('svg');
  return {box: box.getBoundingClientRect().right, screen: document.documentElement.clientWidth,
          drawn: svg.getBoundingClientRect().width,
          printed: parseFloat(svg.getAttribute('width')) * 4 / 3,
          pans: box.scrollWidth > box.clientWidth
                && getComputedStyle(box).overflowX === 'auto'};
}))()"""

# The contents button at the foot, and the page's end above it.
_BUTTON = r"""(() => {
  window.scrollTo(0, document.documentElement.scrollHeight);
  const button = document.querySelector('.to-contents').getBoundingClientRect();
  const last = document.querySelector('main').lastElementChild.getBoundingClientRect();
  return {left: button.left, right: button.right, bottom: button.bottom, top: button.top,
          height: window.innerHeight, width: document.documentElement.clientWidth,
          background: getComputedStyle(document.querySelector('.to-contents')).backgroundColor,
          lastBottom: last.bottom};
})()"""


@pytest.fixture(scope="module")
def phone_pages(browser, tmp_path_factory) -> dict[str, str]:
    """Each example open in a 390 px tab: its session."""
    directory = tmp_path_factory.mktemp("phone")
    sessions = {}
    for example in EXAMPLES:
        source = directory / f"{example.name}.html"
        source.write_text(render_html(document_for(example), root=example), encoding="utf-8")
        sessions[example.name] = browser.open(source.as_uri(), PHONE)
    return sessions


@needs_chromium
@pytest.mark.parametrize("name", ["ecommerce-ops", "startup-team", "acme-en"])
def test_phone_tables_reflow_and_nothing_is_wider_than_the_screen(browser, phone_pages, name):
    assert browser.evaluate(phone_pages[name], "document.documentElement.clientWidth") == PHONE
    assert browser.evaluate(phone_pages[name], _LAYOUT_PROBLEMS) == []


@needs_chromium
@pytest.mark.parametrize("name", ["ecommerce-ops", "acme-en"])
def test_phone_charts_keep_their_printed_size_and_pan(browser, phone_pages, name):
    charts = browser.evaluate(phone_pages[name], _CHARTS)
    assert charts
    for chart in charts:
        assert chart["box"] <= chart["screen"]
        assert chart["drawn"] == pytest.approx(chart["printed"], abs=1)
    assert any(chart["pans"] for chart in charts)  # the overview is wider than a phone


@needs_chromium
def test_phone_contents_button_is_a_bar_below_the_text(browser, phone_pages):
    bar = browser.evaluate(phone_pages["ecommerce-ops"], _BUTTON)
    assert (bar["left"], bar["right"], bar["bottom"]) == (0, bar["width"], bar["height"])
    assert bar["background"].startswith("rgb(")  # opaque, not rgba
    assert bar["lastBottom"] <= bar["top"]


# --- a large organisation's navigation --------------------------------------------------------


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """A generated 120-position handbook (one root department, as the benchmark makes)."""
    directory = tmp_path_factory.mktemp("large") / "hb"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "120", str(directory)],
                   check=True, capture_output=True)
    document = document_for(directory)
    return document, render_html(document, root=directory)


def test_large_navigation_folds_to_its_departments(large):
    document, text = large
    nav = lxml_html.document_fromstring(text).get_element_by_id("contents")
    folds = nav.xpath(".//details")
    departments = [d for d in document.departments if d.roles or any(
        c.parent_id == d.id for c in document.departments)]
    assert len(folds) == len(departments) > 3
    opened = [d.xpath("string(summary)") for d in folds if d.get("open") is not None]
    assert opened == [document.departments[0].title]
    hrefs = [a.get("href") for a in nav.iter("a")]  # every entry is still there
    assert hrefs == [f"#{entry.anchor}" for entry in document.toc]


def test_small_navigation_is_open():
    example = next(e for e in EXAMPLES if e.name == "ecommerce-ops")
    page = lxml_html.document_fromstring(render_html(document_for(example), root=example))
    nav = page.get_element_by_id("contents")
    folds = nav.xpath(".//details")
    assert folds and all(d.get("open") is not None for d in folds)


@needs_chromium
def test_large_navigation_opens_and_closes_in_a_browser(browser, large, tmp_path):
    _, text = large
    source = tmp_path / "large.html"
    source.write_text(text, encoding="utf-8")
    session = browser.open(source.as_uri(), 1280, 900)
    height = "document.querySelector('.toc').scrollHeight"
    folded = browser.evaluate(session, height)
    browser.evaluate(session, "document.querySelectorAll('.toc details')[1]"
                              ".querySelector('summary').click()")
    assert browser.evaluate(session, "document.querySelectorAll('.toc details')[1].open")
    assert browser.evaluate(session, height) > folded


# --- a job description --------------------------------------------------------------------


@pytest.fixture(scope="module")
def job_description_page(tmp_path_factory) -> str:
    from handbook.jobdesc import job_description

    example = next(e for e in EXAMPLES if e.name == "ecommerce-ops")
    source = tmp_path_factory.mktemp("jd") / "promo-lead.html"
    jd = job_description(document_for(example), "promo-lead")
    source.write_text(render_html(jd, root=example), encoding="utf-8")
    return source.as_uri()


@needs_chromium
def test_job_description_on_a_phone(browser, job_description_page):
    session = browser.open(job_description_page, PHONE)
    assert browser.evaluate(session, _LAYOUT_PROBLEMS) == []
    lines = browser.evaluate(session, """[...document.querySelectorAll(
        '.signature-table td')].map((cell) => getComputedStyle(cell).borderBottomStyle)""")
    assert lines == ["solid"] * 9  # three lines to write on for each of three parties


@needs_chromium
@pytest.mark.parametrize("width", [PHONE, 1280])
def test_job_description_header_is_aligned_with_the_body(browser, job_description_page, width):
    session = browser.open(job_description_page, width)
    edges = browser.evaluate(session, """(() => {
        const box = (q) => document.querySelector(q).getBoundingClientRect();
        return [box('.jd-header').left, box('.role-header').left,
                box('.jd-header').right, box('.role-header').right];
    })()""")
    assert edges[0] == pytest.approx(edges[1], abs=1) and edges[0] >= 8
    assert edges[2] == pytest.approx(edges[3], abs=1)
