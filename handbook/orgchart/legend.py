"""The key under a chart: what its figures, badges, boxes and lines mean, and where a cut-off
subtree goes on.

A chart page carries only the entries for what it draws (no "+N" entry on a chart without
one), so the key stays one or two lines; the lines it needs are placed here, in points below
the chart, and the SVG renderer only draws them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from .content import DEFAULT_STYLE, Style
from .labels import labels_for
from .measure import text_width
from .model import ChartNode, ChartPage, Layout, Legend, LegendEntry

__all__ = ["with_legends"]

_SAMPLE_W = 16.0  # a line or a box drawn as a sample
_GAP = 3.0  # between a sample and its words
_ENTRY_GAP = 12.0  # between entries of one line
_TOP = 8.0  # between the chart and its key
_CHANGES = ("added", "removed", "moved", "changed")  # the marks of a --changes-since chart


def with_legends(pages: Sequence[ChartPage], nodes: Sequence[ChartNode], *, lang: str,
                 labels: Mapping[str, str] | None = None,
                 style: Style = DEFAULT_STYLE) -> list[ChartPage]:
    """`pages` with their keys and, where a box says "+N", which figures chart the rest.

    Page n is figure n, as the captions number them (labels["figure"]); `nodes` is every
    position of the plan, so a cut-off subtree is followed to the pages that chart it."""
    words = labels_for(lang, labels)
    parents = {n.id: n.parent for n in nodes}
    titles = {n.id: n.title for n in nodes}
    charted = [{b.id for b in page.layout.boxes} for page in pages]
    out = []
    for index, page in enumerate(pages):
        notes = _continuations(page.layout, index, charted, parents, titles, words)
        out.append(replace(page, legend=_legend(page.layout, notes, lang, words, style)))
    return out


def _continuations(layout: Layout, index: int, charted: list[set[str]],
                   parents: Mapping[str, str | None], titles: Mapping[str, str],
                   words: Mapping[str, str]) -> list[str]:
    """One line per box with positions charted elsewhere: "运营总监 +39 → 见图 3–6"."""
    lines = []
    for box in layout.boxes:
        if not box.hidden_reports or box.kind != "role":
            continue
        targets = [i for i, ids in enumerate(charted)
                   if i != index and any(_below(i_d, box.id, parents) for i_d in ids)]
        if not targets:
            continue
        lines.append(words["org_continued"].format(
            title=titles.get(box.id, " ".join(box.title)),
            more=words["org_more"].format(n=box.hidden_reports),
            figures=_figure_list([i + 1 for i in targets], words)))
    return lines


def _below(node: str, manager: str, parents: Mapping[str, str | None]) -> bool:
    """Whether `node` is under `manager` in the reporting tree (cycles end the walk)."""
    seen = {node}
    above = parents.get(node)
    while above is not None and above not in seen:
        if above == manager:
            return True
        seen.add(above)
        above = parents.get(above)
    return False


def _figure_list(numbers: list[int], words: Mapping[str, str]) -> str:
    """"图 3–6" for a run of consecutive figures, else "图 3、图 5"."""
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        span = words["figure_range"].format(first=numbers[0], last=numbers[-1])
        return words["figure"].format(n=span)
    return words["list_separator"].join(words["figure"].format(n=n) for n in numbers)


def _kinds(layout: Layout) -> list[str]:
    """The entries this chart needs, in the order a reader meets them."""
    boxes = layout.boxes
    found = {
        "count": any(b.kind == "role" for b in boxes),
        "department": any(b.kind == "department" for b in boxes),
        "vacant": any(b.badge is not None for b in boxes),
        "unfilled": any(b.filled <= 0 and b.change != "removed" for b in boxes),
        "solid": bool(layout.edges),
        "dotted": bool(layout.dotted) or any(b.note_rule for b in boxes),
        "more": any(b.hidden_reports for b in boxes),
        **{change: any(b.change == change for b in boxes) for change in _CHANGES},
    }
    return [kind for kind, present in found.items() if present]


def _legend_key(kind: str, layout: Layout) -> str:
    """The words of an entry: a ghost on the overview is a removed department."""
    if kind == "removed" and any(b.change == "removed" and b.kind == "department"
                                 for b in layout.boxes):
        return "legend_removed_department"
    return f"legend_{kind}"


def _sample(kind: str, words: Mapping[str, str]) -> str:
    return {"count": words["org_count"].format(filled=2, headcount=3),
            "department": words["org_count"].format(filled=2, headcount=3),
            "vacant": words["vacant_short"].format(n=1),
            "more": words["org_more"].format(n=3),
            "added": words["org_added"], "changed": words["org_changed"]}.get(kind, "")


def _legend(layout: Layout, notes: list[str], lang: str, words: Mapping[str, str],
            style: Style) -> Legend:
    size = style.meta_pt
    line_h = size * style.line_height + 3.0
    entries = [("title", "", 0.0, words["legend"])]
    for kind in _kinds(layout):
        sample = _sample(kind, words)
        if sample:
            sample_w = text_width(sample, size, lang=lang, bold=kind not in ("count", "changed"))
            sample_w += 2 * style.badge_pad if kind in ("vacant", "added") else 0.0
        else:
            sample_w = _SAMPLE_W
        entries.append((kind, sample, sample_w, words[_legend_key(kind, layout)]))
    widths = [(sw + _GAP if sw else 0.0) + text_width(text, size, lang=lang, bold=kind == "title")
              for kind, _, sw, text in entries]
    note_ws = [text_width(note, size, lang=lang) for note in notes]
    width = max(layout.width, max(widths) + 2 * style.margin,
                max(note_ws, default=0.0) + 2 * style.margin)
    top = layout.height + _TOP
    placed, x, baseline = [], style.margin, top + line_h - 0.3 * size - 1.5
    for (kind, sample, sample_w, text), w in zip(entries, widths, strict=True):
        if x > style.margin and x + w > width - style.margin:
            x, baseline = style.margin, baseline + line_h
        placed.append(LegendEntry(kind, sample, sample_w, text, round(x, 2), round(baseline, 2)))
        x += w + _ENTRY_GAP
    lines = [(round(baseline + line_h * (i + 1), 2), note) for i, note in enumerate(notes)]
    bottom = (lines[-1][0] if lines else baseline) + 0.3 * size + style.margin
    return Legend(tuple(placed), tuple(lines), top, round(width, 2), round(bottom - layout.height,
                                                                          2), size)

