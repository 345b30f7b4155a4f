"""The few words drawn inside a chart, per language; callers may override any of them.

Keys follow the handbook's label files (`org_chart`, `vacant_short`), so the Document's labels
can be passed straight through; keys the chart does not use are ignored. Page titles are not
here: pagination returns keys and the handbook names the pages.
"""

from __future__ import annotations

from collections.abc import Mapping

_DEFAULTS: dict[str, dict[str, str]] = {
    "zh-Hans": {
        "org_chart": "组织架构图",
        "org_count": "{filled}/{headcount}",  # in post / planned
        "vacant_short": "缺 {n}",
        "org_more": "+{n}",  # positions below charted on another page
        "legend": "图例",
        "legend_count": "在岗人数/编制人数",
        "legend_vacant": "空缺人数",
        "legend_unfilled": "虚线框：全部空缺",
        "legend_solid": "直线汇报",
        "legend_dotted": "虚线汇报",
        "legend_more": "其下岗位数，另图续列",
        "legend_department": "部门框：在岗/编制人数，含下级部门",
        "org_continued": "{title} {more} → 见{figures}",
        "figure_range": "{first}–{last}",
        "list_separator": "、",
        "figure": "图 {n}",
        "org_added": "新增",
        "org_removed": "已撤销",
        "org_changed": "有修改",
        "org_was_under": "原上级：{title}",
        "org_was_titled": "原名称：{title}",
        "legend_added": "本版新设（粗框）",
        "legend_removed": "已撤销岗位（灰色虚线框）",
        "legend_removed_department": "已撤销部门（灰色虚线框）",
        "legend_moved": "汇报线变更（粗线，框内注明原上级）",
        "legend_changed": "名称、编制等有修改",
    },
    "zh-Hant": {
        "org_chart": "組織架構圖",
        "org_count": "{filled}/{headcount}",
        "vacant_short": "缺 {n}",
        "org_more": "+{n}",
        "legend": "圖例",
        "legend_count": "在職人數/編制人數",
        "legend_vacant": "缺額人數",
        "legend_unfilled": "虛線框：全部缺額",
        "legend_solid": "直屬匯報",
        "legend_dotted": "虛線匯報",
        "legend_more": "其下職務數，續見他圖",
        "legend_department": "部門框：在職/編制人數，含下屬部門",
        "org_continued": "{title} {more} → 見{figures}",
        "figure_range": "{first}–{last}",
        "list_separator": "、",
        "figure": "圖 {n}",
        "org_added": "新增",
        "org_removed": "已裁撤",
        "org_changed": "有修改",
        "org_was_under": "原上級：{title}",
        "org_was_titled": "原名稱：{title}",
        "legend_added": "本版新設（粗框）",
        "legend_removed": "已裁撤職務（灰色虛線框）",
        "legend_removed_department": "已裁撤部門（灰色虛線框）",
        "legend_moved": "匯報線變更（粗線，框內註明原上級）",
        "legend_changed": "名稱、編制等有修改",
    },
    "en": {
        "org_chart": "Organization chart",
        "org_count": "{filled}/{headcount}",
        "vacant_short": "{n} vacant",
        "org_more": "+{n}",
        "legend": "Key",
        "legend_count": "filled/headcount",
        "legend_vacant": "vacant seats",
        "legend_unfilled": "dashed box, no one in post",
        "legend_solid": "reports to",
        "legend_dotted": "dotted line",
        "legend_more": "positions below, continued in another figure",
        "legend_department": "department: filled/headcount, sub-departments included",
        "org_continued": "{title} {more} → see {figures}",
        "figure_range": "{first}–{last}",
        "list_separator": ", ",
        "figure": "Figure {n}",
        "org_added": "New",
        "org_removed": "Removed",
        "org_changed": "Changed",
        "org_was_under": "formerly under {title}",
        "org_was_titled": "formerly {title}",
        "legend_added": "new in this version (bold outline)",
        "legend_removed": "removed position (gray, dashed)",
        "legend_removed_department": "removed department (gray, dashed)",
        "legend_moved": "new reporting line (bold; old manager noted)",
        "legend_changed": "title, seats or other details changed",
    },
}


def labels_for(lang: str, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Defaults for `lang` (zh-Hant for Traditional, zh-Hans for other Chinese, else English)."""
    tag = lang.lower()
    if tag.startswith("zh"):
        traditional = "hant" in tag or any(r in tag for r in ("-tw", "-hk", "-mo"))
        base = _DEFAULTS["zh-Hant" if traditional else "zh-Hans"]
    else:
        base = _DEFAULTS["en"]
    overrides = overrides or {}
    return {key: str(overrides.get(key, value)) for key, value in base.items()}
