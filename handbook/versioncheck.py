"""``check``'s warning that a new version's revision entry does not say what changed.

When ``document.version`` is the latest revision, the previous revision's version is tagged
in git (``v2.0`` or ``2.0``), the content differs from that tag and the latest entry has no
``changes``, approvers would sign a revision whose record is empty: ``check`` warns at
``document.version``. Outside git, or without such a tag, there is nothing to compare with
and no warning.
"""

from __future__ import annotations

from .diff import compare
from .errors import ContentError, Problem, UsageError
from .gitsource import handbook_at, tagged
from .model import Handbook
from .validate import load_handbook

__all__ = ["version_problems"]

_RECORD = ("document", "revisions")  # the record itself changes with every version


def version_problems(handbook: Handbook) -> list[Problem]:
    revisions = handbook.revisions
    if len(revisions) < 2 or revisions[-1].changes or \
            handbook.document.version != revisions[-1].version:
        return []
    previous = revisions[-2].version
    tag = next((t for t in (f"v{previous}", previous) if tagged(t, handbook.root)), None)
    if tag is None:
        return []
    try:
        with handbook_at(tag, handbook.root) as old_dir:
            old, _ = load_handbook(old_dir)
    except (UsageError, ContentError):
        return []
    if not any(_content(entry) for entry in compare(old, handbook).entries):
        return []
    return [Problem(handbook.where("document", "version"), "warning",
                    f"version {handbook.document.version} differs from {tag} but its revision "
                    "entry has no `changes`; describe them, or build with "
                    f"--changes-since {tag} to fill them in")]


def _content(entry) -> bool:
    if entry.kind != "handbook":
        return True
    return any(f.name not in _RECORD for f in entry.fields)
