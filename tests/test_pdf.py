"""The printed handbook: every example built once per session, then read back.

Text comes from pdfplumber, bookmarks, links and metadata from pypdf, fonts from poppler's
pdffonts. What a reader checks by eye is asserted here: the TOC page numbers are the pages
the headings are on, bookmarks nest part → department → position, every page but the
cover says "page X / Y", and the Chinese is set in the right regional face.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pdfplumber
import pypdf
import pytest

from handbook import orgchart
from handbook.document import Document, resolve
from handbook.validate import load_handbook
from handbook.write.html import render_html
from handbook.write.html.render import TemplateProblem
from handbook.write.pdf import RefusedResource, write_pdf

from .conftest import EXAMPLES, FIXTURES
from .pagefill import thin_pages

EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
CHARTS = hasattr(orgchart, "plan_charts")
REGION = {"zh-Hans": "SC", "zh-Hant": "TC", "en": "SC"}
needs_pdffonts = pytest.mark.skipif(shutil.which("pdffonts") is None,
                                    reason="poppler-utils (pdffonts) is not installed")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="poppler-utils (pdftotext) is not installed")
_LEADER = re.compile(r"^(?P<text>.+?)\s*\.{3,}\s*(?P<page>\d+)$")


def document_for(directory: Path, **options) -> Document:
    """The Document as ``handbook build`` resolves it (style with the handbook's logo)."""
    from handbook.build import BuildRequest, _style

    handbook, _ = load_handbook(directory)
    style = _style(BuildRequest(directory, lang=options.get("lang")), handbook)
    return resolve(handbook, style=style, chart_pages=CHARTS, **options)


def build_pdf(directory: Path, out: Path, **options) -> Built:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        document = document_for(directory, **options)
        html = render_html(document, root=directory)
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"{document.name}.pdf"
        write_pdf(document, html, target, root=directory)
    return Built(document, html, target)


@dataclass
class Built:
    document: Document
    html: str
    path: Path

    @cached_property
    def pages(self) -> list[str]:
        with pdfplumber.open(self.path) as pdf:
            return [page.extract_text() or "" for page in pdf.pages]

    @cached_property
    def reader(self) -> pypdf.PdfReader:
        return pypdf.PdfReader(self.path)

    @cached_property
    def bookmarks(self) -> list[tuple[int, str, int]]:
        """(depth, title, 1-based page) for every outline item, in order."""
        found: list[tuple[int, str, int]] = []

        def walk(items, depth):
            for item in items:
                if isinstance(item, list):
                    walk(item, depth + 1)
                else:
                    found.append((depth, item.title,
                                  self.reader.get_destination_page_number(item) + 1))

        walk(self.reader.outline, 1)
        return found

    @cached_property
    def toc_lines(self) -> list[tuple[str, int]]:
        """The printed table of contents as (text, page number) lines."""
        contents = self.document.labels["contents"]
        lines: list[tuple[str, int]] = []
        pending = ""
        for text in self.pages:
            first, *rest = text.splitlines() or [""]
            if not first.endswith(contents):  # the running header names the part
                continue
            for line in rest:
                match = _LEADER.match((pending + " " + line).strip() if pending else line)
                if match:
                    lines.append((match["text"], int(match["page"])))
                    pending = ""
                elif line.strip() != contents and not _is_footer(line, self.document):
                    pending = (pending + " " + line).strip()
        return lines


def _is_footer(line: str, document: Document) -> bool:
    return line.startswith(document.document_number)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("pdf")
    return {example.name: build_pdf(example, out / example.name) for example in EXAMPLES}


@pytest.fixture(params=[p.name for p in EXAMPLES])
def example(request, built) -> Built:
    return built[request.param]


# --- contents, bookmarks, links ------------------------------------------------------------


def test_toc_lists_every_entry_in_order(example):
    expected = [_squash(entry.text) for entry in example.document.toc]
    assert [_squash(text) for text, _ in example.toc_lines] == expected


def test_toc_page_numbers_are_where_the_headings_are(example):
    for entry, (_, page) in zip(example.document.toc, example.toc_lines, strict=True):
        body = _squash("\n".join(example.pages[page - 1].splitlines()[1:]))
        assert _squash(entry.text) in body, f"{entry.text!r} is not on page {page}"


def test_bookmarks_nest_like_the_toc_and_point_at_the_printed_pages(example):
    toc = example.document.toc
    assert len(example.bookmarks) == len(toc)
    assert [(depth, _squash(title)) for depth, title, _ in example.bookmarks] == [
        (entry.level, _squash(entry.text)) for entry in toc]
    assert [page for _, _, page in example.bookmarks] == [page for _, page in example.toc_lines]


def test_bookmarks_are_part_department_position(built):
    ecommerce = built["ecommerce-ops"]
    document = ecommerce.document
    depth = {title: level for level, title, _ in ecommerce.bookmarks}
    part = document.labels["departments_part"]
    assert depth[part] == 1
    for department in document.departments:
        label = department.title
        assert depth[label] == 2 + department.depth
        for role in department.roles:
            assert depth[role.ref.title] == 3 + department.depth


def test_every_position_and_department_on_its_own_pages(example):
    document = example.document
    where = {_squash(title): page for _, title, page in example.bookmarks}
    for department in document.departments:
        page = where[_squash(department.title)]
        assert _squash(department.name) in _squash(example.pages[page - 1])
    pages = []
    for role in document.roles:
        page = where[_squash(role.ref.title)]
        text = _squash(example.pages[page - 1])
        assert _squash(role.ref.title) in text
        if role.ref.code:
            assert role.ref.code in text
        pages.append(page)
    assert len(set(pages)) == len(pages), "each position starts on a page of its own"


def test_internal_links_from_toc_staffing_and_index(example):
    names = set(example.reader.named_destinations)
    anchors = {entry.anchor for entry in example.document.toc}
    assert anchors <= names
    internal = 0
    for page in example.reader.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link" and "/Dest" in annotation:
                internal += 1
            action = annotation.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                uri = str(action.get_object()["/URI"])
                assert uri.startswith(("http://", "https://", "mailto:")), uri
    roles = len(example.document.roles)
    # TOC + index (two lists) + staffing table + at least one "reports to"
    assert internal >= len(example.document.toc) + 3 * roles


_CLOSING = tuple("，。、；：？！）》」』〕】”’,.;:?!)")


def test_no_line_starts_with_closing_punctuation(example):
    for number, text in enumerate(example.pages, 1):
        for line in text.splitlines():
            assert not line.lstrip().startswith(_CLOSING), (number, line)


def test_cjk_soft_line_breaks_join_and_latin_ones_stay_a_space(built):
    """Source line breaks inside Chinese sentences print as nothing, in English as a space."""
    chinese = "\n".join(built["ecommerce-ops"].pages)
    assert "履约交付。中心下设" in chinese.replace("\n", "")
    assert "履约交付。 中心下设" not in chinese
    assert "物流部，并给出" in chinese.replace("\n", "")
    english = " ".join(built["acme-en"].pages)
    assert re.search(r"through\s+Amazon", english) and "throughAmazon" not in english


def test_empty_duty_columns_are_left_out_and_empty_cells_read_a_dash(built):
    """打包发货员 gives no share and no frequency: its duty table has neither column, while
    运营总监's has both, with "—" for the duties that give no frequency."""
    ecommerce = built["ecommerce-ops"]
    labels = ecommerce.document.labels
    starts = {title: page for _, title, page in ecommerce.bookmarks}
    pages = {}
    for role in ecommerce.document.roles:
        if role.ref.id in ("packer", "ops-director"):  # from its heading on (a page may
            first = starts[role.ref.title] - 1  # open with another role), and the next page
            text = "\n".join(ecommerce.pages[first:first + 2])
            pages[role.ref.id] = text[text.index(f"{labels['code']} {role.ref.code}"):]
    header = next(line for line in pages["packer"].splitlines()
                  if labels["duty_text"] in line)
    assert labels["duty_share"] not in header and labels["duty_frequency"] not in header
    director = pages["ops-director"]
    assert labels["duty_share"] in director and labels["duty_frequency"] in director
    assert re.search(r"\d+%\s+(是|否)\s+—", director)


def test_no_heading_stranded_at_the_bottom_of_a_page(example):
    labels = example.document.labels
    headings = {labels[key] for key in (
        "role_summary", "duties", "requirements", "kpis", "competencies", "working_conditions",
        "department_function", "staffing", "index_by_code", "index_by_title")}
    headings |= {d.title for d in example.document.departments}
    for number, text in enumerate(example.pages[1:], 2):
        lines = text.splitlines()
        body_end = lines[-2].strip() if len(lines) >= 2 else ""
        assert body_end not in headings, (number, body_end)
        assert not body_end.startswith(labels["duty_number"] + " "), (number, "a lone header row")


# --- pages: header, footer, cover, sizes ---------------------------------------------------


def test_footer_numbers_every_page_but_the_cover(example):
    labels = example.document.labels
    total = len(example.pages)
    cover = example.pages[0]
    assert labels.fmt("page_of", page=1, pages=total) not in cover
    assert example.document.document_number not in cover.splitlines()[-1]
    for number, text in enumerate(example.pages[1:], 2):
        last = text.splitlines()[-1]
        assert last.endswith(labels.fmt("page_of", page=number, pages=total)), (number, last)
        assert last.startswith(example.document.document_number)


def test_running_header_shows_title_and_current_department(built):
    ecommerce = built["ecommerce-ops"]
    document = ecommerce.document
    where = {title: page for _, title, page in ecommerce.bookmarks}
    for department in document.departments:
        for role in department.roles:
            header = ecommerce.pages[where[role.ref.title] - 1].splitlines()[0]
            assert header.startswith(document.title)
            assert header.endswith(department.title)
    assert not ecommerce.pages[0].startswith(document.title + " ")


def test_running_header_names_a_continued_position(example):
    """Every later page of a position names it, "Title · CODE（续）", so a loose page can be
    tied to its position; its first page names the department."""
    document = example.document
    starts = sorted((page, title) for _, title, page in example.bookmarks)
    roles = {role.ref.title: role for role in document.roles}
    continued = 0
    for (page, title), (following, _) in zip(starts, starts[1:] + [(len(example.pages), "")],
                                             strict=True):
        if title not in roles:
            continue
        for number in range(page + 1, following):
            # the CJK face's middle dot reads back as a bullet
            header = example.pages[number - 1].splitlines()[0].replace("•", "·")
            assert header.startswith(document.title), (number, header)
            assert header.endswith(roles[title].continued), (number, header)
            continued += 1
    assert continued, "some position runs over a page"
    suffix = document.labels.fmt("continued", text="")
    assert all(role.continued.endswith(suffix) and role.ref.title in role.continued
               and (role.ref.code or "") in role.continued for role in document.roles)


@needs_pdftotext
def test_no_page_holds_only_the_end_of_a_position(example):
    assert thin_pages(example.path, example.document) == []


def test_page_size_a4_and_letter(built, tmp_path):
    sizes = {(round(p.mediabox.width), round(p.mediabox.height))
             for p in built["startup-team"].reader.pages}
    assert (595, 842) in sizes and sizes <= {(595, 842), (842, 595)}
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        document = document_for(example)
        document.style = document.style.with_(page_size="Letter")
        target = tmp_path / "letter.pdf"
        write_pdf(document, render_html(document, root=example), target, root=example)
    first = pypdf.PdfReader(target).pages[1].mediabox
    assert (round(first.width), round(first.height)) == (612, 792)


@pytest.mark.skipif(not CHARTS, reason="the org chart engine is not there yet")
def test_chart_pages_landscape_where_planned_small_charts_share(example):
    """Landscape charts get landscape pages; small charts share pages, so the chart part
    takes fewer pages than it has charts whenever some are small, and never more."""
    document = example.document
    charts = document.charts
    assert charts, "every example has an org chart"
    labels = document.labels
    marks = {title: page for _, title, page in example.bookmarks}
    start, end = marks[labels["org_chart"]], marks[labels["departments_part"]]
    pages = example.reader.pages[start - 1:end - 1]
    shared = sum(document.shares_page(index) for index in range(len(charts)))
    assert len(charts) - shared <= len(pages) <= len(charts)
    if shared:
        assert len(pages) < len(charts)
    wide = [page.mediabox.width > page.mediabox.height for page in pages]
    assert wide[0] == bool(charts[0].landscape)
    assert sum(wide) == sum(bool(c.landscape) for c in charts)


def test_same_source_date_epoch_same_bytes(built, tmp_path):
    first = built["startup-team"]
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    again = build_pdf(example, tmp_path)
    assert again.html == first.html
    assert again.path.read_bytes() == first.path.read_bytes()


# --- content that must be complete ---------------------------------------------------------


def test_revision_history_complete(example):
    document = example.document
    label = document.labels["revision_history"]
    page = next(p for _, title, p in example.bookmarks if title == label)
    text = _squash(example.pages[page - 1] + example.pages[page])
    for revision in document.revisions:
        assert revision.version in text
        assert _squash(revision.date_text) in text
        if revision.author:
            assert _squash(revision.author) in text
    assert text.index(_squash(document.revisions[0].date_text)) < text.index(
        _squash(document.revisions[-1].date_text)), "oldest first, as in the cover's history"


def test_cover_has_document_control(example):
    cover = _squash(example.pages[0])
    document = example.document
    assert _squash(document.title) in cover
    assert _squash(document.organization) in cover
    for label, value in document.control:
        assert _squash(label) in cover and _squash(value) in cover


def test_metadata_from_the_document_and_source_date_epoch(example):
    info = example.reader.metadata
    document = example.document
    assert info.title == document.title
    assert info.author == document.organization
    assert str(info.get("/CreationDate", "")).startswith("D:20260101000000")
    assert str(info.get("/ModDate", "")).startswith("D:20260101000000")
    assert example.reader.trailer["/Root"]["/Lang"] == document.language_tag


# --- fonts ---------------------------------------------------------------------------------


@needs_pdffonts
def test_fonts_embedded_subset_and_of_the_right_region(example):
    output = subprocess.run(["pdffonts", str(example.path)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    assert output
    names = []
    for line in output:
        columns = line.split()
        name, emb, sub = columns[0], columns[-5], columns[-4]
        assert (emb, sub) == ("yes", "yes"), line
        names.append(name)
    region = REGION[example.document.lang]
    cjk = [name for name in names if "CJK" in name]
    assert all(f"CJK-{region}" in name for name in cjk), names
    assert not any(re.search(r"CJK-(JP|KR|HK)|JP-|Japanese", name) for name in names), names
    if example.document.lang != "en":
        assert cjk, names


@needs_pdffonts
@pytest.mark.parametrize(("name", "lang", "faces", "title"), [
    ("ecommerce-ops", "zh-Hant", "TC", ("運營總監", "运营总监")),
    ("startup-team", "zh-HK", "HK", None),
])
def test_traditional_chinese_output_uses_its_regions_faces_only(tmp_path, name, lang, faces,
                                                                title):
    """Taiwan's text in Noto CJK TC, Hong Kong's in HK (the forms of some characters differ),
    everywhere: the body, the headings and the charts."""
    example = next(p for p in EXAMPLES if p.name == name)
    built = build_pdf(example, tmp_path, lang=lang)
    fonts = subprocess.run(["pdffonts", str(built.path)], capture_output=True, text=True,
                           check=True).stdout
    cjk = re.findall(r"\S*CJK\S*", fonts)
    assert cjk and all(f"CJK-{faces}" in name for name in cjk), cjk
    if title:
        text = "\n".join(page.extract_text() or "" for page in built.reader.pages)
        assert title[0] in text and title[1] not in text


def test_no_missing_glyphs(example):
    """Tofu shows up as U+FFFD or as .notdef boxes: pdfplumber reports them as (cid:N)."""
    text = "\n".join(example.pages)
    assert "\ufffd" not in text
    assert "(cid:" not in text


# --- the fetcher and templates -------------------------------------------------------------


def _with_template(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "hb"
    shutil.copytree(FIXTURES / "minimal", target)
    (target / "templates").mkdir()
    (target / "templates" / "handbook.html.j2").write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("reference", ["https://example.com/logo.png", "file:///etc/hostname",
                                       "../outside.png"])
def test_fetcher_refuses_network_and_files_outside_the_handbook(tmp_path, reference):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    directory = _with_template(
        tmp_path, '{% extends "handbook.html.j2" %}{% block cover %}'
                  f'<img src="{reference}" alt="">{{{{ super() }}}}{{% endblock %}}')
    document = document_for(directory)
    html = render_html(document, root=directory)
    with pytest.raises(RefusedResource, match="only files that exist inside the handbook"):
        write_pdf(document, html, tmp_path / "out.pdf", root=directory)
    assert not (tmp_path / "out.pdf").exists() or (tmp_path / "out.pdf").stat().st_size == 0


def test_fetcher_allows_files_inside_the_handbook(tmp_path):
    directory = _with_template(
        tmp_path, '{% extends "handbook.html.j2" %}{% block cover %}'
                  '<img src="assets/mark.svg" alt="mark">{{ super() }}{% endblock %}')
    (directory / "assets").mkdir(exist_ok=True)
    (directory / "assets" / "mark.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>', encoding="utf-8")
    document = document_for(directory)
    write_pdf(document, render_html(document, root=directory), tmp_path / "out.pdf",
              root=directory)
    assert pypdf.PdfReader(tmp_path / "out.pdf").pages


def test_a_broken_template_names_its_file_and_line(tmp_path):
    directory = _with_template(tmp_path, '{% extends "handbook.html.j2" %}\n'
                                         '{% block cover %}\n{% if %}\n{% endblock %}\n')
    with pytest.raises(TemplateProblem) as caught:
        render_html(document_for(directory), root=directory)
    assert re.search(r"templates/handbook\.html\.j2:3: template syntax error", str(caught.value))


def test_a_failing_template_names_its_file_and_line(tmp_path):
    directory = _with_template(tmp_path, '{% extends "handbook.html.j2" %}\n'
                                         '{% block cover %}\n<p>{{ 1 // 0 }}</p>\n'
                                         '{% endblock %}\n')
    with pytest.raises(TemplateProblem) as caught:
        render_html(document_for(directory), root=directory)
    assert re.search(r"templates/handbook\.html\.j2:3: template error: .*division",
                     str(caught.value))
