"""The handbook's tables in Word: document control, revisions, a position's facts, duties,
requirements and KPIs, a department's staffing, the indexes and the signature block.

Each is sized to the current section's text width (a landscape section is wider), with
fixed column widths that add up exactly, and header rows that repeat on every page. Which
optional columns a table has is the Document's decision for that table (``role.columns``,
``department.columns``); an empty cell reads as the ``empty_cell`` label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from ...document import SEAT_COLUMNS, DepartmentSection, Document, RoleRef, RoleSection
from . import oxml as x
from .markdown import MarkdownRenderer
from .redline import Redline
from .sections import Sections

# Where Word puts its automatic space between a digit and an East Asian character
_AUTOSPACE = re.compile(r"(?<=\d)(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=\d)")

__all__ = ["Tables"]


class Tables:
    """Builds each table of one Document; ``label_fill`` shades the label cells."""

    def __init__(self, document: Document, sections: Sections, markdown: MarkdownRenderer,
                 numbering: x.Numbering, label_fill: str) -> None:
        self.labels = document.labels
        self.columns = document.columns  # the index's
        self.empty = document.labels["empty_cell"]
        self.roles = {role.ref.id: role for role in document.roles}
        self.sections = sections
        self.markdown = markdown
        self.numbering = numbering
        self.label_fill = label_fill
        changes = document.changes  # tracked changes in the position pages, by its author
        self.redline = Redline(changes.author, changes.date) if changes else None
        self.handbook = document  # whose marks are the document control's

    def control(self, control: list[tuple[str, str]]):
        """Document control on the cover: label, value."""
        label = self._label_share([label for label, _ in control], 0.22)
        widths = self._widths(label, 1 - label)
        rows = [x.row([self._label_cell(label, widths[0]), x.cell([x.paragraph(
            "TableText", self.marked(self.handbook, f"control:{label}", [x.run(value)]))],
            widths[1])]) for label, value in control]
        return x.table(widths, rows, first_row=False, caption=self.labels["document_control"])

    def revisions(self, revisions):
        """The revision history, its changes in Markdown; a date ("2 September 2024",
        "2025年3月10日", which Word spaces between digits and characters) on one line."""
        labels = self.labels
        date = max([0.14, *(self._fit(_AUTOSPACE.sub(" ", revision.date_text))
                            for revision in revisions)])
        spec = [("version", 0.1), ("revision_date", date), ("revision_author", 0.14),
                ("approved_by", 0.14), ("revision_changes", None)]
        headers = [labels[key] for key, _ in spec]
        widths = self._flex_widths([share for _, share in spec], headers)
        rows = [self._header_row(headers, widths)]
        for revision in revisions:
            values = (revision.version, revision.date_text,
                      revision.author or self.empty, revision.approved_by or self.empty)
            cells = [self._cell(value, width)
                     for value, width in zip(values, widths[:4], strict=True)]
            cells.append(x.cell(self.markdown.blocks(revision.changes, in_table=True),
                                widths[-1]))
            rows.append(x.row(cells))
        return x.table(widths, rows, caption=labels["revision_history"])

    def signatures(self):
        """For each party a row to write the printed name, sign and date in."""
        labels = self.labels
        widths = self._widths(0.2, 0.3, 0.3, 0.2)
        headers = ["", labels["signature_printed_name"], labels["signature_name"],
                   labels["signature_date"]]
        rows = [self._header_row(headers, widths)]
        for key in ("signature_employee", "signature_manager", "signature_hr"):
            rows.append(x.row([self._label_cell(labels[key], widths[0]),
                               *(self._cell("", width) for width in widths[1:])],
                              height=700))
        return x.table(widths, rows, caption=labels["signatures"])

    def role_header(self, role: RoleSection):
        """The position's facts as a form: label, value, label, value."""
        labels, none = self.labels, self.labels["none"]
        department = x.hyperlink([x.run(role.department_name)],
                                 anchor=x.bookmark_name(f"dept-{role.department_id}"))
        facts = [
            (labels["position"], self.marked(role, "title", [x.run(role.ref.title, bold=True)])),
            (labels["code"], self.marked(role, "code", [x.run(role.ref.code or none)])
             if self.columns.code else None),
            (labels["department"], self.marked(role, "department", [department])),
            (labels["reports_to"], self.marked(role, "reports_to", [
                self.role_link(role.reports_to)] if role.reports_to else [x.run(none)])),
            (labels["grade"], self.marked(role, "grade", [x.run(role.grade)])
             if role.grade else None),
            (labels["location"], self.marked(role, "location", [x.run(role.location)])
             if role.location else None),
            (labels["employment_type"], self.marked(role, "employment_type", [
                x.run(role.employment_type)]) if role.employment_type else None),
            (labels["seats_label"], self.marked(role, "seats", [x.run(role.seats)])),
        ]
        narrow = [(label, runs) for label, runs in facts if runs is not None]
        wide = []
        if role.dotted_line_to:
            wide.append((labels["dotted_line_to"], self.role_links(role.dotted_line_to)))
        wide.append((labels["direct_reports"], self.role_links(role.direct_reports)
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

    def duties(self, role: RoleSection):
        labels, columns = self.labels, role.columns
        spec = [("duty_number", 0.07, "center"), ("duty_text", None, None)]
        spec += [("duty_share", 0.11, "center")] if columns.share else []
        spec += [("duty_essential", 0.11, "center")] if columns.essential else []
        spec += [("duty_frequency", 0.12, "center")] if columns.frequency else []
        headers = [labels[key] for key, _, _ in spec]
        widths = self._flex_widths([share for _, share, _ in spec], headers)
        aligns = [align for _, _, align in spec]
        rows = [self._header_row(headers, widths, aligns)]
        for duty in role.duties:
            key = f"duty:{duty.number}"
            text = role.marks.markdown(f"{key}:text", duty.text) if role.marks else duty.text
            track = self.redline.track if self.redline else None
            values: list = [str(duty.number),
                            self.marked(role, f"{key}:text", self.markdown.inline(text, track))]
            if columns.share:
                values.append(self.marked(role, f"{key}:share", self._percent(duty.share)))
            if columns.essential:
                values.append(self.marked(role, f"{key}:essential", labels[
                    "essential_yes" if duty.essential else "essential_no"]))
            if columns.frequency:
                values.append(self.marked(role, f"{key}:frequency",
                                           duty.frequency or self.empty))
            rows.append(self._row(values, widths, aligns))
            self._mark_added(role, key, rows[-1])
        rows += self._removed_rows(role, "duties", len(widths), 1, widths, aligns)
        return x.table(widths, _keep_ends(rows), caption=labels["duties"])

    def requirements(self, role: RoleSection):
        keys = ("education", "experience", "skills", "certifications", "other_requirements")
        label = self._label_share([self.labels[key] for key in keys], 0.15)
        widths = self._widths(label, 1 - label)
        rows = []
        marks = role.marks if self.redline else None
        for label, values in role.requirements:
            items = (marks.list_items(label, values) if marks else
                     [(f"req:{label}:{index}", value, False) for index, value in enumerate(values)])
            rows.append(self._requirement_row(role, label, items, widths))
        for label, items in marks.removed_requirements(role.requirements) if marks else []:
            rows.append(self._requirement_row(role, label, items, widths))
            self.redline.delete_row(rows[-1])
        for row in rows[:-1]:  # a few rows: never split
            x.keep(row)
        return x.table(widths, rows, first_row=False, caption=self.labels["requirements"])

    def _requirement_row(self, role: RoleSection, label: str,
                         items: list[tuple[str, str, bool]], widths: list[int]):
        """A requirements row: one item as a paragraph, more as bullets; the items removed
        since the older version are tracked deletions, paragraphs and all."""
        numbering = (self.numbering.bullets, 0) if len(items) > 1 else None
        paragraphs = [x.paragraph("TableText", [x.run(text)] if removed else self.marked(
            role, key, [x.run(text)]), numbering=numbering) for key, text, removed in items]
        if not all(removed for *_, removed in items):  # else the whole row goes
            for index, (*_, removed) in enumerate(items):
                if removed:
                    self.redline.delete_paragraph(paragraphs, index)
        return x.row([self._label_cell(label, widths[0]), x.cell(paragraphs, widths[1])])

    def competencies(self, role: RoleSection):
        """The competencies as one line; those added, reworded or removed since the older
        version are tracked, and so is each separator the old or the new line lacks, so that
        accepting or rejecting every change gives a line joined as it should be."""
        separator = self.labels["list_separator"]
        marks = role.marks if self.redline else None
        if marks is None:
            return x.text_paragraph("Normal", separator.join(role.competencies))
        runs: list[tuple[str, str]] = []
        in_old = in_new = False  # whether an item of the old / new line came before
        for key, text, removed in marks.list_items(self.labels["competencies"],
                                                   role.competencies):
            words = [("del", text)] if removed else marks.cell(key) or [("", text)]
            old = any(change != "ins" for change, _ in words)
            new = any(change != "del" for change, _ in words)
            joins = (in_old and old, in_new and new)
            if any(joins):
                runs.append(({(True, True): "", (True, False): "del"}.get(joins, "ins"),
                             separator))
            runs += words
            in_old, in_new = in_old or old, in_new or new
        return x.paragraph("Normal", self.redline.tracked(runs))

    def kpis(self, role: RoleSection):
        labels, columns = self.labels, role.columns
        spec = [("duty_number", 0.07, "center"), ("kpi_name", None, None)]
        spec += [("kpi_target", 0.2, "center")] if columns.kpi_target else []
        spec += [("kpi_weight", 0.12, "center")] if columns.kpi_weight else []
        headers = [labels[key] for key, _, _ in spec]
        widths = self._flex_widths([share for _, share, _ in spec], headers)
        aligns = [align for _, _, align in spec]
        rows = [self._header_row(headers, widths, aligns)]
        for number, kpi in enumerate(role.kpis, 1):
            key = f"kpi:{number}"
            values = [str(number), self.marked(role, f"{key}:name", kpi.name)]
            if columns.kpi_target:
                values.append(self.marked(role, f"{key}:target", kpi.target or self.empty))
            if columns.kpi_weight:
                values.append(self.marked(role, f"{key}:weight", self._percent(kpi.weight)))
            rows.append(self._row(values, widths, aligns))
            self._mark_added(role, key, rows[-1])
        rows += self._removed_rows(role, "kpis", len(widths), 1, widths, aligns)
        return x.table(widths, _keep_ends(rows), caption=labels["kpis"])

    def staffing(self, department: DepartmentSection):
        """Positions with their seats, and the department's totals in the last row."""
        labels, columns = self.labels, department.columns
        spec = [("position", None, None)]
        spec += [("code", 0.15, None)] if columns.code else []
        spec += [("grade", 0.09, "center")] if columns.grade else []
        spec += [("reports_to", 0.22, None)]
        spec += [(key, 0.09, "center") for key in SEAT_COLUMNS]
        headers = [labels[key] for key, _, _ in spec]
        widths = self._flex_widths([share for _, share, _ in spec], headers)
        aligns = [align for _, _, align in spec]
        rows = [self._header_row(headers, widths, aligns)]
        for staff, role in zip(department.staffing, department.roles, strict=True):
            values: list = [[self.role_link(staff.role)]]
            if columns.code:
                values.append(staff.role.code or self.empty)
            if columns.grade:
                values.append(staff.grade or self.empty)
            values.append(self.marked(role, "reports_to", [self.role_link(staff.reports_to)]
                                      if staff.reports_to else labels["none"]))
            values += [self.marked(role, f"seat:{key}", str(value))
                       for key, value in zip(SEAT_COLUMNS, staff.counts, strict=True)]
            rows.append(self._row(values, widths, aligns))
            if role.marks is not None and self.redline and role.marks.change == "added":
                self.redline.insert_row(rows[-1])
        for gone in department.marks.removed("staffing") if department.marks and self.redline \
                else []:
            values = [gone.title, *([gone.code or self.empty] if columns.code else []),
                      *([gone.grade or self.empty] if columns.grade else []),
                      gone.reports_to or labels["none"], *(str(n) for n in gone.counts)]
            rows.append(self._row(values, widths, aligns))
            self.redline.delete_row(rows[-1])
        span = len(widths) - len(SEAT_COLUMNS)
        for total in department.total_rows:
            cells = [x.cell([x.text_paragraph("TableText", total.label)],
                            sum(widths[:span]), span=span)]
            cells += [self._cell(str(value), width, "center")
                      for value, width in zip(total.counts, widths[span:], strict=True)]
            rows.append(x.row(cells))
        return x.table(widths, _keep_ends(rows), last_row=True, caption=labels["staffing"])

    def index(self, refs: Iterable[RoleRef], *, code_first: bool):
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
            cells = {"position": [self.role_link(ref)], "code": ref.code or self.empty,
                     "department": self.roles[ref.id].department_name,
                     "page": x.complex_field(f"PAGEREF {x.bookmark_name(ref.anchor)} \\h")}
            rows.append(self._row([cells[key] for key in keys], widths, aligns))
        return x.table(widths, rows, caption=labels["position_index"])

    # --- tracked changes (a --changes-since build) -----------------------------------------

    def marked(self, part, key: str, value, *, style: str | None = None):
        """``value``, or the tracked change of its cell when that cell of ``part`` (a
        position, a department or the Document, each with its ``marks``) changed."""
        runs = part.marks.cell(key) if part.marks is not None and self.redline else None
        return self.redline.tracked(runs, style=style) if runs else value

    def marked_blocks(self, part, key: str, markdown):
        """The paragraphs of a Markdown field of ``part``, its changes tracked."""
        if part.marks is None or self.redline is None:
            return self.markdown.blocks(markdown)
        return self.markdown.blocks(part.marks.markdown(key, markdown), track=self.redline.track)

    def title(self, role: RoleSection, style: str) -> list | None:
        """The runs of a retitled position's heading, its title change tracked; else None."""
        return self.marked(role, "title", None, style=style)

    def _mark_added(self, role: RoleSection, key: str, row) -> None:
        if role.marks is not None and self.redline and role.marks.row_added(key):
            self.redline.insert_row(row)

    def _removed_rows(self, role: RoleSection, table: str, columns: int, text_column: int,
                      widths: list[int], aligns: list[str | None]) -> list:
        """The rows removed from a table, as tracked deletions: their old text, the
        other cells empty."""
        if role.marks is None or not self.redline:
            return []
        rows = []
        for text in role.marks.removed(table):
            values = [""] * columns
            values[text_column] = text
            rows.append(self._row(values, widths, aligns))
            self.redline.delete_row(rows[-1])
        return rows

    # --- cells, rows and widths --------------------------------------------------------------

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

    def role_link(self, ref: RoleRef):
        if not ref.linked:
            return x.run(ref.title)
        return x.hyperlink([x.run(ref.title)], anchor=x.bookmark_name(ref.anchor))

    def role_links(self, refs: list[RoleRef]) -> list:
        separator = self.labels["list_separator"]
        out: list = []
        for index, ref in enumerate(refs):
            if index:
                out.append(x.run(separator))
            out.append(self.role_link(ref))
        return out

    def _percent(self, value: float | None) -> str:
        return self.empty if value is None else self.labels.fmt("percent", value=f"{value:g}")

    def _widths(self, *shares: float) -> list[int]:
        """Column widths in twips for shares of the text width; they add up exactly."""
        total = self.sections.text_width()
        widths = [int(total * share) for share in shares]
        widths[-1] += total - sum(widths)
        return widths

    def _flex_widths(self, shares: list[float | None], headers: list[str]) -> list[int]:
        """Fixed shares, widened to fit their header; the ``None`` columns share the rest.
        On a narrow page (A5) widened headers can ask for more than the width: every column
        then gives up the same proportion, so none is left with a negative width."""
        shares = [share if share is None else max(share, self._fit(header))
                  for share, header in zip(shares, headers, strict=True)]
        fixed = sum(share for share in shares if share is not None)
        flexible = max(sum(1 for share in shares if share is None), 1)
        rest = max(1.0 - fixed, 0.2) / flexible
        shares = [rest if share is None else share for share in shares]
        scale = min(1.0, 1.0 / sum(shares))
        return self._widths(*(share * scale for share in shares))

    def _label_share(self, labels: list[str], least: float) -> float:
        """A label column just wide enough for its longest label (within reason)."""
        return min(max([least, *(self._fit(label) for label in labels)]), 0.24)

    def _fit(self, text: str) -> float:
        """The share of the text width ``text`` takes in a bold 9.5 pt table cell."""
        units = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.62 for c in text)
        return (units * 9.5 + 11) / (self.sections.text_width() / 20)


def _keep_ends(rows: list) -> list:
    """``rows`` (a header row, then the body) with the first two and the last three body
    rows kept together: a page never starts a table with one row, nor holds only the end
    of one (its repeated header and a row or two)."""
    body = rows[1:]
    for row in (body[:1] + body[-3:-1]) if len(body) > 1 else []:
        x.keep(row)
    return rows
