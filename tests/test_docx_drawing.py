"""The Word handbook's pictures: the charts drawn across processes while the body is built
come out as the ones drawn in the build's own process, and librsvg finds a face for every
text as WeasyPrint does (a family the machine lacks falls back through fontconfig)."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from handbook.write.docx import drawing, write_docx
from handbook.write.docx.images import rasterize
from handbook.write.docx.rsvg import RenderError, svg_to_png

from .conftest import ROOT
from .test_docx import EPOCH, _document


def _svg(text: str, family: str | None) -> bytes:
    font = f' font-family="{family}"' if family else ""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="160pt" height="30pt">'
            f'<text x="4" y="22" font-size="18"{font}>{text}</text></svg>').encode()


def _ink(png: bytes) -> int:
    """Pixels that are not near white."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(count for value, count in enumerate(image.histogram()) if value < 160)


@pytest.mark.parametrize("family", ["Helvetica, Arial, sans-serif", "Arial", None],
                         ids=["uninstalled then generic", "uninstalled only", "none named"])
def test_text_in_a_family_not_installed_is_drawn(family):
    blank, drawn = rasterize([_svg("", family), _svg("XINGHE E-COMMERCE", family)], 200)
    assert _ink(blank) == 0
    assert _ink(drawn) > 500


def test_pngs_record_their_resolution_and_are_valid():
    png = rasterize([_svg("Abc", None)], 150)[0]
    image = Image.open(io.BytesIO(png))
    image.load()  # a broken chunk would fail here (CRC)
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.02)  # whole dots per metre
    assert image.size == pytest.approx((160 * 150 / 72, 30 * 150 / 72), abs=1)


def test_charts_drawn_across_processes_are_the_charts_drawn_here(tmp_path, monkeypatch):
    """The same DOCX, byte for byte, whether its charts were drawn by a pool of workers
    (while the body was built) or one after the other in the build's process."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    directory = ROOT / "content" / "ecommerce-ops"
    document = _document(directory)
    assert len(document.charts) >= drawing._POOL_FROM
    started = []
    pool = drawing.ProcessPoolExecutor

    def counted(*args, **kwargs):
        started.append(kwargs["max_workers"])
        return pool(*args, **kwargs)

    monkeypatch.setattr(drawing, "ProcessPoolExecutor", counted)
    monkeypatch.setattr(drawing, "_cores", lambda: 2)
    write_docx(document, tmp_path / "pool.docx", root=directory)
    assert started == [2]
    monkeypatch.setattr(drawing, "_cores", lambda: 1)
    write_docx(_document(directory), tmp_path / "here.docx", root=directory)
    assert started == [2]
    assert (tmp_path / "pool.docx").read_bytes() == (tmp_path / "here.docx").read_bytes()
    with zipfile.ZipFile(tmp_path / "pool.docx") as package:
        pngs = [n for n in package.namelist() if n.endswith(".png")]
        assert len(pngs) == len(document.charts) + 1  # and the logo
        for name in pngs:
            assert package.read(name).startswith(b"\x89PNG\r\n\x1a\n")


def test_an_svg_librsvg_cannot_read_is_an_error_not_a_crash():
    with pytest.raises(RenderError, match="."):
        svg_to_png(b"<svg xmlns='http://www.w3.org/2000/svg'><rect", 10, 10, opaque=True)
