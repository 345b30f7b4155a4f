"""``handbook init``: a small valid handbook to start from, with the schema beside it.

The starter files live in ``templates/init/<lang>/`` with comments explaining every key;
Traditional Chinese is made from the Simplified starter with OpenCC (Taiwan phrasing), so
the two never drift apart.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import UsageError
from .schema import SCHEMA_FILES, schema_json

__all__ = ["init_handbook"]


def init_handbook(directory: Path, lang: str) -> list[Path]:
    """Write the starter handbook into ``directory``, which must be empty or absent."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise UsageError(f"{directory} is not empty; choose a new directory")
    source = resources.files("handbook.templates") / "init" / ("en" if lang == "en" else "zh-Hans")
    convert = _traditional if lang == "zh-Hant" else (lambda text: text)
    written = []
    for relative in ("handbook.yml", *(f"roles/{f.name}" for f in _yml(source / "roles"))):
        text = convert((source / relative).read_text(encoding="utf-8"))
        if lang == "zh-Hant" and relative == "handbook.yml":
            text = text.replace("language: zh-Hans", "language: zh-Hant")
        written.append(_write(directory / relative, text))
    for kind, filename in SCHEMA_FILES.items():
        written.append(_write(directory / "schema" / filename, schema_json(kind) + "\n"))
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
