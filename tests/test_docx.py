"""The Word handbook: read back with python-docx and as raw XML, then opened by LibreOffice.

Each example is built once per session (with SOURCE_DATE_EPOCH set) and converted to PDF
once, in a single LibreOffice run, so the whole module stays quick.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from lxml import etree

from handbook import orgchart
from handbook.document import Document, resolve
from handbook.style import MM
from handbook.validate import load_handbook
from handbook.write.docx import oxml as docx_xml
from handbook.write.docx import write_docx
from handbook.write.docx.reference import reference_docx_bytes

from .conftest import EXAMPLES, FIXTURES, ROOT
from .pagefill import page_lines, thin_pages

W = docx_xml.NS["w"]
NS = docx_xml.NS
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z
CJK_REGION = {"zh-Hans": "SC", "zh-Hant": "TC", "en": "SC"}
SOFFICE = shutil.which("soffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
CHARTS = hasattr(orgchart, "plan_charts")


@dataclass
class Built:
    document: Document
    path: Path

    def xml(self, name: str = "word/document.xml"):
        with zipfile.ZipFile(self.path) as archive:
            return etree.fromstring(archive.read(name))

    def names(self) -> list[str]:
        with zipfile.ZipFile(self.path) as archive:
            return archive.namelist()

    @property
    def word(self):
        return docx.Document(str(self.path))


def _document(directory: Path, **options) -> Document:
    """The Document as ``handbook build`` resolves it (with the handbook's logo)."""
    from handbook.build import BuildRequest, _style

    handbook, _ = load_handbook(directory)
    style = _style(BuildRequest(directory), handbook)
    return resolve(handbook, style=style, chart_pages=CHARTS, **options)


def _build(directory: Path, target: Path, **options) -> Built:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        document = _document(directory, **options)
        write_docx(document, target, root=directory)
    return Built(document, target)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("docx")
    return {example.name: _build(example, out / f"{example.name}.docx") for example in EXAMPLES}


@pytest.fixture(scope="session", params=[p.name for p in EXAMPLES])
def each(request, built) -> Built:
    return built[request.param]


def _texts(element, path: str) -> list[str]:
    return ["".join(p.itertext()) for p in element.iterfind(path, NS)]


def _attr(element, name: str) -> str | None:
    return element.get(f"{{{W}}}{name}")


# --- structure ---------------------------------------------------------------------------------


def test_headings_are_the_toc_entries_with_their_levels_and_bookmarks(each):
    body = each.xml().find("w:body", NS)
    headings = []
    for p in body.iter(f"{{{W}}}p"):
        style = p.find("w:pPr/w:pStyle", NS)
        if style is not None and _attr(style, "val").startswith("Heading"):
            bookmark = p.find("w:bookmarkStart", NS)
            headings.append((int(_attr(style, "val")[7:]), "".join(p.itertext()),
                             _attr(bookmark, "name")))
    expected = [(e.level, e.text, docx_xml.bookmark_name(e.anchor)) for e in each.document.toc]
    assert headings == expected
    word_headings = [p for p in each.word.paragraphs if p.style.name.startswith("Heading")]
    assert [p.style.name for p in word_headings] == [f"Heading {e.level}"
                                                     for e in each.document.toc]


def test_toc_field_is_prefilled_and_linked_to_the_headings(each):
    body = each.xml().find("w:body", NS)
    toc = [p for p in body.iter(f"{{{W}}}p")
           if (s := p.find("w:pPr/w:pStyle", NS)) is not None
           and re.fullmatch(r"TOC\d", _attr(s, "val"))]
    levels = max(e.level for e in each.document.toc)
    instructions = _texts(body, ".//w:instrText")
    assert f' TOC \\o "1-{levels}" \\h \\z \\u ' in instructions
    assert [(p.find("w:hyperlink/w:r/w:t", NS).text,
             _attr(p.find("w:hyperlink", NS), "anchor")) for p in toc] == [
        (e.text, docx_xml.bookmark_name(e.anchor)) for e in each.document.toc]
    bookmarks = {_attr(b, "name") for b in body.iter(f"{{{W}}}bookmarkStart")}
    links = {_attr(h, "anchor") for h in body.iter(f"{{{W}}}hyperlink") if _attr(h, "anchor")}
    assert links <= bookmarks  # TOC, "reports to", staffing and index links all resolve
    fld_types = [_attr(f, "fldCharType") for f in body.iter(f"{{{W}}}fldChar")]
    assert fld_types.count("begin") == fld_types.count("end")
    settings = each.xml("word/settings.xml")
    assert settings.find("w:updateFields", NS) is None  # nothing to confirm on open


def test_tables_per_position_with_repeating_headers_and_unsplit_rows(each):
    document = each.document
    roles = document.roles
    # control, revisions, staffing per department, header block and duties per position
    assert len(each.word.tables) >= 2 + len(document.departments) + 2 * len(roles)
    body = each.xml().find("w:body", NS)
    text_width = round((document.style.page_mm()[0] - document.style.margins_mm[1]
                        - document.style.margins_mm[3]) * docx_xml.TWIPS_PER_MM)
    duty_tables = []
    for tbl in body.iter(f"{{{W}}}tbl"):
        rows = tbl.findall("w:tr", NS)
        assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
        grid = sum(int(_attr(c, "w")) for c in tbl.findall("w:tblGrid/w:gridCol", NS))
        assert grid == text_width
        caption = tbl.find("w:tblPr/w:tblCaption", NS)
        if caption is not None and _attr(caption, "val") == document.labels["duties"]:
            duty_tables.append(tbl)
            assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
            assert rows[1].find("w:trPr/w:tblHeader", NS) is None
    assert [len(t.findall("w:tr", NS)) - 1 for t in duty_tables] == [
        len(r.duties) for r in roles]


def test_duty_columns_follow_each_table_and_empty_cells_read_a_dash(built):
    """The duty tables in print order: each has the columns its position's duties fill, and
    no body cell is empty (the XML's text, "—" where a duty gives no frequency)."""
    ecommerce = built["ecommerce-ops"]
    labels = ecommerce.document.labels
    tables = [t for t in ecommerce.xml().iter(f"{{{W}}}tbl")
              if _texts(t, "w:tr[1]/w:tc")[:2] == [labels["duty_number"], labels["duty_text"]]]
    roles = ecommerce.document.roles
    assert len(tables) == len(roles)
    for role, table in zip(roles, tables, strict=True):
        header = _texts(table, "w:tr[1]/w:tc")
        assert (labels["duty_share"] in header) == role.columns.share, role.ref.title
        assert (labels["duty_essential"] in header) == role.columns.essential
        assert (labels["duty_frequency"] in header) == role.columns.frequency
        for row in table.findall("w:tr", NS)[1:]:
            for cell in _texts(row, "w:tc"):
                assert cell.strip(), (role.ref.title, "an empty cell")
    packer = tables[[r.ref.id for r in roles].index("packer")]
    assert _texts(packer, "w:tr[1]/w:tc") == [labels["duty_number"], labels["duty_text"],
                                              labels["duty_essential"]]
    director = tables[[r.ref.id for r in roles].index("ops-director")]
    assert labels["empty_cell"] in _texts(director, "w:tr/w:tc")  # a duty with no frequency


def test_staffing_tables_total_and_link_to_positions(built):
    ecommerce = built["ecommerce-ops"]
    labels = ecommerce.document.labels
    body = ecommerce.xml().find("w:body", NS)
    staffing = [t for t in body.iter(f"{{{W}}}tbl")
                if _attr(t.find("w:tblPr/w:tblCaption", NS), "val") == labels["staffing"]]
    assert len(staffing) == len(ecommerce.document.departments)
    for table, department in zip(staffing, ecommerce.document.departments, strict=True):
        rows = table.findall("w:tr", NS)
        body_rows = rows[1:1 + len(department.roles)]
        anchors = [_attr(r.find("w:tc/w:p/w:hyperlink", NS), "anchor") for r in body_rows]
        assert anchors == [docx_xml.bookmark_name(r.anchor) for r in department.roles]
        totals = [["".join(c.itertext()) for c in row.findall("w:tc", NS)]
                  for row in rows[1 + len(department.roles):]]
        assert [t[0] for t in totals] == [t.label for t in department.total_rows]
        assert [t[-3:] for t in totals] == [[str(n) for n in t.counts]
                                            for t in department.total_rows]


def test_reports_to_links_to_the_manager(built):
    ecommerce = built["ecommerce-ops"]
    role = next(r for r in ecommerce.document.roles if r.reports_to)
    body = ecommerce.xml().find("w:body", NS)
    header = next(t for t in body.iter(f"{{{W}}}tbl")
                  if _attr(t.find("w:tblPr/w:tblCaption", NS), "val") == role.ref.title)
    links = {("".join(h.itertext()), _attr(h, "anchor"))
             for h in header.iter(f"{{{W}}}hyperlink")}
    assert (role.reports_to.title, docx_xml.bookmark_name(role.reports_to.anchor)) in links


def test_header_footer_fields_and_no_header_on_the_cover(each):
    document = each.document
    body = each.xml().find("w:body", NS)
    first = body.find(".//w:sectPr", NS)
    assert first.find("w:titlePg", NS) is not None
    footers = [n for n in each.names() if re.fullmatch(r"word/footer\d+\.xml", n)]
    headers = [n for n in each.names() if re.fullmatch(r"word/header\d+\.xml", n)]
    instructions = [i.strip() for n in footers for i in _texts(each.xml(n), ".//w:instrText")]
    assert {"PAGE", "NUMPAGES"} <= set(instructions)
    footer_text = " ".join("".join(each.xml(n).itertext()) for n in footers)
    assert document.document_number in footer_text and document.version in footer_text
    header_text = " ".join("".join(each.xml(n).itertext()) for n in headers)
    assert document.title in header_text
    for department in document.departments:
        assert department.title in header_text
    first_refs = {_attr(r, "type") for r in first.findall("w:footerReference", NS)}
    assert first_refs == {"default", "first"}


def test_each_position_names_itself_in_the_header_of_its_later_pages(each):
    """A section per position (the first of a department may share its department's),
    with a different first page: the first names the department, the later pages
    "Title · CODE (cont.)"."""
    document = each.document
    sections = [(section.header.paragraphs[0].text, section.first_page_header.paragraphs[0].text)
                for section in each.word.sections if section.different_first_page_header_footer
                and section.first_page_header.paragraphs[0].text]
    departments = {d.title for d in document.departments}
    for department in document.departments:
        for role in department.roles:
            wanted = [first for later, first in sections if later.endswith(role.continued)]
            assert [first.split("\t")[-1] for first in wanted] == [department.title], \
                role.ref.title
    assert len(sections) == len(document.roles)
    assert all(first.split("\t")[-1] in departments for _, first in sections)


def test_position_title_reads_as_a_title_at_every_depth(each):
    """The position's heading keeps its outline level (TOC, navigation) but is set in the
    Position Title style, larger than any section heading inside the position."""
    styles = each.xml("word/styles.xml")

    def size(style_id: str) -> int:
        style = styles.find(f"w:style[@w:styleId='{style_id}']", NS)
        return int(_attr(style.find("w:rPr/w:sz", NS), "val"))

    body = each.xml().find("w:body", NS)
    titles = {}
    for p in body.iter(f"{{{W}}}p"):
        mark = p.find("w:bookmarkStart", NS)
        if mark is not None and _attr(mark, "name").startswith("role"):
            titles["".join(p.itertext())] = (p.find("w:pPr/w:pStyle", NS),
                                             p.find("w:r/w:rPr/w:rStyle", NS))
    assert set(titles) == {role.ref.title for role in each.document.roles}
    for paragraph_style, run_style in titles.values():
        assert _attr(paragraph_style, "val").startswith("Heading")
        assert _attr(run_style, "val") == "PositionTitle"
    assert size("PositionTitle") > max(size("Subheading"), size("Heading3"))


def test_markdown_becomes_runs_links_and_lists(handbook_dir, tmp_path):
    handbook_dir.edit("handbook.yml", "  This handbook describes the operations team:",
                      "  **Bold**, *italic*, `code` and [a link](https://example.com/x) and\n"
                      "  [a position](#role-ops-manager).\n\n"
                      "  3. third\n  4. fourth\n\n  - bullet\n    - nested\n\n"
                      "  This handbook describes the operations team:")
    built = _build(handbook_dir.root, tmp_path / "md.docx")
    body = built.xml().find("w:body", NS)
    runs = {"".join(r.itertext()): r for r in body.iter(f"{{{W}}}r")}
    assert runs["Bold"].find("w:rPr/w:b", NS) is not None
    assert runs["italic"].find("w:rPr/w:i", NS) is not None
    assert _attr(runs["code"].find("w:rPr/w:rStyle", NS), "val") == "HTMLCode"
    links = {"".join(h.itertext()): h for h in body.iter(f"{{{W}}}hyperlink")}
    rid = links["a link"].get(f"{{{NS['r']}}}id")
    assert built.word.part.rels[rid].target_ref == "https://example.com/x"
    assert _attr(links["a position"], "anchor") == "role_ops_manager"
    lists = {"".join(p.itertext()): p for p in body.iter(f"{{{W}}}p")
             if p.find("w:pPr/w:numPr", NS) is not None}
    assert _attr(lists["third"].find("w:pPr/w:pStyle", NS), "val") == "ListNumber"
    assert _attr(lists["nested"].find("w:pPr/w:numPr/w:ilvl", NS), "val") == "1"
    num_id = _attr(lists["third"].find("w:pPr/w:numPr/w:numId", NS), "val")
    numbering = built.xml("word/numbering.xml")
    start = numbering.find(f"w:num[@w:numId='{num_id}']/w:lvlOverride/w:startOverride", NS)
    assert _attr(start, "val") == "3"


def test_cjk_soft_line_breaks_join_without_a_space(built):
    body = built["ecommerce-ops"].xml().find("w:body", NS)
    text = "".join(body.itertext())
    assert "物流部，并给出" in text  # the revision's source breaks the line after "物流部，"
    assert "履约交付。中心下设" in text
    english = "".join(built["acme-en"].xml().find("w:body", NS).itertext())
    assert "through Amazon" in english  # a line break between words stays a space


def test_bookmark_names_are_valid_word_names():
    assert docx_xml.bookmark_name("role-ops-manager") == "role_ops_manager"
    long = docx_xml.bookmark_name("role-" + "a-very-long-position-id" * 3)
    assert len(long) <= 40 and re.fullmatch(r"[A-Za-z][0-9A-Za-z_]*", long)
    assert long != docx_xml.bookmark_name("role-" + "a-very-long-position-id" * 4)
    assert docx_xml.bookmark_name("9-lives").startswith("b_")


# --- East Asian text ---------------------------------------------------------------------------


def test_east_asian_language_and_fonts_in_defaults_and_styles(each):
    """Chinese books name their region's CJK face and language everywhere; an English book
    names neither (no zh-CN, no CJK face: its East Asian font is its body font)."""
    lang = each.document.lang
    east_asian = {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}.get(lang)
    face = f"Noto Sans CJK {CJK_REGION[lang]}" if east_asian else "Noto Sans"
    styles = each.xml("word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    language = defaults.find("w:lang", NS)
    assert _attr(language, "eastAsia") == east_asian
    tag = each.document.language_tag  # acme-en is British English
    assert _attr(language, "val") == {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}.get(tag, tag)
    assert _attr(defaults.find("w:rFonts", NS), "eastAsia") == face
    fonts = list(styles.iter(f"{{{W}}}rFonts"))
    assert len(fonts) > 10
    for element in fonts:
        assert _attr(element, "eastAsia") == face
        assert _attr(element, "eastAsiaTheme") is None
    settings = each.xml("word/settings.xml")
    assert _attr(settings.find("w:themeFontLang", NS), "eastAsia") == east_asian
    for part in ("word/styles.xml", "word/theme/theme1.xml", "word/fontTable.xml",
                 "word/settings.xml", "word/document.xml"):
        with zipfile.ZipFile(each.path) as archive:
            xml = archive.read(part)
        assert b" JP" not in xml and b"ja-JP" not in xml
        if east_asian is None:
            assert b"zh-CN" not in xml and b"CJK" not in xml, part


# --- pictures, properties, reproducibility ------------------------------------------------------


def test_logo_on_the_cover_as_png_with_svg(built):
    ecommerce = built["ecommerce-ops"]
    body = ecommerce.xml().find("w:body", NS)
    blip = body.find(".//a:blip", NS)
    assert blip is not None and blip.find(".//asvg:svgBlip", NS) is not None
    media = [n for n in ecommerce.names() if n.startswith("word/media/")]
    assert any(n.endswith(".png") for n in media) and any(n.endswith(".svg") for n in media)


def test_chart_pages_as_pictures_in_landscape_sections(handbook_dir, tmp_path, monkeypatch):
    """Whatever the engine plans: one picture per page, PNG at 200 dpi and SVG, fitted."""
    from PIL import Image

    @dataclass
    class Page:
        kind: str
        department: str | None
        landscape: bool
        size: tuple[int, int]
        caption: str = "caption"
        alt: str = ""

    def to_svg(page, lang=None, **drawing):
        width, height = page.size
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" '
                f'height="{height}pt" viewBox="0 0 {width} {height}">'
                f'<rect x="10" y="10" width="{width - 20}" height="{height - 20}"/></svg>')

    monkeypatch.setattr(orgchart, "to_svg", to_svg, raising=False)
    handbook, _ = load_handbook(handbook_dir.root)
    document = resolve(handbook, chart_pages=False)
    document.charts = [Page("overview", None, True, (1400, 500)),
                       Page("department", "service", False, (300, 200),
                            document.labels.fmt("org_department_chart",
                                                name="Customer Service"))]
    target = tmp_path / "charts.docx"
    write_docx(document, target)
    result = Built(document, target)
    body = result.xml().find("w:body", NS)
    inlines = list(body.iter(f"{{{NS['wp']}}}inline"))
    assert len(inlines) == 2
    for inline in inlines:
        assert inline.find(".//asvg:svgBlip", NS) is not None
        assert inline.find("wp:docPr", NS).get("descr")
    landscape_width = (297 - 18 - 18) * MM * docx_xml.EMU_PER_PT
    first = int(inlines[0].find("wp:extent", NS).get("cx"))
    assert landscape_width * 0.9 < first <= landscape_width  # shrunk to the page
    natural = int(inlines[1].find("wp:extent", NS).get("cx")) / docx_xml.EMU_PER_PT
    assert natural == pytest.approx(300, abs=0.5)  # a small chart keeps its size
    orientations = [s.find("w:pgSz", NS).get(f"{{{W}}}orient")
                    for s in body.iter(f"{{{W}}}sectPr")]
    assert orientations[:3] == [None, "landscape", None]
    caption = document.labels.fmt("org_department_chart", name="Customer Service")
    assert caption in _texts(body, ".//w:p")
    pngs = [n for n in result.names() if n.startswith("word/media/") and n.endswith(".png")]
    with zipfile.ZipFile(target) as package:
        sizes = [Image.open(io.BytesIO(package.read(n))) for n in pngs]
    expected = [(300, 200), (1400, 500)]  # points, at 200 dpi
    for image, (width, height) in zip(sorted(sizes, key=lambda i: i.width), expected, strict=True):
        assert image.size == pytest.approx((width * 200 / 72, height * 200 / 72), abs=1)
    assert all(image.info["dpi"][0] == pytest.approx(200, abs=0.01) for image in sizes)


@pytest.mark.skipif(not CHARTS, reason="the org-chart engine is not there yet")
def test_real_org_chart_pages(built):
    ecommerce = built["ecommerce-ops"]
    body = ecommerce.xml().find("w:body", NS)
    pictures = [i for i in body.iter(f"{{{NS['wp']}}}inline")
                if i.find("wp:docPr", NS).get("name").startswith("orgchart")]
    assert len(pictures) == len(ecommerce.document.charts) > 0


def test_core_properties(each):
    core = each.word.core_properties
    document = each.document
    assert core.title == document.title
    assert core.author == document.organization
    tag = document.language_tag
    assert core.language == {"zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}.get(tag, tag)
    assert document.name != "acme-en" or tag == "en-GB"
    assert core.created.isoformat().startswith("2026-01-01T00:00:00")
    assert core.modified == core.created


def test_identical_input_gives_identical_bytes(built, tmp_path):
    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    again = _build(example, tmp_path / "again.docx")
    assert again.path.read_bytes() == built["ecommerce-ops"].path.read_bytes()
    with zipfile.ZipFile(again.path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert archive.namelist()[:2] == ["[Content_Types].xml", "_rels/.rels"]


def test_shipped_reference_docx_is_the_script_output():
    shipped = ROOT / "templates" / "reference.docx"
    assert shipped.read_bytes() == reference_docx_bytes(), (
        "run: python -m handbook.write.docx.reference templates/reference.docx")
    names = {s.name for s in docx.Document(str(shipped)).styles}
    assert {"Title", "Subtitle", "Heading 1", "Heading 3", "List Number", "List Bullet",
            "Caption", "TOC Heading", "Table Grid", "Handbook Table"} <= names


def test_a_brand_reference_docx_keeps_its_styles_and_gains_ours(tmp_path):
    handbook, _ = load_handbook(FIXTURES / "minimal")
    document = resolve(handbook, lang="zh-Hant", chart_pages=False)
    reference = tmp_path / "brand.docx"
    brand = docx.Document()
    brand.styles["Heading 1"].font.name = "Brand Serif"
    brand.save(str(reference))
    document.style = document.style.with_(reference_docx=reference)
    target = tmp_path / "branded.docx"
    write_docx(document, target)
    styles = Built(document, target).xml("word/styles.xml")
    ids = {_attr(s, "styleId") for s in styles.iterfind("w:style", NS)}
    assert {"Subheading", "TableText", "HandbookTable", "TOC1"} <= ids
    heading = styles.find("w:style[@w:styleId='Heading1']/w:rPr/w:rFonts", NS)
    assert _attr(heading, "ascii") == "Brand Serif"
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert _attr(defaults.find("w:rFonts", NS), "eastAsia") == "Noto Sans CJK TC"
    assert _attr(defaults.find("w:lang", NS), "eastAsia") == "zh-TW"


def test_hong_kong_output_names_hong_kong_faces_and_language(tmp_path):
    handbook, _ = load_handbook(FIXTURES / "minimal")
    document = resolve(handbook, lang="zh-HK", chart_pages=False)
    target = tmp_path / "hk.docx"
    write_docx(document, target)
    defaults = Built(document, target).xml("word/styles.xml").find(
        "w:docDefaults/w:rPrDefault/w:rPr", NS)
    assert _attr(defaults.find("w:rFonts", NS), "eastAsia") == "Noto Sans CJK HK"
    assert _attr(defaults.find("w:lang", NS), "eastAsia") == "zh-HK"


# --- LibreOffice -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pdfs(built, tmp_path_factory) -> dict[str, Path]:
    """Every example (and a Japanese-font control) converted in one LibreOffice run."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path_factory.mktemp("pdf")
    control = out / "jp-control.docx"
    word = docx.Document()
    run = word.add_paragraph("直骨说明书岗位职责这是").runs[0]
    run._r.get_or_add_rPr().get_or_add_rFonts().set(f"{{{W}}}eastAsia", "Noto Sans CJK JP")
    word.save(str(control))
    sources = [str(b.path) for b in built.values()] + [str(control)]
    profile = (out / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(out), *sources], check=True, capture_output=True,
                   timeout=600, env={**os.environ, "HOME": str(out)})
    return {Path(source).stem: out / f"{Path(source).stem}.pdf" for source in sources}


@functools.cache
def _cjk_faces(weight: str) -> dict[str, dict[int, int | str]]:
    """Each regional face of the installed Noto Sans CJK collection: its cmap."""
    from fontTools.ttLib import TTCollection

    path = subprocess.run(["fc-match", "-f", "%{file}", f"Noto Sans CJK SC:style={weight}"],
                          capture_output=True, text=True, check=True).stdout
    faces = {}
    for font in TTCollection(path).fonts:
        match = re.fullmatch(r"Noto Sans CJK (SC|TC|JP|KR|HK)", font["name"].getDebugName(1))
        if match:
            faces[match.group(1)] = {char: _cid(glyph)
                                     for char, glyph in font.getBestCmap().items()}
    return faces


def _cid(glyph: str) -> int | str:
    """``cid01234`` (fontTools) and ``cid1234`` (LibreOffice) are the same glyph."""
    return int(glyph[3:]) if re.fullmatch(r"cid\d+", glyph) else glyph


def _glyph_regions(pdf: Path) -> Counter:
    """Which regional forms the PDF's CJK glyphs are.

    The collection's faces share one CFF table named ``NotoSansCJKjp`` (so ``pdffonts``
    says "jp" for every region); the glyph each character maps to is what tells SC, TC and
    JP forms apart: LibreOffice's embedded Type 1 subsets name their glyphs ``cidNNNNN``.
    """
    from pypdf import PdfReader

    used = set()
    for page in PdfReader(pdf).pages:
        for ref in page.get("/Resources", {}).get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None or "/ToUnicode" not in font:
                continue
            program = descriptor.get_object().get("/FontFile")
            if program is None:
                continue
            head = program.get_object().get_data()[:40000].decode("latin-1")
            if not re.search(r"/FontName /NotoSans(Mono)?CJK", head):
                continue
            weight = "Bold" if "-Bold" in str(font.get("/BaseFont")) else "Regular"
            names = {int(code): name for code, name in re.findall(r"dup (\d+) /(\S+) put",
                                                                   head)}
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for code, text in re.findall(r"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]{4,8})>", cmap):
                char = bytes.fromhex(text).decode("utf-16-be", "replace")
                if len(char) == 1 and int(code, 16) in names:
                    used.add((weight, char, _cid(names[int(code, 16)])))
    regions = Counter()
    for weight, char, glyph in used:
        forms = {region: cmap.get(ord(char)) for region, cmap in _cjk_faces(weight).items()}
        if len(set(forms.values())) > 1:  # a character whose form differs by region
            regions[frozenset(r for r, g in forms.items() if g == glyph)] += 1
    return regions


@needs_libreoffice
def test_libreoffice_shows_every_position(built, pdfs):
    for name, result in built.items():
        text = subprocess.run(["pdftotext", "-layout", str(pdfs[name]), "-"],
                              capture_output=True, text=True, check=True).stdout
        squeezed = re.sub(r"\s+", "", text)
        for role in result.document.roles:
            assert re.sub(r"\s+", "", role.ref.title) in squeezed, (name, role.ref.title)


@needs_libreoffice
def test_libreoffice_no_page_holds_only_the_end_of_a_position(built, pdfs):
    for name, result in built.items():
        assert thin_pages(pdfs[name], result.document) == [], name


@needs_libreoffice
def test_libreoffice_headers_name_the_continued_position(built, pdfs):
    for name, result in built.items():
        document = result.document
        suffix = document.labels.fmt("continued", text="")
        headers = [lines[0] for lines in page_lines(pdfs[name]) if lines]
        continued = [header for header in headers if header.endswith(suffix)]
        assert continued, name
        names = {role.continued for role in document.roles}
        assert all(any(header.endswith(text) for text in names) for header in continued)


@needs_libreoffice
def test_libreoffice_uses_regional_cjk_glyphs_never_japanese(built, pdfs):
    control = _glyph_regions(pdfs["jp-control"])
    assert any("SC" not in forms and "JP" in forms for forms in control)  # the check works
    for name, result in built.items():
        region = CJK_REGION[result.document.lang]
        fonts = subprocess.run(["pdffonts", str(pdfs[name])], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]
        families = {line.split()[0].split("+")[-1] for line in fonts}
        assert all(f.startswith(("NotoSans", "DejaVuSans")) for f in families), families
        forms = _glyph_regions(pdfs[name])
        if result.document.lang == "en" and not forms:
            continue  # no Chinese characters in this handbook
        assert forms, f"{name}: no CJK glyphs found to check"
        wrong = {tuple(sorted(f)): n for f, n in forms.items() if region not in f}
        assert not wrong, f"{name}: glyphs not in {region} form: {wrong}"
        assert any("JP" not in f for f in forms)  # regional forms were really used


@needs_libreoffice
def test_page_numbers_from_a_libreoffice_pass(tmp_path):
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    document = _document(example)
    target = tmp_path / "pages.docx"
    write_docx(document, target, root=example, page_numbers=True)
    body = Built(document, target).xml().find("w:body", NS)
    pages = {}
    for instr in body.iter(f"{{{W}}}instrText"):
        words = (instr.text or "").split()
        if words[:1] == ["PAGEREF"]:
            result = instr.getparent().getnext().getnext()
            pages.setdefault(words[1], "".join(result.itertext()))
    toc = [docx_xml.bookmark_name(e.anchor) for e in document.toc]
    numbers = [int(pages[b]) for b in toc]
    assert numbers == sorted(numbers) and numbers[0] >= 2


def test_the_word_check_of_every_test_docx_can_fail(handbook_dir, tmp_path):
    """conftest checks each DOCX the tests write with openxml-audit; an attribute value Word
    refuses is one error there, so a writer that emits one fails the session."""
    from openxml_audit import OpenXmlValidator

    handbook, _ = load_handbook(handbook_dir.root)
    good = tmp_path / "good.docx"
    write_docx(resolve(handbook), good)
    assert not OpenXmlValidator().validate(str(good)).errors
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = data.replace(b"<w:body>", b'<w:body><w:p><w:pPr><w:jc w:val="sideways"/>'
                                    b"</w:pPr></w:p>", 1)
            target.writestr(name, data)
    errors = OpenXmlValidator().validate(str(bad)).errors
    assert [error.node for error in errors] == ["val"]
    bad.unlink()  # the session check would rightly refuse it


_TOC_LINE = re.compile(r"^\s*(?P<text>\S.*?)\s*\.{4,}\s*(?P<page>\d+)\s*$")


def _outline_pages(pdf: Path) -> list[tuple[str, int]]:
    """(title, 1-based page) of every outline item LibreOffice made from a heading."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append((item.title.strip(), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return found


@needs_libreoffice
def test_handbook_build_writes_toc_page_numbers_that_libreoffice_shows(tmp_path):
    """``handbook build`` as a user runs it; LibreOffice then prints the DOCX, and at least
    95 % of the printed contents' lines give the page their heading is printed on (the
    headings' pages come from the PDF's outline, which LibreOffice makes from the headings)."""
    from handbook.build import BuildRequest, build

    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    result = build(BuildRequest(example, ("docx",), tmp_path / "out"))
    (docx_path,) = result.written
    settings = zipfile.ZipFile(docx_path).read("word/settings.xml").decode()
    assert "updateFields" not in settings  # numbers written: nothing for Word to ask
    profile = (tmp_path / "profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(docx_path)], check=True,
                   capture_output=True, timeout=600, env={**os.environ, "HOME": str(tmp_path)})
    pdf = tmp_path / f"{docx_path.stem}.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    contents = _document(example).labels["contents"]
    pages = text.split("\f")
    first = next(index for index, page in enumerate(pages) if contents in page)
    printed = []
    for page in pages[first:]:  # the contents' pages: up to the first without a TOC line
        lines = [(m["text"], int(m["page"])) for m in map(_TOC_LINE.match, page.splitlines())
                 if m]
        if not lines:
            break
        printed += lines
    toc = _document(example).toc
    assert len(printed) == len(toc)
    headings = iter(_outline_pages(pdf))
    right = 0
    for (line, number), entry in zip(printed, toc, strict=True):
        assert re.sub(r"\s+", "", line) == re.sub(r"\s+", "", entry.text)
        page = next(page for title, page in headings if title == entry.text)
        right += page == number
    assert right >= 0.95 * len(toc), f"{right} of {len(toc)} TOC page numbers are right"


def test_without_libreoffice_word_is_asked_to_update_fields(tmp_path, monkeypatch):
    from handbook.build import BuildRequest, build
    from handbook.write.docx import pages

    monkeypatch.setattr(pages, "find_soffice", lambda: None)
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    result = build(BuildRequest(example, ("docx",), tmp_path / "out"))
    (docx_path,) = result.written
    settings = etree.fromstring(zipfile.ZipFile(docx_path).read("word/settings.xml"))
    assert _attr(settings.find("w:updateFields", NS), "val") == "true"
    assert any("LibreOffice" in notice for notice in result.notices)
    assert "updateFields" not in zipfile.ZipFile(
        _build(example, tmp_path / "plain.docx").path).read("word/settings.xml").decode()


def test_the_intro_heading_is_there_once(built):
    ecommerce = built["ecommerce-ops"]
    body = ecommerce.xml().find("w:body", NS)
    title = ecommerce.document.labels["introduction"]
    headings = [p for p in body.iter(f"{{{W}}}p")
                if (style := p.find("w:pPr/w:pStyle", NS)) is not None
                and _attr(style, "val").startswith("Heading")
                and "".join(p.itertext()).strip() == title]
    assert len(headings) == 1
