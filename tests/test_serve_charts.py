"""The live preview re-plans only the org charts an edit reaches: a renamed position's
department chart (and any chart noting it as a dotted-line manager) is laid out again, every
other chart's layout is reused, and the page equals a cold render of the edited content."""

from __future__ import annotations

import re
import sys
from collections import OrderedDict
from pathlib import Path

import pytest

from handbook import charts
from handbook.build import BuildRequest, build_document
from handbook.orgchart import memo, paginate
from handbook.serve import Preview
from handbook.write.html import render_html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

LEAD = "dept-02-r01"  # a lead under dept-02's head: on its department's chart only


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A started preview of a generated 140-position handbook of four departments, and the
    node ids of every chart laid out from then on."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(memo, "LAYOUTS", memo.LayoutMemo())
    monkeypatch.setattr(paginate, "LAYOUTS", memo.LAYOUTS)
    charts._planned_charts.cache_clear()
    root = generate(140, tmp_path / "wide", wide=True)
    preview = Preview(BuildRequest(root, ("html",)))
    preview.rebuild()
    assert preview.errors == []
    laid_out: list[tuple[set[str], dict]] = []
    layout = paginate.layout_chart

    def recording(nodes, **options):
        laid_out.append(({n.id for n in nodes}, options))
        return layout(nodes, **options)

    monkeypatch.setattr(paginate, "layout_chart", recording)
    return preview, root, laid_out


def _cold_page(root: Path, monkeypatch) -> str:
    with monkeypatch.context() as cold:
        cold.setattr(memo.LAYOUTS, "_layouts", OrderedDict())
        charts._planned_charts.cache_clear()
        document, handbook_root = build_document(BuildRequest(root, ("html",)))
        return render_html(document, root=handbook_root)


def test_a_title_edit_lays_out_only_the_charts_that_show_the_position(live, monkeypatch):
    preview, root, laid_out = live
    planned = memo.LAYOUTS.laid_out
    memo.LAYOUTS.reset()
    path = root / "roles" / f"{LEAD}.yml"
    path.write_text(re.sub(r"^title: .*$", "title: 推广组长", path.read_text("utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    preview.rebuild()
    assert laid_out, "the renamed position's chart was not laid out again"
    for ids, options in laid_out:
        notes = options.get("dotted_notes") or {}
        assert LEAD in ids or any("推广组长" in note for note in notes.values()), ids
    assert memo.LAYOUTS.laid_out == len(laid_out) < planned
    assert memo.LAYOUTS.reused > 0
    assert "推广组长" in preview.page
    assert preview.page == _cold_page(root, monkeypatch)


def test_a_duty_edit_lays_out_no_chart(live, monkeypatch):
    preview, root, laid_out = live
    path = root / "roles" / f"{LEAD}.yml"
    path.write_text(re.sub(r"^- text: .*$", "- text: 每周复盘推广数据并调整出价",
                           path.read_text("utf-8"), count=1, flags=re.M), encoding="utf-8")
    preview.rebuild()
    assert laid_out == []
    assert preview.page == _cold_page(root, monkeypatch)
