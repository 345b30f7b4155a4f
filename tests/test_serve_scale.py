"""The live preview at scale: an edit re-reads, re-resolves and re-renders only what it must,
and the page it serves is the page a cold build of the edited content renders."""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from pathlib import Path

import pytest

from handbook import document as document_module
from handbook import validate
from handbook.build import BuildRequest, build_document
from handbook.charts import _planned_charts
from handbook.orgchart.memo import LAYOUTS
from handbook.serve import Preview
from handbook.write.html import render_html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

LEAD = "dept-02-r01"  # a team lead: a head above, members below


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A generated 60-position handbook in a started preview, and counters of the work done."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = generate(60, tmp_path / "synthetic")
    preview = Preview(BuildRequest(root, ("html",)))
    preview.rebuild()
    assert preview.errors == [] and preview.cache.rendered == 60
    counts = {"parsed": [], "sections": []}
    parse, section = validate._parse, document_module._role_section

    def counting_parse(model, loaded, *args):
        counts["parsed"].append(loaded.path.name)
        return parse(model, loaded, *args)

    def counting_section(role, *args):
        counts["sections"].append(role.id)
        return section(role, *args)

    monkeypatch.setattr(validate, "_parse", counting_parse)
    monkeypatch.setattr(document_module, "_role_section", counting_section)
    return preview, root, counts


def _cold_page(root: Path, monkeypatch) -> str:
    """The page of a first build: no load, parse, section or page kept from before."""
    with monkeypatch.context() as cold:
        for module, name in ((validate, "_LOADED"), (validate, "_BY_CONTENT"),
                             (validate, "_PARSED"), (document_module, "_LAST_SECTIONS")):
            cold.setattr(module, name, {})
        cold.setattr(LAYOUTS, "_layouts", OrderedDict())  # no chart layout kept either
        _planned_charts.cache_clear()
        document, handbook_root = build_document(BuildRequest(root, ("html",)))
        return render_html(document, root=handbook_root)


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def _members(root: Path, department: str) -> int:
    return len(list((root / "roles").glob(f"{department}-*.yml")))


def test_an_unchanged_handbook_does_no_work_again(live):
    preview, _, counts = live
    preview.rebuild()
    assert counts["parsed"] == ["handbook.yml"]
    assert counts["sections"] == []
    assert (preview.cache.rendered, preview.cache.reused) == (0, 60)


def test_a_duty_edit_resolves_one_position_and_matches_a_cold_build(live, monkeypatch):
    preview, root, counts = live
    _edit(root / "roles" / f"{LEAD}.yml", r"^- text: .*$", "- text: 每周复盘推广数据并调整出价")
    preview.rebuild()
    assert counts["parsed"] == ["handbook.yml", f"{LEAD}.yml"]
    assert counts["sections"] == [LEAD]
    # Each page of a department reads the department, whose list of positions changed.
    assert preview.cache.rendered == _members(root, "dept-02")
    assert "每周复盘推广数据并调整出价" in preview.page
    assert preview.page == _cold_page(root, monkeypatch)


def test_a_title_edit_reaches_every_position_that_names_it(live, monkeypatch):
    preview, root, counts = live
    _edit(root / "roles" / f"{LEAD}.yml", r"^title: .*$", "title: 推广组长")
    preview.rebuild()
    linked = {"dept-02-head"} | {path.stem for path in (root / "roles").glob("*.yml")
                                 if f"reports_to: {LEAD}\n" in path.read_text("utf-8")}
    assert len(linked) > 2
    assert sorted(counts["sections"]) == sorted({LEAD} | linked)
    assert preview.cache.rendered < 60
    page = preview.page
    assert page.count("推广组长") > len(linked)  # its page, the links to it, the TOC, charts
    assert page == _cold_page(root, monkeypatch)
