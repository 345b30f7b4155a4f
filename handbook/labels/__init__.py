"""Per-language labels: every word the tool prints itself (section names, table headers).

Templates and writers never hard-code a label; they look it up here, so a new language is
one more YAML file with the same keys.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

__all__ = ["LANGUAGES", "Labels", "load_labels"]

LANGUAGES = ("zh-Hans", "zh-Hant", "en")


class Labels(dict):
    """Label keys to text, with ``fmt`` for labels that take values; shared, never mutated."""

    def fmt(self, key: str, **values) -> str:
        return self[key].format(**values)


@cache
def load_labels(language: str) -> Labels:
    if language not in LANGUAGES:
        raise ValueError(f"no labels for language {language!r}")
    text = (resources.files(__package__) / f"{language}.yml").read_text(encoding="utf-8")
    return Labels({key: str(value) for key, value in yaml.safe_load(text).items()})
