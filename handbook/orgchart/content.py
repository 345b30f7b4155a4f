"""What goes inside a box, measured and placed: title lines, counts, vacancy badge, notes.

The layout sizes every box from its content and gives all boxes of one chart the same height
(rows line up and the chart reads as a grid); this module decides the lines and their positions
so that both renderers only draw what they are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .measure import normalize_space, text_width, wrap_title
from .model import Box, ChartNode, Rect, Text


@dataclass(frozen=True)
class Style:
    """Nominal sizes in points; pagination scales the whole chart, never single parts."""

    title_pt: float = 10.0
    meta_pt: float = 8.0
    line_height: float = 1.3  # in em
    ascent: float = 0.88  # top of the CJK em box above the baseline, in em (Noto CJK)
    pad_x: float = 7.0
    pad_y: float = 5.0
    band: float = 3.0  # department colour band
    min_box_w: float = 64.0
    wrap_w: float = 108.0  # titles wider than this wrap onto two lines
    item_gap: float = 5.0  # between the parts of the count line
    badge_pad: float = 3.0
    rule_w: float = 10.0  # dashed rule before an off-page dotted-line note
    h_gap: float = 12.0  # between neighbouring boxes
    v_gap: float = 28.0  # between a manager's unit and its reports
    row_gap: float = 8.0  # between stacked leaves, and between assistant rows
    stub: float = 10.0  # from a bus or connector to a stacked leaf or an assistant
    margin: float = 4.0

    @property
    def min_font_pt(self) -> float:
        return min(self.title_pt, self.meta_pt)


DEFAULT_STYLE = Style()
_STRIKE = 0.36  # a strike-through's height above the baseline, in em (mid CJK ideograph)


@dataclass(frozen=True)
class _Item:
    text: str
    cls: str
    bold: bool
    w: float


@dataclass(frozen=True)
class Content:
    """A node's measured content; `w` is the width its box needs."""

    title: tuple[str, ...]
    subtitle: str | None
    items: tuple[_Item, ...]
    note: str | None
    note_w: float
    w: float
    was: str | None = None  # the old place or title of a changed position, on its own line
    title_w: tuple[float, ...] = ()  # width of each title line (a removed title is struck)


@dataclass(frozen=True)
class Rows:
    """The rows every box of one chart reserves, so that all boxes share one height."""

    title_lines: int
    subtitle: bool
    note: bool
    was: bool = False

    def height(self, style: Style) -> float:
        meta_lines = 1 + self.subtitle + self.note + self.was
        return (
            _chrome(style)
            + self.title_lines * style.title_pt * style.line_height
            + meta_lines * style.meta_pt * style.line_height
        )


def measure_node(
    node: ChartNode, *, lang: str, words: Mapping[str, str], style: Style,
    hidden: int = 0, note: str | None = None,
) -> Content:
    """Wrap the title and measure every part of `node`'s box."""
    title = wrap_title(node.title, style.title_pt, style.wrap_w, lang=lang)
    widths = [text_width(line, style.title_pt, lang=lang, bold=True) for line in title]
    subtitle = normalize_space(node.subtitle) if node.subtitle else None
    if subtitle:
        widths.append(text_width(subtitle, style.meta_pt, lang=lang))
    items = _items(node, lang=lang, words=words, style=style, hidden=hidden)
    widths.append(sum(item.w for item in items) + style.item_gap * (len(items) - 1))
    note_w = 0.0
    if note:
        note = normalize_space(note)
        note_w = style.rule_w + style.item_gap + text_width(note, style.meta_pt, lang=lang)
        widths.append(note_w)
    was = normalize_space(node.was) if node.was else None
    if was:
        widths.append(text_width(was, style.meta_pt, lang=lang))
    title_w = tuple(widths[:len(title)])
    w = max(style.min_box_w, max(widths) + 2 * style.pad_x)
    return Content(title, subtitle, items, note, note_w, round(w, 2), was, title_w)


def rows_for(contents: Iterable[Content]) -> Rows:
    contents = list(contents)
    return Rows(
        title_lines=max((len(c.title) for c in contents), default=1),
        subtitle=any(c.subtitle for c in contents),
        note=any(c.note for c in contents),
        was=any(c.was for c in contents),
    )


def make_box(
    node: ChartNode, content: Content, x: float, y: float, w: float, *,
    rows: Rows, style: Style, kind: str, color_index: int, hidden: int = 0,
) -> Box:
    """The placed box: its lines centred as a group, the count line's parts side by side."""
    cx = x + w / 2
    texts: list[Text] = []
    title_lh = style.title_pt * style.line_height
    meta_lh = style.meta_pt * style.line_height
    own = (len(content.title) * title_lh
           + meta_lh * (1 + bool(content.subtitle) + bool(content.note) + bool(content.was)))
    cursor = y + style.band + style.pad_y + (rows.height(style) - _chrome(style) - own) / 2
    strikes = []
    for line, line_w in zip(content.title, content.title_w, strict=True):
        base = _baseline(cursor, title_lh, style.title_pt, style)
        texts.append(Text(cx, base, line, style.title_pt, True, "middle", "hb-title"))
        if node.change == "removed":
            mid = round(base - _STRIKE * style.title_pt, 2)
            strikes.append(((cx - line_w / 2, mid), (cx + line_w / 2, mid)))
        cursor += title_lh
    if content.subtitle:
        base = _baseline(cursor, meta_lh, style.meta_pt, style)
        texts.append(Text(cx, base, content.subtitle, style.meta_pt, False, "middle",
                          "hb-subtitle"))
        cursor += meta_lh
    badge = tag = None
    base = _baseline(cursor, meta_lh, style.meta_pt, style)
    items_w = sum(i.w for i in content.items) + style.item_gap * (len(content.items) - 1)
    left = cx - items_w / 2
    for item in content.items:
        if item.cls == "hb-badge-text":
            em_top = base - style.ascent * style.meta_pt
            badge = Rect(left, em_top - 1.5, item.w, style.meta_pt + 3.0)
            texts.append(Text(left + item.w / 2, base, item.text, style.meta_pt, True, "middle",
                              item.cls))
        elif item.cls == "hb-change-tag" and node.change == "added":
            em_top = base - style.ascent * style.meta_pt
            tag = Rect(left, em_top - 1.5, item.w, style.meta_pt + 3.0)
            texts.append(Text(left + item.w / 2, base, item.text, style.meta_pt, True, "middle",
                              item.cls))
        else:
            texts.append(Text(left, base, item.text, style.meta_pt, item.bold, "start", item.cls))
        left += item.w + style.item_gap
    cursor += meta_lh
    note_rule = None
    if content.note:
        base = _baseline(cursor, meta_lh, style.meta_pt, style)
        left = cx - content.note_w / 2
        mid = cursor + meta_lh / 2
        note_rule = ((left, mid), (left + style.rule_w, mid))
        texts.append(Text(left + style.rule_w + style.item_gap, base, content.note,
                          style.meta_pt, False, "start", "hb-note"))
        cursor += meta_lh
    if content.was:
        base = _baseline(cursor, meta_lh, style.meta_pt, style)
        texts.append(Text(cx, base, content.was, style.meta_pt, False, "middle", "hb-was"))
    return Box(
        id=node.id, x=x, y=y, w=w, h=rows.height(style), kind=kind,  # type: ignore[arg-type]
        department=node.department, color_index=color_index, band=style.band,
        title=content.title, texts=tuple(texts), headcount=node.headcount, filled=node.filled,
        assistant=node.assistant, badge=badge, note_rule=note_rule, hidden_reports=hidden,
        change=node.change, tag=tag, strikes=tuple(strikes),
    )


def _items(
    node: ChartNode, *, lang: str, words: Mapping[str, str], style: Style, hidden: int
) -> tuple[_Item, ...]:
    size = style.meta_pt
    parts: list[tuple[str, str, bool]] = []
    if node.code:
        parts.append((normalize_space(node.code), "hb-code", False))
    if node.change == "removed":  # a ghost has no seats: its mark stands for the count
        parts.append((words["org_removed"], "hb-change-tag", False))
    else:
        count = words["org_count"].format(filled=node.filled, headcount=node.headcount)
        parts.append((count, "hb-count", False))
    items = [_Item(t, c, b, text_width(t, size, lang=lang, bold=b)) for t, c, b in parts]
    items += _change_tag(node, lang=lang, words=words, style=style)
    vacancies = node.headcount - node.filled
    if vacancies > 0:
        text = words["vacant_short"].format(n=vacancies)
        w = text_width(text, size, lang=lang, bold=True) + 2 * style.badge_pad
        items.append(_Item(text, "hb-badge-text", True, w))
    if hidden:
        text = words["org_more"].format(n=hidden)
        items.append(_Item(text, "hb-more", True, text_width(text, size, lang=lang, bold=True)))
    return tuple(items)


def _change_tag(node: ChartNode, *, lang: str, words: Mapping[str, str],
                style: Style) -> list[_Item]:
    """The mark after the count: a framed, bold "new" tag, or a plain "changed" one."""
    if node.change == "added":
        text = words["org_added"]
        w = text_width(text, style.meta_pt, lang=lang, bold=True) + 2 * style.badge_pad
        return [_Item(text, "hb-change-tag", True, w)]
    if node.change == "changed":
        text = words["org_changed"]
        return [_Item(text, "hb-change-tag", False, text_width(text, style.meta_pt, lang=lang))]
    return []


def _chrome(style: Style) -> float:
    """Box height taken by the colour band and the padding."""
    return style.band + 2 * style.pad_y


def _baseline(line_top: float, line_h: float, size: float, style: Style) -> float:
    """Baseline that centres the CJK em box of a `size` pt line in a line box of `line_h`."""
    return round(line_top + (line_h - size) / 2 + style.ascent * size, 2)
