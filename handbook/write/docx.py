"""The Word writer: the resolved Document as a native, editable DOCX.

It walks the Document in print order — cover with document control, revision history,
table of contents, introduction, org chart, departments and their positions, appendix —
with one method per node kind, on ``templates/reference.docx`` (or a brand's own
``reference_docx``), so every paragraph and table carries a named Word style a user can
restyle. Body XML is built by ``docx_xml`` straight on lxml; python-docx provides the
package, parts, relationships and core properties.

The table of contents is a real ``TOC`` field whose result is already filled in, so the file
is complete when it opens. ``page_numbers=True`` also writes its page numbers, from one
LibreOffice pass, when LibreOffice is installed (see ``docx_pages``).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part

from ..document import DepartmentSection, Document, RoleRef, RoleSection
from ..style import MM
from . import docx_xml as x
from .docx_images import Picture, chart_images, logo_image
from .docx_markdown import MarkdownRenderer
from .docx_sections import Section, Sections
from .docx_style import LANGUAGE_TAGS, apply_style, numbering_root, open_reference, tint
from .reference_docx import TINT

__all__ = ["DocxWriter", "write_docx"]


def write_docx(document: Document, target: Path, *, root: Path | None = None,
               page_numbers: bool = False) -> None:
    """Write ``document`` to ``target``; ``root`` is the handbook directory (for the logo).

    ``page_numbers``: fill the TOC's page numbers with a LibreOffice pass when LibreOffice
    is installed (seconds for a small handbook); without it Word fills them on update.
    """
    writer = DocxWriter(document, root=root)
    writer.build()
    writer.save(target)
    if page_numbers:
        from .docx_pages import fill_page_numbers

        fill_page_numbers(writer, target)


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
                                        self.own_reference)
        self.numbering = x.Numbering(numbering_root(self.word))
        self.markdown = MarkdownRenderer(self.numbering, self._external_link)
        self.sections = Sections(document, self.part, self.body)
        self.toc = {entry.anchor: entry for entry in document.toc}
        self.roles = {role.ref.id: role for role in document.roles}
        self.label_fill = tint(self.style.primary) if self.own_reference else TINT["primary"]
        self._bookmark_id = 0
        self._shape_id = 0
        self._fresh_page = True

    # --- the document, in print order ----------------------------------------------------------

    def build(self) -> None:
        if self.document.job_description is not None:
            self.job_description(self.document.job_description)
            return
        self.cover()
        self.revisions()
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
        document, labels = self.document, self.labels
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
        label = self._label_share([label for label, _ in document.control], 0.22)
        widths = self._widths(label, 1 - label)
        rows = [x.row([self._label_cell(label, widths[0]), self._cell(value, widths[1])])
                for label, value in document.control]
        self._add(x.table(widths, rows, first_row=False, caption=labels["document_control"]))

    def revisions(self) -> None:
        labels = self.labels
        self._heading("revisions")
        spec = [("version", 0.1), ("revision_date", 0.14), ("revision_author", 0.14),
                ("approved_by", 0.14), ("revision_changes", None)]
        headers = [labels[key] for key, _ in spec]
        widths = self._flex_widths([share for _, share in spec], headers)
        rows = [self._header_row(headers, widths)]
        for revision in self.document.revisions:
            values = (revision.version, revision.date.isoformat(), revision.author or "",
                      revision.approved_by or "")
            cells = [self._cell(value, width)
                     for value, width in zip(values, widths[:4], strict=True)]
            cells.append(x.cell(self.markdown.blocks(revision.changes, in_table=True),
                                widths[-1]))
            rows.append(x.row(cells))
        self._add(x.table(widths, rows, caption=labels["revision_history"]))

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
        self._add_all(self.markdown.blocks(self.document.intro))

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
            if index == 0:
                self._heading("org-chart")
            elif not self._fresh_page and not self.document.shares_page(page):
                self._page_break()
            width, height = self._chart_box(landscape, below_heading=index == 0)
            self._add(x.paragraph("Caption", [x.run(picture.caption)], keep_next=True,
                                  space_before=0))
            self._add(x.paragraph("Figure", [self._picture(picture, width, height, "orgchart",
                                                            picture.description)]))
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
        labels = self.labels
        self._start_section(Section(self.toc[department.anchor].text))
        if first:
            self._heading("departments")
        self._heading(department.anchor)
        if department.head is not None:
            label = labels["department_head"] + labels["colon"]
            self._add(x.paragraph("Normal", [x.run(label, bold=True),
                                             self._role_link(department.head)]))
        if department.function is not None:
            self._subheading("department_function")
            self._add_all(self.markdown.blocks(department.function))
        self._subheading("staffing")
        self._add(self._staffing_table(department))
        for role in department.roles:
            self.role(role)

    def role(self, role: RoleSection) -> None:
        self._heading(role.anchor)
        self._add(self._role_header(role))
        if self.document.job_description is not None and self.document.charts:
            self._reporting_chart()
        if role.summary is not None:
            self._subheading("role_summary")
            self._add_all(self.markdown.blocks(role.summary))
        self._subheading("duties")
        self._add(self._duty_table(role))
        if role.requirements:
            self._subheading("requirements")
            self._add(self._requirements_table(role))
        if role.kpis:
            self._subheading("kpis")
            self._add(self._kpi_table(role))
        if role.competencies:
            self._subheading("competencies")
            separator = self.labels["list_separator"]
            self._add(x.text_paragraph("Normal", separator.join(role.competencies)))
        if role.working_conditions is not None:
            self._subheading("working_conditions")
            self._add_all(self.markdown.blocks(role.working_conditions))

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
        self._signatures()
        self.sections.finish()
        self.properties()

    def _signatures(self) -> None:
        labels = self.labels
        self._subheading("signatures")
        widths = self._widths(0.24, 0.46, 0.30)
        headers = ["", labels["signature_name"], labels["signature_date"]]
        rows = [self._header_row(headers, widths)]
        for key in ("signature_employee", "signature_manager", "signature_hr"):
            rows.append(x.row([self._label_cell(labels[key], widths[0]),
                               self._cell("", widths[1]), self._cell("", widths[2])],
                              height=700))
        self._add(x.table(widths, rows, caption=labels["signatures"]))

    def appendix(self) -> None:
        self._start_section(Section(self.toc["appendix"].text))
        self._heading("appendix")
        if self.columns.code and self.document.index_by_code:
            self._subheading("index_by_code")
            self._add(self._index_table(self.document.index_by_code, code_first=True))
        self._subheading("index_by_title")
        self._add(self._index_table(self.document.index_by_title, code_first=False))

    def properties(self) -> None:
        """Core properties; dates from the Document (SOURCE_DATE_EPOCH when set)."""
        document, core = self.document, self.word.core_properties
        core.title = document.title
        core.subject = document.subtitle or self.labels["job_description"]
        core.author = document.organization
        core.last_modified_by = document.organization
        core.language = LANGUAGE_TAGS.get(document.lang, document.lang)
        core.identifier = document.document_number
        core.version = document.version
        core.keywords = document.document_number
        core.category = self.labels["job_description"]
        core.comments = ""
        core.revision = 1
        created = document.created.replace(tzinfo=None, microsecond=0)
        core.created = created
        core.modified = created

    # --- tables ----------------------------------------------------------------------------------

    def _role_header(self, role: RoleSection):
        """The position's facts as a form: label, value, label, value."""
        labels, none = self.labels, self.labels["none"]
        seats = f"{role.headcount} / {role.filled}"
        if role.vacancies:
            seats += labels.fmt("parenthetical",
                                text=labels.fmt("vacant_short", n=role.vacancies))
        department = x.hyperlink([x.run(role.department_name)],
                                 anchor=x.bookmark_name(f"dept-{role.department_id}"))
        facts = [
            (labels["position"], [x.run(role.ref.title, bold=True)]),
            (labels["code"], [x.run(role.ref.code or none)] if self.columns.code else None),
            (labels["department"], [department]),
            (labels["reports_to"], [self._role_link(role.reports_to)] if role.reports_to
             else [x.run(none)]),
            (labels["grade"], [x.run(role.grade)] if role.grade else None),
            (labels["location"], [x.run(role.location)] if role.location else None),
            (labels["employment_type"], [x.run(role.employment_type)]
             if role.employment_type else None),
            (f"{labels['headcount']} / {labels['filled']}", [x.run(seats)]),
        ]
        narrow = [(label, runs) for label, runs in facts if runs is not None]
        wide = []
        if role.dotted_line_to:
            wide.append((labels["dotted_line_to"], self._role_links(role.dotted_line_to)))
        wide.append((labels["direct_reports"], self._role_links(role.direct_reports)
                     or [x.run(none)]))
        label = self._label_share([label for label, _ in facts]
                                  + [labels["dotted_line_to"], labels["direct_reports"]], 0.15)
        widths = self._widths(label, 0.5 - label, label, 0.5 - label)
        rest = sum(widths[1:])
        rows = []
        for start in range(0, len(narrow), 2):
            pair = narrow[start:start + 2]
            cells = []
            for index, (label, runs) in enumerate(pair):
                cells.append(self._label_cell(label, widths[2 * index]))
                if len(pair) == 1:
                    cells.append(x.cell([x.paragraph("TableText", runs)], rest, span=3))
                else:
                    cells.append(x.cell([x.paragraph("TableText", runs)], widths[2 * index + 1]))
            rows.append(x.row(cells))
        for label, runs in wide:
            rows.append(x.row([self._label_cell(label, widths[0]),
                               x.cell([x.paragraph("TableText", runs)], rest, span=3)]))
        return x.table(widths, rows, first_row=False, caption=role.ref.title)

    def _duty_table(self, role: RoleSection):
        labels, columns = self.labels, self.columns
        spec = [("duty_number", 0.07, "center"), ("duty_text", None, None)]
        spec += [("duty_share", 0.11, "center")] if columns.share else []
        spec += [("duty_essential", 0.11, "center")] if columns.essential else []
        spec += [("duty_frequency", 0.12, "center")] if columns.frequency else []
        headers = [labels[key] for key, _, _ in spec]
        widths = self._flex_widths([share for _, share, _ in spec], headers)
        aligns = [align for _, _, align in spec]
        rows = [self._header_row(headers, widths, aligns)]
        for duty in role.duties:
            values: list = [str(duty.number), self.markdown.inline(duty.text)]
            if columns.share:
                values.append(self._percent(duty.share))
            if columns.essential:
                values.append(labels["essential_yes" if duty.essential else "essential_no"])
            if columns.frequency:
                values.append(duty.frequency or "")
            rows.append(self._row(values, widths, aligns))
        return x.table(widths, rows, caption=labels["duties"])

    def _requirements_table(self, role: RoleSection):
        keys = ("education", "experience", "skills", "certifications", "other_requirements")
        label = self._label_share([self.labels[key] for key in keys], 0.15)
        widths = self._widths(label, 1 - label)
        rows = []
        for label, values in role.requirements:
            if len(values) == 1:
                paragraphs = [x.text_paragraph("TableText", values[0])]
            else:
                bullets = (self.numbering.bullets, 0)
                paragraphs = [x.paragraph("TableText", [x.run(value)], numbering=bullets)
                              for value in values]
            rows.append(x.row([self._label_cell(label, widths[0]),
                               x.cell(paragraphs, widths[1])]))
        return x.table(widths, rows, first_row=False, caption=self.labels["requirements"])

    def _kpi_table(self, role: RoleSection):
        labels, columns = self.labels, self.columns
        spec = [("duty_number", 0.07, "center"), ("kpi_name", None, None)]
        spec += [("kpi_target", 0.2, "center")] if columns.kpi_target else []
        spec += [("kpi_weight", 0.12, "center")] if columns.kpi_weight else []
        headers = [labels[key] for key, _, _ in spec]
        widths = self._flex_widths([share for _, share, _ in spec], headers)
        aligns = [align for _, _, align in spec]
        rows = [self._header_row(headers, widths, aligns)]
        for number, kpi in enumerate(role.kpis, 1):
            values = [str(number), kpi.name]
            if columns.kpi_target:
                values.append(kpi.target or "")
            if columns.kpi_weight:
                values.append(self._percent(kpi.weight))
            rows.append(self._row(values, widths, aligns))
        return x.table(widths, rows, caption=labels["kpis"])

    def _staffing_table(self, department: DepartmentSection):
        """Positions with their seats, and the department's totals in the last row."""
        labels, columns = self.labels, self.columns
        spec = [("position", None, None)]
        spec += [("code", 0.15, None)] if columns.code else []
        spec += [("grade", 0.09, "center")] if columns.grade else []
        spec += [("reports_to", 0.22, None), ("headcount", 0.09, "center"),
                 ("filled", 0.09, "center"), ("vacancies", 0.09, "center")]
        headers = [labels[key] for key, _, _ in spec]
        widths = self._flex_widths([share for _, share, _ in spec], headers)
        aligns = [align for _, _, align in spec]
        rows = [self._header_row(headers, widths, aligns)]
        for staff in department.staffing:
            values: list = [[self._role_link(staff.role)]]
            if columns.code:
                values.append(staff.role.code or "")
            if columns.grade:
                values.append(staff.grade or "")
            values.append([self._role_link(staff.reports_to)] if staff.reports_to else "")
            values += [str(staff.headcount), str(staff.filled), str(staff.vacancies)]
            rows.append(self._row(values, widths, aligns))
        span = len(widths) - 3
        totals = [x.cell([x.text_paragraph("TableText", labels["staffing_total"])],
                         sum(widths[:span]), span=span)]
        totals += [self._cell(str(value), width, "center")
                   for value, width in zip(department.totals, widths[span:], strict=True)]
        rows.append(x.row(totals))
        return x.table(widths, rows, last_row=True, caption=labels["staffing"])

    def _index_table(self, refs: Iterable[RoleRef], *, code_first: bool):
        """Positions with their department and a PAGEREF page number (filled on update)."""
        labels = self.labels
        keys = ["code", "position"] if code_first else ["position", "code"]
        if not self.columns.code:
            keys.remove("code")
        keys += ["department", "page"]
        shares = {"code": 0.18, "position": None, "department": 0.3, "page": 0.1}
        headers = [labels[key] for key in keys]
        widths = self._flex_widths([shares[key] for key in keys], headers)
        aligns = ["center" if key == "page" else None for key in keys]
        rows = [self._header_row(headers, widths, aligns)]
        for ref in refs:
            cells = {"position": [self._role_link(ref)], "code": ref.code or "",
                     "department": self.roles[ref.id].department_name,
                     "page": x.complex_field(f"PAGEREF {x.bookmark_name(ref.anchor)} \\h")}
            rows.append(self._row([cells[key] for key in keys], widths, aligns))
        return x.table(widths, rows, caption=labels["position_index"])

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

    def _heading(self, anchor: str) -> None:
        """The heading of ``anchor``'s TOC entry (same text, same level), bookmarked for the
        TOC and every link to it; parts and positions begin a page."""
        entry = self.toc[anchor]
        new_page = entry.level == 1 or anchor.startswith("role-")
        p = x.paragraph(f"Heading{min(entry.level, 9)}", [x.run(entry.text)],
                        page_break_before=new_page and not self._fresh_page)
        self._bookmark_id += 1
        x.add_bookmark(p, x.bookmark_name(anchor), self._bookmark_id)
        self._add(p)

    def _subheading(self, key: str) -> None:
        self._add(x.paragraph("Subheading", [x.run(self.labels[key])], keep_next=True))

    def _page_break(self) -> None:
        self._add(x.paragraph("Normal", [], page_break_before=True, space_after=0))
        self._fresh_page = True

    def _header_row(self, texts: list[str], widths: list[int],
                    aligns: list[str | None] | None = None):
        aligns = aligns or [None] * len(texts)
        cells = [x.cell([x.paragraph("TableText", [x.run(text)], keep_next=True, align=align)],
                        width)
                 for text, width, align in zip(texts, widths, aligns, strict=True)]
        return x.row(cells, header=True)

    def _row(self, values: list, widths: list[int], aligns: list[str | None]):
        """A body row: each value is text or a list of runs and links."""
        cells = []
        for value, width, align in zip(values, widths, aligns, strict=True):
            if isinstance(value, str):
                cells.append(self._cell(value, width, align))
            else:
                cells.append(x.cell([x.paragraph("TableText", value, align=align)], width))
        return x.row(cells)

    @staticmethod
    def _cell(text: str, width: int, align: str | None = None):
        return x.cell([x.paragraph("TableText", [x.run(text)] if text else (), align=align)],
                      width)

    def _label_cell(self, text: str, width: int):
        return x.cell([x.text_paragraph("TableLabel", text)], width, fill=self.label_fill)

    def _role_link(self, ref: RoleRef):
        if not ref.linked:
            return x.run(ref.title)
        return x.hyperlink([x.run(ref.title)], anchor=x.bookmark_name(ref.anchor))

    def _role_links(self, refs: list[RoleRef]) -> list:
        separator = self.labels["list_separator"]
        out: list = []
        for index, ref in enumerate(refs):
            if index:
                out.append(x.run(separator))
            out.append(self._role_link(ref))
        return out

    def _percent(self, value: float | None) -> str:
        return "" if value is None else self.labels.fmt("percent", value=f"{value:g}")

    def _widths(self, *shares: float) -> list[int]:
        """Column widths in twips for shares of the text width; they add up exactly."""
        total = self.sections.text_width()
        widths = [int(total * share) for share in shares]
        widths[-1] += total - sum(widths)
        return widths

    def _flex_widths(self, shares: list[float | None], headers: list[str]) -> list[int]:
        """Fixed shares, widened to fit their header; the ``None`` columns share the rest."""
        shares = [share if share is None else max(share, self._fit(header))
                  for share, header in zip(shares, headers, strict=True)]
        fixed = sum(share for share in shares if share is not None)
        flexible = max(sum(1 for share in shares if share is None), 1)
        rest = max(1.0 - fixed, 0.2) / flexible
        return self._widths(*(rest if share is None else share for share in shares))

    def _label_share(self, labels: list[str], least: float) -> float:
        """A label column just wide enough for its longest label (within reason)."""
        return min(max([least, *(self._fit(label) for label in labels)]), 0.24)

    def _fit(self, text: str) -> float:
        """The share of the text width ``text`` takes in a bold 9.5 pt table cell."""
        units = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62 for c in text)
        return (units * 9.5 + 11) / (self.sections.text_width() / 20)

    def _external_link(self, url: str) -> str:
        return self.part.relate_to(url, RT.HYPERLINK, is_external=True)

    def _picture(self, picture: Picture, box_width: float, box_height: float, name: str,
                 description: str):
        """An inline picture scaled (never up) to fit a box given in points: the PNG, and
        the SVG beside it for Word 2016 and later."""
        png_rid, _ = self.part.get_or_add_image(io.BytesIO(picture.png))
        svg_rid = None
        if picture.svg is not None:
            package = self.part.package
            partname = package.next_partname("/word/media/image%d.svg")
            svg_rid = self.part.relate_to(Part(partname, "image/svg+xml", picture.svg,
                                               package), RT.IMAGE)
        scale = min(1.0, box_width / picture.width_pt, box_height / picture.height_pt)
        self._shape_id += 1
        return x.inline_image(png_rid, svg_rid, round(picture.width_pt * scale * x.EMU_PER_PT),
                              round(picture.height_pt * scale * x.EMU_PER_PT), self._shape_id,
                              f"{name}-{self._shape_id}", description)
