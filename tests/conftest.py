"""Shared fixtures: small handbooks on disk, copied into a temporary directory per test."""

from __future__ import annotations

import hashlib
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


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module (tests/devtools.py), or the test is skipped."""
    from .devtools import CHROMIUM, Browser

    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    with Browser(CHROMIUM) as chromium:
        yield chromium


@pytest.fixture(scope="session", autouse=True)
def docx_files_open_in_word(tmp_path_factory):
    """Every DOCX the writer saves during the tests is checked as Word would check it
    (openxml-audit: the Open XML SDK's schema and semantic rules): 0 errors, or the session
    ends in an error naming the test file's problems. Each save is copied aside by its hash
    (builds stage their outputs and move them; job descriptions are saved in forked workers),
    so every distinct file is checked once."""
    from handbook.write.docx.writer import DocxWriter

    saved = tmp_path_factory.mktemp("docx-saved")
    save = DocxWriter.save

    def save_and_keep(self, target):
        save(self, target)
        data = Path(target).read_bytes()
        (saved / f"{hashlib.sha256(data).hexdigest()[:16]}.docx").write_bytes(data)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DocxWriter, "save", save_and_keep)
        yield
    from openxml_audit import OpenXmlValidator

    validator, failures = OpenXmlValidator(), []
    for path in sorted(saved.glob("*.docx")):
        errors = validator.validate(str(path)).errors
        if errors:
            shown = "; ".join(str(error) for error in errors[:3])
            failures.append(f"{path}: {len(errors)} errors: {shown}")
    assert not failures, "\n".join(failures)
