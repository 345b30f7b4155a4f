"""``handbook serve``: a live preview of the HTML handbook on 127.0.0.1.

A watcher thread (watchfiles) rebuilds the HTML whenever a file of the handbook, its brand
or its templates changes; the page polls a version number and reloads itself. A rebuild
re-reads only the changed files and re-renders only the positions' pages whose inputs
changed (a ``PageCache``), so an edit shows in well under a second at 800 positions. A
content error replaces the page with an overlay listing every ``file:line`` problem, and the
preview recovers by itself once the file is fixed. The PDF is rebuilt in the background
after each save (``servepdf``, through the build cache), and the corner link opens the newest
one and says whether it is building or ready; the DOCX is built on demand from its link. Only
built files are served — never the content directory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import html
import json
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import BuildRequest, build_document
from .errors import ContentError, HandbookError
from .labels import Labels, load_labels
from .locales import Locale, parse_tag
from .servepdf import PdfPreview, PdfState
from .write.html import render_html
from .write.html.cache import PageCache

__all__ = ["Preview", "PreviewServer"]

_RELOAD = """<script>
(function () {
  var version = %d;
  function poll() {
    fetch("/__version", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (v) {
        if (v.version !== version) { location.reload(); }
        var link = document.getElementById("hb-preview-pdf");
        if (link && v.pdf) { link.textContent = v.pdf.text; link.dataset.state = v.pdf.state; }
      })
      .catch(function () {}).finally(function () { setTimeout(poll, 700); });
  }
  setTimeout(poll, 700);
})();
</script>"""

_EMPTY_PAGE = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>"
_TOOLBAR = """<div id="hb-preview-bar" style="position:fixed;right:12px;bottom:12px;z-index:9999;
font:13px system-ui,sans-serif;background:#1f2937;color:#fff;border-radius:6px;padding:6px 10px;
box-shadow:0 2px 8px rgba(0,0,0,.3)">%(preview)s ·
<a id="hb-preview-pdf" data-state="%(state)s" style="color:#93c5fd" href="/pdf/%(name)s.pdf"
target="_blank" rel="noopener">%(pdf)s</a> ·
<a style="color:#93c5fd" href="/download/%(name)s.docx">DOCX</a></div>"""


@dataclass
class Preview:
    """The current state of the preview: the last good page, the errors, a version."""

    request: BuildRequest
    version: int = 0
    page: str = ""
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    cache: PageCache = field(default_factory=PageCache)  # used by rebuild, one at a time
    pdf: PdfPreview | None = None  # the PDF rebuilt after each good rebuild
    labels: Labels = field(default_factory=lambda: load_labels("en"))  # the last good page's
    locale: Locale = field(default_factory=lambda: parse_tag("en"))

    def rebuild(self) -> None:
        """Render the HTML again; on bad content keep the last page and show the errors."""
        with _collector_paused():
            self._rebuild()

    def _rebuild(self) -> None:
        try:
            document, root = build_document(self.request)
            page = render_html(document, root=root, cache=self.cache)
            errors: list[str] = []
        except ContentError as exc:
            page, errors = None, [str(p) for p in exc.problems if p.severity == "error"]
        except HandbookError as exc:
            page, errors = None, [str(exc)]
        with self.lock:
            if page is not None:
                self.page, self.labels, self.locale = page, document.labels, document.locale
                if self.pdf is not None:  # with the version: a new page is never "ready"
                    self.pdf.saved()
            self.errors = errors
            self.version += 1

    def pdf_status(self) -> dict:
        """The PDF's state and the corner's words for it, in the page's language."""
        state = self.pdf.state() if self.pdf is not None else PdfState("failed")
        with self.lock:
            labels, locale = self.labels, self.locale
        return {"state": state.state, "text": _pdf_text(state, labels, locale)}

    def html(self) -> str:
        with self.lock:
            page, errors, version = self.page, list(self.errors), self.version
        name = html.escape(self.request.directory.resolve().name)
        pdf = self.pdf_status()
        extra = _RELOAD % version + (_TOOLBAR % {
            "name": name, "preview": html.escape(self.labels["preview_bar"]),
            "state": pdf["state"], "pdf": html.escape(pdf["text"])})
        if errors:
            extra += _overlay(errors)
        body = page or _EMPTY_PAGE
        return body.replace("</body>", extra + "</body>", 1)

    def download(self, fmt: str) -> bytes:
        """Build one format into a scratch directory and return its bytes."""
        import tempfile

        from .build import build

        with tempfile.TemporaryDirectory(prefix="handbook-preview-") as scratch:
            request = BuildRequest(self.request.directory, (fmt,), Path(scratch),
                                   self.request.lang, self.request.brand)
            result = build(request)
            return result.written[0].read_bytes()


@contextlib.contextmanager
def _collector_paused():
    """No cyclic garbage collection during a rebuild, one after it, then what survives is
    frozen (left out of later collections).

    At 2,000 positions a rebuild allocates millions of objects, most of them kept (sections,
    prints, pages): the collector ran about ten full passes over the growing heap during
    start-up (some 40% of it) and again during edits. Collecting once at the end frees the
    same garbage; freezing keeps each later pass to what the next rebuild allocates.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()
        gc.freeze()


def _pdf_text(state: PdfState, labels: Labels, locale: Locale) -> str:
    """"PDF: building…", "PDF (2:31:05 PM)" …: the time the shown PDF was made, as the
    page's locale writes a time."""
    if state.state == "building":
        return labels["preview_pdf_building"]
    from babel.dates import format_time

    finished = state.finished or dt.datetime.now().astimezone()
    time = format_time(finished, format="medium", locale=locale.cldr)
    return labels.fmt(f"preview_pdf_{state.state}", time=time)


def _overlay(errors: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in errors)
    return (
        '<div id="hb-error-overlay" role="alert" style="position:fixed;inset:0;z-index:9998;'
        'background:rgba(17,24,39,.92);color:#fecaca;font:14px ui-monospace,monospace;'
        'padding:32px;overflow:auto"><h2 style="color:#fff;font:600 18px system-ui">'
        f"The handbook has {len(errors)} error(s)</h2><ul>{items}</ul>"
        '<p style="color:#d1d5db">Fix the file and save: this page reloads by itself.</p></div>')


def _handler(preview: Preview) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "handbook-preview"

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            path = self.path.split("?", 1)[0]
            if path in ("/", "/index.html"):
                self._send(preview.html().encode("utf-8"), "text/html; charset=utf-8")
            elif path == "/__version":
                pdf = preview.pdf_status()
                with preview.lock:
                    body = json.dumps({"version": preview.version, "errors": preview.errors,
                                       "pdf": pdf})
                self._send(body.encode("utf-8"), "application/json")
            elif path.startswith(("/pdf/", "/download/")) and path.endswith(".pdf"):
                self._latest_pdf()
            elif path.startswith("/download/") and path.endswith(".docx"):
                self._download("docx")
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def _download(self, fmt: str) -> None:
            try:
                data = preview.download(fmt)
            except HandbookError as exc:
                self.send_error(HTTPStatus.CONFLICT, str(exc))
                return
            types = {"pdf": "application/pdf",
                     "docx": "application/vnd.openxmlformats-officedocument."
                             "wordprocessingml.document"}
            self._send(data, types[fmt])

        def _latest_pdf(self) -> None:
            """The newest PDF the background build made (waiting for the first one)."""
            data = preview.pdf.latest() if preview.pdf is not None else None
            if data is None:
                error = preview.pdf.state().error if preview.pdf is not None else None
                self.send_error(HTTPStatus.CONFLICT, error or "no PDF could be built")
                return
            self._send(data, "application/pdf")

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            pass

    return Handler


def _watched(request: BuildRequest) -> list[Path]:
    paths = [request.directory]
    if request.brand is not None:
        paths.append(request.brand)
    return [p for p in paths if p.exists()]


class PreviewServer:
    """The preview's HTTP server and file watcher; ``start`` returns at once."""

    def __init__(self, request: BuildRequest, *, host: str = "127.0.0.1", port: int = 8000):
        self._state = Path(tempfile.mkdtemp(prefix="handbook-serve-"))
        pdf = PdfPreview(request, self._state / "pdf", request.cache or self._state / "cache")
        self.preview = Preview(request, pdf=pdf)
        self.preview.rebuild()
        self._server = ThreadingHTTPServer((host, port), _handler(self.preview))
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._watch, daemon=True),
                         threading.Thread(target=self._server.serve_forever, daemon=True)]
        for thread in self._threads:
            thread.start()
        self.preview.pdf.start()

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.preview.pdf.stop()
        shutil.rmtree(self._state, ignore_errors=True)

    def _watch(self) -> None:
        from watchfiles import watch

        paths = _watched(self.preview.request)
        for _changes in watch(*paths, stop_event=self._stop, debounce=150, step=50):
            self.preview.rebuild()
