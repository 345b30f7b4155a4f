"""`handbook export --xlsx` and `handbook import` of that workbook: lossless, mergeable, and
precise about bad cells."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from handbook.cli import main
from handbook.validate import load_handbook

from .conftest import EXAMPLES


def _dumps(directory):
    handbook, _ = load_handbook(directory)
    return handbook.model_dump(), {rid: role.model_dump() for rid, role in handbook.roles.items()}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_round_trip_is_field_for_field_equal(example, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(example), "--xlsx", "hb.xlsx"]) == 0
    assert main(["import", "hb.xlsx", "back"]) == 0
    if (example / "assets").is_dir():  # a workbook holds no images: import says so
        assert "warning: `logo`: copy assets/logo.svg into back/" in capsys.readouterr().err
        shutil.copytree(example / "assets", tmp_path / "back/assets")
    original, back = _dumps(example), _dumps(tmp_path / "back")
    assert back[0] == original[0]
    assert list(back[1]) == list(original[1])  # role ids kept, not renamed from codes
    for role_id, role in original[1].items():
        assert back[1][role_id] == role, role_id


def test_export_layout(handbook_dir):
    assert main(["export", "hb", "--xlsx", "hb.xlsx"]) == 0
    workbook = load_workbook("hb.xlsx")
    assert workbook.sheetnames == ["positions", "duties", "requirements", "kpis",
                                   "competencies", "departments", "handbook", "document",
                                   "revisions"]
    positions = workbook["positions"]
    rows = [list(row) for row in positions.iter_rows(values_only=True)]
    assert rows[0][:9] == ["id", "title", "code", "department", "reports_to", "dotted_line_to",
                           "assistant", "headcount", "filled"]
    agent = next(row for row in rows if row[0] == "service-agent")
    assert agent[:9] == ["service-agent", "Customer Service Agent", "SVC-02", "service",
                         "service-lead", "ops-specialist", False, 4, 3]
    assert positions.freeze_panes == "C2"
    assert all(workbook[name].freeze_panes in ("A2", "C2") for name in workbook.sheetnames)
    assert positions.column_dimensions["B"].width == len("Customer Service Agent") + 2
    lists = {str(v.sqref): v.formula1 for v in positions.data_validations.dataValidation}
    assert lists["D2:D1000"] == "departments!$A$2:$A$1000"
    assert lists["E2:E1000"] == "positions!$A$2:$A$1000"
    duties = [list(row) for row in workbook["duties"].iter_rows(values_only=True)]
    assert ["service-agent", "Handle returns, exchanges and after-sales issues", None, True,
            None] in duties
    document = dict(workbook["document"].iter_rows(min_row=2, values_only=True))
    assert document["version"] == "1.0" and document["effective"].year == 2026


def _edit(path, edits):
    """Set cells given as {"sheet!A1": value} and save the workbook in place."""
    workbook = load_workbook(path)
    for ref, value in edits.items():
        sheet, cell = ref.split("!")
        workbook[sheet][cell] = value
    workbook.save(path)


def _cell_of(path, sheet, first, column):
    """The reference of ``column`` in the first row of ``sheet`` whose column A is ``first``."""
    worksheet = load_workbook(path)[sheet]
    header = [c.value for c in worksheet[1]]
    for row in worksheet.iter_rows(min_row=2):
        if row[0].value == first:
            return f"{sheet}!{row[header.index(column)].coordinate}"
    raise AssertionError(first)


def test_update_writes_only_what_changed(handbook_dir, capsys):
    assert main(["export", "hb", "--xlsx", "hb.xlsx"]) == 0
    _edit("hb.xlsx", {_cell_of("hb.xlsx", "positions", "service-agent", "headcount"): 5})
    roles = handbook_dir.root / "roles"
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in roles.iterdir()}
    handbook_before = (handbook_dir.root / "handbook.yml").stat().st_mtime_ns
    capsys.readouterr()
    assert main(["import", "hb.xlsx", "hb", "--update"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "updated roles/service-agent.yml: headcount",
        "hb: 1 updated, 0 added, 0 deleted, 4 unchanged",
    ]
    agent = (roles / "service-agent.yml").read_text(encoding="utf-8")
    assert agent == before["service-agent.yml"][0].decode().replace("headcount: 4",
                                                                     "headcount: 5")
    assert "# optional dotted (matrix) reporting line" in agent
    for name, (data, mtime) in before.items():
        if name != "service-agent.yml":
            assert ((roles / name).read_bytes(), (roles / name).stat().st_mtime_ns) == (data,
                                                                                        mtime)
    assert (handbook_dir.root / "handbook.yml").stat().st_mtime_ns == handbook_before
    assert main(["check", "hb"]) == 0


def test_update_adds_and_reports_missing_positions(handbook_dir, capsys):
    assert main(["export", "hb", "--xlsx", "hb.xlsx"]) == 0
    workbook = load_workbook("hb.xlsx")
    for sheet in workbook:  # renamed: a new file, and the old one is missing
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.value == "ops-specialist":
                    cell.value = "ops-analyst"
    workbook.save("hb.xlsx")
    capsys.readouterr()
    # Kept beside its renamed copy, the old file would repeat its code: refused.
    assert main(["import", "hb.xlsx", "hb", "--update"]) == 1
    err = capsys.readouterr().err
    print(err)
    assert err.splitlines() == [
        "hb/roles/ops-specialist.yml:2:1: warning: position `ops-specialist` is not in the "
        "workbook; it would be kept (--prune deletes it)",
        "hb/roles/ops-specialist.yml:3:7: error: code `OPS-02` is already used by role "
        "`ops-analyst` (hb.xlsx:positions!C3)",
    ]
    assert not (handbook_dir.root / "roles/ops-analyst.yml").exists()
    assert main(["import", "hb.xlsx", "hb", "--update", "--prune"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "updated roles/service-agent.yml: dotted_line_to",
        "added roles/ops-analyst.yml",
        "deleted roles/ops-specialist.yml",
        "hb: 1 updated, 1 added, 1 deleted, 3 unchanged",
    ]
    assert not (handbook_dir.root / "roles/ops-specialist.yml").exists()
    assert main(["check", "hb"]) == 0


def test_update_keeps_positions_missing_from_the_workbook(handbook_dir, capsys):
    assert main(["export", "hb", "--xlsx", "hb.xlsx"]) == 0
    workbook = load_workbook("hb.xlsx")
    for sheet in workbook:
        for row in reversed(list(sheet.iter_rows(min_row=2))):
            if row[0].value == "service-agent":
                sheet.delete_rows(row[0].row)
    workbook.save("hb.xlsx")
    capsys.readouterr()
    assert main(["import", "hb.xlsx", "hb", "--update"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "hb/roles/service-agent.yml:2:1: warning: position `service-agent` is not in the "
        "workbook; kept (--prune deletes it)",
        "hb: 0 updated, 0 added, 0 deleted, 4 unchanged",
    ]
    assert main(["check", "hb"]) == 0


def test_bad_cells_are_reported_and_nothing_is_written(handbook_dir, capsys):
    assert main(["export", "hb", "--xlsx", "hb.xlsx"]) == 0
    department = _cell_of("hb.xlsx", "positions", "service-agent", "department")
    headcount = _cell_of("hb.xlsx", "positions", "ops-manager", "headcount")
    date = _cell_of("hb.xlsx", "revisions", "1.0", "date")
    _edit("hb.xlsx", {department: "servce", headcount: "two", date: "03/15/2025",
                      "duties!C2": "30%", "duties!F1": "owner", "kpis!A2": "nobody"})
    before = sorted(p.read_bytes() for p in handbook_dir.root.rglob("*.yml"))
    capsys.readouterr()
    assert main(["import", "hb.xlsx", "hb", "--update"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "hb.xlsx:duties!F1: error: unknown column `owner` in sheet `duties`",
        "hb.xlsx:duties!C2: error: `share` must be a number, not `30%`; write 30",
        "hb.xlsx:kpis!A2: error: no position `nobody` in sheet `positions`",
        f"hb.xlsx:{headcount}: error: `headcount` must be a whole number, not `two`",
        f"hb.xlsx:{department}: error: `department`: unknown department `servce`; "
        "did you mean `service`?",
        f"hb.xlsx:{date}: error: `date` must be a date written YYYY-MM-DD, not `03/15/2025`; "
        "write 2025-03-15",
    ]
    assert sorted(p.read_bytes() for p in handbook_dir.root.rglob("*.yml")) == before
    assert main(["import", "hb.xlsx", "new"]) == 1
    assert not (handbook_dir.root.parent / "new").exists()


def test_update_needs_a_workbook(handbook_dir, capsys):
    (handbook_dir.root.parent / "p.csv").write_text("部门,岗位\n运营部,运营经理\n",
                                                    encoding="utf-8")
    assert main(["import", "p.csv", "hb", "--update"]) == 2
    assert "--update merges a workbook written by `handbook export`" in capsys.readouterr().err


def test_round_trip_keeps_page_and_review_keys(handbook_dir, tmp_path):
    """Keys the examples leave out travel too: the page (size and four margins), the review
    cycle and a position's last review."""
    handbook_dir.edit("handbook.yml", "organization:",
                      "page: {size: A5, margins: [12mm, 10mm, 12mm, 10mm]}\n"
                      "review_every: 12 months\norganization:")
    handbook_dir.edit("roles/service-agent.yml", "title:", "reviewed: 2026-02-15\ntitle:")
    assert main(["check", "hb"]) == 0
    assert main(["export", "hb", "--xlsx", "hb.xlsx"]) == 0
    assert main(["import", "hb.xlsx", "back"]) == 0
    original, back = _dumps(handbook_dir.root), _dumps(tmp_path / "back")
    assert original[0]["page"] == {"size": "A5", "margins": "12mm 10mm 12mm 10mm"}
    assert original[0]["review_every"] == "12 months"
    assert original[1]["service-agent"]["reviewed"].isoformat() == "2026-02-15"
    assert back == original


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_again_by_libreoffice_calc_imports_the_same(tmp_path, monkeypatch):
    """HR edits the workbook in Calc (or Excel) and saves it: what Calc writes back (its own
    cell types, styles and validations) still imports to the same handbook."""
    import os
    import subprocess

    example = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(example), "--xlsx", "hb.xlsx"]) == 0
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", "calc", "hb.xlsx"], check=True,
                   capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)})
    assert (tmp_path / "calc/hb.xlsx").stat().st_size > 0, "LibreOffice Calc saved the workbook"
    assert main(["import", "calc/hb.xlsx", "back"]) == 0
    shutil.copytree(example / "assets", tmp_path / "back/assets")
    assert _dumps(tmp_path / "back") == _dumps(example)
