"""The chart as a standalone SVG with real, selectable text.

Every element has a class (`hb-box`, `hb-title`, `hb-edge`, ...) and concrete presentation
attributes. Brand colours and fonts reach the chart in two ways: the `colors`/`font_family`
arguments fill the attributes (what WeasyPrint's SVG renderer uses, as it resolves no CSS
variables), and a style sheet maps the classes to `--hb-*` custom properties for browsers. That
sheet sits inside `@supports (color: var(--hb))`, so a renderer without custom properties skips
it instead of applying unresolved `var()` values.
"""

from __future__ import annotations

from collections.abc import Mapping
from xml.sax.saxutils import escape, quoteattr

from .fonts import script_for
from .labels import labels_for
from .model import Box, ChartPage, Layout, Legend, LegendEntry, Point
from .theme import band_color, colors_for, font_stack

_LINE_W = 0.8
_DASH = "3.5 2.5"
_MARK_W = 1.6  # a new position's outline and a new reporting line: bold in greyscale too
_GHOST_DASH = "4 2"


def to_svg(
    chart: Layout | ChartPage,
    *,
    lang: str | None = None,
    font_family: str | None = None,
    labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
) -> str:
    """A standalone `<svg>` of the chart, sized in points (scaled to the page for a ChartPage)."""
    layout, scale = (chart.layout, chart.scale) if isinstance(chart, ChartPage) else (chart, 1.0)
    legend = chart.legend if isinstance(chart, ChartPage) else None
    width = max(layout.width, legend.width if legend else 0.0)
    height = layout.height + (legend.height if legend else 0.0)
    shift = (width - layout.width) / 2  # a key wider than a tiny chart: the chart centred
    lang = lang or layout.lang
    palette = colors_for(colors)
    title = (chart.alt if isinstance(chart, ChartPage) else "") or labels_for(lang, labels)[
        "org_chart"]  # WeasyPrint makes the <title> a tagged PDF's /Alt
    script = script_for(lang)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xml:lang={quoteattr(lang)} '
        f'lang={quoteattr(lang)} class="hb-orgchart hb-orgchart-{script.lower()}" '
        f'role="img" aria-label={quoteattr(title)} '
        f'width="{_n(width * scale)}pt" height="{_n(height * scale)}pt" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" '
        f'font-family={quoteattr(font_stack(lang, font_family))}>',
        f"<title>{_text(title)}</title>",
        _style_sheet(layout, lang, palette, font_stack(lang, font_family)),
        f'<g class="hb-chart" transform="translate({_n(shift)} 0)">' if shift else "<g>",
        f'<g class="hb-edges" fill="none" stroke="{palette["rule"]}" '
        f'stroke-width="{_LINE_W}">',
    ]
    marks = {box.id: box.change for box in layout.boxes if box.change in ("moved", "removed")}
    # a removed position's dashed line under the others, which may share its trunk; a new
    # reporting line over them
    edges = sorted(layout.edges, key=lambda e: _EDGE_ORDER.get(marks.get(e.child), 1))
    out += [
        f'<path class="hb-edge hb-edge-{e.kind}{_edge_mark(marks.get(e.child), palette)}" '
        f'data-parent={quoteattr(e.parent)} data-child={quoteattr(e.child)} '
        f'd="{_path(e.points)}"/>'
        for e in edges
    ]
    out.append(f'</g><g class="hb-dotted" fill="none" stroke="{palette["dotted"]}" '
               f'stroke-width="{_LINE_W}" stroke-dasharray="{_DASH}">')
    out += [
        f'<path class="hb-dotted-edge" data-source={quoteattr(d.source)} '
        f'data-target={quoteattr(d.target)} d="{_path(d.points)}"/>'
        for d in layout.dotted
    ]
    out.append('</g><g class="hb-boxes">')
    out += [_box(box, palette) for box in layout.boxes]
    out.append("</g></g>")
    if legend:
        out.append(_legend(legend, width, palette))
    out.append("</svg>")
    return "\n".join(out)


_EDGE_ORDER = {"removed": 0, "moved": 2}


def _edge_mark(change: str | None, palette: Mapping[str, str]) -> str:
    """The rest of a marked line's class and its look: a new reporting line bold in the
    accent, the line to a removed position dashed; nothing for any other line."""
    if change == "moved":
        return f' hb-edge-moved" stroke="{palette["accent"]}" stroke-width="{_MARK_W}'
    if change == "removed":
        return f' hb-edge-removed" stroke="{palette["border"]}" stroke-dasharray="{_GHOST_DASH}'
    return ""


def _legend(legend: Legend, width: float, palette: Mapping[str, str]) -> str:
    """The key: a rule, then each entry's sample and words, then the continuation lines."""
    size, rule_y = legend.size, legend.top - 3.0
    parts = [f'<g class="hb-legend" font-size="{_n(size)}">',
             f'<path class="hb-legend-rule" d="M0 {_n(rule_y)}H{_n(width)}" fill="none" '
             f'stroke="{palette["border"]}" stroke-width="0.5"/>']
    for entry in legend.entries:
        parts.append(_legend_sample(entry, size, palette))
        x = entry.x + (entry.sample_w + 3.0 if entry.sample_w else 0.0)
        weight = ' font-weight="bold"' if entry.kind == "title" else ""
        tone = "foreground" if entry.kind == "title" else "muted"
        parts.append(f'<text class="hb-legend-text" x="{_n(x)}" y="{_n(entry.baseline)}"'
                     f'{weight} fill="{palette[tone]}">{_text(entry.text)}</text>')
    for baseline, note in legend.notes:
        parts.append(f'<text class="hb-legend-note" x="4" y="{_n(baseline)}" '
                     f'fill="{palette["primary"]}">{_text(note)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _legend_sample(entry: LegendEntry, size: float, palette: Mapping[str, str]) -> str:
    """The entry's sample drawn as in the chart itself: figure, badge, box or line."""
    x, base, w = entry.x, entry.baseline, entry.sample_w
    mid = base - 0.35 * size
    line = f'fill="none" stroke-width="{_LINE_W}"'
    if entry.kind in ("count", "department", "more", "changed"):
        bold, tone = (' font-weight="bold"', "primary") if entry.kind == "more" else ("", "muted")
        return (f'<text class="hb-legend-sample" x="{_n(x)}" y="{_n(base)}"{bold} '
                f'fill="{palette[tone]}">{_text(entry.sample)}</text>')
    if entry.kind == "vacant":
        top, h = base - 0.88 * size - 1.5, size + 3.0
        return (f'<rect class="hb-badge" x="{_n(x)}" y="{_n(top)}" width="{_n(w)}" '
                f'height="{_n(h)}" rx="{_n(h / 2)}" fill="{palette["secondary"]}"/>'
                f'<text class="hb-legend-sample hb-badge-text" x="{_n(x + w / 2)}" '
                f'y="{_n(base)}" text-anchor="middle" font-weight="bold" '
                f'fill="{palette["badge-text"]}">'
                f'{_text(entry.sample)}</text>')
    if entry.kind == "unfilled":
        return (f'<rect class="hb-box" x="{_n(x)}" y="{_n(mid - 4.5)}" width="{_n(w)}" '
                f'height="9" rx="2" fill="{palette["background"]}" stroke="{palette["border"]}" '
                f'stroke-width="{_LINE_W}" stroke-dasharray="3 2"/>')
    if entry.kind == "solid":
        return (f'<path class="hb-edge" d="M{_n(x)} {_n(mid)}H{_n(x + w)}" {line} '
                f'stroke="{palette["rule"]}"/>')
    if entry.kind == "dotted":
        return (f'<path class="hb-dotted-edge" d="M{_n(x)} {_n(mid)}H{_n(x + w)}" {line} '
                f'stroke="{palette["dotted"]}" stroke-dasharray="{_DASH}"/>')
    return _change_sample(entry, size, palette)


def _change_sample(entry: LegendEntry, size: float, palette: Mapping[str, str]) -> str:
    """A change mark's sample, drawn as on the boxes and lines it explains."""
    x, base, w = entry.x, entry.baseline, entry.sample_w
    mid = base - 0.35 * size
    if entry.kind == "added":
        top, h = base - 0.88 * size - 1.5, size + 3.0
        return (f'<rect class="hb-change-frame" x="{_n(x)}" y="{_n(top)}" width="{_n(w)}" '
                f'height="{_n(h)}" rx="1.5" fill="none" stroke="{palette["accent"]}" '
                f'stroke-width="{_LINE_W}"/>'
                f'<text class="hb-legend-sample hb-change-tag" x="{_n(x + w / 2)}" '
                f'y="{_n(base)}" text-anchor="middle" font-weight="bold" '
                f'fill="{palette["accent"]}">{_text(entry.sample)}</text>')
    if entry.kind == "removed":
        return (f'<rect class="hb-box" x="{_n(x)}" y="{_n(mid - 4.5)}" width="{_n(w)}" '
                f'height="9" rx="2" fill="{palette["ghost"]}" stroke="{palette["border"]}" '
                f'stroke-width="{_LINE_W}" stroke-dasharray="{_GHOST_DASH}"/>'
                f'<path class="hb-strike" d="M{_n(x + 3)} {_n(mid)}H{_n(x + w - 3)}" '
                f'fill="none" stroke="{palette["ghost-text"]}" stroke-width="{_LINE_W}"/>')
    if entry.kind == "moved":
        return (f'<path class="hb-edge hb-edge-moved" d="M{_n(x)} {_n(mid)}H{_n(x + w)}" '
                f'fill="none" stroke="{palette["accent"]}" stroke-width="{_MARK_W}"/>')
    return ""


def _box(box: Box, palette: Mapping[str, str]) -> str:
    classes = ["hb-node", f"hb-node-{box.kind}", f"hb-dept-{box.color_index}"]
    if box.assistant:
        classes.append("hb-assistant")
    if box.vacancies:
        classes.append("hb-vacant")
    if box.change:
        classes.append(f"hb-{box.change}")
    dashed = ' stroke-dasharray="3 2"' if box.filled <= 0 else ""  # nobody in post yet
    r = 3.0
    x, y, w, h, b = box.x, box.y, box.w, box.h, box.band
    fill = palette["primary-tint" if box.assistant else "background"]
    outline = f'stroke="{palette["border"]}" stroke-width="{_LINE_W}"{dashed}'
    band = band_color(palette, box.color_index)
    if box.change == "removed":  # a ghost: greyed, dashed
        fill, band = palette["ghost"], palette["border"]
        outline = (f'stroke="{palette["border"]}" stroke-width="{_LINE_W}" '
                   f'stroke-dasharray="{_GHOST_DASH}"')
    elif box.change == "added":
        outline = f'stroke="{palette["accent"]}" stroke-width="{_MARK_W}"{dashed}'
    parts = [
        f'<g class="{" ".join(classes)}" data-id={quoteattr(box.id)} '
        f"data-department={quoteattr(box.department)}>",
        f'<rect class="hb-box" x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" '
        f'rx="{r}" fill="{fill}" {outline}/>',
        f'<path class="hb-band" fill="{band}" '
        f'd="M{_n(x)} {_n(y + b)}V{_n(y + r)}A{r} {r} 0 0 1 {_n(x + r)} {_n(y)}'
        f'H{_n(x + w - r)}A{r} {r} 0 0 1 {_n(x + w)} {_n(y + r)}V{_n(y + b)}Z"/>',
    ]
    if box.badge:
        g = box.badge
        parts.append(
            f'<rect class="hb-badge" x="{_n(g.x)}" y="{_n(g.y)}" width="{_n(g.w)}" '
            f'height="{_n(g.h)}" rx="{_n(g.h / 2)}" fill="{palette["secondary"]}"/>')
    if box.note_rule:
        (x1, y1), (x2, y2) = box.note_rule
        parts.append(
            f'<path class="hb-note-rule" d="M{_n(x1)} {_n(y1)}H{_n(x2)}" fill="none" '
            f'stroke="{palette["dotted"]}" stroke-width="{_LINE_W}" stroke-dasharray="2 1.5"/>')
    if box.tag:
        g = box.tag
        parts.append(
            f'<rect class="hb-change-frame" x="{_n(g.x)}" y="{_n(g.y)}" width="{_n(g.w)}" '
            f'height="{_n(g.h)}" rx="1.5" fill="none" stroke="{palette["accent"]}" '
            f'stroke-width="{_LINE_W}"/>')
    tones = _CHANGE_TONES.get(box.change, _TONES)
    for t in box.texts:
        tone = tones.get(t.cls, "muted")
        weight = ' font-weight="bold"' if t.bold else ""
        anchor = ' text-anchor="middle"' if t.anchor == "middle" else ""
        parts.append(
            f'<text class="{t.cls}" x="{_n(t.x)}" y="{_n(t.y)}" font-size="{_n(t.size)}"'
            f'{weight}{anchor} fill="{palette[tone]}">{_text(t.text)}</text>')
    parts += [f'<path class="hb-strike" d="M{_n(x1)} {_n(y1)}H{_n(x2)}" fill="none" '
              f'stroke="{palette["ghost-text"]}" stroke-width="{_LINE_W}"/>'
              for (x1, y1), (x2, _) in box.strikes]  # over the title it strikes
    parts.append("</g>")
    return "".join(parts)


_TONES = {"hb-title": "foreground", "hb-badge-text": "badge-text", "hb-more": "primary",
          "hb-note": "dotted", "hb-change-tag": "accent"}
_CHANGE_TONES = {  # a ghost's text greyed; a light "changed" mark in the muted tone
    "removed": {**_TONES, "hb-title": "ghost-text", "hb-code": "ghost-text",
                "hb-change-tag": "ghost-text"},
    "changed": {**_TONES, "hb-change-tag": "muted"},
}


def _change_rules(layout: Layout, palette: Mapping[str, str]) -> list[str]:
    """Class rules for the change marks a chart draws (none on an ordinary chart): after the
    general ones, which a browser would otherwise apply over the marks' own colours."""
    changes = {box.change for box in layout.boxes}
    rules = []
    if "removed" in changes:
        rules += [f".hb-orgchart .hb-removed .hb-box {{ fill: {palette['ghost']}; }}",
                  f".hb-orgchart .hb-removed .hb-band {{ fill: {palette['border']}; }}",
                  f".hb-orgchart .hb-removed .hb-title, .hb-orgchart .hb-removed .hb-code, "
                  f".hb-orgchart .hb-removed .hb-change-tag {{ fill: {palette['ghost-text']}; }}"]
    if "added" in changes:
        rules += [f".hb-orgchart .hb-added .hb-box {{ stroke: {palette['accent']}; }}",
                  f".hb-orgchart .hb-added .hb-change-tag {{ fill: {palette['accent']}; }}"]
    if "changed" in changes:
        rules.append(f".hb-orgchart .hb-changed .hb-change-tag {{ fill: {palette['muted']}; }}")
    return rules


def _style_sheet(layout: Layout, lang: str, palette: Mapping[str, str], fonts: str) -> str:
    """Class rules that let the page's --hb-* custom properties restyle the chart."""
    script = script_for(lang).lower()
    rules = [
        f".hb-orgchart-{script} {{ font-family: var(--hb-font-chart, {fonts}); }}",
        f".hb-orgchart .hb-edges {{ stroke: var(--hb-chart-rule, {palette['rule']}); }}",
        f".hb-orgchart .hb-dotted, .hb-orgchart .hb-note-rule "
        f"{{ stroke: var(--hb-dotted, {palette['dotted']}); }}",
        f".hb-orgchart .hb-box {{ fill: var(--hb-background, {palette['background']}); "
        f"stroke: var(--hb-chart-border, {palette['border']}); }}",
        f".hb-orgchart .hb-assistant .hb-box "
        f"{{ fill: var(--hb-primary-tint, {palette['primary-tint']}); }}",
        f".hb-orgchart .hb-title {{ fill: var(--hb-foreground, {palette['foreground']}); }}",
        f".hb-orgchart .hb-subtitle, .hb-orgchart .hb-code, .hb-orgchart .hb-count "
        f"{{ fill: var(--hb-muted, {palette['muted']}); }}",
        f".hb-orgchart .hb-badge {{ fill: var(--hb-badge, {palette['secondary']}); }}",
        f".hb-orgchart .hb-badge-text {{ fill: var(--hb-badge-text, {palette['badge-text']}); }}",
        f".hb-orgchart .hb-more {{ fill: var(--hb-primary, {palette['primary']}); }}",
        f".hb-orgchart .hb-note {{ fill: var(--hb-dotted, {palette['dotted']}); }}",
    ]
    for index in sorted({box.color_index for box in layout.boxes}):
        rules.append(f".hb-orgchart .hb-dept-{index} .hb-band "
                     f"{{ fill: var(--hb-dept-{index}, {band_color(palette, index)}); }}")
    rules += _change_rules(layout, palette)
    sheet = "@supports (color: var(--hb)) {\n" + "\n".join(rules) + "\n}"
    return f"<style>{escape(sheet)}</style>"


def _text(text: str) -> str:
    """XML-escaped, without the control characters XML 1.0 cannot carry."""
    return escape("".join(c for c in text if c >= " " or c in "\t\n"))


def _path(points: tuple[Point, ...]) -> str:
    head, *rest = points
    return f"M{_n(head[0])} {_n(head[1])}" + "".join(f"L{_n(x)} {_n(y)}" for x, y in rest)


def _n(value: float) -> str:
    """A number in at most two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text
