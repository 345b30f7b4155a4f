"""``handbook export``: the whole handbook as a workbook HR can edit and import back.

The layout is ``workbook.SHEETS``: a sheet per concern, ids kept, one row per item in the
order of the YAML, so ``import`` rebuilds the same handbook field by field. Cells keep
their types (numbers, dates, true/false; codes and versions as text), the header row is
frozen, columns are sized to their content, and lists of departments and positions are
offered as drop-downs so an edit cannot name one that does not exist.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .locales import LANGUAGE_TAGS
from .model import Department, DocumentControl, Duty, Handbook, Kpi, Revision, Role
from .output import Staging
from .workbook import HANDBOOK_KEYS, LIST_SEPARATOR, PAGE_KEYS, REQUIREMENT_KINDS, SHEETS

__all__ = ["export_xlsx", "workbook_rows"]

_MAX_WIDTH = 60
_VALIDATED_ROWS = 1000  # drop-downs reach past the last row so HR can add rows below
_TEXT_COLUMNS = {"code", "grade", "target", "version", "value", "text", "competency"}
_HEADER_FILL = "DDE4EE"
# Where each column's description (shown as the header's comment) comes from.
_MODELS: dict[str, type[BaseModel]] = {"positions": Role, "duties": Duty, "kpis": Kpi,
                                       "departments": Department, "revisions": Revision}


def workbook_rows(handbook: Handbook) -> dict[str, list[list[Any]]]:
    """Every sheet's rows below its header, from the validated handbook."""
    roles = handbook.roles
    rows: dict[str, list[list[Any]]] = {name: [] for name in SHEETS}
    for role_id, role in roles.items():
        rows["positions"].append([
            role_id, role.title, role.code, role.department, role.reports_to,
            LIST_SEPARATOR.join(role.dotted_line_to) or None, role.assistant, role.headcount,
            role.filled, role.grade, role.location, role.employment_type, role.summary,
            role.working_conditions, role.reviewed])
        rows["duties"] += [[role_id, d.text, _number(d.share), d.essential, d.frequency]
                           for d in role.duties]
        rows["kpis"] += [[role_id, k.name, k.target, _number(k.weight)] for k in role.kpis]
        rows["competencies"] += [[role_id, c] for c in role.competencies]
        rows["requirements"] += _requirement_rows(role_id, role)
    rows["departments"] = [[d.id, d.name, d.parent, d.head, d.function]
                           for d in handbook.departments]
    rows["handbook"] = [[key, getattr(handbook, key)] for key in HANDBOOK_KEYS
                        if getattr(handbook, key) is not None]
    if handbook.page is not None:
        rows["handbook"] += [[f"page.{key}", getattr(handbook.page, key)] for key in PAGE_KEYS
                             if getattr(handbook.page, key) is not None]
    rows["document"] = [[key, getattr(handbook.document, key)]
                        for key in DocumentControl.model_fields
                        if getattr(handbook.document, key) is not None]
    rows["revisions"] = [[r.version, r.date, r.author, r.approved_by, r.changes]
                         for r in handbook.revisions]
    return rows


def _requirement_rows(role_id: str, role: Role) -> list[list[Any]]:
    requirements = role.requirements
    if requirements is None:
        return []
    rows = []
    for kind in REQUIREMENT_KINDS:
        value = getattr(requirements, kind)
        for item in value if isinstance(value, list) else [value] if value else []:
            rows.append([role_id, kind, item])
    return rows


def _number(value: float | None) -> float | int | None:
    """30.0 is shown as 30: a share typed by a person is a whole number."""
    return int(value) if value is not None and float(value).is_integer() else value


def export_xlsx(handbook: Handbook, target: Path) -> Path:
    """Write the workbook to ``target`` (replaced only when complete)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    rows = workbook_rows(handbook)
    for name, columns in SHEETS.items():
        _fill_sheet(workbook.create_sheet(name), name, columns, rows[name])
    _add_drop_downs(workbook)
    workbook.properties.title = handbook.title
    workbook.properties.creator = handbook.organization
    workbook.properties.created = _created()
    with Staging() as staging:
        workbook.save(staging.path_for(target))
        staging.commit()
    return target


def _fill_sheet(sheet, name: str, columns: tuple[str, ...], rows: list[list[Any]]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.append(list(columns))
    model = _MODELS.get(name)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        field = model.model_fields.get(cell.value) if model else None
        if field is not None and field.description:
            cell.comment = Comment(field.description, "handbook")
    for row in rows:
        sheet.append(row)
    for index, column in enumerate(columns, 1):
        width = _width(column, [row[index - 1] for row in rows])
        letter = sheet.cell(1, index).column_letter
        sheet.column_dimensions[letter].width = width
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            _format_cell(cell, column, width, Alignment)
    sheet.freeze_panes = "C2" if name == "positions" else "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _format_cell(cell, column: str, width: float, alignment) -> None:
    if isinstance(cell.value, (dt.date, dt.datetime)):
        cell.number_format = "yyyy-mm-dd"
    elif column in _TEXT_COLUMNS or isinstance(cell.value, str):
        cell.number_format = "@"  # a version typed as 2.10 stays "2.10"
    text = cell.value if isinstance(cell.value, str) else ""
    if "\n" in text or _display_width(text) > width:
        cell.alignment = alignment(wrap_text=True, vertical="top")
    else:
        cell.alignment = alignment(vertical="top")


def _width(header: str, values: list[Any]) -> float:
    """Wide enough for the longest line of the column, within reason."""
    longest = len(header) + 3
    for value in values:
        if isinstance(value, (dt.date, dt.datetime)):
            longest = max(longest, 12)
        elif value is not None:
            lines = str(value).splitlines() or [""]
            longest = max(longest, *(_display_width(line) + 2 for line in lines))
    return min(longest, _MAX_WIDTH)


def _display_width(text: str) -> int:
    """Columns a text takes: a Chinese character is two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _add_drop_downs(workbook) -> None:
    """Departments, managers and positions chosen from the lists that exist."""
    departments = f"departments!$A$2:$A${_VALIDATED_ROWS}"
    positions = f"positions!$A$2:$A${_VALIDATED_ROWS}"
    kinds = '"' + ",".join(REQUIREMENT_KINDS) + '"'
    languages = '"' + ",".join(LANGUAGE_TAGS) + '"'
    lists = {
        ("positions", "department"): departments, ("positions", "reports_to"): positions,
        ("departments", "parent"): departments, ("departments", "head"): positions,
        ("duties", "position"): positions, ("requirements", "position"): positions,
        ("kpis", "position"): positions, ("competencies", "position"): positions,
        ("requirements", "kind"): kinds,
    }
    for (sheet_name, column), formula in lists.items():
        _drop_down(workbook[sheet_name], SHEETS[sheet_name].index(column) + 1, formula)
    sheet = workbook["handbook"]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == "language":
            _drop_down(sheet, 2, languages, rows=(row, row))


def _drop_down(sheet, column: int, formula: str, rows: tuple[int, int] | None = None) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    first, last = rows or (2, _VALIDATED_ROWS)
    letter = get_column_letter(column)
    # Excel's and Calc's own (localized) message says a value is not in the list.
    validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=True)
    validation.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(validation)


def _created() -> dt.datetime:
    """SOURCE_DATE_EPOCH when set, so the same handbook gives the same workbook."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
