"""`handbook serve` keeps a PDF of the handbook current: rebuilt in the background after each
save through the build cache, opened from the preview's corner, which says its state."""

from __future__ import annotations

import html
import io
import json
import re
import time
import urllib.request

import pdfplumber
import pytest

from handbook.build import BuildRequest
from handbook.serve import PreviewServer
from handbook.servepdf import PdfPreview


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.read()


def _state(server: PreviewServer) -> dict:
    return json.loads(_get(server.url + "__version"))


def _ready_after(server: PreviewServer, version: int) -> dict:
    """The preview's state once a page newer than ``version`` is shown and its PDF built."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = _state(server)
        if state["version"] > version and state["pdf"]["state"] == "ready":
            return state
        time.sleep(0.2)
    raise AssertionError("the preview's PDF was not rebuilt")


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


@pytest.fixture
def server(handbook_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    server = PreviewServer(BuildRequest(handbook_dir.root, ("html",)), port=0)
    server.start()
    time.sleep(0.3)  # let the watcher subscribe before the test edits files
    yield server
    server.stop()


def test_the_pdf_follows_each_save_and_is_reused_until_the_next(server, handbook_dir):
    first = _get(server.url + "pdf/hb.pdf")  # waits for the first background build
    assert "Customer Service Agent" in _text(first)
    state = _ready_after(server, 0)
    page = _get(server.url).decode("utf-8")
    assert 'id="hb-preview-pdf"' in page and 'href="/pdf/hb.pdf"' in page
    assert 'data-state="ready"' in page
    assert re.fullmatch(r"PDF \(\d{1,2}:\d\d:\d\d(\s[AP]M)?\)", state["pdf"]["text"])
    assert html.escape(state["pdf"]["text"]) in page

    builds = server.preview.pdf.builds
    assert _get(server.url + "pdf/hb.pdf") == first  # no save, no build: the same file
    assert server.preview.pdf.builds == builds

    handbook_dir.edit("roles/service-agent.yml", "Customer Service Agent", "Live Chat Agent")
    state = _ready_after(server, state["version"])
    edited = _text(_get(server.url + "pdf/hb.pdf"))
    assert "Live Chat Agent" in edited and "Customer Service Agent" not in edited
    assert server.preview.pdf.stats["printed", "pdf"] == 1

    path = handbook_dir.root / "roles" / "service-agent.yml"
    path.write_bytes(path.read_bytes())  # a save that changes nothing
    _ready_after(server, state["version"])
    assert server.preview.pdf.stats["reused", "pdf"] == 1
    assert server.preview.pdf.stats["printed", "pdf"] == 0


def test_saves_during_a_build_supersede_it(handbook_dir, tmp_path):
    pdf = PdfPreview(BuildRequest(handbook_dir.root, ("html",)), tmp_path / "out",
                     tmp_path / "cache")
    pdf.start()
    try:
        old = "Customer Service Agent"
        for title in ("Phone Agent", "Email Agent", "Live Chat Agent"):
            handbook_dir.edit("roles/service-agent.yml", old, title)
            old = title
            pdf.saved()
            assert pdf.state().state == "building"
        deadline = time.monotonic() + 300
        while pdf.state().state != "ready":
            assert time.monotonic() < deadline, "the PDF was not built"
            time.sleep(0.1)
        assert pdf.builds <= 2  # the first save's build, then one of the newest content
        text = _text(pdf.latest())
        assert "Live Chat Agent" in text and "Phone Agent" not in text
    finally:
        pdf.stop()


def test_a_content_error_keeps_the_last_pdf(server, handbook_dir):
    first = _get(server.url + "pdf/hb.pdf")
    state = _ready_after(server, 0)
    builds = server.preview.pdf.builds
    handbook_dir.edit("roles/service-agent.yml", "filled: 3", "filled: 9")
    deadline = time.monotonic() + 20
    while not _state(server)["errors"]:
        assert time.monotonic() < deadline, "the preview did not rebuild"
        time.sleep(0.05)
    assert _state(server)["pdf"] == state["pdf"]
    assert _get(server.url + "pdf/hb.pdf") == first
    assert server.preview.pdf.builds == builds
