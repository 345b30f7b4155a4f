"""Writing outputs so that a failed build never leaves a half-written or missing file.

Every file goes to a temporary name in its target directory and is renamed into place only
after *all* outputs of the build succeeded; on any failure (bad template, Ctrl-C, full
disk) the temporaries are removed and earlier outputs stay byte-for-byte as they were.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["FORMATS", "Staging"]

FORMATS = ("html", "pdf", "docx")  # here, not in build, so the CLI's help imports no stage


class Staging:
    """Collects outputs as temporary files and commits them together."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def path_for(self, target: Path) -> Path:
        """A fresh temporary path beside ``target`` for a writer to write to."""
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
        os.close(handle)
        temporary = Path(name)
        self._pending.append((temporary, target))
        return temporary

    def write_bytes(self, target: Path, data: bytes) -> None:
        self.path_for(target).write_bytes(data)

    def commit(self) -> list[Path]:
        """Rename every temporary into place; returns the targets written."""
        written = []
        for temporary, target in self._pending:
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
            written.append(target)
        self._pending.clear()
        return written

    def discard(self) -> None:
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()
