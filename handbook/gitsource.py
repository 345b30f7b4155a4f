"""A handbook as it was at a git revision, read without touching the working tree.

``handbook diff v2.0 content/ops`` compares the working copy with the tag: the handbook's
path inside the repository comes from ``git rev-parse --show-prefix`` run in NEW, and that
subtree of the revision is unpacked from ``git archive`` into a temporary directory, in
memory where the system has one (the index, the checkout and the stash are never touched).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from .errors import UsageError

__all__ = ["handbook_at", "tagged"]

_MEMORY = ("/dev/shm",)  # tmpfs on Linux


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(directory), *args], capture_output=True,
                              check=False)
    except FileNotFoundError as exc:
        raise UsageError("git is not installed; give OLD as a directory") from exc


@contextlib.contextmanager
def handbook_at(revision: str, new: Path) -> Iterator[Path]:
    """The directory holding the handbook at ``new``'s path as of ``revision``."""
    if not new.is_dir():
        raise UsageError(f"{new}: no such directory")
    prefix = _git(new, "rev-parse", "--show-toplevel", "--show-prefix")
    if prefix.returncode != 0:
        raise UsageError(f"{revision}: not a directory, and {new} is not in a git repository "
                         "to read it as a revision from")
    commit = _git(new, "rev-parse", "--verify", "--quiet", "--end-of-options",
                  f"{revision}^{{commit}}")
    if commit.returncode != 0:
        raise UsageError(f"{revision}: neither a directory nor a revision of the git "
                         f"repository holding {new}")
    top, _, path = prefix.stdout.decode().rstrip("\n").partition("\n")
    path = path.strip().rstrip("/")
    archive = _git(Path(top), "archive", "--format=tar", commit.stdout.decode().strip(),
                   *([path] if path else []))
    if archive.returncode != 0:
        raise UsageError(f"{revision}: has no {path}/ (the handbook was not there yet)")
    with _unpacked(archive.stdout) as temp:
        root = temp / path if path else temp
        if not (root / "handbook.yml").is_file():
            raise UsageError(f"{revision}:{path or '.'}: not a handbook (no handbook.yml in it)")
        yield root


@contextlib.contextmanager
def _unpacked(archive: bytes) -> Iterator[Path]:
    """The archive unpacked in a temporary directory: in memory (``/dev/shm``) where there is
    one, as creating 800 files on a journalled disk took over a second of the kernel's time
    and a tenth of that there; in the usual temporary directory otherwise or when it is full."""
    for place in [*(d for d in _MEMORY if os.path.isdir(d) and os.access(d, os.W_OK)), None]:
        with tempfile.TemporaryDirectory(prefix="handbook-diff-", dir=place) as temp:
            try:
                _extract(archive, Path(temp))
            except OSError:
                if place is None:
                    raise
                continue
            yield Path(temp)
            return


def _extract(archive: bytes, target: Path) -> None:
    """Unpack a tar into ``target``: plain files and directories written directly, anything
    else (links, odd names) by tarfile's ``data`` filter, which refuses what would escape.

    ``extractall`` takes more than a second for 800 small files (its filter resolves every
    path on disk, and it sets modes and times nobody reads here); writing them is a tenth.
    """
    made = {target}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar:
            parts = PurePosixPath(member.name).parts
            plain = parts and not PurePosixPath(member.name).is_absolute() and ".." not in parts
            if not (plain and (member.isfile() or member.isdir())):
                tar.extract(member, target, filter="data")
                continue
            path = target.joinpath(*parts)
            folder = path if member.isdir() else path.parent
            if folder not in made:
                folder.mkdir(parents=True, exist_ok=True)
                made.add(folder)
            if member.isfile():
                path.write_bytes(tar.extractfile(member).read())


def tagged(tag: str, directory: Path) -> bool:
    """Whether ``directory`` is in a git repository that has the tag ``tag``."""
    try:
        found = _git(directory, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}")
    except UsageError:
        return False
    return found.returncode == 0
