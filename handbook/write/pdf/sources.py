"""The files a printed part read, learnt after printing it, for the build cache's manifest.

A part's bytes depend on its HTML and on files the HTML does not hold: the system fonts
fontconfig chose for its text and any file the URL fetcher read. The cache cannot know
them before printing (which face serves which character is fontconfig's decision), so the
worker reports them afterwards, with their sizes and SHA-256 digests, and the cache checks
them again on every lookup, the way ccache's direct mode keeps a manifest of headers.

A face is found by its bytes: Pango gives each font's face blob, which for a system font is
the whole font file, so the file is the system font of that size with that digest. Brand
@font-face files are data: URIs inside the HTML (already in the key); fontconfig keeps them
as application fonts in temporary files, which are not reported. A face that is neither a
system font nor an application font cannot be named: the part is then not cached (None).
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path

from weasyprint.text.ffi import ffi, fontconfig

from .fonts import _face_blob

__all__ = ["file_digest", "used_files"]

SourceFile = tuple[str, int, str]  # path, size, sha256

# (path, size, mtime_ns, inode) -> sha256: a CJK collection is 20 MB, read once a process.
_DIGESTS: dict[tuple[str, int, int, int], str] = {}
_BLOB_DIGESTS: dict[tuple[int, int], str] = {}
_system_fonts: dict[int, dict[int, list[str]]] = {}  # by id of the FcConfig


def file_digest(path: str) -> str | None:
    """The SHA-256 of the file at ``path`` as it is now, or None when it cannot be read."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    memo = (path, stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if memo not in _DIGESTS:
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            return None
        _DIGESTS[memo] = digest.hexdigest()
    return _DIGESTS[memo]


def used_files(document, font_config, fetched: set[str]) -> list[SourceFile] | None:
    """The files outside the HTML that the laid-out and written ``document`` used: the
    system font files of its fonts and the files fetched; None if a face has no file."""
    found: dict[str, SourceFile] = {}
    for path in sorted(fetched):
        digest = file_digest(path)
        if digest is None:
            return None
        found[path] = (path, os.path.getsize(path), digest)
    system, application = (_fonts_by_size(font_config, kind) for kind in (0, 1))
    for font in document.fonts.values():
        address, blob = _face_blob(font.hb_face)
        memo = (address, len(blob))
        if memo not in _BLOB_DIGESTS:
            _BLOB_DIGESTS[memo] = hashlib.sha256(blob).hexdigest()
        digest = _BLOB_DIGESTS[memo]
        path = _matching(system.get(len(blob), []), digest)
        if path is not None:
            found[path] = (path, len(blob), digest)
        elif _matching(application.get(len(blob), []), digest) is None:
            return None
    return sorted(found.values())


def _matching(paths: list[str], digest: str) -> str | None:
    return next((path for path in paths if file_digest(path) == digest), None)


def _fonts_by_size(font_config, kind: int) -> dict[int, list[str]]:
    """The font files of fontconfig's system (0) or application (1) set, by size.
    The system set is listed once a process; application fonts come with each page."""
    config = font_config._config
    if kind == 0 and id(config) in _system_fonts:
        return _system_fonts[id(config)]
    by_size: dict[int, list[str]] = defaultdict(list)
    fonts = fontconfig.FcConfigGetFonts(config, kind)
    string = ffi.new("FcChar8 **")
    for index in range(fonts.nfont if fonts != ffi.NULL else 0):
        if fontconfig.FcPatternGetString(fonts.fonts[index], b"file", 0, string) == 0:
            path = ffi.string(string[0]).decode("utf-8", "surrogateescape")
            try:
                by_size[Path(path).stat().st_size].append(path)
            except OSError:
                continue
    for paths in by_size.values():
        paths[:] = sorted(set(paths))
    if kind == 0:
        _system_fonts[id(config)] = dict(by_size)
    return dict(by_size)
