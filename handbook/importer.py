"""``handbook import``: a workbook from ``export``, or an HR spreadsheet, to a handbook.

A workbook in the export layout (``workbook.py``) comes back field by field, and with
``--update`` is merged into the handbook it came from (``update.py``).

Otherwise it is HR's own table: HR keeps positions in Excel long before anyone writes
YAML. This reads the first sheet (or a CSV in any common encoding), recognises the usual
headers in Simplified, Traditional or English, splits duty cells written one per line or
numbered "1. … 2. …", resolves "reports to" by code or title, and writes a handbook that
passes ``check``. Rows it cannot use are reported by row number, never silently dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from anyascii import anyascii

from .errors import ContentError, Location, Problem, UsageError
from .rules import asset_problem
from .update import SyncResult, write_handbook
from .validate import check_sources
from .workbook import is_workbook, read_workbook

__all__ = ["HEADERS", "ImportResult", "import_spreadsheet"]

# Column key -> header names recognised (compared without spaces, case-insensitively).
HEADERS: dict[str, tuple[str, ...]] = {
    "department": ("部门", "部門", "department", "dept", "所属部门", "所屬部門"),
    "title": ("岗位", "崗位", "title", "position", "岗位名称", "崗位名稱", "职位", "職位",
              "職務", "job title"),
    "code": ("岗位编号", "崗位編號", "code", "job code", "岗位编码", "職務編號"),
    "reports_to": ("直接上级", "直接上級", "reports_to", "reports to", "上级", "上級",
                   "直屬主管", "manager"),
    "headcount": ("编制", "編制", "headcount", "编制人数", "編制人數"),
    "filled": ("在岗", "在職", "filled", "在岗人数", "在職人數"),
    "grade": ("职级", "職級", "職等", "grade"),
    "location": ("工作地点", "工作地點", "location"),
    "duties": ("主要职责", "主要職責", "duties", "主要工作职责", "主要工作職責", "岗位职责",
               "崗位職責", "工作职责", "工作職責", "responsibilities"),
    "requirements": ("任职要求", "任職要求", "requirements", "任职资格", "任職資格",
                     "任職條件"),
}
_TRADITIONAL_HINTS = set("門崗編職責級屬職務條")
_MARKER = re.compile(r"(?:(\d{1,2})(?:[.．](?!\d)|[、)）])|[（(](\d{1,2})[)）]|([①-⑳]))\s*")


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    roles: int = 0
    departments: int = 0
    sync: SyncResult | None = None


@dataclass
class _Row:
    number: int
    cells: dict[str, str]


def import_spreadsheet(source: Path, target: Path, *, organization: str | None = None,
                       today: dt.date | None = None, update: bool = False,
                       prune: bool = False) -> ImportResult:
    """Read ``source`` (.csv, .xlsx) and write a handbook into ``target``.

    ``update`` merges an exported workbook into the handbook already in ``target``.
    """
    if source.is_file() and is_workbook(source):
        return _import_workbook(source, target, update=update, prune=prune)
    if update:
        raise UsageError(f"{source}: --update merges a workbook written by `handbook export` "
                         "(with a `positions` and a `handbook` sheet); this is a one-sheet table")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} is not empty; choose a new directory")
    table = _read_table(source)
    if not table:
        raise UsageError(f"{source}: the first sheet is empty")
    header_index, columns, lang = _header(table, source)
    result = ImportResult()
    rows = _rows(table, header_index, columns, source, result.problems)
    roles = _roles(rows, source, result.problems)
    for role in roles:
        if not split_duties(role.row.cells.get("duties", "")):
            result.problems.append(_row_problem(
                source, role.row.number, "no duties; wrote a placeholder duty to fill in",
                "warning"))
    departments = _departments(roles)
    _resolve_managers(roles, source, result.problems)
    result.roles, result.departments = len(roles), len(departments)
    if not roles:
        raise UsageError(f"{source}: no row has both a department and a position title")
    today = today or dt.date.today()
    name = organization or source.stem
    result.written = _write(target, name, lang, departments, roles, source, today)
    return result


def _import_workbook(source: Path, target: Path, *, update: bool, prune: bool) -> ImportResult:
    """The whole handbook from its workbook; any bad cell stops it before a file is written."""
    content = read_workbook(source)
    handbook, problems = check_sources(target, content.handbook, content.roles)
    problems = content.problems + problems
    if handbook is None or any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    sync = write_handbook(target, handbook, update=update, prune=prune)
    if handbook.logo and asset_problem(target, handbook.logo):
        problems.append(Problem(handbook.where("logo"), "warning",
                                f"`logo`: copy {handbook.logo} into {target}/ (a workbook holds "
                                "no images)"))
    return ImportResult(written=[*sync.added, *sync.changed], problems=problems + sync.problems,
                        roles=len(handbook.roles), departments=len(handbook.departments),
                        sync=sync)


# --- reading ---------------------------------------------------------------------------


def _read_table(source: Path) -> list[list[str]]:
    suffix = source.suffix.lower()
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(source)
    if suffix in (".csv", ".tsv", ".txt"):
        return _read_csv(source)
    raise UsageError(f"{source}: import reads .csv and .xlsx files")


def _read_xlsx(source: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UsageError(f"{source}: not a readable .xlsx file ({exc})") from exc
    sheet = workbook.worksheets[0]
    table = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(source: Path) -> list[list[str]]:
    raw = source.read_bytes()
    for encoding in ("utf-8-sig", "utf-16", "gb18030", "big5"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"{source}: cannot tell the file's encoding; save it as CSV UTF-8")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]


def _normal(header: str) -> str:
    return re.sub(r"[\s_:：]+", " ", header).strip().lower()


def _header(table: list[list[str]], source: Path) -> tuple[int, dict[int, str], str]:
    """The first row naming at least a department and a title column."""
    known = {_normal(name): key for key, names in HEADERS.items() for name in names}
    for index, row in enumerate(table[:20]):
        columns = {i: known[_normal(cell)] for i, cell in enumerate(row) if _normal(cell) in known}
        if {"department", "title"} <= set(columns.values()):
            return index, columns, _language(row)
    raise UsageError(
        f"{source}: no header row with a department column (部门/部門/department) and a "
        "position column (岗位/崗位/title)")


def _language(header: list[str]) -> str:
    text = "".join(header)
    if not re.search(r"[\u4e00-\u9fff]", text):
        return "en"
    return "zh-Hant" if any(ch in _TRADITIONAL_HINTS for ch in text) else "zh-Hans"


def _rows(table, header_index, columns, source, problems) -> list[_Row]:
    rows: list[_Row] = []
    department = ""
    for offset, raw in enumerate(table[header_index + 1:], header_index + 2):
        cells = {key: raw[i].strip() if i < len(raw) else "" for i, key in columns.items()}
        if not any(cells.values()):
            continue
        # Merged department cells (one department over many rows) come as blanks.
        department = cells.get("department") or department
        cells["department"] = department
        if not cells.get("title"):
            problems.append(_row_problem(source, offset, "no position title; row skipped",
                                         "warning"))
            continue
        if not department:
            problems.append(_row_problem(source, offset, "no department; row skipped",
                                         "warning"))
            continue
        rows.append(_Row(offset, cells))
    return rows


def _row_problem(source: Path, row: int, message: str, severity: str) -> Problem:
    return Problem(Location(source, row, 1), severity, f"row {row}: {message}")


# --- building --------------------------------------------------------------------------


@dataclass
class _Role:
    id: str
    row: _Row
    department_id: str
    reports_to: str | None = None


def _slug(text: str, fallback: str) -> str:
    ascii_text = anyascii(text)
    ascii_text = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", ascii_text)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48].strip("-")
    return slug or fallback


def _unique(base: str, used: set[str]) -> str:
    candidate, number = base, 2
    while candidate in used:
        candidate = f"{base}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def _roles(rows: list[_Row], source: Path, problems: list[Problem]) -> list[_Role]:
    used: set[str] = set()
    departments: dict[str, str] = {}
    dept_used: set[str] = set()
    roles = []
    codes: set[str] = set()
    for index, row in enumerate(rows, 1):
        name = row.cells["department"]
        if name not in departments:
            departments[name] = _unique(_slug(name, f"dept-{len(departments) + 1}"), dept_used)
        code = row.cells.get("code", "")
        if code and code in codes:
            problems.append(_row_problem(source, row.number,
                                         f"code `{code}` repeats an earlier row; dropped",
                                         "warning"))
            row.cells["code"] = code = ""
        codes.add(code)
        base = _slug(code, "") if code else _slug(row.cells["title"], f"role-{index:03d}")
        roles.append(_Role(_unique(base or f"role-{index:03d}", used), row, departments[name]))
    return roles


def _departments(roles: list[_Role]) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for role in roles:
        seen.setdefault(role.department_id, role.row.cells["department"])
    return list(seen.items())


def _resolve_managers(roles: list[_Role], source: Path, problems: list[Problem]) -> None:
    """``reports_to`` names a code or a title; a title in the same department wins."""
    by_code = {r.row.cells.get("code"): r for r in roles if r.row.cells.get("code")}
    by_title: dict[str, list[_Role]] = {}
    for role in roles:
        by_title.setdefault(role.row.cells["title"], []).append(role)
    for role in roles:
        wanted = role.row.cells.get("reports_to", "")
        if not wanted:
            continue
        match = by_code.get(wanted)
        if match is None:
            candidates = by_title.get(wanted, [])
            same = [c for c in candidates if c.department_id == role.department_id]
            match = (same or candidates or [None])[0]
        if match is None or match is role:
            problems.append(_row_problem(
                source, role.row.number,
                f"reports to `{wanted}`, which matches no position's code or title; left empty",
                "warning"))
            continue
        role.reports_to = match.id
    _break_cycles(roles, source, problems)


def _break_cycles(roles: list[_Role], source: Path, problems: list[Problem]) -> None:
    by_id = {r.id: r for r in roles}
    for role in roles:
        seen, current = set(), role
        while current.reports_to and current.id not in seen:
            seen.add(current.id)
            current = by_id[current.reports_to]
        if current.reports_to and current is role:
            problems.append(_row_problem(source, role.row.number,
                                         "reporting lines form a loop here; line removed",
                                         "warning"))
            role.reports_to = None


def split_duties(cell: str) -> list[str]:
    """One duty per line, or numbered duties ("1. … 2. …", "1、", "（1）", "①")."""
    parts: list[str] = []
    for line in re.split(r"[\r\n]+", cell):
        parts += [re.sub(r"^[-•·*]\s*", "", p).strip(" ;；,，。") for p in _numbered(line)]
    return [p for p in parts if p]


def _numbered(line: str) -> list[str]:
    """Split at markers numbered 1, 2, 3… in order, so "ROI 3.0" or "2、" inside a duty
    does not cut it; a line without such a sequence stays whole."""
    cuts: list[tuple[int, int]] = []
    expected = 1
    for match in _MARKER.finditer(line):
        digits, paren, circled = match.groups()
        number = int(digits or paren) if (digits or paren) else ord(circled) - ord("①") + 1
        if number == expected:
            cuts.append((match.start(), match.end()))
            expected += 1
    if len(cuts) < 2 and not (cuts and cuts[0][0] == 0):
        return [line]
    pieces = [line[:cuts[0][0]]] if cuts[0][0] else []
    for (_, end), (start, _) in zip(cuts, [*cuts[1:], (len(line), 0)], strict=True):
        pieces.append(line[end:start])
    return pieces


def _requirements(cell: str) -> dict:
    items = split_duties(cell)
    result: dict = {}
    other = []
    for item in items:
        if "education" not in result and re.search(r"学历|學歷|degree|diploma", item, re.I):
            result["education"] = item
        elif "experience" not in result and re.search(r"经验|經驗|experience", item, re.I):
            result["experience"] = item
        else:
            other.append(item)
    if other:
        result["other"] = other
    return result


def _count(text: str, default: int) -> int:
    match = re.search(r"\d+", text or "")
    return int(match.group()) if match else default


# --- writing ---------------------------------------------------------------------------

_PLACEHOLDER = {"zh-Hans": "（请补充岗位职责）", "zh-Hant": "（請補充職務職責）",
                "en": "(duties to be written)"}
_TITLE = {"zh-Hans": "岗位说明书", "zh-Hant": "職務說明書", "en": "Job descriptions"}
_CHANGES = {"zh-Hans": "由 {file} 导入", "zh-Hant": "由 {file} 匯入", "en": "Imported from {file}"}


def _write(target: Path, name: str, lang: str, departments, roles: list[_Role], source: Path,
           today: dt.date) -> list[Path]:
    heads = _heads(roles)
    handbook = {
        "title": f"{name} {_TITLE[lang]}" if lang == "en" else f"{name}{_TITLE[lang]}",
        "organization": name,
        "language": lang,
        "document": {"number": f"HB-{today:%Y}-01", "version": "1.0", "effective": today},
        "revisions": [{"version": "1.0", "date": today,
                       "changes": _CHANGES[lang].format(file=source.name)}],
        "departments": [
            {"id": dept_id, "name": dept_name, **({"head": heads[dept_id]}
                                                  if dept_id in heads else {})}
            for dept_id, dept_name in departments
        ],
    }
    written = [_dump(target / "handbook.yml", handbook)]
    for role in roles:
        written.append(_dump(target / "roles" / f"{role.id}.yml", _role_data(role, lang)))
    return written


def _heads(roles: list[_Role]) -> dict[str, str]:
    """A department's head: its one role whose manager sits outside the department."""
    by_id = {r.id: r for r in roles}
    tops: dict[str, list[str]] = {}
    for role in roles:
        manager = by_id.get(role.reports_to) if role.reports_to else None
        if manager is None or manager.department_id != role.department_id:
            tops.setdefault(role.department_id, []).append(role.id)
    return {dept: ids[0] for dept, ids in tops.items() if len(ids) == 1}


def _role_data(role: _Role, lang: str) -> dict:
    cells = role.row.cells
    headcount = _count(cells.get("headcount", ""), 1)
    data: dict = {"title": cells["title"]}
    if cells.get("code"):
        data["code"] = cells["code"]
    data["department"] = role.department_id
    if role.reports_to:
        data["reports_to"] = role.reports_to
    data["headcount"] = headcount
    if cells.get("filled"):
        data["filled"] = min(_count(cells["filled"], headcount), headcount)
    for key in ("grade", "location"):
        if cells.get(key):
            data[key] = cells[key]
    data["duties"] = split_duties(cells.get("duties", "")) or [_PLACEHOLDER[lang]]
    requirements = _requirements(cells.get("requirements", ""))
    if requirements:
        data["requirements"] = requirements
    return data


class _Dumper(yaml.SafeDumper):
    """Block style, keys in our order, text that looks like a number quoted, no aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def _represent_str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return path
