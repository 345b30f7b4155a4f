"""handbook diff and review currency, on two versions of the e-commerce example.

The old version is a copy of content/ecommerce-ops; the new one is edited in place with one
change of each kind, so each assertion names the change it proves was seen.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from handbook.cli import main
from handbook.diff import tokens, word_diff

from .conftest import ROOT

EXAMPLE = ROOT / "content" / "ecommerce-ops"
DUTY_OLD = "以店铺销售指标为依据，编制推广计划与实施方案"
DUTY_NEW = "以店铺季度销售指标为依据，编制推广计划方案"


@pytest.fixture
def versions(tmp_path, monkeypatch):
    """(old, new): two copies of the example; tests edit ``new``."""
    monkeypatch.chdir(tmp_path)
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(EXAMPLE, old)
    shutil.copytree(EXAMPLE, new)
    return old, new


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not unique in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _every_kind(new) -> None:
    """Duty reworded, KPI weights moved, manager changed, added, removed, renamed, moved."""
    roles = new / "roles"
    _edit(roles / "promo-lead.yml", DUTY_OLD, DUTY_NEW)
    _edit(roles / "promo-lead.yml", "weight: 35", "weight: 30")
    _edit(roles / "promo-lead.yml", "weight: 25", "weight: 30")
    _edit(roles / "merch-lead.yml", "reports_to: ops-director", "reports_to: ops-manager")
    (roles / "night-cs.yml").unlink()
    (roles / "ztc-specialist.yml").rename(roles / "ztc.yml")
    (roles / "live-host.yml").write_text(
        "title: 直播主播\ncode: OPS-PR-09\ndepartment: promotion\nreports_to: promo-lead\n"
        "duties: [负责店铺直播]\nrequirements: {education: 大专及以上学历}\n", encoding="utf-8")
    _edit(new / "handbook.yml", "  - id: design\n    name: 美工组\n    parent: marketing",
          "  - id: design\n    name: 美工组\n    parent: operations")


def _diff(capsys, *args: str) -> tuple[int, str]:
    status = main(["diff", *map(str, args)])
    return status, capsys.readouterr().out


def _json(capsys, *args) -> list[dict]:
    status, out = _diff(capsys, *args, "--format", "json")
    assert status == 0
    return json.loads(out)


def _by_id(entries: list[dict]) -> dict[tuple[str, str], dict]:
    return {(e["kind"], e["id"]): e for e in entries}


def _field(entry: dict, name: str) -> dict:
    return next(f for f in entry["fields"] if f["name"] == name)


def test_every_kind_of_change_in_json(versions, capsys):
    old, new = versions
    _every_kind(new)
    entries = _json(capsys, old, new)
    found = _by_id(entries)
    assert {k: e["change"] for k, e in found.items()} == {
        ("role", "promo-lead"): "changed", ("role", "merch-lead"): "changed",
        ("role", "live-host"): "added", ("role", "night-cs"): "removed",
        ("role", "ztc"): "renamed", ("department", "design"): "changed"}
    duty = _field(found["role", "promo-lead"], "duties")["items"]
    assert [(d["change"], d["old_index"], d["new_index"]) for d in duty] == [("changed", 1, 1)]
    words = duty[0]["fields"][0]["words"]
    assert {"op": "insert", "text": "季度"} in words
    assert {"op": "delete", "text": "与实施"} in words
    kpis = _field(found["role", "promo-lead"], "kpis")["items"]
    assert [(k["old_index"], k["fields"][0]["name"], k["fields"][0]["old"],
             k["fields"][0]["new"]) for k in kpis] == [(1, "weight", 35, 30), (2, "weight", 25, 30)]
    manager = _field(found["role", "merch-lead"], "reports_to")
    assert (manager["old"], manager["new"]) == ("ops-director", "ops-manager")
    assert found["role", "ztc"]["old_id"] == "ztc-specialist"
    assert found["role", "ztc"]["fields"] == []
    parent = _field(found["department", "design"], "parent")
    assert (parent["old"], parent["new"]) == ("marketing", "operations")
    # Print order: departments first in print order, then positions by department.
    kinds = [e["kind"] for e in entries]
    assert kinds == sorted(kinds, key=["handbook", "department", "role"].index)
    roles = [e["id"] for e in entries if e["kind"] == "role"]
    assert roles == ["merch-lead", "live-host", "promo-lead", "ztc", "night-cs"]


def test_every_kind_of_change_in_text(versions, capsys):
    old, new = versions
    _every_kind(new)
    status, out = _diff(capsys, old, new)
    assert status == 0
    lines = out.splitlines()
    assert "美工组 (design): moved from 营销部 (marketing) to 运营部 (operations)" in lines
    assert "推广部 (promotion)" in lines
    assert "  推广主管 (promo-lead): changed" in lines
    assert "    工作职责 1: 以店铺{+季度+}销售指标为依据，编制推广计划[-与实施-]方案" in lines
    assert "    绩效考核指标 1 «推广投入产出比（ROI）» 权重: 35 → 30" in lines
    assert "    直接上级: 运营总监 (ops-director) → 运营主管 (ops-manager)" in lines
    assert "  直通车专员 (ztc-specialist → ztc): renamed" in lines
    assert "  直播主播 (live-host): added" in lines
    assert "  夜间值班客服 (night-cs): removed" in lines
    # Positions sit under their department's heading.
    assert lines.index("推广部 (promotion)") < lines.index("  推广主管 (promo-lead): changed")
    assert "\x1b[" not in out  # no colours when stdout is not a terminal


def test_html_marks_insertions_and_deletions(versions, capsys):
    old, new = versions
    _every_kind(new)
    status, out = _diff(capsys, old, new, "--format", "html")
    assert status == 0
    assert out.startswith("<!DOCTYPE html>")
    assert "<ins>季度</ins>" in out and "<del>与实施</del>" in out
    assert "<link" not in out and "<script" not in out  # self-contained


def _reformat(directory) -> None:
    """Every file rewritten: keys reversed, flow style, comments added, text re-indented."""
    for path in [directory / "handbook.yml", *sorted((directory / "roles").glob("*.yml"))]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        reordered = dict(reversed(list(data.items())))
        text = yaml.safe_dump(reordered, allow_unicode=True, sort_keys=False, width=60,
                              default_flow_style=None)
        path.write_text("# reformatted\n" + text + "# the end\n", encoding="utf-8")


def test_formatting_is_not_a_change(versions, capsys):
    old, new = versions
    _reformat(new)
    assert _json(capsys, old, new) == []
    status, out = _diff(capsys, old, new, "--exit-code")
    assert (status, out) == (0, "")


def test_exit_code_is_one_when_something_changed(versions, capsys):
    old, new = versions
    _edit(new / "roles" / "merch-lead.yml", "reports_to: ops-director", "reports_to: ops-manager")
    assert _diff(capsys, old, new)[0] == 0
    assert _diff(capsys, old, new, "--exit-code")[0] == 1


def test_a_renamed_position_keeps_its_references(versions, capsys):
    """promo-lead → promotion-lead with every reference updated is one rename, nothing else."""
    old, new = versions
    roles = new / "roles"
    (roles / "promo-lead.yml").rename(roles / "promotion-lead.yml")
    for path in [new / "handbook.yml", *roles.glob("*.yml")]:
        text = path.read_text(encoding="utf-8")
        text = text.replace(": promo-lead\n", ": promotion-lead\n")
        path.write_text(text.replace("[promo-lead]", "[promotion-lead]"), encoding="utf-8")
    entries = _json(capsys, old, new)
    assert [(e["kind"], e["id"], e["change"], e["fields"]) for e in entries] == [
        ("role", "promotion-lead", "renamed", [])]


def test_duties_added_removed_and_reordered(versions, capsys):
    old, new = versions
    path = new / "roles" / "promo-lead.yml"
    role = yaml.safe_load(path.read_text(encoding="utf-8"))
    duties = role["duties"]
    duties[0], duties[1] = duties[1], duties[0]  # reordered
    removed = duties.pop(4)["text"]
    duties.append({"text": "负责直播间推广投放", "share": removed and 10})
    path.write_text(yaml.safe_dump(role, allow_unicode=True, sort_keys=False), encoding="utf-8")
    items = _field(_by_id(_json(capsys, old, new))["role", "promo-lead"], "duties")["items"]
    changes = {(i["change"], i["old_index"], i["new_index"]) for i in items}
    assert ("added", None, 6) in changes
    assert ("removed", 5, None) in changes
    assert len([c for c in changes if c[0] == "moved"]) == 1


def test_tokens_are_latin_words_and_single_cjk_characters():
    assert tokens("Plan the 2026 budget") == ["Plan", " ", "the", " ", "2026", " ", "budget"]
    assert tokens("月度GMV") == ["月", "度", "GMV"]
    assert word_diff("Plan the budget", "Plan the yearly budget") == [
        ("=", "Plan the "), ("+", "yearly "), ("=", "budget")]


# --- by git revision -------------------------------------------------------------------------


def _git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c",
                           "user.email=t@example.com", *args], check=True,
                          capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A repository holding the example at content/ops, committed and tagged v1."""
    monkeypatch.chdir(tmp_path)
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo / "content" / "ops")
    _git(tmp_path, "init", "-q", str(repo))
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "v1")
    _git(repo, "tag", "v1")
    return repo


def test_diff_against_a_tag_and_head(repository, capsys):
    handbook = repository / "content" / "ops"
    _every_kind(handbook)
    status_before = _git(repository, "status", "--porcelain")
    by_tag = _json(capsys, "v1", handbook)
    assert _by_id(by_tag)["role", "ztc"]["old_id"] == "ztc-specialist"
    assert len(by_tag) == 6
    assert _git(repository, "status", "--porcelain") == status_before  # working tree untouched
    _git(repository, "add", "-A")
    _git(repository, "commit", "-qm", "v2")
    assert _json(capsys, "HEAD~1", handbook) == by_tag
    status, out = _diff(capsys, "HEAD", handbook, "--exit-code")
    assert (status, out) == (0, "")
    status, out = _diff(capsys, "v1", handbook)
    assert "  推广主管 (promo-lead): changed" in out.splitlines()


def test_usage_errors_are_one_line(repository, tmp_path, capsys):
    handbook = repository / "content" / "ops"
    assert main(["diff", "v9", str(handbook)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("handbook: error: v9: neither a directory nor a revision")
    assert "\n" not in err
    outside = tmp_path / "plain"
    shutil.copytree(EXAMPLE, outside)
    assert main(["diff", "HEAD", str(outside)]) == 2
    assert "not in a git repository" in capsys.readouterr().err
    assert main(["diff", str(handbook), str(tmp_path)]) == 2
    assert "not a handbook" in capsys.readouterr().err
    (repository / "empty").mkdir()
    (repository / "empty" / "x").write_text("x")
    _git(repository, "add", ".")
    _git(repository, "commit", "-qm", "x")
    assert main(["diff", "v1", str(repository / "empty")]) == 2
    assert "not a handbook" in capsys.readouterr().err


# --- review currency -----------------------------------------------------------------------


def _with_reviews(directory) -> None:
    _edit(directory / "handbook.yml", "logo: assets/logo.svg\n",
          "logo: assets/logo.svg\nreview_every: 12 months\n")
    for path in sorted((directory / "roles").glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("\nduties:", "\nreviewed: 2026-01-10\nduties:", 1),
                        encoding="utf-8")
    _edit(directory / "roles" / "promo-lead.yml", "reviewed: 2026-01-10", "reviewed: 2025-03-01")
    _edit(directory / "roles" / "packer.yml", "reviewed: 2026-01-10\n", "")


def test_check_warns_on_positions_past_review(versions, capsys):
    _, new = versions
    _with_reviews(new)
    assert main(["check", str(new), "--today", "2026-06-01", "--format", "json"]) == 0
    warnings = [p for p in json.loads(capsys.readouterr().out) if "review" in p["message"]]
    assert len(warnings) == 2
    never, overdue = sorted(warnings, key=lambda p: p["file"])
    assert overdue["file"].endswith("roles/promo-lead.yml")
    text = (new / "roles" / "promo-lead.yml").read_text(encoding="utf-8").splitlines()
    assert text[overdue["line"] - 1][overdue["column"] - 1:] == "2025-03-01"
    assert "due for review on 2026-03-01" in overdue["message"]
    assert never["file"].endswith("handbook.yml") and "`packer`" in never["message"]
    # A year later every position is due; the day before promo-lead's date, only packer.
    assert main(["check", str(new), "--today", "2027-02-01"]) == 0
    assert capsys.readouterr().out.count("was last reviewed") == 40
    assert main(["check", str(new), "--today", "2026-02-28"]) == 0
    assert "was last reviewed" not in capsys.readouterr().out


def test_source_date_epoch_is_today_for_reviews(versions, capsys, monkeypatch):
    _, new = versions
    _with_reviews(new)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772323200")  # 2026-03-01
    assert main(["check", str(new)]) == 0
    assert "promo-lead` (推广主管) was last reviewed 2025-03-01" in capsys.readouterr().out


def test_report_stale_lists_title_id_reviewed_and_due(versions, capsys):
    _, new = versions
    _with_reviews(new)
    assert main(["report", "--stale", str(new), "--today", "2026-06-01"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert rows == [["打包发货员", "packer", "never", "now"],
                    ["推广主管", "promo-lead", "2025-03-01", "2026-03-01"]]


def test_a_bad_review_period_is_an_error_at_its_line(versions, capsys):
    _, new = versions
    _edit(new / "handbook.yml", "logo: assets/logo.svg\n",
          "logo: assets/logo.svg\nreview_every: yearly\n")
    assert main(["check", str(new)]) == 1
    out = capsys.readouterr().out
    assert "handbook.yml:6:15: error: `review_every`: write a period such as `12 months`" in out


def test_an_identifier_changes_whole_and_prose_word_by_word(versions, capsys):
    old, new = versions
    _edit(new / "handbook.yml", "number: XH-HR-OPS-2026-01", "number: XH-HR-OPS-2026-02")
    _edit(new / "roles" / "promo-lead.yml", DUTY_OLD, DUTY_NEW)
    found = _by_id(_json(capsys, old, new))
    number = _field(found["handbook", "new"], "document.number")
    assert (number["old"], number["new"], number.get("words")) == (
        "XH-HR-OPS-2026-01", "XH-HR-OPS-2026-02", None)
    duty = _field(found["role", "promo-lead"], "duties")["items"][0]["fields"][0]
    assert duty["words"]
