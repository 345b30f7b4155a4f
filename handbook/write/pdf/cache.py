"""The build cache: printed parts, running-header pieces and whole PDFs kept between builds.

An entry is stored under a key that covers everything its bytes depend on and that is known
before printing: the kind of print, every field of the ``PrintJob`` but where it is written
(the HTML, with page numbers filled in, holds the stylesheets, the brand's @font-face files
and the pictures as data: URIs), the running-header piece's page names and strings, and a
salt of WeasyPrint's version, handbook's version and the source of the PDF writer itself.
What only printing tells (the system font files fontconfig chose, files fetched) is stored
in the entry as a manifest of (path, size, SHA-256), checked again on every lookup: a font
file replaced makes the entry a miss.

Entries are files ``entries/<key>`` (a magic, the SHA-256 of the rest, then a pickle of the
PDF's bytes, its ``PartFacts`` and manifest); a corrupt or truncated entry fails the hash,
is deleted and counts as a miss, never used. The original font faces the join needs are
kept once each in ``faces/<sha256>``, checked the same way. A build's new entries are staged
in a temporary directory and enter the cache in ``commit`` (so a failed build writes
nothing): each by a temporary file and ``os.replace``, under an exclusive ``fcntl`` lock
that also evicts the least recently used files (a hit touches its entry) beyond the size cap.
Two builds at once each see whole entries or none; a file evicted under a reader is a miss.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import os
import pickle
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import weasyprint

from ... import __version__
from .parts import PartFacts, PrintJob
from .sources import SourceFile, file_digest

__all__ = ["CACHE_DIR_NAME", "DEFAULT_LIMIT", "PrintCache"]

CACHE_DIR_NAME = ".handbook-cache"
DEFAULT_LIMIT = 1 << 30  # 1 GiB: a 2,000-position handbook's parts take about 60 MB
_MAGIC = b"HBCACHE1"
_KEEP = 0.8  # eviction frees the cache down to this share of its cap
_UNKEYED = {"target", "faces_dir"}  # where a print is written, not what it prints


def _salt() -> bytes:
    """Versions and the PDF writer's own source: a change to how parts are printed or
    joined invalidates every entry, even between releases."""
    digest = hashlib.sha256(f"{weasyprint.__version__}\0{__version__}\0".encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.digest()


class PrintCache:
    """The cache in ``directory`` with a cap of ``limit`` bytes. ``stats`` counts, by
    (what, kind), what a build printed and reused (kinds ``part``, ``margins``, ``pdf``),
    the corrupt entries it found and the files it evicted."""

    def __init__(self, directory: Path, limit: int = DEFAULT_LIMIT) -> None:
        self.directory = Path(directory)
        self.limit = limit
        self.stats: Counter = Counter()
        self._salt = _salt()
        self._staged: Path | None = None

    # --- keys and lookups -----------------------------------------------------------

    def key(self, kind: str, job: PrintJob, *extra: object) -> str:
        """The key of printing ``job`` as ``kind`` with ``extra`` inputs (reprs)."""
        digest = hashlib.sha256(self._salt + kind.encode() + b"\0")
        for spec in dataclasses.fields(job):
            if spec.name not in _UNKEYED:
                value = getattr(job, spec.name)
                digest.update(f"{spec.name}\0".encode())
                digest.update(value.encode() if isinstance(value, str) else repr(value).encode())
                digest.update(b"\0")
        for value in extra:
            digest.update(repr(value).encode() + b"\0")
        return digest.hexdigest()

    def load(self, key: str, target: Path, faces_dir: Path | None = None):
        """Write the entry's PDF to ``target`` (its faces into ``faces_dir``) and return its
        facts (a ``PartFacts``, or the manifest of a whole PDF); None on a miss."""
        entry = self._read(key)
        if entry is None or not _current(entry["files"]):
            return None
        if faces_dir is not None and not self._copy_faces(entry["facts"], faces_dir):
            return None
        Path(target).write_bytes(entry["pdf"])
        return entry["facts"]

    def store(self, key: str, pdf: Path, facts, files: list[SourceFile] | None,
              faces_dir: Path | None = None) -> None:
        """Stage the printed ``pdf`` under ``key``; nothing when its files are unknown."""
        if files is None:
            return
        staged = self._staging()
        if faces_dir is not None:
            for use in facts.fonts:
                face = staged / "faces" / use.face
                if use.face and not face.exists() and not (self._faces / use.face).exists():
                    shutil.copyfile(Path(faces_dir) / use.face, face)
        payload = pickle.dumps({"pdf": Path(pdf).read_bytes(), "facts": facts, "files": files},
                               protocol=pickle.HIGHEST_PROTOCOL)
        (staged / "entries" / key).write_bytes(
            _MAGIC + hashlib.sha256(payload).digest() + payload)

    # --- commit and eviction ----------------------------------------------------------

    def commit(self) -> None:
        """Move the staged entries into the cache, then evict beyond the cap."""
        if self._staged is None:
            return
        try:
            for kind in ("faces", "entries"):
                (self.directory / kind).mkdir(parents=True, exist_ok=True)
            with self._locked():
                for kind in ("faces", "entries"):
                    for path in sorted((self._staged / kind).iterdir()):
                        _place(path, self.directory / kind / path.name)
                self._evict()
        finally:
            self.discard()

    def discard(self) -> None:
        """Forget the staged entries (the build failed)."""
        if self._staged is not None:
            shutil.rmtree(self._staged, ignore_errors=True)
            self._staged = None

    def _evict(self) -> None:
        """Delete the least recently used entries and faces until the cache fits its cap."""
        files = []
        for kind in ("entries", "faces"):
            for path in (self.directory / kind).iterdir():
                try:
                    stat = path.stat()
                except OSError:
                    continue
                files.append((stat.st_mtime_ns, path.name, stat.st_size, path))
        total = sum(size for _, _, size, _ in files)
        if total <= self.limit:
            return
        for _, _, size, path in sorted(files):
            path.unlink(missing_ok=True)
            self.stats["evicted", "file"] += 1
            total -= size
            if total <= self.limit * _KEEP:
                return

    # --- files ------------------------------------------------------------------------

    @property
    def _faces(self) -> Path:
        return self.directory / "faces"

    def _read(self, key: str) -> dict | None:
        """The verified entry under ``key`` (staged ones first), touched as recently used;
        a corrupt one is deleted."""
        for folder in ([self._staged / "entries"] if self._staged else []) + [
                self.directory / "entries"]:
            path = folder / key
            try:
                data = path.read_bytes()
            except OSError:
                continue
            payload = data[len(_MAGIC) + 32:]
            if data[:len(_MAGIC)] != _MAGIC or \
                    hashlib.sha256(payload).digest() != data[len(_MAGIC):len(_MAGIC) + 32]:
                path.unlink(missing_ok=True)
                self.stats["corrupt", "entry"] += 1
                return None
            _touch(path)
            return pickle.loads(payload)  # noqa: S301 - verified, written by this cache
        return None

    def _copy_faces(self, facts: PartFacts, faces_dir: Path) -> bool:
        """Copy the original faces ``facts`` uses into ``faces_dir``; False when one is
        missing or corrupt."""
        for name in sorted({use.face for use in facts.fonts if use.face}):
            target = Path(faces_dir) / name
            if target.exists():
                continue
            staged = self._staged / "faces" / name if self._staged else None
            source = staged if staged is not None and staged.exists() else self._faces / name
            if file_digest(str(source)) != name:
                source.unlink(missing_ok=True)
                return False
            shutil.copyfile(source, target)
            _touch(source)
        return True

    def _staging(self) -> Path:
        if self._staged is None:
            self._staged = Path(tempfile.mkdtemp(prefix="handbook-cache-"))
            for kind in ("faces", "entries"):
                (self._staged / kind).mkdir()
        return self._staged

    def _locked(self):
        return _Lock(self.directory / "lock")


class _Lock:
    """An exclusive ``fcntl`` lock on a file, for as long as the ``with`` block."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> _Lock:
        self.file = open(self.path, "a+b")  # noqa: SIM115 - closed in __exit__
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _current(files: list[SourceFile]) -> bool:
    """Whether every file of a manifest still has its size and digest."""
    return all(file_digest(path) == digest for path, _, digest in files)


def _place(source: Path, target: Path) -> None:
    """Copy ``source`` beside ``target`` and rename it into place (atomic)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, name)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _touch(path: Path) -> None:
    """Mark ``path`` as just used, for the eviction's order."""
    with contextlib.suppress(OSError):
        os.utime(path)

