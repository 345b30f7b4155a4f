"""Writing a handbook read from a workbook: a new directory, or ``import --update``.

YAML is written and merged with ruamel.yaml in round-trip mode: a file whose content did
not change is not touched (same bytes, same mtime), and in one that did, only the values
that changed are replaced, so the comments, key order and quoting a person wrote stay.
Before anything is moved into place, every written file is read back with the loader
``check`` uses and must give exactly the model the workbook gave.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from . import rules
from .errors import ContentError, Problem, UsageError
from .load import load_yaml
from .model import Duty, Handbook
from .output import Staging
from .validate import check_handbook

__all__ = ["SyncResult", "plain", "write_handbook"]


@dataclass
class SyncResult:
    """What an import wrote: each file with the keys that changed in it."""

    changed: dict[Path, list[str]] = field(default_factory=dict)
    added: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


def plain(model: BaseModel) -> dict:
    """The model as the YAML a person would write: no empty or default values.

    ``headcount`` stays even at its default of 1: it is the number HR looks for.
    """
    data: dict = {}
    for name, info in type(model).model_fields.items():
        value = _plain_value(getattr(model, name))
        if value is None or value == [] or (isinstance(value, bool) and value == info.default):
            continue
        data[name] = value
    return data


def _plain_value(value: Any) -> Any:
    if isinstance(value, Duty) and set(plain(value)) == {"text"}:
        return value.text
    if isinstance(value, BaseModel):
        return plain(value)
    if isinstance(value, list):
        return [_plain_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def write_handbook(target: Path, handbook: Handbook, *, update: bool = False,
                   prune: bool = False) -> SyncResult:
    """Write ``handbook`` (its roles bound) into ``target``: new, or merged when ``update``."""
    if update:
        old, old_problems = check_handbook(target)
        if old is None or any(p.severity == "error" for p in old_problems):
            # Merging into a broken handbook could hide its errors: they are fixed first.
            raise ContentError(old_problems)
        if not prune:
            _check_kept(old, handbook)
    else:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError(f"{target} is not empty; choose a new directory, or merge into "
                             "it with --update")
        old = None
    result = SyncResult()
    files = {target / "handbook.yml": (handbook, old)}
    for role_id, role in handbook.roles.items():
        files[target / "roles" / f"{role_id}.yml"] = (role, old.roles.get(role_id) if old else None)
    with Staging() as staging:
        for path, (new, previous) in files.items():
            _stage(staging, path, new, previous, result)
        staging.commit()
    if old is not None:
        _orphans(target, old, handbook, prune, result)
    return result


def _stage(staging: Staging, path: Path, new: BaseModel, previous: BaseModel | None,
           result: SyncResult) -> None:
    if previous is not None and previous.model_dump() == new.model_dump():
        result.unchanged += 1
        return
    if previous is None or not path.is_file():
        text = _dump(_styled(plain(new)))
        result.added.append(path)
    else:
        document = _yaml().load(path.read_text(encoding="utf-8-sig"))
        _merge_map(document, plain(new), new.model_dump())
        text = _dump(document)
        before, after = previous.model_dump(), new.model_dump()
        result.changed[path] = [name for name in after if before[name] != after[name]]
    temporary = staging.path_for(path)
    temporary.write_text(text, encoding="utf-8")
    _verify(temporary, new)


def _verify(path: Path, expected: BaseModel) -> None:
    """The file as ``check`` reads it must be the model it was written from."""
    loaded = load_yaml(path)
    try:
        model = type(expected).model_validate(loaded.data)
    except Exception as exc:  # a bug here must not write a wrong file
        raise AssertionError(f"{path.name} does not read back: {exc}") from exc
    if model.model_dump() != expected.model_dump():
        raise AssertionError(f"{path.name} reads back differently from the workbook")


def _check_kept(old: Handbook, new: Handbook) -> None:
    """The positions kept beside the workbook's must still make a valid handbook."""
    kept = {rid: role for rid, role in old.roles.items() if rid not in new.roles}
    if not kept:
        return
    problems: list[Problem] = []
    combined = dict(sorted({**new.roles, **kept}.items()))
    rules.check_roles_alone(combined, {d.id for d in new.departments}, problems)
    if any(p.severity == "error" for p in problems):
        problems += [Problem(role.where(), "warning",
                             f"position `{rid}` is not in the workbook; it would be kept "
                             "(--prune deletes it)") for rid, role in kept.items()]
        raise ContentError(problems)


def _orphans(target: Path, old: Handbook, new: Handbook, prune: bool, result: SyncResult) -> None:
    """Positions in the handbook but not in the workbook: reported, deleted only on request."""
    for role_id in old.roles:
        if role_id in new.roles:
            continue
        path = target / "roles" / f"{role_id}.yml"
        if not path.is_file():
            path = path.with_suffix(".yaml")
        if prune:
            path.unlink()
            result.removed.append(path)
        else:
            result.problems.append(Problem(
                old.roles[role_id].where(), "warning",
                f"position `{role_id}` is not in the workbook; kept (--prune deletes it)"))


# --- ruamel.yaml round trip ------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a line the person wrote on one line
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _dump(document: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(document, stream)
    return stream.getvalue()


def _styled(value: Any) -> Any:
    """Multi-line text as a literal block (``|``), the way people write it by hand."""
    if isinstance(value, dict):
        styled = CommentedMap()
        for key, item in value.items():
            styled[key] = _styled(item)
        return styled
    if isinstance(value, list):
        return CommentedSeq(_styled(item) for item in value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _merge_map(old: CommentedMap, new: dict, full: dict) -> None:
    """Make ``old`` hold ``new``, keeping what is equal (and its comments) in place.

    ``new`` leaves out defaults; ``full`` has them, so a key the person wrote out at its
    default (``certifications: []``, ``essential: true``) is kept, not deleted.
    """
    for key in [key for key in old if key not in new]:
        if not (key in full and _equivalent(old[key], full[key])):
            del old[key]
    for index, (key, value) in enumerate(new.items()):
        if key in old:
            old[key] = _merged(old[key], value, full.get(key))
            continue
        before = [k for k in list(new)[:index] if k in old]
        position = list(old).index(before[-1]) + 1 if before else 0
        old.insert(position, key, _styled(value))


def _merged(old: Any, new: Any, full: Any) -> Any:
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new, full if isinstance(full, dict) else new)
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list):
        for index, item in enumerate(new):
            if index < len(old):
                old[index] = _merged(old[index], item, full[index] if full else item)
            else:
                old.append(_styled(item))
        del old[len(new):]
        return old
    return old if _same(old, new) else _styled(new)


def _equivalent(old: Any, full: Any) -> bool:
    """Whether a value from the file means the model's (complete) value."""
    if isinstance(old, dict):
        return isinstance(full, dict) and all(_equivalent(v, full.get(k)) for k, v in old.items())
    if isinstance(old, list):
        return isinstance(full, list) and len(old) == len(full) \
            and all(map(_equivalent, old, full))
    return _same(old, full)


def _same(old: Any, new: Any) -> bool:
    """Equal as content: ``2.10`` written unquoted equals the text "2.10"."""
    if isinstance(old, bool) or isinstance(new, bool):
        return type(old) is type(new) and old == new
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    if isinstance(new, str) and isinstance(old, (int, float)):
        return _dump(old).strip().removesuffix("...").strip() == new
    return old == new
