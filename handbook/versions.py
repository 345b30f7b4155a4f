"""The two versions ``diff`` compares, loaded together and quickly.

Walking libyaml's events in Python is most of a diff's time; validation, the rules and the
comparison are a fraction of it. So before either version is validated, ``load_versions``
reads the content files of both, keeps one file of each set with the same bytes (two versions
share most), and has a forked second process parse part of those while this one imports the
validator (pydantic and the model take a third of a second to import) and parses the rest.
The child sends back only plain data (values, their positions, the problems), which
``validate`` then takes as the load of every file with those bytes; everything after that is
the ordinary ``load_handbook``, so errors, warnings and their locations are unchanged.

Garbage collection is paused meanwhile and the result frozen: loading makes a million objects
that all live on, and the collector's passes over them took a third of the loading time.

Without ``os.fork`` (Windows), with one core or every core already busy, for a small
handbook, or when the child fails, the files are parsed in this process as ``load_handbook``
meets them.

This module imports nothing of the validator at its top, so the fork comes before pydantic.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import os
import pickle
from collections.abc import Iterable, Iterator
from pathlib import Path

from .load import LoadedFile, content_digest, load_yaml

__all__ = ["load_versions"]

MIN_FILES = 100  # fewer distinct files parse faster than a second process starts and reports
CHILD_SHARE = 0.6  # of the bytes: this process imports the validator while the child parses
_ROLE_SUFFIXES = (".yml", ".yaml")  # as validate picks role files


def load_versions(new: Path, old: Path, *, processes: int | None = None) -> tuple:
    """(newer, older) Handbooks as ``load_handbook`` gives each; the new version's errors
    come first. ``processes`` 1 parses everything in this process, 2 in two; None uses two
    when it pays."""
    with _paused_gc():
        if processes != 1 and hasattr(os, "fork"):
            files = _distinct_files([new, old])
            if files and (processes or (len(files) >= MIN_FILES and _core_free())):
                _parse_in_two(files)
        from .validate import load_handbook

        newer, _ = load_handbook(new)
        older, _ = load_handbook(old)
    return newer, older


def _parse_in_two(files: list[tuple[bytes, Path, int]]) -> None:
    """The child parses the first files (CHILD_SHARE of the bytes), this process the rest."""
    ends = list(itertools.accumulate(size for *_, size in files))
    cut = bisect.bisect_left(ends, ends[-1] * CHILD_SHARE)
    theirs, mine = files[:cut], files[cut:]
    child = _Child([path for _, path, _ in theirs])
    try:
        from .validate import remember_load

        for digest, path, _ in mine:
            remember_load(digest, load_yaml(path))
    finally:
        loads = child.collect()
    if loads is None:
        return
    for (digest, path, _), (data, values, keys, problems) in zip(theirs, loads, strict=True):
        remember_load(digest, LoadedFile(path, data, values, keys, problems))


def _distinct_files(directories: Iterable[Path]) -> list[tuple[bytes, Path, int]]:
    """(digest, path, size) of the first file with each content, in the order validate reads."""
    seen: dict[bytes, tuple[bytes, Path, int]] = {}
    for directory in directories:
        for path in _content_files(Path(directory)):
            try:
                raw = path.read_bytes()
            except OSError:
                continue  # validate reports it
            digest = content_digest(raw)
            seen.setdefault(digest, (digest, path, len(raw)))
    return list(seen.values())


def _content_files(directory: Path) -> list[Path]:
    """handbook.yml and the role files, picked as ``validate._load_roles`` picks them."""
    roles = directory / "roles"
    found = [directory / "handbook.yml"]
    if roles.is_dir():
        found += sorted(p for p in roles.iterdir() if p.suffix in _ROLE_SUFFIXES
                        and p.is_file() and not p.name.startswith("."))
    return found


def _core_free() -> bool:
    """Whether a second process would get a core: two or more, not all kept busy already
    (the load average below their number, as ``make -l`` decides). On a saturated machine
    the second process only adds the cost of sending its loads back."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = 0.0
    return cores >= 2 and load < cores


class _Child:
    """A forked process that parses ``paths`` and pipes back their loads as plain data."""

    def __init__(self, paths: list[Path]):
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read)
            _serve(paths, write)
        os.close(write)
        self.read = read

    def collect(self) -> list[tuple] | None:
        """The child's loads in the order asked for, or None when it failed."""
        with open(self.read, "rb") as pipe:
            blob = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            return None
        return pickle.loads(blob)


def _serve(paths: list[Path], write: int) -> None:
    """The child's whole life: parse, pickle (before writing, so the parent need not wait
    on a full pipe while it parses its own part), write, exit without cleaning up what it
    shares with the parent. Any failure exits 1 and the parent parses these files itself."""
    status = 1
    try:
        loads = [load_yaml(path) for path in paths]
        blob = pickle.dumps([(f.data, f.values, f.keys, f.problems) for f in loads],
                            protocol=pickle.HIGHEST_PROTOCOL)
        with open(write, "wb") as pipe:
            pipe.write(blob)
        status = 0
    finally:
        os._exit(status)


@contextlib.contextmanager
def _paused_gc() -> Iterator[None]:
    """No collection while loading, and what was loaded frozen afterwards: the versions live
    until the diff is printed, and walking their million objects again when collection
    resumes and at the interpreter's exit took a quarter of a second. (Frozen objects are
    still freed when unreferenced; only reference cycles among them would outlive a caller.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
