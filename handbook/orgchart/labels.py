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
    },
    "zh-Hant": {
        "org_chart": "組織架構圖",
        "org_count": "{filled}/{headcount}",
        "vacant_short": "缺 {n}",
        "org_more": "+{n}",
    },
    "en": {
        "org_chart": "Organization chart",
        "org_count": "{filled}/{headcount}",
        "vacant_short": "{n} vacant",
        "org_more": "+{n}",
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
