"""Shared fixtures: small handbooks on disk, copied into a temporary directory per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent
EXAMPLES = sorted(p.parent for p in (ROOT / "content").glob("*/handbook.yml"))


@pytest.fixture
def handbook_dir(tmp_path, monkeypatch):
    """A copy of the minimal valid handbook at ``hb/``, with the test's cwd beside it.

    Edits go through ``edit(file, old, new)`` (a unique replacement) or ``write(file, text)``
    so each test states exactly what it breaks.
    """
    target = tmp_path / "hb"
    shutil.copytree(FIXTURES / "minimal", target)
    monkeypatch.chdir(tmp_path)
    return _Editor(target)


class _Editor:
    def __init__(self, root: Path):
        self.root = root

    def __fspath__(self) -> str:
        return str(self.root)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not unique in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def write(self, name: str, content: str | bytes) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
