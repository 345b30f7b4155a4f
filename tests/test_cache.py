"""The PDF build cache: an incremental build is byte for byte the cold one, and prints only
what changed.

A generated handbook (bench/generate.py, 7 positions: a TOC and an index with page numbers,
an org chart, one page or so a position) is printed once in parallel parts into a cache;
each test restores the handbook (in place: its path is in every key), copies the cache,
edits the handbook, prints it again with the cache and compares with a cold print of the
same content (no cache), with SOURCE_DATE_EPOCH set. The cache's counters say what was
printed and what was reused.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml

from handbook import document as document_module
from handbook.build import BuildRequest, _pdf_variant, _prepare
from handbook.cli import main
from handbook.write.html import render_html
from handbook.write.pdf import cache as cache_module
from handbook.write.pdf import write_pdf
from handbook.write.pdf.cache import CACHE_DIR_NAME, PrintCache
from handbook.write.pdf.split import split_page

from .conftest import ROOT
from .test_pdf import EPOCH

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate  # noqa: E402

POSITIONS = 7


@pytest.fixture(scope="module", autouse=True)
def epoch():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


def _print(directory: Path, target: Path, cache: PrintCache | None, **options) -> bytes:
    """The handbook in ``directory`` printed in parallel parts (on two workers) as
    ``handbook build`` resolves it; the cache committed as after a successful build."""
    request = BuildRequest(directory, **options)
    document, root, _ = _prepare(request)
    html = render_html(document, root=root)
    write_pdf(document, html, target, root=root, single_pass=False, jobs=2, cache=cache,
              variant=_pdf_variant(request, document))
    if cache is not None:
        cache.commit()
    return target.read_bytes()


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path, bytes, int]:
    """The handbook, its cache after a cold build, the PDF and its number of parts."""
    where = tmp_path_factory.mktemp("base")
    directory = generate(POSITIONS, where / "hb")
    shutil.copytree(directory, where / "pristine")
    cache = PrintCache(where / "cache")
    pdf = _print(directory, where / "cold.pdf", cache)
    assert cache.stats["printed", "pdf"] == 1 and not cache.stats["reused", "part"]
    return directory, where / "cache", pdf, cache.stats["printed", "part"]


@pytest.fixture
def copy(base, tmp_path) -> tuple[Path, Path]:
    """The handbook as generated, and a copy of its cache, to edit."""
    directory, cache, _, _ = base
    shutil.rmtree(directory)
    shutil.copytree(directory.parent / "pristine", directory)
    shutil.copytree(cache, tmp_path / "cache")
    return directory, tmp_path / "cache"


def _edit_role(directory: Path, role: str, change) -> None:
    path = directory / "roles" / f"{role}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _incremental_is_cold(directory: Path, cache_dir: Path, tmp_path: Path,
                         **options) -> PrintCache:
    """Print with the cache and cold; assert the same bytes; the cache's counters."""
    cache = PrintCache(cache_dir)
    warm = _print(directory, tmp_path / "warm.pdf", cache, **options)
    cold = _print(directory, tmp_path / "cold.pdf", None, **options)
    assert warm == cold
    return cache


def _pages(data: bytes, tmp_path: Path) -> int:
    (tmp_path / "count.pdf").write_bytes(data)
    with pikepdf.open(tmp_path / "count.pdf") as pdf:
        return len(pdf.pages)


def test_an_unchanged_rebuild_copies_the_whole_pdf(base, copy, tmp_path):
    _, _, pdf, _ = base
    cache = PrintCache(copy[1])
    assert _print(copy[0], tmp_path / "again.pdf", cache) == pdf
    assert cache.stats == {("reused", "pdf"): 1}


def test_a_duty_edit_reprints_one_part(base, copy, tmp_path):
    directory, cache_dir = copy
    _edit_role(directory, "dept-01-r02",
               lambda role: role["duties"][0].update(text=role["duties"][0]["text"] + "（修订）"))
    cache = _incremental_is_cold(directory, cache_dir, tmp_path)
    assert cache.stats["printed", "part"] == 1
    assert cache.stats["reused", "part"] == base[3] - 1
    assert cache.stats["reused", "margins"] == 1 and not cache.stats["printed", "margins"]


def test_a_title_shown_in_other_parts_reprints_those_parts(base, copy, tmp_path):
    """A department head's title is in the TOC, the index, the org chart and the reporting
    lines of the positions under it: those parts are printed again, not the others."""
    directory, cache_dir = copy
    _edit_role(directory, "dept-01-head", lambda role: role.update(title="运营总监"))
    cache = _incremental_is_cold(directory, cache_dir, tmp_path)
    assert 2 <= cache.stats["printed", "part"] < base[3]
    assert cache.stats["reused", "part"] >= 2


def test_an_added_position_keeps_the_other_parts(base, copy, tmp_path):
    directory, cache_dir = copy
    role = yaml.safe_load((directory / "roles" / "dept-01-r04.yml").read_text(encoding="utf-8"))
    role.update(title="运营专员99", code="SYN-0099")
    (directory / "roles" / "dept-01-r99.yml").write_text(
        yaml.safe_dump(role, allow_unicode=True, sort_keys=False), encoding="utf-8")
    cache = _incremental_is_cold(directory, cache_dir, tmp_path)
    assert cache.stats["reused", "part"] >= 2


def test_a_page_count_change_renumbers_the_toc_and_the_running_footers(base, copy, tmp_path):
    directory, cache_dir = copy
    _edit_role(directory, "dept-01-r02", lambda role: role.update(
        summary="".join([role["summary"]] * 200)))
    cache = _incremental_is_cold(directory, cache_dir, tmp_path)
    warm = (tmp_path / "warm.pdf").read_bytes()
    assert _pages(warm, tmp_path) > _pages(base[2], tmp_path)
    assert cache.stats["printed", "margins"] >= 1
    assert cache.stats["reused", "part"] >= 1


def test_a_template_change_reprints_the_part_it_changes(copy, tmp_path):
    directory, cache_dir = copy
    (directory / "templates").mkdir()
    (directory / "templates" / "handbook.html.j2").write_text(
        '{% extends "handbook.html.j2" %}\n{% block cover %}<header class="cover" id="cover" '
        'data-pdf-split><h1>新封面：{{ document.title }}</h1></header>{% endblock %}\n',
        encoding="utf-8")
    cache = _incremental_is_cold(directory, cache_dir, tmp_path)
    assert cache.stats["printed", "part"] == 1


def test_a_brand_change_and_a_replaced_brand_font_file(copy, tmp_path):
    """A brand changes the stylesheet every part carries: all are printed again. Its font
    files are part of the page (data: URIs): replacing one reprints what uses it."""
    directory, cache_dir = copy
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "content" / "brands" / "bluewhale", brand)
    cache = _incremental_is_cold(directory, cache_dir, tmp_path, brand=brand)
    assert not cache.stats["reused", "part"]
    shutil.copyfile(brand / "fonts" / "NotoSerif-Bold.ttf", brand / "fonts" /
                    "NotoSerif-Regular.ttf")
    cache = _incremental_is_cold(directory, cache_dir, tmp_path, brand=brand)
    assert cache.stats["printed", "part"] >= 1 and not cache.stats["reused", "pdf"]


def test_a_changed_system_font_file_is_a_miss(base, copy, tmp_path, monkeypatch):
    """The manifest of an entry names the system font files its print used: when one
    no longer has its digest, the entry is not used."""
    _, _, pdf, parts = base
    digest = cache_module.file_digest
    changed = []

    def file_digest(path):
        if "Noto" in path and "CJK" in path:
            changed.append(path)
            return "0" * 64
        return digest(path)

    monkeypatch.setattr(cache_module, "file_digest", file_digest)
    cache = PrintCache(copy[1])
    assert _print(copy[0], tmp_path / "again.pdf", cache) == pdf
    assert changed and cache.stats["printed", "part"] == parts


@pytest.mark.parametrize("damage", ["corrupt", "truncated"])
def test_a_damaged_entry_is_printed_again_never_used(base, copy, tmp_path, damage):
    _, _, pdf, parts = base
    entries = sorted((copy[1] / "entries").iterdir(), key=lambda p: p.stat().st_size)
    for entry in entries:  # every entry: the whole PDF's too
        data = bytearray(entry.read_bytes())
        if damage == "corrupt":
            data[len(data) // 2] ^= 0x55
        else:
            del data[len(data) // 3:]
        entry.write_bytes(bytes(data))
    cache = PrintCache(copy[1])
    assert _print(copy[0], tmp_path / "again.pdf", cache) == pdf
    assert cache.stats["corrupt", "entry"] >= parts
    assert not cache.stats["reused", "part"]
    fresh = PrintCache(copy[1])
    assert _print(copy[0], tmp_path / "third.pdf", fresh) == pdf
    assert fresh.stats == {("reused", "pdf"): 1}


_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_cache import _print
from handbook.write.pdf.cache import PrintCache
if __name__ == "__main__":
    _print(Path(sys.argv[1]), Path(sys.argv[2]), PrintCache(Path(sys.argv[3])))
"""


def test_two_builds_at_once_share_the_cache(base, copy, tmp_path):
    directory, _, pdf, _ = base
    script = tmp_path / "build.py"
    script.write_text(_BUILD.format(root=str(ROOT)), encoding="utf-8")
    cache_dir = tmp_path / "empty"
    builds = [subprocess.Popen([sys.executable, str(script), str(directory),
                                str(tmp_path / f"{n}.pdf"), str(cache_dir)],
                               cwd=ROOT, stderr=subprocess.PIPE) for n in range(2)]
    for build in builds:
        assert build.wait() == 0, build.stderr.read().decode()
    assert (tmp_path / "0.pdf").read_bytes() == (tmp_path / "1.pdf").read_bytes() == pdf
    assert not list(cache_dir.rglob(".*"))  # no temporary file left behind
    cache = PrintCache(cache_dir)
    assert _print(directory, tmp_path / "2.pdf", cache) == pdf
    assert cache.stats == {("reused", "pdf"): 1}


def test_the_least_recently_used_entries_go_beyond_the_cap(base, copy, tmp_path):
    directory, cache_dir = copy
    size = sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file())
    _edit_role(directory, "dept-01-r02",
               lambda role: role["duties"][0].update(text=role["duties"][0]["text"] + "（修订）"))
    cache = PrintCache(cache_dir, limit=size // 2)
    edited = _print(directory, tmp_path / "edited.pdf", cache)
    assert cache.stats["evicted", "file"] >= 1
    assert sum(p.stat().st_size for p in cache_dir.rglob("*") if p.is_file()) <= size // 2
    again = PrintCache(cache_dir, limit=size // 2)
    assert _print(directory, tmp_path / "again.pdf", again) == edited
    assert again.stats == {("reused", "pdf"): 1}  # the newest entry stayed


def test_entries_enter_the_cache_only_when_the_build_commits(copy, tmp_path):
    """A build that fails discards what it printed: the cache is as it was."""
    directory, cache_dir = copy
    before = sorted(p.name for p in (cache_dir / "entries").iterdir())
    _edit_role(directory, "dept-01-r02",
               lambda role: role["duties"][0].update(text=role["duties"][0]["text"] + "（修订）"))
    cache = PrintCache(cache_dir)
    document, root, _ = _prepare(BuildRequest(directory))
    write_pdf(document, render_html(document, root=root), tmp_path / "x.pdf", root=root,
              single_pass=False, jobs=2, cache=cache)
    assert cache.stats["printed", "part"] == 1
    cache.discard()
    assert sorted(p.name for p in (cache_dir / "entries").iterdir()) == before


def test_cuts_between_parts_move_only_near_an_edit(tmp_path):
    """Adding a position to a department changes the HTML of parts that show that
    department (its pages, the TOC, index and org chart), not every part after it."""
    directory = generate(120, tmp_path / "hb")
    before = _parts(directory)
    role = yaml.safe_load((directory / "roles" / "dept-03-r05.yml").read_text(encoding="utf-8"))
    (directory / "roles" / "dept-03-r99.yml").write_text(
        yaml.safe_dump(dict(role, code="SYN-0999"), allow_unicode=True, sort_keys=False),
        encoding="utf-8")
    after = _parts(directory)
    changed = set(after) - set(before)
    assert len(before) >= 8 and len(changed) <= len(after) // 2
    assert all("dept-03" in html for html in changed)


def _parts(directory: Path) -> list[str]:
    document, root, _ = _prepare(BuildRequest(directory))
    return [part.html for part in split_page(render_html(document, root=root)).parts]


def test_the_cli_keeps_the_cache_beside_the_outputs_and_no_cache_builds_cold(copy, tmp_path,
                                                                              capsys):
    directory = copy[0]
    out, cold = tmp_path / "out", tmp_path / "cold"
    assert main(["build", str(directory), "-f", "pdf", "-o", str(out)]) == 0
    assert CACHE_DIR_NAME not in capsys.readouterr().err
    entries = sorted((out / CACHE_DIR_NAME / "entries").iterdir())
    assert entries
    assert main(["build", str(directory), "-f", "pdf", "-o", str(cold), "--no-cache"]) == 0
    assert not (cold / CACHE_DIR_NAME).exists()
    name = f"{directory.name}.pdf"
    assert (out / name).read_bytes() == (cold / name).read_bytes()
    own = tmp_path / "elsewhere"
    assert main(["build", str(directory), "-f", "pdf", "-o", str(cold), "--cache", str(own),
                 "--cache-size", "200M"]) == 0
    assert (own / "entries").is_dir() and not (cold / CACHE_DIR_NAME).exists()
    assert main(["build", str(directory), "-f", "pdf", "-o", str(out), "--cache-size",
                 "lots"]) == 2
    assert "--cache-size" in capsys.readouterr().err


# --- builds without SOURCE_DATE_EPOCH: the build date is not in any key -------------------

def _dates(path: Path) -> tuple[str, str, list[bytes]]:
    """The document information's dates and the XMP metadata's date elements."""
    with pikepdf.open(path) as pdf:
        info = pdf.trailer.Info
        xmp = pdf.Root.Metadata.read_bytes() if "/Metadata" in pdf.Root else b""
        return (str(info.CreationDate), str(info.ModDate),
                re.findall(rb"<[\w:]*(?:Create|Modify|Metadata)Date>([^<]*)<", xmp))


def _undated(monkeypatch, when: str) -> str:
    """Build without SOURCE_DATE_EPOCH at the time ``when``; the PDF date it gives."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    moment = dt.datetime.fromisoformat(when)
    monkeypatch.setattr(document_module, "_created", lambda: moment)
    return moment.strftime("D:%Y%m%d%H%M%S+00'00")


def test_an_unchanged_rebuild_on_another_day_reprints_nothing(base, copy, tmp_path,
                                                             monkeypatch):
    """The cache filled with SOURCE_DATE_EPOCH's date serves a build on another day whole,
    with that day's dates."""
    stamp = _undated(monkeypatch, "2031-05-06T07:08:09+00:00")
    cache = PrintCache(copy[1])
    _print(copy[0], tmp_path / "today.pdf", cache)
    assert cache.stats == {("reused", "pdf"): 1}
    assert _dates(tmp_path / "today.pdf")[:2] == (stamp, stamp)
    assert _pages(base[2], tmp_path) == _pages((tmp_path / "today.pdf").read_bytes(), tmp_path)


def test_a_duty_edit_on_another_day_reprints_one_part(base, copy, tmp_path, monkeypatch):
    stamp = _undated(monkeypatch, "2031-05-06T07:08:09+00:00")
    directory, cache_dir = copy
    _edit_role(directory, "dept-01-r02",
               lambda role: role["duties"][0].update(text=role["duties"][0]["text"] + "（修订）"))
    cache = PrintCache(cache_dir)
    _print(directory, tmp_path / "edited.pdf", cache)
    assert cache.stats["printed", "part"] == 1
    assert cache.stats["reused", "part"] == base[3] - 1
    assert _dates(tmp_path / "edited.pdf")[:2] == (stamp, stamp)
    _undated(monkeypatch, "2032-01-02T03:04:05+00:00")
    again = PrintCache(cache_dir)
    _print(directory, tmp_path / "later.pdf", again)
    assert again.stats == {("reused", "pdf"): 1}
    assert _dates(tmp_path / "later.pdf")[:2] == ("D:20320102030405+00'00",) * 2


@pytest.fixture(scope="module")
def tagged(base, tmp_path_factory) -> tuple[Path, Path]:
    """A cache filled by a cold PDF/UA-1 print of the handbook (SOURCE_DATE_EPOCH set)."""
    where = tmp_path_factory.mktemp("tagged")
    directory = base[0]
    shutil.rmtree(directory)
    shutil.copytree(directory.parent / "pristine", directory)
    _print(directory, where / "cold.pdf", PrintCache(where / "cache"), pdf_variant="pdf/ua-1")
    return where / "cold.pdf", where / "cache"


def test_a_tagged_incremental_build_is_the_cold_one(copy, tagged, tmp_path):
    directory = copy[0]
    shutil.copytree(tagged[1], tmp_path / "ua-cache")
    _edit_role(directory, "dept-01-r02",
               lambda role: role["duties"][0].update(text=role["duties"][0]["text"] + "（修订）"))
    cache = _incremental_is_cold(directory, tmp_path / "ua-cache", tmp_path,
                                 pdf_variant="pdf/ua-1")
    assert cache.stats["printed", "part"] == 1 and cache.stats["reused", "part"] >= 2


def test_a_tagged_rebuild_on_another_day_has_that_days_dates_in_its_xmp(copy, tagged, tmp_path,
                                                                         monkeypatch):
    cold_created, _, cold_xmp = _dates(tagged[0])
    assert cold_created == "D:20260101000000+00'00"
    assert cold_xmp == [b"2026-01-01T00:00:00+00:00"] * 2
    stamp = _undated(monkeypatch, "2031-05-06T07:08:09+00:00")
    shutil.copytree(tagged[1], tmp_path / "ua-cache")
    cache = PrintCache(tmp_path / "ua-cache")
    _print(copy[0], tmp_path / "today.pdf", cache, pdf_variant="pdf/ua-1")
    assert cache.stats == {("reused", "pdf"): 1}
    assert _dates(tmp_path / "today.pdf") == (stamp, stamp,
                                             [b"2031-05-06T07:08:09+00:00"] * 2)
