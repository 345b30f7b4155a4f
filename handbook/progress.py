"""Progress of a long build: rich bars on a terminal, silence in pipes and CI.

A 1,000-page handbook takes minutes; a person at a terminal wants to see it move, while a
log in CI wants only the summary line the CLI prints at the end.
"""

from __future__ import annotations

import os
import sys

__all__ = ["BuildProgress"]


class BuildProgress:
    """A ``build`` progress callback: ``progress(step, done, total)``."""

    def __init__(self, *, enabled: bool = True, verbose: bool = False) -> None:
        interactive = sys.stderr.isatty() and not os.environ.get("CI")
        self._verbose = enabled and verbose and not interactive
        self._bars = None
        self._tasks: dict[str, int] = {}
        if enabled and interactive:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bars = Progress(TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(),
                                  console=Console(stderr=True), transient=True)

    def __call__(self, step: str, done: int, total: int) -> None:
        if self._bars is not None:
            if step not in self._tasks:
                self._tasks[step] = self._bars.add_task(step, total=total)
            self._bars.update(self._tasks[step], completed=done, total=total)
        elif self._verbose:
            print(f"{step}: {done}/{total}", file=sys.stderr, flush=True)

    def __enter__(self) -> BuildProgress:
        if self._bars is not None:
            self._bars.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bars is not None:
            self._bars.stop()
