"""``handbook init``: a small valid handbook to start from, with the schema beside it.

The starter files live in ``templates/init/<lang>/`` with comments explaining every key;
Traditional Chinese is made from the Simplified starter with OpenCC (Taiwan phrasing), so
the two never drift apart.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from .errors import UsageError
from .locales import parse_tag
from .schema import SCHEMA_FILES, schema_json

__all__ = ["init_handbook"]

_LANGUAGE_LINE = re.compile(r"^language: \S+ *", re.MULTILINE)


def init_handbook(directory: Path, lang: str) -> list[Path]:
    """Write the starter handbook for the language tag ``lang`` into ``directory``, which
    must be empty or absent."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} is not empty; choose a new directory")
    locale = parse_tag(lang)
    source = resources.files("handbook.templates") / "init" / (
        "en" if locale.labels == "en" else "zh-Hans")
    convert = _traditional if locale.labels == "zh-Hant" else (lambda text: text)
    written = []
    for relative in ("handbook.yml", *(f"roles/{f.name}" for f in _yml(source / "roles"))):
        text = convert((source / relative).read_text(encoding="utf-8"))
        if relative == "handbook.yml":
            text = _LANGUAGE_LINE.sub(lambda m: f"language: {locale.tag}".ljust(len(m[0])),
                                      text, count=1)
        written.append(_write(directory / relative, text))
    for kind, filename in SCHEMA_FILES.items():
        written.append(_write(directory / "schema" / filename,
                              schema_json(kind, locale.labels) + "\n"))
    return written


def _yml(folder) -> list:
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yml")), key=lambda f: f.name)


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2twp").convert(text)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
