"""Tagged and archival PDFs (issue 16), printed in parallel parts as a big handbook is.

Each PDF is read back with pikepdf and held to the checks veraPDF would make (pdfcheck):
one structure tree that reaches every element, the ParentTree against the pages' marked
content and the link annotations, artifacts for everything else, headings in order, tables
with header cells, figures with text alternatives, XMP identification, the sRGB output
intent, fonts embedded. The parallel join's tree is compared with the single pass's on the
same HTML, and the tagged pages with the untagged ones.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from lxml import html as lxml_html

from handbook.cli import main
from handbook.jobdesc import job_description
from handbook.pdfvariants import PDF_VARIANTS
from handbook.write.html import render_html
from handbook.write.pdf import printer as pdf_module
from handbook.write.pdf import write_pdf

from . import pdfcheck
from .conftest import ROOT
from .test_pdf import EPOCH, document_for

CONTENT = ROOT / "content"
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftoppm) is not installed")


class Printer:
    """Prints a handbook (or one position's job description) once per way of printing."""

    def __init__(self, out: Path) -> None:
        self.out, self.printed = out, {}

    def __call__(self, name: str, variant: str | None, *, single: bool = False,
                 role: str | None = None) -> Path:
        key = (name, variant, single, role)
        if key not in self.printed:
            self.printed[key] = self._print(*key)
        return self.printed[key]

    def _print(self, name, variant, single, role) -> Path:
        directory = CONTENT / name
        target = self.out / f"{name}-{role}-{str(variant).replace('/', '')}-{single}.pdf"
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
            document = document_for(directory)
            if role is not None:
                document = job_description(document, role)
            html = render_html(document, root=directory)
            if not single and role is None:
                def refuse(job):
                    raise AssertionError("the parallel path printed the page in one pass")

                patch.setattr(pdf_module, "print_page", refuse)
            single_pass = True if single else (None if role else False)
            write_pdf(document, html, target, root=directory, single_pass=single_pass, jobs=2,
                      variant=variant)
        return target


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Printer:
    return Printer(tmp_path_factory.mktemp("tagged"))


def _accessible(pdf: pikepdf.Pdf) -> list[str]:
    return (pdfcheck.structure_problems(pdf) + pdfcheck.heading_problems(pdf)
            + pdfcheck.table_problems(pdf) + pdfcheck.font_problems(pdf)
            + [f"a Figure without /Alt ({index})"
               for index, alt in enumerate(pdfcheck.figures(pdf)) if not alt.strip()])


# --- tagged: PDF/UA-1 and PDF/A-2a -------------------------------------------------------

@pytest.mark.parametrize(("name", "variant", "lang"), [
    ("acme-en", "pdf/ua-1", "en-GB"),
    ("acme-en", "pdf/a-2a", "en-GB"),
    ("startup-team", "pdf/ua-1", "zh-Hant"),
    ("ecommerce-ops", "pdf/ua-1", "zh-Hans"),
])
def test_parallel_tagged_pdf_passes_the_checks(printed, name, variant, lang):
    with pikepdf.open(printed(name, variant)) as pdf:
        assert _accessible(pdf) == []
        assert str(pdf.Root.Lang) == lang
        assert str(pdf.Root.StructTreeRoot.K[0].S) == "/Document"
        types = pdfcheck.element_types(pdf)
        assert {"H1", "H2", "Table", "TH", "TD", "L", "LI", "Link", "Figure"} <= set(types)
        assert all(page.obj.get("/Tabs") == pikepdf.Name.S for page in pdf.pages)
        ids = pdfcheck.xmp_ids(pdf)
        if variant == "pdf/ua-1":
            assert ids["pdfuaid:part"] == "1"
        else:
            assert (ids["pdfaid:part"], ids["pdfaid:conformance"]) == ("2", "A")
            assert pdfcheck.output_intent_problems(pdf) == []
            assert pdfcheck.archival_problems(pdf, 2) == []


def test_running_headers_are_artifacts_over_the_tagged_pages(printed):
    """Every page but the cover has its running footer drawn after its own content, inside
    /Artifact BMC … EMC, and no marked-content id of its own."""
    with pikepdf.open(printed("acme-en", "pdf/ua-1")) as pdf:
        for page in list(pdf.pages)[1:]:
            content = page.obj.Contents.read_bytes()
            start = content.rindex(b"/Artifact BMC")
            assert b"/MCID" not in content[start:] and content.rstrip().endswith(b"EMC")


def test_links_survive_the_join(printed):
    """Every link annotation is reached from its Link element (OBJR), and the count is the
    single pass's."""
    with pikepdf.open(printed("acme-en", "pdf/ua-1")) as pdf, \
            pikepdf.open(printed("acme-en", "pdf/ua-1", single=True)) as single:
        tree = pdfcheck.walk(pdf)
        links = [a for page in pdf.pages for a in page.obj.get("/Annots", [])
                 if a.get("/Subtype") == pikepdf.Name.Link]
        assert len(links) > 20
        assert all(str(tree.objects[a.objgen].S) == "/Link" for a in links)
        assert len(links) == sum(1 for page in single.pages for a in page.obj.get("/Annots", [])
                                 if a.get("/Subtype") == pikepdf.Name.Link)


def test_parallel_join_has_the_single_pass_structure(printed):
    """Same element types in the same order, the same alt texts, the same heading levels."""
    with pikepdf.open(printed("acme-en", "pdf/ua-1")) as parallel, \
            pikepdf.open(printed("acme-en", "pdf/ua-1", single=True)) as single:
        assert pdfcheck.structure_problems(single) == []
        assert pdfcheck.element_types(parallel) == pdfcheck.element_types(single)
        assert pdfcheck.figures(parallel) == pdfcheck.figures(single)
        assert pdfcheck.languages(parallel) == pdfcheck.languages(single)
        assert len(parallel.pages) == len(single.pages)


@pytest.mark.parametrize("name", ["startup-team", "ecommerce-ops"])
def test_text_in_another_language_keeps_its_lang(printed, name):
    """The HTML's language marks (English product names on a Chinese page) reach the PDF as
    /Lang on their Span elements, at least one element per mark (a mark broken over two lines
    is two boxes), none lost in the join; the rest of the text speaks the document's /Lang."""
    directory = CONTENT / name
    page = lxml_html.fromstring(render_html(document_for(directory), root=directory))
    marks = [element.get("lang") for element in page.xpath("//body//span[@lang]")]
    with pikepdf.open(printed(name, "pdf/ua-1")) as pdf:
        found = pdfcheck.languages(pdf)
        document_lang = str(pdf.Root.Lang)
    spans = [lang for kind, lang in found if kind == "Span"]
    assert marks and set(spans) == set(marks) and len(spans) >= len(marks)
    assert all(lang == document_lang for kind, lang in found if kind != "Span")


@needs_poppler
def test_tagged_pages_look_like_the_untagged_ones(printed, tmp_path):
    """Tags and artifacts change no pixel: each page rendered the same as without them."""
    images = []
    for variant in ("pdf/ua-1", None):
        prefix = tmp_path / str(variant).replace("/", "")
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(printed("acme-en", variant)),
                        str(prefix)], check=True)
        images.append(sorted(tmp_path.glob(f"{prefix.name}-*.png")))
    tagged, untagged = images
    assert len(tagged) == len(untagged) > 10
    assert [p.read_bytes() for p in tagged] == [p.read_bytes() for p in untagged]


# --- archival: PDF/A-2u, PDF/A-3u, PDF/A-1b ---------------------------------------------

@pytest.mark.parametrize(("name", "variant", "part", "level"), [
    ("startup-team", "pdf/a-2u", "2", "U"), ("startup-team", "pdf/a-3u", "3", "U"),
    ("startup-team", "pdf/a-1b", "1", "B"), ("ecommerce-ops", "pdf/a-2u", "2", "U"),
    ("acme-en", "pdf/a-2u", "2", "U")])
def test_parallel_archival_pdf(printed, name, variant, part, level):
    """The XMP id, the sRGB intent, every font embedded (a PDF/A-1 CIDSet listing every
    glyph of the font the join unified across parts), nothing PDF/A forbids."""
    with pikepdf.open(printed(name, variant)) as pdf:
        ids = pdfcheck.xmp_ids(pdf)
        assert (ids["pdfaid:part"], ids["pdfaid:conformance"]) == (part, level)
        assert pdfcheck.output_intent_problems(pdf) == []
        assert pdfcheck.font_problems(pdf) == []
        assert pdfcheck.archival_problems(pdf, int(part)) == []
        assert "/StructTreeRoot" not in pdf.Root
        if part == "1":
            assert any("/CIDSet" in font.DescendantFonts[0].FontDescriptor
                       for font in pdfcheck._fonts(pdf) if "/DescendantFonts" in font)


# --- a job description --------------------------------------------------------------------

@pytest.mark.parametrize("variant", ["pdf/ua-1", "pdf/a-2u"])
def test_job_description_variants(printed, variant):
    with pikepdf.open(printed("acme-en", variant, role="marketing-lead")) as pdf:
        ids = pdfcheck.xmp_ids(pdf)
        if variant == "pdf/ua-1":
            assert _accessible(pdf) == []
            assert ids["pdfuaid:part"] == "1"
        else:
            assert ids["pdfaid:part"] == "2"
            assert pdfcheck.output_intent_problems(pdf) == []
            assert pdfcheck.font_problems(pdf) == []


# --- charts ---------------------------------------------------------------------------------

def test_chart_figures_say_who_reports_to_whom(printed):
    """The PDF's /Alt is the HTML's aria-label: the positions and the reporting lines."""
    document = document_for(CONTENT / "acme-en")
    page = lxml_html.fromstring(render_html(document, root=CONTENT / "acme-en"))
    labels = [e.get("aria-label") for e in page.find_class("chart-svg")]
    assert labels == [chart.alt for chart in document.charts]
    assert all("reports to" in label for label in labels)
    with pikepdf.open(printed("acme-en", "pdf/ua-1")) as pdf:
        alts = pdfcheck.figures(pdf)
    assert all(label in alts for label in labels)


def test_long_chart_lists_its_reporting_lines_in_the_tags(printed):
    """A long chart (ecommerce-ops's overview of twelve departments) is followed by a nested
    list of its reporting lines that no page shows but the structure tree holds."""
    document = document_for(CONTENT / "ecommerce-ops")
    page = lxml_html.fromstring(render_html(document, root=CONTENT / "ecommerce-ops"))
    lists = page.find_class("chart-lines")
    long_charts = [chart for chart in document.charts if chart.reporting]
    assert long_charts and len(lists) == len(long_charts) < len(document.charts)
    (top, children), = long_charts[0].reporting
    nested = lists[0].xpath("./ul/li")
    assert [li.text for li in nested] == [top]
    assert [li.text for li in nested[0].xpath("./ul/li")] == [title for title, _ in children]
    with pikepdf.open(printed("ecommerce-ops", "pdf/ua-1")) as pdf:
        elements = pdfcheck.walk(pdf).elements
    figure = next(index for index, element in enumerate(elements)
                  if str(element.get("/Alt", "")) == long_charts[0].alt)
    after = [str(element.S)[1:]
             for element in elements[figure + 1:figure + 10 + 6 * (len(children) + 1)]]
    assert "L" in after[:8] and after.count("LI") >= len(children) + 1


# --- choosing the variant -------------------------------------------------------------------

def test_variants_are_weasyprints():
    from weasyprint.pdf import VARIANTS

    assert set(PDF_VARIANTS) == set(VARIANTS) - {"debug"}


def test_unknown_variant_is_a_usage_error(tmp_path, capsys):
    assert main(["build", str(CONTENT / "acme-en"), "-o", str(tmp_path / "out"),
                 "--pdf-variant", "pdf/ua-3"]) == 2
    error = capsys.readouterr().err
    assert "pdf/ua-3" in error and "pdf/ua-1" in error and "pdf/a-2u" in error
    assert not (tmp_path / "out").exists()


def test_handbook_variant_error_has_its_place(handbook_dir, capsys):
    handbook_dir.edit("handbook.yml", "organization:", "pdf_variant: pdf/ua-9\norganization:")
    assert main(["check", str(handbook_dir.root)]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if "pdf/ua-9" in line)
    assert line.startswith("hb/handbook.yml:7:14: error: PDF variant")  # cwd-relative
    assert "pdf/ua-1" in line


def test_default_variant_from_handbook_then_brand_and_cli_wins(handbook_dir, tmp_path):
    from handbook.build import BuildRequest, _pdf_variant, build_document

    handbook_dir.edit("handbook.yml", "organization:", "pdf_variant: PDF/A-2u\norganization:")
    document, _ = build_document(BuildRequest(handbook_dir.root))
    assert _pdf_variant(BuildRequest(handbook_dir.root), document) == "pdf/a-2u"
    assert _pdf_variant(BuildRequest(handbook_dir.root, pdf_variant="pdf/ua-1"),
                        document) == "pdf/ua-1"
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "_brand.yml").write_text("defaults:\n  handbook:\n    pdf_variant: pdf/a-3a\n",
                                      encoding="utf-8")
    request = BuildRequest(handbook_dir.root, brand=brand)
    assert _pdf_variant(request, build_document(request)[0]) == "pdf/a-3a"


def test_brand_variant_error_has_its_place(handbook_dir, tmp_path, capsys):
    brand = tmp_path / "brand"
    brand.mkdir()
    (brand / "_brand.yml").write_text("defaults:\n  handbook:\n    pdf_variant: pdf/z\n",
                                      encoding="utf-8")
    assert main(["build", str(handbook_dir.root), "-o", str(tmp_path / "o"),
                 "--brand", str(brand), "-f", "html"]) == 1
    assert capsys.readouterr().err.startswith("brand/_brand.yml:3:18: error: PDF variant `pdf/z`")
