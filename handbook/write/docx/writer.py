"""The Word writer: the resolved Document as a native, editable DOCX.

It walks the Document in print order — cover with document control, revision history,
table of contents, introduction, org chart, departments and their positions, appendix —
with one method per node kind (the tables come from ``tables``), on
``templates/reference.docx`` (or a brand's own ``reference_docx``), so every paragraph and
table carries a named Word style a user can restyle. Body XML is built by ``oxml``
straight on lxml; python-docx provides the package, parts, relationships and core
properties.

The table of contents is a real ``TOC`` field whose result is already filled in, so the file
is complete when it opens. ``page_numbers=True`` (``handbook build``'s default) also writes
its page numbers, from one LibreOffice pass, so Word and LibreOffice show them with no
prompt; without LibreOffice the file asks Word to update its fields on open instead (Word
asks the reader first; no setting avoids that prompt). See ``pages``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from concurrent.futures import Future
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from ...document import DepartmentSection, Document, RoleSection
from ...locales import office_tag
from ...style import MM
from . import oxml as x
from .drawing import LaterPart
from .images import Picture, chart_images, logo_image
from .markdown import MarkdownRenderer
from .redline import write_changes
from .reference import TINT
from .sections import Section, Sections
from .style import apply_style, numbering_root, open_reference, tint
from .tables import Tables

__all__ = ["DocxWriter", "write_docx"]


def write_docx(document: Document, target: Path, *, root: Path | None = None,
               page_numbers: bool = False) -> bool:
    """Write ``document`` to ``target``; ``root`` is the handbook directory (for the logo).

    ``page_numbers``: write the TOC's (and the index's) page numbers from a LibreOffice pass
    (seconds for a small handbook), or where that is impossible ask Word to update fields on
    open. Returns whether the numbers were written; a job description has none to write.
    """
    writer = DocxWriter(document, root=root)
    writer.build()
    writer.save(target)
    if not page_numbers or document.job_description is not None:
        return False
    from .pages import fill_page_numbers

    if fill_page_numbers(writer, target):
        return True
    x.update_fields_on_open(writer.word.settings.element)
    writer.save(target)
    return False


class DocxWriter:
    """Lays out one Document: ``build()``, then ``save(path)``."""

    def __init__(self, document: Document, *, root: Path | None = None) -> None:
        self.document = document
        self.labels = document.labels
        self.columns = document.columns
        self.style = document.style
        self.root = root
        self.word, self.own_reference = open_reference(self.style, root)
        self.part = self.word.part
        self.body = self.word.element.body
        for child in list(self.body):  # the reference's specimen text and section
            self.body.remove(child)
        self.replacements = apply_style(self.word, self.style, document.lang,
                                        self.own_reference, document.palette,
                                        document.language_tag)
        self.numbering = x.Numbering(numbering_root(self.word))
        self.markdown = MarkdownRenderer(self.numbering, self._external_link)
        self.sections = Sections(document, self.part, self.body)
        self.toc = {entry.anchor: entry for entry in document.toc}
        label_fill = tint(self.style.primary) if self.own_reference else TINT["primary"]
        self.tables = Tables(document, self.sections, self.markdown, self.numbering, label_fill)
        self._bookmark_id = 0
        self._shape_id = 0
        self._media_next: dict[str, int] = {}
        self._fresh_page = True

    # --- the document, in print order ----------------------------------------------------------

    def build(self) -> None:
        if self.document.job_description is not None:
            self.job_description(self.document.job_description)
            return
        self.cover()
        self.revisions()
        if self.document.changes is not None:
            write_changes(self)
        self.contents()
        self.intro()
        self.charts()
        for index, department in enumerate(self.document.departments):
            self.department(department, first=index == 0)
        self.appendix()
        self.sections.finish()
        self.properties()

    def save(self, target: Path) -> None:
        x.write_package(self.part.package, target, self.document.created, self.replacements)

    # --- node kinds ------------------------------------------------------------------------------

    def cover(self) -> None:
        document = self.document
        logo = logo_image(self.style.logo, self.root)
        if logo is not None:
            self._add(x.paragraph("Figure", [self._picture(logo, 60 * MM, 22 * MM, "logo",
                                                            document.organization)],
                                  align="left"))
        self._add(x.paragraph("Title", [x.run(document.title)], space_before=2000))
        if document.subtitle:
            self._add(x.text_paragraph("Subtitle", document.subtitle))
        self._add(x.paragraph("Organization", [x.run(document.organization)],
                              space_before=480, space_after=720))
        self._subheading("document_control")
        self._add(self.tables.control(document.control))

    def revisions(self) -> None:
        self._heading("revisions")
        self._add(self.tables.revisions(self.document.revisions))

    def contents(self) -> None:
        """The TOC field, its result already the table of contents (Word's own layout)."""
        self._add(x.paragraph("TOCHeading", [x.run(self.labels["contents"])],
                              page_break_before=not self._fresh_page))
        entries = [(e.level, x.bookmark_name(e.anchor), e.text) for e in self.document.toc]
        levels = min(max((level for level, _, _ in entries), default=1), 9)
        for p in x.toc_paragraphs(entries, levels, self.sections.text_width()):
            self._add(p)

    def intro(self) -> None:
        if self.document.intro is None:
            return
        self._heading("intro")
        self._add_all(self.tables.marked_blocks(self.document, "intro", self.document.intro))

    def charts(self) -> None:
        """One picture per chart page, each on its own page, landscape where planned."""
        pages = self.document.charts
        if not pages:
            return
        pictures = chart_images(self.document)
        for index, (page, picture) in enumerate(zip(pages, pictures, strict=True)):
            landscape = bool(getattr(page, "landscape", False))
            if landscape != self.sections.current.landscape:
                self._start_section(Section(self.sections.current.header, landscape))
            below_chart = index > 0 and not self._fresh_page
            new_page = below_chart and not self.document.shares_page(index)
            if index == 0:
                self._heading("org-chart")
            width, height = self._chart_box(landscape, below_heading=index == 0)
            # The caption sits on its own chart, well apart from a chart above it, and starts
            # the page itself: an empty break paragraph would push a page-tall chart onward.
            self._add(x.paragraph("Caption", [x.run(picture.caption)], keep_next=True,
                                  page_break_before=new_page, space_after=60,
                                  space_before=480 if below_chart and not new_page else 0))
            figure = x.paragraph("Figure", [self._picture(picture, width, height, "orgchart",
                                                          picture.description)])
            _keep_apart(figure)
            self._add(figure)
        # back to portrait with the first department's section, never an empty one

    def _reporting_chart(self) -> None:
        picture = next(iter(chart_images(self.document)))
        self._add(x.paragraph("Subheading", [x.run(self.labels["reporting_line"])],
                              keep_next=True))
        width, _ = self._chart_box(False, below_heading=False)
        self._add(x.paragraph("Figure", [self._picture(picture, width, 62 * MM, "orgchart",
                                                        picture.description)]))

    def _chart_box(self, landscape: bool, *, below_heading: bool) -> tuple[float, float]:
        """Points a chart may take on its page: the text area less its caption (and the
        part heading on the first chart page), with a little room to spare."""
        width, height = self.style.page_mm(landscape)
        top, right, bottom, left = self.style.margins_mm
        reserved = 12 + (16 if below_heading else 0) + 3
        return (width - left - right) * MM, (height - top - bottom - reserved) * MM

    def department(self, department: DepartmentSection, *, first: bool) -> None:
        """The department's opener, then each position in a section of its own; the first
        follows a short opener on its page (in the opener's section)."""
        labels = self.labels
        header = self.toc[department.anchor].text
        follows = department.first_role_follows
        self._start_section(Section(header, continued=department.roles[0].continued
                                    if follows else None))
        if first:
            self._heading("departments")
        self._heading(department.anchor, runs=self._department_name(department))
        if department.head is not None:
            label = labels["department_head"] + labels["colon"]
            self._add(x.paragraph("Normal", [x.run(label, bold=True), *self.tables.marked(
                department, "head", [self.tables.role_link(department.head)])]))
        if department.function is not None:
            self._subheading("department_function")
            self._add_all(self.tables.marked_blocks(department, "function", department.function))
        self._subheading("staffing")
        self._add(self.tables.staffing(department))
        for index, role in enumerate(department.roles):
            if index or not follows:
                self._start_section(Section(header, continued=role.continued))
            self.role(role)

    def role(self, role: RoleSection) -> None:
        self._heading(role.anchor, style="PositionTitle",
                      runs=self.tables.title(role, "PositionTitle"))
        self._add(self.tables.role_header(role))
        if self.document.job_description is not None and self.document.charts:
            self._reporting_chart()
        if role.summary is not None:
            self._subheading("role_summary")
            self._add_all(self.tables.marked_blocks(role, "summary", role.summary))
        self._subheading("duties")
        self._add(self.tables.duties(role))
        if role.requirements:
            self._subheading("requirements")
            self._add(self.tables.requirements(role))
        if role.kpis:
            self._subheading("kpis")
            self._add(self.tables.kpis(role))
        if role.competencies:
            self._closing_subheading("competencies")
            competencies = self.tables.competencies(role)
            x.keep(competencies, with_next=False, lines=True)
            self._add(competencies)
        if role.working_conditions is not None:
            self._closing_subheading("working_conditions")
            blocks = self.tables.marked_blocks(role, "working_conditions", role.working_conditions)
            for index, block in enumerate(blocks):
                x.keep(block, with_next=index < len(blocks) - 1, lines=True)
            self._add_all(blocks)

    def job_description(self, role: RoleSection) -> None:
        """One position to print and sign: a short heading with document control, the
        position's page with its reporting-line chart, and a signature block."""
        document, labels = self.document, self.labels
        self.sections.current = Section(role.department_name)
        logo = logo_image(self.style.logo, self.root)
        brand = [self._picture(logo, 40 * MM, 12 * MM, "logo", document.organization),
                 x.run("  ")] if logo is not None else []
        self._add(x.paragraph("Organization", [*brand, x.run(document.organization)],
                              space_after=0))
        control = f"{labels['job_description']} · {document.document_number} · " \
                  f"{labels['version']} {document.version}"
        self._add(x.text_paragraph("Subtitle", control))
        self._fresh_page = True
        self.role(role)
        self._subheading("signatures")
        self._add(x.paragraph("Normal", [x.run(labels["signature_acknowledgement"])],
                              keep_next=True))
        self._add(self.tables.signatures())
        self.sections.finish()
        self.properties()

    def appendix(self) -> None:
        self._start_section(Section(self.toc["appendix"].text))
        self._heading("appendix")
        if self.columns.code and self.document.index_by_code:
            self._subheading("index_by_code")
            self._add(self.tables.index(self.document.index_by_code, code_first=True))
        self._subheading("index_by_title")
        self._add(self.tables.index(self.document.index_by_title, code_first=False))

    def properties(self) -> None:
        """Core properties; dates from the Document (SOURCE_DATE_EPOCH when set)."""
        document, core = self.document, self.word.core_properties
        core.title = document.title
        core.subject = document.subtitle or self.labels["job_description"]
        core.author = document.organization
        core.last_modified_by = document.organization
        core.language = office_tag(document.language_tag)
        core.identifier = document.document_number
        core.version = document.version
        core.keywords = document.document_number
        core.category = self.labels["job_description"]
        core.comments = ""
        core.revision = 1
        created = document.created.replace(tzinfo=None, microsecond=0)
        core.created = created
        core.modified = created

    # --- building blocks ---------------------------------------------------------------------

    def _add(self, element) -> None:
        self.body.append(element)
        self._fresh_page = False

    def _add_all(self, elements: Iterable) -> None:
        for element in elements:
            self._add(element)

    def _start_section(self, section: Section) -> None:
        self.sections.start(section)
        self._fresh_page = True

    def _department_name(self, department: DepartmentSection) -> list | None:
        """A renamed department's heading as runs, its name's change tracked; else None."""
        runs = self.tables.marked(department, "name", None)
        if runs and department.number:
            return [x.run(f"{department.number} "), *runs]
        return runs

    def _heading(self, anchor: str, *, style: str | None = None,
                 runs: list | None = None) -> None:
        """The heading of ``anchor``'s TOC entry (same text, same level), bookmarked for the
        TOC and every link to it; parts begin a page. ``style``: a character style that
        sets it apart at any level (a position's title); ``runs``: its text as tracked
        changes (a retitled position), the TOC showing the new title."""
        entry = self.toc[anchor]
        p = x.paragraph(f"Heading{min(entry.level, 9)}", runs or [x.run(entry.text, style=style)],
                        page_break_before=entry.level == 1 and not self._fresh_page)
        self._bookmark_id += 1
        x.add_bookmark(p, x.bookmark_name(anchor), self._bookmark_id)
        self._add(p)

    def _subheading(self, key: str) -> None:
        self._add(x.paragraph("Subheading", [x.run(self.labels[key])], keep_next=True))

    def _closing_subheading(self, key: str) -> None:
        """A subheading of a position's small closing section, which keeps the end of what
        comes before it (a table's last row, a paragraph), so no page holds it alone."""
        last = self.body[-1]
        x.keep(last.findall(x.qn("w:tr"))[-1] if last.tag == x.qn("w:tbl") else last)
        self._subheading(key)

    def _page_break(self) -> None:
        self._add(x.paragraph("Normal", [], page_break_before=True, space_after=0))
        self._fresh_page = True

    def _external_link(self, url: str) -> str:
        return self.part.relate_to(url, RT.HYPERLINK, is_external=True)

    def _picture(self, picture: Picture, box_width: float, box_height: float, name: str,
                 description: str):
        """An inline picture scaled (never up) to fit a box given in points: the PNG, and
        the SVG beside it for Word 2016 and later."""
        png_rid = self._media(picture.png, "png", "image/png")
        svg_rid = None
        if picture.svg is not None:
            svg_rid = self._media(picture.svg, "svg", "image/svg+xml")
        scale = min(1.0, box_width / picture.width_pt, box_height / picture.height_pt)
        self._shape_id += 1
        return x.inline_image(png_rid, svg_rid, round(picture.width_pt * scale * x.EMU_PER_PT),
                              round(picture.height_pt * scale * x.EMU_PER_PT), self._shape_id,
                              f"{name}-{self._shape_id}", description)

    def _media(self, data: bytes | Future, ext: str, content_type: str) -> str:
        """A picture's part, related to the document: its bytes, or their future (a chart
        still being drawn, read when the package is saved)."""
        package = self.part.package
        if ext not in self._media_next:  # counted here: python-docx's search walks all parts
            names = {str(p.partname) for p in package.iter_parts()}
            self._media_next[ext] = _first_free_media(names, ext)
        partname = PackURI(f"/word/media/image{self._media_next[ext]}.{ext}")
        self._media_next[ext] += 1
        part = (LaterPart(partname, content_type, data, package) if isinstance(data, Future)
                else Part(partname, content_type, data, package))
        return self.part.relate_to(part, RT.IMAGE)


def _first_free_media(names: set[str], ext: str) -> int:
    """The number after the highest of the reference's own ``imageN.ext`` media parts."""
    numbers = [int(m.group(1)) for name in names
               if (m := re.fullmatch(rf"/word/media/image(\d+)\.{ext}", name))]
    return max(numbers, default=0) + 1


def _keep_apart(paragraph) -> None:
    """No keep-with-next on a chart (the Figure style keeps a picture with a caption below
    it): chained to the next chart's caption, a page of charts would be split between that
    caption and its chart."""
    ppr = paragraph.find(qn("w:pPr"))
    ppr.find(qn("w:pStyle")).addnext(etree.Element(qn("w:keepNext"), {qn("w:val"): "0"}))
