"""The cross-field and cross-file rules of CONTENT.md, each pointing at the offending line.

Types and required keys are the model's business; what is here needs more than one value
at once: references between files, cycles, sums, the order of revisions, paths on disk.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Location, Problem, did_you_mean
from .model import Handbook, Role

__all__ = ["asset_problem", "check", "check_roles_alone"]

IMAGE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
_TOLERANCE = 0.01


def check(handbook: Handbook, problems: list[Problem], *, assets: bool = True) -> None:
    """Every rule that needs the whole handbook (``assets``: also the files it names)."""
    _check_revisions(handbook, problems)
    if handbook.logo and assets:
        _check_asset(handbook.root, handbook.logo, handbook.where("logo"), "logo", problems)
    department_ids = _check_departments(handbook, problems)
    check_roles_alone(handbook.roles, department_ids, problems)
    _check_department_roles(handbook, problems)


def check_roles_alone(roles: dict[str, Role | None], department_ids: set[str],
                      problems: list[Problem]) -> None:
    """The rules about roles; ``roles`` maps every role id to its model (None if invalid)."""
    valid = {role_id: role for role_id, role in roles.items() if role is not None}
    for role in valid.values():
        _check_role_references(role, roles, department_ids, problems)
        _check_role_numbers(role, problems)
    _check_codes(valid, problems)
    # With a role unreadable, "no role is at the top" may only mean the top one is broken.
    _check_reporting_cycles(valid, problems, complete=len(valid) == len(roles))


def asset_problem(root: Path, relative: str, *, kinds: set[str] = IMAGE_SUFFIXES) -> str | None:
    """Why ``relative`` is not a usable file inside ``root``, or None when it is."""
    candidate, name = Path(relative), root.resolve().name
    if candidate.is_absolute() or relative.startswith(("/", "\\")) or re.match(r"^\w+:", relative):
        return f"`{relative}` must be a path inside {name}/, not an absolute path or URL"
    target = (root / candidate).resolve()
    if not target.is_relative_to(root.resolve()):
        return f"`{relative}` points outside {name}/; keep the file inside it"
    if not target.is_file():
        return f"`{relative}` does not exist in {name}/"
    if target.suffix.lower() not in kinds:
        allowed = ", ".join(sorted(kinds))
        return f"`{relative}` is not a supported file type (use {allowed})"
    return None


def _check_asset(root: Path, relative: str, where: Location, key: str,
                 problems: list[Problem]) -> None:
    problem = asset_problem(root, relative)
    if problem:
        problems.append(Problem(where, "error", f"`{key}`: {problem}"))


# --- document control and revisions ------------------------------------------------------


def _version_key(version: str) -> tuple[int, ...] | None:
    text = version.strip().lstrip("vV")
    return tuple(int(part) for part in text.split(".")) if re.fullmatch(r"\d+(\.\d+)*", text) \
        else None


def _check_revisions(handbook: Handbook, problems: list[Problem]) -> None:
    revisions = handbook.revisions
    seen: dict[str, int] = {}
    for index, revision in enumerate(revisions):
        if revision.version in seen:
            problems.append(Problem(revision.where("version"), "error",
                                    f"version `{revision.version}` is listed twice in revisions"))
        seen.setdefault(revision.version, index)
        if index == 0:
            continue
        before = revisions[index - 1]
        if revision.date < before.date:
            problems.append(Problem(
                revision.where("date"), "error",
                f"revision dates go backwards: {revision.date} comes after {before.date} "
                f"(version {before.version}); list revisions oldest first"))
        new, old = _version_key(revision.version), _version_key(before.version)
        if new is not None and old is not None and new < old:
            problems.append(Problem(
                revision.where("version"), "error",
                f"version `{revision.version}` is older than `{before.version}` above it; "
                "list revisions oldest first"))
    newest = revisions[-1]
    document = handbook.document
    if document.version != newest.version:
        problems.append(Problem(
            document.where("version"), "error",
            f"document version `{document.version}` must equal the newest revision's version "
            f"`{newest.version}` (line {newest.where('version').line})"))
    if document.effective < newest.date:
        problems.append(Problem(
            document.where("effective"), "warning",
            f"effective date {document.effective} is before the newest revision "
            f"({newest.date})"))


# --- departments ---------------------------------------------------------------------------


def _check_departments(handbook: Handbook, problems: list[Problem]) -> set[str]:
    departments = handbook.departments
    ids: set[str] = set()
    for department in departments:
        if department.id in ids:
            problems.append(Problem(department.where("id"), "error",
                                    f"department id `{department.id}` is used twice"))
        ids.add(department.id)
    for department in departments:
        if department.parent is not None and department.parent not in ids:
            problems.append(Problem(
                department.where("parent"), "error",
                f"`parent`: unknown department `{department.parent}`"
                + did_you_mean(department.parent, ids)))
        if department.head is not None and department.head not in handbook.roles:
            problems.append(Problem(
                department.where("head"), "error",
                f"`head`: no role `{department.head}` (no roles/{department.head}.yml)"
                + _role_hint(department.head, handbook.roles)))
    parents = {d.id: d.parent for d in departments if d.parent in ids}
    where = {d.id: d.where("parent") for d in departments}
    for cycle in _cycles(parents):
        chain = " → ".join([*cycle, cycle[0]])
        problems.append(Problem(where[cycle[0]], "error",
                                f"department `parent` forms a cycle: {chain}"))
    return ids


def _check_department_roles(handbook: Handbook, problems: list[Problem]) -> None:
    staffed = {role.department for role in handbook.roles.values() if role is not None}
    for department in handbook.departments:
        if department.id not in staffed:
            problems.append(Problem(department.where(), "warning",
                                    f"department `{department.id}` has no roles"))


# --- roles -----------------------------------------------------------------------------------


def _check_role_references(role: Role, roles: dict[str, Role | None], department_ids: set[str],
                           problems: list[Problem]) -> None:
    if department_ids and role.department not in department_ids:
        problems.append(Problem(
            role.where("department"), "error",
            f"`department`: unknown department `{role.department}`"
            + did_you_mean(role.department, department_ids)))
    if role.reports_to is not None and role.reports_to not in roles:
        problems.append(Problem(
            role.where("reports_to"), "error",
            f"`reports_to`: no role `{role.reports_to}` (no roles/{role.reports_to}.yml)"
            + _role_hint(role.reports_to, roles)))
    for index, target in enumerate(role.dotted_line_to):
        where = role.where("dotted_line_to", index)
        if target not in roles:
            problems.append(Problem(
                where, "error",
                f"`dotted_line_to`: no role `{target}` (no roles/{target}.yml)"
                + _role_hint(target, roles)))
        elif target == role.id:
            problems.append(Problem(where, "error", "a role cannot have a dotted line to itself"))
        elif target == role.reports_to:
            problems.append(Problem(where, "warning",
                                    f"`{target}` is already the manager in `reports_to`"))
    if role.assistant and role.reports_to is None:
        problems.append(Problem(role.where("assistant"), "warning",
                                "an assistant role should say whom it assists in `reports_to`"))


def _role_hint(wanted: str, roles: dict[str, Role | None]) -> str:
    """A title written where an id belongs is answered with the id; else the nearest id."""
    for role_id, role in roles.items():
        if role is not None and role.title.casefold() == wanted.casefold():
            return f"; that is a position's title: did you mean `{role_id}`?"
    return did_you_mean(wanted, roles)


def _check_role_numbers(role: Role, problems: list[Problem]) -> None:
    if role.filled is not None and role.filled > role.headcount:
        problems.append(Problem(
            role.where("filled"), "error",
            f"`filled` ({role.filled}) is more than `headcount` ({role.headcount})"))
    _check_sum(role, "duties", [d.share for d in role.duties], "duty", "share", problems)
    _check_sum(role, "kpis", [k.weight for k in role.kpis], "KPI", "weight", problems)
    if role.requirements is None or role.requirements.is_empty():
        problems.append(Problem(role.where(), "warning",
                                f"role `{role.id}` states no `requirements`"))


def _check_sum(role: Role, key: str, values: list[float | None], what: str, field: str,
               problems: list[Problem]) -> None:
    given = [v for v in values if v is not None]
    if not given:
        return
    if len(given) < len(values):
        problems.append(Problem(
            role.where(key, at_key=True), "warning",
            f"only {len(given)} of {len(values)} {what} entries give a `{field}`; "
            f"give every entry a {field} or none"))
        return
    total = sum(given)
    if abs(total - 100) > _TOLERANCE:
        problems.append(Problem(role.where(key, at_key=True), "error",
                                f"{what} {field}s add up to {_number(total)}%, not 100%"))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _check_codes(roles: dict[str, Role], problems: list[Problem]) -> None:
    first: dict[str, Role] = {}
    for role in sorted(roles.values(), key=lambda r: r.id):  # the later file is the copy
        if role.code is None:
            continue
        if role.code in first:
            other = first[role.code]
            problems.append(Problem(
                role.where("code"), "error",
                f"code `{role.code}` is already used by role `{other.id}` "
                f"({other.where('code')})"))
        else:
            first[role.code] = role


def _check_reporting_cycles(roles: dict[str, Role], problems: list[Problem], *,
                            complete: bool) -> None:
    managers = {rid: role.reports_to for rid, role in roles.items() if role.reports_to in roles}
    cycles = _cycles(managers)
    for cycle in cycles:
        chain = " → ".join(f"{rid} ({roles[rid].title})" for rid in [*cycle, cycle[0]])
        problems.append(Problem(roles[cycle[0]].where("reports_to"), "error",
                                f"`reports_to` forms a cycle: {chain}"))
    if roles and complete and not cycles and all(role.reports_to is not None
                                                 for role in roles.values()):
        first = next(iter(roles.values()))
        problems.append(Problem(first.where("reports_to"), "error",
                                "every role reports to someone; the top role must have no "
                                "`reports_to`"))


def _cycles(parent: dict[str, str]) -> list[list[str]]:
    """Each cycle of the ``child -> parent`` map once, starting at its smallest id."""
    state: dict[str, int] = {}
    found: list[list[str]] = []
    for start in sorted(parent):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1 and node in path:
            cycle = path[path.index(node):]
            smallest = cycle.index(min(cycle))
            found.append(cycle[smallest:] + cycle[:smallest])
        for visited in path:
            state[visited] = 2
    return found

