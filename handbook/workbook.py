"""The handbook as a workbook: which sheet holds what, and how cells become content again.

``export`` writes this layout and ``import`` reads it back, so the two can never disagree:
a sheet per concern, ids in the first column, one row per item in the order of the YAML.
Reading keeps the place of every value (``Sheet!C12``) in a ``SheetSource``, which stands
in for a loaded YAML file: the same model validation and cross-file rules then report bad
cells as precisely as bad lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CellLocation, Location, Problem, UsageError, did_you_mean

__all__ = ["HANDBOOK_KEYS", "LIST_SEPARATOR", "PAGE_KEYS", "SHEETS", "SheetSource",
           "WorkbookContent", "is_workbook", "read_workbook"]

# Table sheets: name -> columns. The first column of each item sheet names the position.
SHEETS: dict[str, tuple[str, ...]] = {
    "positions": ("id", "title", "code", "department", "reports_to", "dotted_line_to",
                  "assistant", "headcount", "filled", "grade", "location", "employment_type",
                  "summary", "working_conditions", "reviewed"),
    "duties": ("position", "text", "share", "essential", "frequency"),
    "requirements": ("position", "kind", "text"),
    "kpis": ("position", "name", "target", "weight"),
    "competencies": ("position", "competency"),
    "departments": ("id", "name", "parent", "head", "function"),
    "handbook": ("key", "value"),
    "document": ("key", "value"),
    "revisions": ("version", "date", "author", "approved_by", "changes"),
}
# The keys of handbook.yml that the `handbook` sheet holds (the rest have sheets of their own).
HANDBOOK_KEYS = ("title", "subtitle", "organization", "language", "logo", "intro",
                 "review_every")
PAGE_KEYS = ("size", "margins")  # in the handbook sheet as page.size, page.margins
REQUIREMENT_KINDS = ("education", "experience", "skills", "certifications", "other")
_SINGLE_REQUIREMENTS = ("education", "experience")
LIST_SEPARATOR = ", "
_ID_COLUMNS = {"id", "position", "department", "reports_to", "parent", "head", "kind", "key"}
_REQUIRED_SHEETS = ("positions", "handbook")


class SheetSource:
    """Plain data read from cells, with the cell of every value (a LoadedFile look-alike)."""

    def __init__(self, path: Path, data: dict, origin: tuple[str, int, int]):
        self.path = path
        self.data = data
        self.values: dict[tuple, tuple[str, int, int]] = {(): origin}
        self.keys: dict[tuple, tuple[str, int, int]] = {}
        self.problems: list[Problem] = []

    def at(self, path: tuple = (), *, key: bool = False) -> Location:
        """The cell of the value (or its key) at ``path``, or of its nearest parent."""
        table = self.keys if key else self.values
        for cut in range(len(path), -1, -1):
            where = table.get(path[:cut]) or (self.values.get(path[:cut]) if key else None)
            if where:
                sheet, row, column = where
                return CellLocation(self.path, row, column, sheet)
        return CellLocation(self.path, 1, 1, "positions")


@dataclass
class WorkbookContent:
    """What a workbook holds: handbook.yml's data and each position's, by id."""

    handbook: SheetSource
    roles: dict[str, SheetSource] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def is_workbook(source: Path) -> bool:
    """Whether ``source`` is a workbook in the export layout (not a one-sheet HR table)."""
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        return False
    from openpyxl import load_workbook

    try:
        names = load_workbook(source, read_only=True).sheetnames
    except Exception:  # noqa: BLE001 - the HR-table reader reports an unreadable file
        return False
    return all(name in names for name in _REQUIRED_SHEETS)


def read_workbook(source: Path) -> WorkbookContent:
    """Every sheet of an exported workbook as plain data with cell positions."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UsageError(f"{source}: not a readable .xlsx file ({exc})") from exc
    reader = _Reader(source)
    tables = {name: reader.table(workbook[name], name) if name in workbook.sheetnames else []
              for name in SHEETS}
    content = WorkbookContent(reader.handbook(tables))
    content.roles = reader.roles(tables)
    content.problems = reader.problems
    return content


@dataclass
class _Cell:
    value: Any
    row: int
    column: int


class _Reader:
    """Turns rows into the data of handbook.yml and of each role file."""

    def __init__(self, source: Path):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, sheet: str, cell: _Cell, message: str) -> None:
        where = CellLocation(self.source, cell.row, cell.column, sheet)
        self.problems.append(Problem(where, "error", message))

    def table(self, sheet, name: str) -> list[dict[str, _Cell]]:
        """Rows as ``column -> cell`` below a header of known column names."""
        rows = sheet.iter_rows()
        header = next(rows, ())
        columns: dict[int, str] = {}
        for cell in header:
            title = _value(cell.value)
            if title is None:
                continue
            title = str(title).strip()
            if title in SHEETS[name]:
                columns[cell.column] = title
            else:
                self.error(name, _Cell(title, cell.row, cell.column),
                           f"unknown column `{title}` in sheet `{name}`"
                           + did_you_mean(title, SHEETS[name]))
        table = []
        for row in rows:
            cells = {columns[c.column]: _Cell(_value(c.value, columns[c.column]), c.row, c.column)
                     for c in row if c.column in columns}
            if any(cell.value is not None for cell in cells.values()):
                table.append(cells)
        return table

    def handbook(self, tables: dict) -> SheetSource:
        source = SheetSource(self.source, {}, ("handbook", 1, 1))
        self._key_values(source, tables["handbook"], "handbook", ())
        document: dict = {}
        source.data["document"] = document
        source.values[("document",)] = ("document", 1, 1)
        self._key_values(source, tables["document"], "document", ("document",))
        source.data["revisions"] = self._items(source, tables["revisions"], "revisions",
                                               ("revisions",), SHEETS["revisions"])
        source.data["departments"] = self._items(source, tables["departments"], "departments",
                                                 ("departments",), SHEETS["departments"])
        return source

    def _key_values(self, source: SheetSource, rows, sheet: str, path: tuple) -> None:
        target = source.data if not path else source.data[path[0]]
        for row in rows:
            key, value = row.get("key"), row.get("value")
            if key is None or key.value is None:
                self.error(sheet, value, "a value without a key in column A")
                continue
            name = str(key.value)
            if name in target:
                self.error(sheet, key, f"`{name}` is given twice in sheet `{sheet}`")
                continue
            place, field = (target, (name,))
            if not path and name.startswith("page."):  # page.size → page: {size: …}
                place, field = target.setdefault("page", {}), ("page", name.removeprefix("page."))
                source.values.setdefault(("page",), (sheet, key.row, key.column))
            source.keys[path + field] = (sheet, key.row, key.column)
            if value is not None and value.value is not None:
                place[field[-1]] = value.value
                source.values[path + field] = (sheet, value.row, value.column)

    def _items(self, source: SheetSource, rows, sheet: str, path: tuple,
               columns: tuple[str, ...]) -> list[dict]:
        items = []
        for row in rows:
            index = len(items)
            first = row.get(columns[0]) or next(iter(row.values()))
            source.values[path + (index,)] = (sheet, first.row, 1)
            item = {}
            for name in columns:
                cell = row.get(name)
                if cell is not None and cell.value is not None:
                    item[name] = cell.value
                    source.values[path + (index, name)] = (sheet, cell.row, cell.column)
            items.append(item)
        return items

    def roles(self, tables: dict) -> dict[str, SheetSource]:
        roles: dict[str, SheetSource] = {}
        for row in tables["positions"]:
            cell = row.get("id")
            if cell is None or cell.value is None:
                first = next(iter(row.values()))
                self.error("positions", _Cell(None, first.row, 1),
                           "a position without an id in column A (the role file's name)")
                continue
            role_id = str(cell.value)
            if role_id in roles:
                self.error("positions", cell, f"position `{role_id}` is listed twice")
                continue
            source = SheetSource(self.source, {}, ("positions", cell.row, 1))
            for name in SHEETS["positions"][1:]:
                value = row.get(name)
                if value is not None and value.value is not None:
                    data = value.value
                    if name == "dotted_line_to":
                        data = [part for part in re.split(r"[\s,，、;；]+", str(data)) if part]
                    source.data[name] = data
                    source.values[(name,)] = ("positions", value.row, value.column)
            roles[role_id] = source
        self._role_items(roles, tables["duties"], "duties", "duties", SHEETS["duties"][1:])
        self._role_items(roles, tables["kpis"], "kpis", "kpis", SHEETS["kpis"][1:])
        for row, source in self._owned(roles, tables["competencies"], "competencies"):
            self._append(source, "competencies", row.get("competency"), "competencies")
        for row, source in self._owned(roles, tables["requirements"], "requirements"):
            self._requirement(source, row)
        return roles

    def _owned(self, roles: dict[str, SheetSource], rows, sheet: str):
        """Each row with the position it belongs to; rows naming no position are errors."""
        for row in rows:
            cell = row.get("position")
            if cell is None or cell.value is None:
                first = next(iter(row.values()))
                self.error(sheet, _Cell(None, first.row, 1), "which position? column A is empty")
                continue
            if str(cell.value) not in roles:
                self.error(sheet, cell, f"no position `{cell.value}` in sheet `positions`"
                           + did_you_mean(str(cell.value), roles))
                continue
            yield row, roles[str(cell.value)]

    def _role_items(self, roles, rows, sheet: str, key: str, columns: tuple[str, ...]) -> None:
        for row, source in self._owned(roles, rows, sheet):
            items = source.data.setdefault(key, [])
            index = len(items)
            source.values.setdefault((key,), (sheet, row["position"].row, 1))
            source.values[(key, index)] = (sheet, row["position"].row, 1)
            item = {}
            for name in columns:
                cell = row.get(name)
                if cell is not None and cell.value is not None:
                    item[name] = cell.value
                    source.values[(key, index, name)] = (sheet, cell.row, cell.column)
            items.append(item)

    def _append(self, source: SheetSource, key: str, cell: _Cell | None, sheet: str,
                path: tuple = ()) -> None:
        if cell is None or cell.value is None:
            return
        target = source.data
        for part in path:
            target = target[part]
        items = target.setdefault(key, [])
        source.values.setdefault(path + (key,), (sheet, cell.row, cell.column))
        source.values[path + (key, len(items))] = (sheet, cell.row, cell.column)
        items.append(cell.value)

    def _requirement(self, source: SheetSource, row: dict[str, _Cell]) -> None:
        kind, text = row.get("kind"), row.get("text")
        if kind is None or kind.value not in REQUIREMENT_KINDS:
            shown = "" if kind is None or kind.value is None else str(kind.value)
            where = kind or row["position"]
            self.error("requirements", where,
                       f"`kind` must be one of {', '.join(REQUIREMENT_KINDS)}, not `{shown}`"
                       + did_you_mean(shown, REQUIREMENT_KINDS))
            return
        requirements = source.data.setdefault("requirements", {})
        source.values.setdefault(("requirements",), ("requirements", kind.row, 1))
        if kind.value in _SINGLE_REQUIREMENTS:
            if kind.value in requirements:
                self.error("requirements", kind,
                           f"`{kind.value}` is given twice for position "
                           f"`{row['position'].value}`; join the two into one cell")
            elif text is not None and text.value is not None:
                requirements[kind.value] = text.value
                source.values[("requirements", kind.value)] = ("requirements", text.row,
                                                               text.column)
            return
        self._append(source, kind.value, text, "requirements", ("requirements",))


def _value(value: Any, column: str | None = None) -> Any:
    """A cell as content: dates without midnight, whole floats as ints, ids trimmed."""
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        if column in _ID_COLUMNS:
            value = value.strip()
        return value if value.strip() else None
    return value
