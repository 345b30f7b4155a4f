"""A person's edits while ``handbook serve`` runs, and how long the preview takes for each.

``python bench/preview.py CONTENT`` copies the handbook, starts a ``Preview`` (the object
behind ``serve``, no browser), then reworks one duty and renames one position that others
report to, and prints JSON: seconds to start and to rebuild after each edit, and how many
role pages each rebuild rendered. ``edited_copy`` makes the second version ``diff`` compares.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _roles(root: Path) -> list[Path]:
    return sorted((root / "roles").glob("*.yml"))


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(pattern, replacement, text, count=1, flags=re.M), encoding="utf-8")


def edit_duty(root: Path) -> None:
    """Reword the first duty of the last position."""
    _edit(_roles(root)[-1], r"^- text: .*$", "- text: 每周复盘推广数据，调整关键词出价")


def edit_title(root: Path) -> None:
    """Rename a manager: the title is also in its reports' pages, the TOC and the charts."""
    managers = {m for path in _roles(root)
                for m in re.findall(r"^reports_to: (\S+)$", path.read_text("utf-8"), re.M)}
    target = next(path for path in _roles(root)[1:] if path.stem in managers)
    _edit(target, r"^title: .*$", "title: 运营与推广组长")


def edited_copy(content: Path, target: Path) -> Path:
    """``content`` with one duty reworded and one manager renamed, for ``diff``."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(content, target)
    edit_duty(target)
    edit_title(target)
    return target


def measure_preview(content: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from handbook.build import BuildRequest
    from handbook.serve import Preview

    result: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-preview-") as scratch:
        root = Path(scratch) / content.name
        shutil.copytree(content, root)
        preview = Preview(BuildRequest(root, ("html",)))
        for step, edit in (("start", None), ("duty_edit", edit_duty),
                           ("title_edit", edit_title)):
            if edit is not None:
                edit(root)
            started = time.perf_counter()
            preview.rebuild()
            if preview.errors:
                raise SystemExit(f"preview failed: {preview.errors[:3]}")
            result[step] = {"seconds": round(time.perf_counter() - started, 2),
                            "pages_rendered": preview.cache.rendered}
    return result


if __name__ == "__main__":
    print(json.dumps(measure_preview(Path(sys.argv[1]))))
