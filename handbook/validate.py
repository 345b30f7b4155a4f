"""Read a handbook directory into the model and check every rule of CONTENT.md.

All problems are gathered first and reported together (as MkDocs does with its config):
a person fixing a handbook wants the whole list, not one error per run. ``load_handbook``
raises one ``ContentError`` carrying them when any is an error; warnings ride along on
the returned handbook.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import rules
from .errors import ContentError, Location, Problem, UsageError, did_you_mean
from .load import LoadedFile, content_digest, load_yaml
from .model import ID_PATTERN, Duty, Handbook, Role
from .relocate import TwinRoles

__all__ = ["check_handbook", "check_sources", "load_handbook", "remember_load"]

_ROLE_SUFFIXES = (".yml", ".yaml")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{i}" for p in ("com", "lpt")
                                                    for i in range(1, 10)}


def load_handbook(directory: Path) -> tuple[Handbook, list[Problem]]:
    """The validated handbook and its warnings; raises ContentError when there are errors."""
    handbook, problems = check_handbook(directory)
    if handbook is None or any(p.severity == "error" for p in problems):
        raise ContentError(problems)
    return handbook, problems


def check_handbook(directory: Path) -> tuple[Handbook | None, list[Problem]]:
    """Every problem of the handbook in ``directory``; the model when it could be built."""
    directory = _handbook_directory(Path(directory))
    handbook_file = directory / "handbook.yml"
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    if not handbook_file.is_file():
        raise UsageError(f"{directory}: not a handbook (no handbook.yml in it)")
    problems: list[Problem] = []
    loaded = _load(handbook_file)
    problems += loaded.problems
    role_files = _load_roles(directory, problems)
    names = _Names(loaded.data, {rid: f.data for rid, f in role_files.items()})
    handbook = _parse(Handbook, loaded, problems, names)
    roles = {rid: _parse_role(rid, f, problems, names) for rid, f in role_files.items()}
    return _check_whole(directory, loaded, handbook, roles, problems, assets=True)


def _handbook_directory(path: Path) -> Path:
    """``check DIR/handbook.yml`` or ``check DIR/roles/x.yml`` means the handbook in DIR."""
    if path.is_file() and path.suffix in _ROLE_SUFFIXES:
        if path.name == "handbook.yml":
            return path.parent
        if path.parent.name == "roles" and (path.parent.parent / "handbook.yml").is_file():
            return path.parent.parent
    return path


class _Names:
    """Titles and department names, to answer a reference written as one with its id."""

    def __init__(self, handbook_data: Any, roles_data: dict[str, Any]):
        self.roles = {_key(d["title"]): rid for rid, d in roles_data.items()
                      if isinstance(d, dict) and isinstance(d.get("title"), str)}
        departments = handbook_data.get("departments") if isinstance(handbook_data, dict) else []
        self.departments = {_key(d["name"]): d["id"] for d in departments or []
                            if isinstance(d, dict) and isinstance(d.get("name"), str)
                            and isinstance(d.get("id"), str)}

    def find(self, field: str, value: Any) -> str | None:
        """The id whose title (or department name) ``value`` is."""
        if field in ("department", "parent"):
            table = self.departments
        elif field in ("reports_to", "head", "dotted_line_to"):
            table = self.roles
        else:
            return None
        return table.get(_key(value)) if isinstance(value, str) else None

    def hint(self, field: str, value: Any) -> str:
        found = self.find(field, value)
        what = "department's name" if field in ("department", "parent") else "position's title"
        return f"; that is a {what}: did you mean `{found}`?" if found else ""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_sources(root: Path, handbook_source, role_sources: dict) -> tuple[
        Handbook | None, list[Problem]]:
    """The checks of ``check_handbook`` on content read from elsewhere (a workbook).

    The sources are LoadedFile look-alikes (``data``, ``at``, ``problems``), so every
    problem points at the place the value came from. Assets are not looked for: the
    handbook is not on disk yet.
    """
    problems = list(handbook_source.problems)
    names = _Names(handbook_source.data, {rid: s.data for rid, s in role_sources.items()})
    handbook = _parse(Handbook, handbook_source, problems, names)
    roles: dict[str, Role | None] = {}
    for role_id, source in role_sources.items():
        problem = _role_id_problem(role_id)
        if problem:
            problems.append(Problem(source.at(), "error", problem))
            continue
        roles[role_id] = _parse_role(role_id, source, problems, names)
    return _check_whole(root, handbook_source, handbook, roles, problems, assets=False)


def _check_whole(root: Path, loaded, handbook: Handbook | None, roles: dict,
                 problems: list[Problem], *, assets: bool) -> tuple[Handbook | None, list]:
    if handbook is None:
        # Still check the roles against whatever departments can be read, so a typo in
        # handbook.yml does not hide every problem in the role files.
        rules.check_roles_alone(roles, _raw_department_ids(loaded), problems)
        return None, problems
    handbook.bind(root, roles)
    rules.check(handbook, problems, assets=assets)
    return handbook, problems


_PARSED: dict[tuple[Path, str], tuple[Any, Role]] = {}
_TWINS = TwinRoles()  # diff's two versions: a file with a twin in the other is validated once


def _parse_role(role_id: str, loaded, problems: list[Problem], names: _Names) -> Role | None:
    """The file's Role; the one of the last check while ``_load`` hands back the same load.

    ``serve`` re-checks every position on each save, and validating 2,000 unchanged files
    took longer than the rest of a rebuild. Only a file that parsed without a problem is
    kept (a problem's hint can name another file's title), one entry per file.
    """
    key = (loaded.path, role_id)
    known = _PARSED.get(key)
    if known is not None and known[0] is loaded:
        return known[1]
    found: list[Problem] = []
    role = _TWINS.get(role_id, loaded) or _parse(Role, loaded, found, names)
    problems += found
    if role is not None:
        role._id = role_id
        if not found:
            _PARSED[key] = (loaded, role)
            _TWINS.put(role_id, loaded, role)
    return role


def _load_roles(directory: Path, problems: list[Problem]) -> dict[str, LoadedFile]:
    """Every role file loaded (not yet validated), by role id."""
    roles_dir = directory / "roles"
    if not roles_dir.is_dir():
        problems.append(Problem(Location(directory / "handbook.yml"), "error",
                                "no roles/ directory next to handbook.yml"))
        return {}
    roles: dict[str, LoadedFile] = {}
    files = sorted(p for p in roles_dir.iterdir()
                   if p.suffix in _ROLE_SUFFIXES and p.is_file() and not p.name.startswith("."))
    if not files:
        problems.append(Problem(Location(roles_dir), "error", "roles/ holds no role files"))
    for path in files:
        role_id = path.stem
        if role_id in roles:
            problems.append(Problem(Location(path), "error",
                                    f"role `{role_id}` is defined twice (.yml and .yaml)"))
            continue
        problem = _role_id_problem(role_id)
        if problem:
            problems.append(Problem(Location(path), "error", problem))
            continue
        loaded = _load(path)
        problems += loaded.problems
        roles[role_id] = loaded
    return roles


_LOADED: dict[tuple, LoadedFile] = {}
_LOADED_LIMIT = 20_000
_BY_CONTENT: dict[bytes, LoadedFile] = {}


def _load(path: Path) -> LoadedFile:
    """Load a file, reusing the last load of an unchanged one (same size and mtime).

    ``serve`` re-checks the whole handbook on every save; only the files that changed are
    parsed again.
    """
    try:
        stat = path.stat()
    except OSError:
        return load_yaml(path)
    key = (os.path.abspath(path), stat.st_mtime_ns, stat.st_size)  # resolve() costs syscalls
    cached = _LOADED.get(key)
    if cached is None:
        if len(_LOADED) >= _LOADED_LIMIT:
            _LOADED.clear()
            _BY_CONTENT.clear()
            _PARSED.clear()
            _TWINS.clear()
        cached = _LOADED[key] = _load_content(path)
    return cached


def _load_content(path: Path) -> LoadedFile:
    """Load a file, reusing the load of another file with the same bytes.

    ``diff`` reads two versions of a handbook in which most files are the same: each is
    parsed once, and the twin gets the same data under its own path.
    """
    try:
        digest = content_digest(path.read_bytes())
    except OSError:
        return load_yaml(path)
    twin = _BY_CONTENT.get(digest)
    if twin is None:
        twin = _BY_CONTENT[digest] = load_yaml(path)
        return twin
    problems = [dataclasses.replace(p, location=dataclasses.replace(p.location, file=path))
                for p in twin.problems]
    return dataclasses.replace(twin, path=path, problems=problems)


def remember_load(digest: bytes, loaded: LoadedFile) -> None:
    """Take a load made elsewhere (``versions.preload``'s second process) as the load of
    every file whose bytes have ``digest``, as if ``_load_content`` had made it."""
    _BY_CONTENT.setdefault(digest, loaded)


def _role_id_problem(role_id: str) -> str | None:
    if not re.match(ID_PATTERN, role_id):
        suggestion = re.sub(r"[^a-z0-9-]+", "-", role_id.lower()).strip("-")
        hint = f"; rename it to `{suggestion}.yml`" if suggestion else ""
        return (f"role id `{role_id}` (the file name) must use lowercase letters, digits "
                f"and hyphens{hint}")
    if role_id in _WINDOWS_RESERVED:
        return f"role id `{role_id}` is a reserved file name on Windows; choose another name"
    return None


def _raw_department_ids(loaded: LoadedFile) -> set[str]:
    data = loaded.data if isinstance(loaded.data, dict) else {}
    departments = data.get("departments")
    if not isinstance(departments, list):
        return set()
    return {d["id"] for d in departments if isinstance(d, dict) and isinstance(d.get("id"), str)}


# --- model parsing with positioned errors ------------------------------------------------


def _parse(model: type[BaseModel], loaded: LoadedFile, problems: list[Problem],
           names: _Names):
    if loaded.data is None:
        return None
    if not isinstance(loaded.data, dict):
        problems.append(Problem(loaded.at(), "error",
                                "expected a mapping of `key: value` lines at the top of the file"))
        return None
    try:
        obj = model.model_validate(loaded.data)
    except ValidationError as exc:
        errors = exc.errors()
        problems += [_colon_in_item(error, loaded) or _translate(error, model, loaded, names)
                     for error in errors if not _follows_colon_in_item(error, loaded.data)]
        obj = _salvage(model, loaded.data, errors)
        if obj is None:
            return None
    obj.attach(loaded)
    return obj


def _salvage(model: type[BaseModel], data: dict, errors: list[dict]):
    """The model without its unknown keys, so cross-file checks still run on the rest.

    A misspelt key must not hide a dangling reference two lines below it. Values of the
    wrong type are not salvaged: their defaults would raise doubtful follow-up errors.
    """
    pruned = copy.deepcopy(data)
    for error in errors:
        if error["type"] != "extra_forbidden" or not _drop(pruned, tuple(error["loc"])):
            return None
    try:
        return model.model_validate(pruned)
    except ValidationError:
        return None


def _drop(data: Any, loc: tuple) -> bool:
    for part in loc[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(data, dict) and loc and loc[-1] in data:
        del data[loc[-1]]
        return True
    return False


def _translate(error: dict, model: type[BaseModel], loaded: LoadedFile,
               known: _Names) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    names = [part for part in loc if isinstance(part, str)]
    name = names[-1] if names else "value"
    if kind == "missing":
        return Problem(loaded.at(loc[:-1]), "error",
                       f"missing required key `{name}`{_within(loc[:-1])}")
    if kind == "extra_forbidden":
        message = f"unknown key `{name}`"
        hint = did_you_mean(name, _fields_at(model, loc[:-1]))
        return Problem(loaded.at(loc, key=True), "error", message + hint)
    message = _type_message(kind, name, error)
    if kind == "string_pattern_mismatch":
        message += known.hint(name, error.get("input"))
    elif kind == "bool_parsing" and name == "assistant":
        manager = known.find("reports_to", error.get("input"))
        if manager:
            message += f"; whom it assists goes in `reports_to: {manager}`"
    return Problem(loaded.at(loc), "error", message)


def _split_item(data: Any, loc: tuple) -> tuple[str, Any] | None:
    """``- Plan: the year`` in the duties: YAML read it as the key "Plan" (not a typo)."""
    if len(loc) != 3 or loc[0] != "duties" or not isinstance(loc[1], int):
        return None
    item: Any = data
    for part in loc[:-1]:
        try:
            item = item[part]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(item, dict) and len(item) == 1:
        key, value = next(iter(item.items()))
        if isinstance(key, str) and isinstance(value, str) \
                and not did_you_mean(key, Duty.model_fields):
            return key, value
    return None


def _follows_colon_in_item(error: dict, data: Any) -> bool:
    """The "missing `text`" that comes with a split item says nothing more."""
    loc = tuple(error["loc"])
    return error["type"] == "missing" and _split_item(data, loc) is not None


def _colon_in_item(error: dict, loaded: LoadedFile) -> Problem | None:
    loc = tuple(error["loc"])
    split = _split_item(loaded.data, loc) if error["type"] == "extra_forbidden" else None
    if split is None:
        return None
    key, value = split
    return Problem(loaded.at(loc, key=True), "error",
                   f"`: ` inside a text starts a key; put the text in quotes: "
                   f"- \"{key}: {value}\"")


def _within(path: tuple) -> str:
    if not path:
        return ""
    parts = []
    for part in path:
        parts.append(f"[{part + 1}]" if isinstance(part, int) else f".{part}")
    where = "".join(parts).lstrip(".")
    return f" in `{where}`" if where else ""


def _type_message(kind: str, name: str, error: dict) -> str:
    value = error.get("input")
    if kind.startswith("handbook_"):  # the model's own checks say it themselves
        return error["msg"]
    if value is None and kind in ("string_type", "model_type", "list_type", "date_type",
                                  "int_type", "float_type", "bool_type", "dict_type"):
        return f"`{name}` has no value"
    got = _describe(value)
    ctx = error.get("ctx") or {}
    messages = {
        "string_type": f"`{name}` must be text, not {got}",
        "int_type": f"`{name}` must be a whole number, not {got}",
        "int_parsing": f"`{name}` must be a whole number, not {got}",
        "int_from_float": f"`{name}` must be a whole number, not {got}",
        "float_type": f"`{name}` must be a number, not {got}",
        "float_parsing": f"`{name}` must be a number, not {got}",
        "bool_type": f"`{name}` must be true or false, not {got}",
        "bool_parsing": f"`{name}` must be true or false, not {got}",
        "list_type": f"`{name}` must be a list (lines starting with `- `), not {got}",
        "model_type": f"`{name}` must be a mapping of `key: value` lines, not {got}",
        "dict_type": f"`{name}` must be a mapping of `key: value` lines, not {got}",
        "date_type": f"`{name}` must be a date written YYYY-MM-DD, not {got}",
        "date_parsing": f"`{name}` must be a date written YYYY-MM-DD, not {got}",
        "date_from_datetime_parsing": f"`{name}` must be a date written YYYY-MM-DD, not {got}",
        "date_from_datetime_inexact": f"`{name}` must be a date without a time, not {got}",
        "too_short": f"`{name}` needs at least one entry",
        "greater_than_equal": f"`{name}` must be {ctx.get('ge')} or more, not {got}",
        "less_than_equal": f"`{name}` must be {ctx.get('le')} or less, not {got}",
        "string_pattern_mismatch": (
            f"`{name}` {got} is not a valid id: use lowercase letters, digits and hyphens, "
            "starting with a letter or digit"),
    }
    hint = _fix_hint(kind, value)
    if hint:
        return messages.get(kind, f"`{name}`: {error.get('msg', 'invalid value')}") + hint
    if kind == "literal_error":
        allowed = ctx.get("expected", "").replace("'", "")
        hint = did_you_mean(str(value), [a.strip() for a in re.split(r",| or ", allowed)])
        return f"`{name}` must be one of {allowed}, not {got}{hint}"
    return messages.get(kind, f"`{name}`: {error.get('msg', 'invalid value')}")


def _fix_hint(kind: str, value: Any) -> str:
    """The value as it should be written, when it is plain what the person meant."""
    if not isinstance(value, str):
        return ""
    if kind in ("float_parsing", "int_parsing", "float_type", "int_type"):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[%％]\s*", value)
        return f"; write {match.group(1)}" if match else ""
    if kind.startswith("date"):
        return _date_hint(value)
    return ""


def _date_hint(text: str) -> str:
    """``03/15/2025`` → "; write 2025-03-15"; a day/month order that is unclear gives both."""
    text = text.strip()
    ymd = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if ymd:
        return _write_date(int(ymd[1]), int(ymd[2]), int(ymd[3]))
    other = re.fullmatch(r"(\d{1,2})\s*([-/.])\s*(\d{1,2})\s*[-/.]\s*(\d{4})", text)
    if not other:
        return ""
    first, second, year = int(other[1]), int(other[3]), int(other[4])
    month_first = _write_date(year, first, second)
    day_first = _write_date(year, second, first)
    if other[2] == "." or not month_first:  # 15.03.2025 is written day first
        return day_first
    if day_first and day_first != month_first:
        return f"{month_first} (or {day_first[len('; write '):]} if the day comes first)"
    return month_first


def _write_date(year: int, month: int, day: int) -> str:
    try:
        return f"; write {dt.date(year, month, day).isoformat()}"
    except ValueError:
        return ""


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = getattr(value, "raw", value)
    text = str(text)
    return f"`{text[:40]}…`" if len(text) > 40 else f"`{text}`"


def _fields_at(model: type[BaseModel], path: tuple) -> list[str]:
    """The keys the model accepts at ``path`` (for "did you mean" suggestions)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            return []
        current = _model_in(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None
