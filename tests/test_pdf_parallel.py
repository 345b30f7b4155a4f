"""The PDF printed in parallel parts is the PDF of the single pass.

A mid-size handbook (ecommerce-ops: 66 pages, 12 departments, 41 positions, TOC and index
with page numbers, landscape charts) is printed both ways and compared: page count and
sizes, every page's text, every link (rectangle and target), every named destination,
the bookmark outline with its nesting, document information, language, and one embedded
copy of each font. The cutting itself is checked on the HTML.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from handbook.write.html import render_html
from handbook.write.pdf import printer as pdf_module
from handbook.write.pdf import write_pdf
from handbook.write.pdf.split import PAGE_ATTRIBUTE, split_page

from .conftest import ROOT
from .pagefill import page_lines, thin_pages
from .test_pdf import EPOCH, document_for

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")
MIDSIZE = ROOT / "content" / "ecommerce-ops"


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(document_for(MIDSIZE), root=MIDSIZE)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> tuple[Path, Path]:
    """ecommerce-ops printed in one pass and in parallel parts on two workers, its running
    headers and footers in pieces of 20 pages (each later piece opens with a primer page
    that carries the page counter and the running strings)."""
    out = tmp_path_factory.mktemp("parallel")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setattr(pdf_module, "_MARGIN_PAGES", 20)
        document = document_for(MIDSIZE)
        html = render_html(document, root=MIDSIZE)
        single, parallel = out / "single.pdf", out / "parallel.pdf"
        write_pdf(document, html, single, root=MIDSIZE, single_pass=True)

        def refuse(job):
            raise AssertionError("the parallel path printed the page in one pass")

        patch.setattr(pdf_module, "print_page", refuse)
        progress = []
        write_pdf(document, html, parallel, root=MIDSIZE, single_pass=False, jobs=2,
                  progress=lambda done, total: progress.append((done, total)))
        assert progress and progress[-1][0] == progress[-1][1]
    return single, parallel


# --- cutting the page -------------------------------------------------------------------

def test_parts_hold_every_anchor_once(page):
    split = split_page(page, parts=12)
    assert split is not None and len(split.parts) >= 6
    owned = [anchor for part in split.parts for anchor in part.anchors]
    assert len(owned) == len(set(owned))
    assert {"cover", "contents", "departments", "appendix", "role-promo-lead"} <= set(owned)
    assert all(part.html.startswith("<!DOCTYPE html>") and "<style>" in part.html
               for part in split.parts)


def test_only_toc_and_index_wait_for_page_numbers(page):
    split = split_page(page, parts=12)
    numbered = [part for part in split.parts if part.numbered]
    assert [("contents" in part.anchors, "appendix" in part.anchors) for part in numbered] \
        == [(True, False), (False, True)]
    filled = numbered[0].with_pages({"role-promo-lead": 437}, "00")
    assert f'href="#role-promo-lead" {PAGE_ATTRIBUTE}="437"' in filled
    assert f'{PAGE_ATTRIBUTE}="00"' in filled and "target-counter" not in filled


def test_links_to_other_parts_keep_a_stub_anchor(page):
    split = split_page(page, parts=12)
    toc = next(part for part in split.parts if "contents" in part.anchors)
    assert 'id="role-promo-lead"' in toc.html and "role-promo-lead" not in toc.anchors


@pytest.mark.parametrize("css", [
    "@page :left { margin-left: 3cm }",
    "h2 { string-set: x content() } .t { position: running(top) }",
    "h2 { counter-increment: chapter }",
    "@media print { .x { position: fixed } }",
])
def test_css_that_depends_on_earlier_pages_is_not_cut(page, css):
    assert split_page(page.replace("</style>", css + "</style>", 1), parts=12) is None


def test_screen_only_css_does_not_prevent_cutting(page):
    css = "@media screen { .x { position: fixed; counter-increment: y } }"
    assert split_page(page.replace("</style>", css + "</style>", 1), parts=12) is not None


def test_a_page_without_marks_is_printed_in_one_pass(page):
    assert split_page(page.replace(" data-pdf-split", ""), parts=12) is None


# --- the joined PDF ---------------------------------------------------------------------

def _text(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")


def _facts(path: Path) -> dict:
    """Links, destinations, outline, metadata and fonts, with pages as numbers."""
    pdf = pikepdf.open(path)
    number = {page.objgen: index for index, page in enumerate(pdf.pages)}
    links = [(index, [round(float(v), 1) for v in annot.Rect],
              str(annot.get("/Dest") if "/Dest" in annot else annot.A.URI))
             for index, page in enumerate(pdf.pages) for annot in page.get("/Annots", [])]
    names = pdf.Root.Names.Dests.Names
    dests = {str(names[i]): (number[names[i + 1][0].objgen], round(float(names[i + 1][2]), 1),
                             round(float(names[i + 1][3]), 1))
             for i in range(0, len(names), 2)}
    outline = []
    with pdf.open_outline() as tree:
        def walk(items, depth):
            for item in items:
                target = item.destination
                outline.append((depth, item.title, number[target[0].objgen],
                                round(float(target[3]), 1), item.is_closed))
                walk(item.children, depth + 1)
        walk(tree.root, 0)
    programs = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            programs.setdefault(str(obj.FontName), set()).add(
                (obj.get("/FontFile3") or obj.get("/FontFile2")).objgen)
    return {"pages": [(round(float(p.mediabox[2])), round(float(p.mediabox[3])))
                      for p in pdf.pages],
            "links": links, "dests": dests, "outline": outline,
            "info": {str(k): str(v) for k, v in pdf.docinfo.items()},
            "lang": str(pdf.Root.get("/Lang")), "fonts": programs}


@needs_poppler
def test_parallel_pdf_has_the_text_of_the_single_pass(printed):
    single, parallel = (_text(path) for path in printed)
    assert len(single) == len(parallel) > 60
    assert [i for i, (a, b) in enumerate(zip(single, parallel, strict=True)) if a != b] == []
    assert f"第 2 页 / 共 {len(parallel) - 1} 页" in parallel[1]


@needs_poppler
def test_parallel_pdf_names_continued_positions_and_strands_no_tail(printed):
    """The running strings carried across parts: a continued position's pages name it."""
    document = document_for(MIDSIZE)
    _, parallel = printed
    continued = {role.continued for role in document.roles}
    # the CJK face's middle dot reads back as a bullet
    headers = [lines[0].replace("•", "·") for lines in page_lines(parallel) if lines]
    named = [h for h in headers if any(h.endswith(text) for text in continued)]
    assert len(named) >= 5
    assert thin_pages(parallel, document) == []


def test_parallel_pdf_has_the_links_bookmarks_and_metadata_of_the_single_pass(printed):
    single, parallel = (_facts(path) for path in printed)
    for key in ("pages", "links", "dests", "outline", "info", "lang"):
        assert single[key] == parallel[key], key
    assert len(parallel["outline"]) > 50 and len(parallel["links"]) > 500
    assert any(width > height for width, height in parallel["pages"])  # landscape chart


def test_parallel_pdf_embeds_each_font_once(printed):
    single, parallel = (_facts(path) for path in printed)
    assert all(len(programs) == 1 for programs in parallel["fonts"].values())
    assert set(single["fonts"]) == set(parallel["fonts"])
    assert printed[1].stat().st_size < 1.1 * printed[0].stat().st_size


def test_parallel_pdf_is_reproducible_on_any_number_of_cores(printed, tmp_path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setattr(pdf_module, "_MARGIN_PAGES", 20)
        document = document_for(MIDSIZE)
        again = tmp_path / "again.pdf"
        write_pdf(document, render_html(document, root=MIDSIZE), again, root=MIDSIZE,
                  single_pass=False, jobs=3)
    assert again.read_bytes() == printed[1].read_bytes()


@needs_poppler
def test_brand_font_files_print_the_same_in_parallel(tmp_path):
    """bluewhale's serif font files (TrueType, @font-face) are embedded once, and the
    pages read as in the single pass."""
    from handbook.build import BuildRequest, build

    outputs = {}
    for single in (True, False):
        out = tmp_path / ("single" if single else "parallel")
        build(BuildRequest(ROOT / "content" / "acme-en", ("pdf",), out,
                           brand=ROOT / "content" / "brands" / "bluewhale", single_pass=single))
        outputs[single] = out / "acme-en.pdf"
    assert _text(outputs[True]) == _text(outputs[False])
    fonts = _facts(outputs[False])["fonts"]
    assert any("Serif" in name for name in fonts)
    assert all(len(programs) == 1 for programs in fonts.values())


def test_a_part_that_reads_outside_the_handbook_fails_the_build(tmp_path):
    from handbook.write.pdf import RefusedResource

    directory = tmp_path / "hb"
    shutil.copytree(MIDSIZE, directory)
    (directory / "templates").mkdir(exist_ok=True)
    (directory / "templates" / "handbook.html.j2").write_text(
        '{% extends "handbook.html.j2" %}{% block kpis %}<img src="file:///etc/hostname" '
        'alt="">{{ super() }}{% endblock %}', encoding="utf-8")
    document = document_for(directory)
    with pytest.raises(RefusedResource, match="only files that exist inside the handbook"):
        write_pdf(document, render_html(document, root=directory), tmp_path / "out.pdf",
                  root=directory, single_pass=False, jobs=2)


def test_page_numbers_that_do_not_settle_fall_back_to_one_pass(page, printed, tmp_path,
                                                               monkeypatch):
    monkeypatch.setattr(pdf_module, "_ATTEMPTS", 0)
    single = []
    original = pdf_module.print_page
    monkeypatch.setattr(pdf_module, "print_page", lambda job: single.append(job) or original(job))
    target = tmp_path / "out.pdf"
    write_pdf(document_for(MIDSIZE), page, target, root=MIDSIZE, single_pass=False, jobs=2)
    with pikepdf.open(printed[0]) as whole:
        assert len(single) == 1 and len(pikepdf.open(target).pages) == len(whole.pages)
