"""`handbook import` of a one-sheet HR table (CSV/XLSX in three languages).

The exported workbook and its round trip are tested in test_workbook.py.
"""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

from handbook.cli import main
from handbook.importer import split_duties

SIMPLIFIED = [
    ["部门", "岗位", "岗位编号", "直接上级", "编制", "主要职责", "任职要求"],
    ["运营部", "运营经理", "OP-01", "", "1",
     "1. 制定电商战略规划,把握业务发展方向 2. 负责商品选品、定价、上架 3. 提升平台交易额",
     "本科及以上学历\n3年以上电商运营经验\n熟悉数据分析"],
    ["", "商品专员", "OP-02", "运营经理", "2人", "1. 负责商品的采购与管理 2. 确保库存稳定", ""],
    ["", "", "", "", "", "", ""],
    ["客服部", "客服经理", "CS-01", "OP-01", "1", "制定客服管理制度\n提升服务质量", ""],
    ["客服部", "售前客服", "CS-02", "客服经理", "4", "1、解答客户咨询 2、引导客户完成购买", ""],
    ["客服部", "", "CS-03", "客服经理", "4", "1. 处理退换货", ""],
    ["客服部", "售后客服", "CS-04", "不存在的岗位", "2", "", ""],
]


def _write_csv(path, rows, encoding):
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_import_csv_simplified(tmp_path, monkeypatch, capsys, encoding):
    monkeypatch.chdir(tmp_path)
    _write_csv(tmp_path / "positions.csv", SIMPLIFIED, encoding)
    assert main(["import", "positions.csv", "out", "--organization", "示例公司"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "positions.csv:7:1: warning: row 7: no position title; row skipped",
        "positions.csv:8:1: warning: row 8: no duties; wrote a placeholder duty to fill in",
        "positions.csv:8:1: warning: row 8: reports to `不存在的岗位`, which matches no "
        "position's code or title; left empty",
        "wrote out: 2 departments, 5 positions; next: handbook check out",
    ]
    assert main(["check", "out"]) == 0
    role = (tmp_path / "out/roles/op-02.yml").read_text(encoding="utf-8")
    assert "reports_to: op-01" in role and "department: yun-ying-bu" in role
    assert "- 负责商品的采购与管理\n- 确保库存稳定" in role
    assert "headcount: 2" in role
    manager = (tmp_path / "out/roles/op-01.yml").read_text(encoding="utf-8")
    assert "education: 本科及以上学历" in manager and "experience: 3年以上电商运营经验" in manager
    # "reports to" given by code resolves too.
    assert "reports_to: op-01" in (tmp_path / "out/roles/cs-01.yml").read_text(encoding="utf-8")


def test_import_xlsx_traditional_with_merged_department_cells(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["部門", "崗位", "直接上級", "編制", "主要職責"])
    sheet.append(["營運部", "營運經理", None, 1, "1. 制定營運策略 2. 管理團隊"])
    sheet.append([None, "營運專員", "營運經理", 3, "維護商品頁面\n報名平台活動"])
    sheet.append(["客服部", "客服主管", "營運經理", 1, "①制定客服規範②處理客訴"])
    sheet.merge_cells("A2:A3")
    workbook.save(tmp_path / "team.xlsx")
    assert main(["import", "team.xlsx", "hb"]) == 0
    assert main(["check", "hb"]) == 0
    handbook = (tmp_path / "hb/handbook.yml").read_text(encoding="utf-8")
    assert "language: zh-Hant" in handbook
    specialist = (tmp_path / "hb/roles/ying-yun-zhuan-yuan.yml").read_text(encoding="utf-8")
    assert "department: ying-yun-bu" in specialist
    assert "reports_to: ying-yun-jing-li" in specialist
    assert "headcount: 3" in specialist


def test_import_english_headers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write_csv(tmp_path / "p.csv", [
        ["Department", "Title", "Code", "Reports to", "Headcount", "Duties"],
        ["Operations", "Head of Operations", "OPS-1", "", "1", "Plan the year\nLead the team"],
        ["Operations", "Analyst", "OPS-2", "OPS-1", "2", "1. Build reports 2. Explain trends"],
    ], "utf-8")
    assert main(["import", "p.csv", "hb"]) == 0
    assert main(["check", "hb"]) == 0
    assert "language: en" in (tmp_path / "hb/handbook.yml").read_text(encoding="utf-8")


def test_import_refuses_unknown_headers(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write_csv(tmp_path / "p.csv", [["Name", "Salary"], ["A", "1"]], "utf-8")
    assert main(["import", "p.csv", "hb"]) == 2
    assert "no header row with a department column" in capsys.readouterr().err
    assert not (tmp_path / "hb").exists()


@pytest.mark.parametrize("cell, duties", [
    ("1. 甲 2. 乙 3. 丙", ["甲", "乙", "丙"]),
    ("1.提高ROI到3.0以上2.降低PPC", ["提高ROI到3.0以上", "降低PPC"]),
    ("（1）甲（2）乙", ["甲", "乙"]),
    ("ROI 3.0 以上", ["ROI 3.0 以上"]),
    ("- a\n- b", ["a", "b"]),
])
def test_split_duties(cell, duties):
    assert split_duties(cell) == duties
