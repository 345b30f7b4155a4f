"""`handbook serve`: live preview that follows edits, shows errors and recovers."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest

from handbook.build import BuildRequest
from handbook.serve import Preview, PreviewServer


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def _wait_for_version(server: PreviewServer, after: int) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        state = json.loads(_get(server.url + "__version"))
        if state["version"] > after:
            return state
        time.sleep(0.1)
    raise AssertionError("the preview did not rebuild")


@pytest.fixture
def preview(handbook_dir):
    server = PreviewServer(BuildRequest(handbook_dir.root, ("html",)), port=0)
    server.start()
    time.sleep(0.3)  # let the watcher subscribe before the test edits files
    yield server
    server.stop()


def test_preview_follows_edits_errors_and_recovers(preview, handbook_dir):
    assert preview.url.startswith("http://127.0.0.1:")
    page = _get(preview.url)
    assert "Customer Service Agent" in page and "/__version" in page
    version = json.loads(_get(preview.url + "__version"))["version"]

    handbook_dir.edit("roles/service-agent.yml", "Customer Service Agent", "Live Chat Agent")
    version = _wait_for_version(preview, version)["version"]
    assert "Live Chat Agent" in _get(preview.url)

    handbook_dir.edit("roles/service-agent.yml", "filled: 3", "filled: 9")
    state = _wait_for_version(preview, version)
    assert state["errors"] == [
        "hb/roles/service-agent.yml:8:9: error: `filled` (9) is more than `headcount` (4)"]
    page = _get(preview.url)
    assert 'id="hb-error-overlay"' in page and "service-agent.yml:8:9" in page
    assert "Live Chat Agent" in page  # the last good page stays under the overlay

    handbook_dir.edit("roles/service-agent.yml", "filled: 9", "filled: 3")
    state = _wait_for_version(preview, state["version"])
    assert state["errors"] == []
    assert 'id="hb-error-overlay"' not in _get(preview.url)


def test_a_rebuild_renders_only_the_changed_positions_again(handbook_dir):
    preview = Preview(BuildRequest(handbook_dir.root, ("html",)))
    preview.rebuild()
    handbook_dir.edit("roles/service-agent.yml", "Log customer feedback",
                      "Log all customer feedback")
    preview.rebuild()
    assert "Log all customer feedback" in preview.page
    # the two Customer Service pages (they share their department); Operations' are reused
    assert (preview.cache.rendered, preview.cache.reused) == (2, 2)


def test_preview_serves_only_the_built_page(preview):
    for path in ("handbook.yml", "roles/service-agent.yml", "../hb/handbook.yml", "x"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            _get(preview.url + path)
        assert caught.value.code == 404


def test_preview_downloads_pdf_on_demand(preview):
    with urllib.request.urlopen(preview.url + "download/hb.pdf", timeout=120) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.read(5) == b"%PDF-"


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_preview_loads_in_a_real_browser(preview):
    profile = tempfile.mkdtemp()
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=3000",
         "--dump-dom", preview.url],
        capture_output=True, text=True, timeout=120, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Customer Service Agent" in result.stdout
    assert 'id="hb-preview-bar"' in result.stdout
