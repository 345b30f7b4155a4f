"""One embedded font per key in a PDF joined from chunks rendered in separate processes.

Two small Chinese chunks are rendered with WeasyPrint in two worker processes, joined
with pikepdf (the naive join embeds each font twice), then unified. The unified file must
embed each font once, be smaller, read and look exactly like the naive join, and embed
the very font program a single WeasyPrint pass over both chunks would have.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops

from handbook.write.pdf.fonts import FontUse, font_uses, unify_fonts

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
pytestmark = [
    pytest.mark.skipif(not NOTO.exists(), reason="Noto Sans CJK is not installed"),
    pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is missing"),
]

_CJK = "font-family: 'Noto Sans CJK SC'"
CHUNKS = (
    f"<h1 style=\"{_CJK}\">岗位职责</h1>"
    f"<p style=\"{_CJK}\">负责公司财务管理工作，编制年度预算并监督执行。</p>",
    f"<h1 style=\"{_CJK}\">任职要求</h1>"
    f"<p style=\"{_CJK}\">本科以上学历，五年以上相关工作经验，熟悉会计准则。</p>",
)


def render_chunk(html: str, target: Path, faces_dir: Path) -> list[FontUse]:
    """What a worker does: print its chunk, then report the fonts it used."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    document.write_pdf(target)
    return font_uses(document, faces_dir)


def join(paths: list[Path]) -> pikepdf.Pdf:
    joined = pikepdf.new()
    for path in paths:
        with pikepdf.open(path) as chunk:
            joined.pages.extend(chunk.pages)
    return joined


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Chunks rendered in two spawned workers at once, their naive join and its uses."""
    root = tmp_path_factory.mktemp("pdf_fonts")
    faces = root / "faces"
    chunks = [root / f"chunk{i}.pdf" for i in range(len(CHUNKS))]
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        reports = list(pool.map(render_chunk, CHUNKS, chunks, [faces] * len(CHUNKS)))
    uses = [use for report in reports for use in report]
    naive = root / "naive.pdf"
    join(chunks).save(naive)
    single = root / "single.pdf"
    render_chunk('<div style="break-before: page"></div>'.join(CHUNKS), single,
                 root / "faces-single")
    return root, chunks, uses, faces, naive, single


def unified(build, uses=None, name="unified.pdf") -> Path:
    root, chunks, all_uses, faces, _, _ = build
    pdf = join(chunks)
    unify_fonts(pdf, all_uses if uses is None else uses, faces)
    pdf.save(root / name)
    return root / name


def programs(path: Path) -> dict[str, list[bytes]]:
    """The embedded font programs reachable from the pages, by font resource key."""
    found: dict[str, dict[tuple, bytes]] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for key, font in page.Resources.Font.items():
                descriptor = font.DescendantFonts[0].FontDescriptor
                for name in ("/FontFile2", "/FontFile3"):
                    if name in descriptor:
                        stream = descriptor[name]
                        found.setdefault(key, {})[stream.objgen] = stream.read_bytes()
    return {key: list(streams.values()) for key, streams in found.items()}


def page_texts(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")


def page_images(path: Path, directory: Path) -> list[Image.Image]:
    prefix = directory / path.stem
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(prefix)], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(directory.glob(f"{path.stem}-*.png"))]


def test_workers_report_both_fonts_and_store_each_face_once(build):
    _, _, uses, faces, _, _ = build
    assert {use.key for use in uses} and all(use.unifiable for use in uses)
    assert len(uses) == 4  # regular and bold, in each chunk
    stored = sorted(p.name for p in faces.iterdir())
    assert stored == sorted({use.face for use in uses})  # no temporary files left behind
    assert len(stored) == 2  # NotoSansCJK-Regular.ttc and -Bold.ttc
    for name in stored:
        assert hashlib.sha256((faces / name).read_bytes()).hexdigest() == name
    assert pickle.loads(pickle.dumps(uses)) == uses


def test_one_font_program_per_key(build):
    naive, after = programs(build[4]), programs(unified(build))
    assert set(after) == set(naive) and len(after) == 2
    assert all(len(streams) == 2 for streams in naive.values())
    assert all(len(streams) == 1 for streams in after.values())


def test_smaller_than_the_naive_join(build):
    naive = build[4]
    assert unified(build).stat().st_size < 0.6 * naive.stat().st_size


def test_same_program_as_a_single_pass(build):
    after, single = programs(unified(build)), programs(build[5])
    assert after == single


def test_same_text_on_every_page(build):
    naive = build[4]
    texts = page_texts(unified(build))
    assert texts == page_texts(naive)
    assert "岗位职责" in texts[0] and "熟悉会计准则" in texts[1]


def test_pages_look_the_same(build, tmp_path):
    naive = build[4]
    before, after = page_images(naive, tmp_path), page_images(unified(build), tmp_path)
    assert len(before) == len(after) == 2
    for old, new in zip(before, after, strict=True):
        assert ImageChops.difference(old, new).getbbox() is None


def test_a_font_with_an_unusual_use_is_left_as_it_is(build):
    _, _, uses, _, naive, _ = build
    kept = uses[0].key
    marked = [replace(use, unifiable=False) if use.key == kept and i > 1 else use
              for i, use in enumerate(uses)]
    after = programs(unified(build, marked, name="partly.pdf"))
    before = programs(naive)
    assert after[f"/{kept}"] == before[f"/{kept}"]  # both chunks' copies, byte for byte
    (other,) = set(after) - {f"/{kept}"}
    assert len(after[other]) == 1
    assert page_texts(build[0] / "partly.pdf") == page_texts(naive)


def test_no_uses_change_nothing(build):
    assert programs(unified(build, [], name="untouched.pdf")) == programs(build[4])
