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
def load_labels(language: str, variant: str | None = None) -> Labels:
    """The labels of ``language``; a regional ``variant`` (``en-GB``) overrides the few
    words it spells its own way, from ``<variant>.yml`` when there is one."""
    if language not in LANGUAGES:
        raise ValueError(f"no labels for language {language!r}")
    labels = _read(language)
    if variant and variant != language and (resources.files(__package__) /
                                            f"{variant}.yml").is_file():
        labels.update(_read(variant))
    return Labels(labels)


def _read(name: str) -> dict[str, str]:
    text = (resources.files(__package__) / f"{name}.yml").read_text(encoding="utf-8")
    return {key: str(value) for key, value in yaml.safe_load(text).items()}
