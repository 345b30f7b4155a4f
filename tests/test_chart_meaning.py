"""One meaning for every staffing figure, charts with a key, numbered captions and the job
description's chart of positions — read back from the PDF, the DOCX XML and the SVG."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from handbook import orgchart
from handbook.charts import finish_charts
from handbook.cli import main
from handbook.document import resolve
from handbook.jobdesc import job_description
from handbook.validate import load_handbook
from handbook.write.docx import write_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SVG = "{http://www.w3.org/2000/svg}"


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def _docx(path: Path) -> tuple[str, list[str]]:
    """The document's paragraph texts joined, and the SVG chart parts."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
        svgs = [archive.read(n).decode("utf-8") for n in archive.namelist()
                if n.endswith(".svg")]
    paragraphs = ["".join(p.itertext()) for p in root.iter(f"{{{W}}}p")]
    return "\n".join(paragraphs), svgs


def _count_in_svg(svg: str, role_id: str) -> str:
    root = etree.fromstring(svg.encode("utf-8"))
    box = root.find(f".//{SVG}g[@data-id='{role_id}']")
    return "".join(box.find(f"{SVG}text[@class='hb-count']").itertext())


@pytest.fixture(scope="module")
def minimal_out(tmp_path_factory) -> tuple[Path, Path]:
    from .conftest import FIXTURES

    out = tmp_path_factory.mktemp("meaning")
    assert main(["build", str(FIXTURES / "minimal"), "-o", str(out), "-q"]) == 0
    return FIXTURES / "minimal", out


def test_one_staffing_string_in_pdf_docx_and_chart(minimal_out):
    source, out = minimal_out
    document = resolve(load_handbook(source)[0])
    role = next(r for r in document.roles if r.ref.id == "ops-specialist")
    assert (role.filled, role.headcount) == (1, 2)
    assert role.seats == "1/2 (1 vacant)"
    pdf = _pdf_text(out / "minimal.pdf")
    docx_text, svgs = _docx(out / "minimal.docx")
    html = (out / "minimal.html").read_text(encoding="utf-8")
    for text in (pdf, docx_text, html.replace("<wbr>", "")):  # a line may break after "/"
        assert document.labels["seats_label"] in text
        assert role.seats in text
    chart_svg = re.search(r"<svg[^>]*hb-orgchart.*?</svg>", html, re.S)[0]
    for svg in [chart_svg, *svgs]:
        assert _count_in_svg(svg, "ops-specialist") == "1/2"  # the seats figure, unbadged


def test_the_chart_key_is_in_every_format(minimal_out):
    _, out = minimal_out
    words = ("Key", "filled/headcount", "vacant seats", "reports to", "dotted line")
    pdf = re.sub(r"\s+", " ", _pdf_text(out / "minimal.pdf"))
    _, svgs = _docx(out / "minimal.docx")
    html = (out / "minimal.html").read_text(encoding="utf-8")
    for word in words:
        assert word in pdf, word
        assert word in html, word
        assert any(f">{word}<" in svg for svg in svgs), word


def test_totals_say_whether_they_include_sub_departments(minimal_out):
    source, _ = minimal_out
    document = resolve(load_handbook(source)[0], chart_pages=False)
    operations = next(d for d in document.departments if d.id == "operations")
    service = next(d for d in document.departments if d.id == "service")
    labels = document.labels
    assert [t.label for t in operations.total_rows] == [labels["staffing_total_own"],
                                                       labels["staffing_total_all"]]
    own, everything = (t.counts for t in operations.total_rows)
    assert everything == tuple(a + b for a, b in zip(own, service.total_rows[0].counts,
                                                     strict=True))
    assert [t.label for t in service.total_rows] == [labels["staffing_total"]]


def test_docx_captions_keep_their_numbering(tmp_path):
    from .conftest import FIXTURES

    document = resolve(load_handbook(FIXTURES / "minimal")[0])
    page = document.charts[0]
    nodes = list(page.layout.nodes)
    parts = [replace(page, kind="department", department="operations", part=i, parts=2)
             for i in (1, 2)]
    document.charts = finish_charts(document, parts, nodes)
    target = tmp_path / "parts.docx"
    write_docx(document, target)
    text, _ = _docx(target)
    assert [p.caption for p in document.charts] == [
        "Figure 1. Operations: organization chart (1/2)",
        "Figure 2. Operations: organization chart (2/2)"]
    for caption in (p.caption for p in document.charts):
        assert caption in text.split("\n")


def _many_reports(handbook_dir) -> None:
    """Twelve direct reports for the operations manager (one already in the fixture)."""
    for n in range(1, 12):
        handbook_dir.write(f"roles/rep-{n:02}.yml",
                           f"title: Category Specialist {n}\ndepartment: operations\n"
                           "reports_to: ops-manager\nduties: [Keep the category stocked]\n")


def test_jd_chart_shows_a_manager_with_twelve_reports_as_positions(handbook_dir):
    _many_reports(handbook_dir)
    document = resolve(load_handbook(handbook_dir.root)[0])
    role = next(r for r in document.roles if r.ref.id == "ops-manager")
    reports = {ref.id for ref in role.direct_reports}
    assert len(reports) >= 12
    jd = job_description(document, "ops-manager")
    assert len(jd.charts) == 1
    layout = jd.charts[0].layout
    assert {b.kind for b in layout.boxes} == {"role"}
    assert {b.id for b in layout.boxes} >= reports | {"ops-manager"}
    assert {e.child for e in layout.edges if e.parent == "ops-manager"} >= reports
    # wrapped onto rows, and fitted on the JD's chart area
    assert len({round(b.y) for b in layout.boxes if b.id in reports}) > 1
    assert jd.charts[0].width <= document.style.chart_area()[0] + 0.01
    assert jd.charts[0].caption == document.labels["reporting_line"]


def test_jd_chart_draws_dotted_lines_into_the_position(handbook_dir):
    document = resolve(load_handbook(handbook_dir.root)[0])
    jd = job_description(document, "ops-specialist")
    layout = jd.charts[0].layout
    assert {b.id for b in layout.boxes} >= {"ops-manager", "ops-specialist", "service-agent"}
    assert ("service-agent", "ops-specialist") in {(d.source, d.target) for d in layout.dotted}
    top = {b.id: b.y for b in layout.boxes}  # a dotted report, not a second boss: below it
    assert top["ops-manager"] < top["ops-specialist"] < top["service-agent"]
    assert "service-agent" not in {e.child for e in layout.edges}  # and no solid line to it
    svg = orgchart.to_svg(jd.charts[0], labels=document.labels)
    assert 'data-source="service-agent" data-target="ops-specialist"' in svg
    assert ">dotted line<" in svg  # and the key says what the dashed line is
