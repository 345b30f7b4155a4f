"""``handbook export``: the position list as a spreadsheet for HR systems.

One row per position in print order, with headers in the handbook's language; numbers
are real numbers so HR can sum and filter them.
"""

from __future__ import annotations

from pathlib import Path

from .document import Document
from .output import Staging

__all__ = ["export_xlsx", "position_rows"]

_COLUMNS = ("code", "position", "department", "reports_to", "grade", "headcount", "filled",
            "vacancies", "duty_count")
_WIDTHS = (14, 24, 18, 24, 8, 9, 9, 9, 9)


def position_rows(document: Document) -> list[list]:
    """The header row (labels) and one row per position."""
    labels = document.labels
    header = [labels[key] for key in _COLUMNS]
    rows = [header]
    for role in document.roles:
        rows.append([
            role.ref.code or "", role.ref.title, role.department_name,
            role.reports_to.title if role.reports_to else "", role.grade or "",
            role.headcount, role.filled, role.vacancies, len(role.duties),
        ])
    return rows


def export_xlsx(document: Document, target: Path) -> Path:
    """Write the position list to ``target`` (replaced only when complete)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = document.labels["position_index"][:31]
    for row in position_rows(document):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=document.style.primary.lstrip("#").upper())
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = document.title
    workbook.properties.creator = document.organization
    workbook.properties.created = workbook.properties.modified = document.created.replace(
        tzinfo=None)
    with Staging() as staging:
        workbook.save(staging.path_for(target))
        staging.commit()
    return target
