"""``diff`` loads its two versions with a second process parsing part of the YAML: on the
example handbooks that gives the same diff, the same errors at the same places, and the same
result again when the second process fails, as loading everything in this process does. A
git revision is unpacked file by file, with links still refused when they leave the copy."""

from __future__ import annotations

import io
import re
import shutil
import tarfile

import pytest

from handbook import gitsource, relocate, validate, versions
from handbook.diff import compare
from handbook.diffview import render_json, render_text
from handbook.errors import ContentError, Location
from handbook.gitsource import _extract

from .conftest import ROOT

EXAMPLES = ["ecommerce-ops", "startup-team", "acme-en"]


@pytest.fixture
def fresh(monkeypatch):
    """Empty load caches, so that each path parses every file itself."""

    def clear() -> None:
        for cache in ("_LOADED", "_BY_CONTENT", "_PARSED"):
            monkeypatch.setattr(validate, cache, {})

    return clear


@pytest.fixture
def delivered(monkeypatch):
    """What each second process sent back (None when it failed)."""
    sent: list = []
    collect = versions._Child.collect

    def spy(self):
        loads = collect(self)
        sent.append(loads)
        return loads

    monkeypatch.setattr(versions._Child, "collect", spy)
    return sent


def _versions(tmp_path, example: str):
    """(old, new): the example, and a copy with a title and a duty changed and a position
    added (a copy of another without its code)."""
    old, new = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "content" / example, old)
    shutil.copytree(old, new)
    roles = sorted((new / "roles").glob("*.yml"))
    _sub(roles[-1], r"^title: .*$", "title: Renamed position")
    _sub(roles[0], r"^(\s*)- (text: )?\S.*$", r"\1- \2Reworded duty for the diff")
    copied = re.sub(r"^code: .*\n", "", roles[1].read_text(encoding="utf-8"), flags=re.M)
    (new / "roles" / "added-position.yml").write_text(copied, encoding="utf-8")
    return old, new


def _sub(path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert edited != text, f"{pattern!r} not found in {path}"
    path.write_text(edited, encoding="utf-8")


def _diff(old, new, processes: int) -> tuple[str, str]:
    newer, older = versions.load_versions(new, old, processes=processes)
    result = compare(older, newer)
    return render_json(result), render_text(result)


@pytest.mark.parametrize("example", EXAMPLES)
def test_two_processes_give_the_in_process_diff(example, tmp_path, fresh, delivered):
    old, new = _versions(tmp_path, example)
    fresh()
    alone = _diff(old, new, processes=1)
    assert delivered == []
    fresh()
    assert _diff(old, new, processes=2) == alone
    assert len(delivered) == 1 and delivered[0], "the second process parsed nothing"
    assert '"change": "changed"' in alone[0] and '"change": "added"' in alone[0]


def test_errors_found_by_the_second_process_are_the_same(tmp_path, fresh, delivered):
    old, new = _versions(tmp_path, "ecommerce-ops")
    first = sorted((new / "roles").glob("*.yml"))[0]  # among the files the child parses
    text = first.read_text(encoding="utf-8")
    first.write_text(text + "title: twice\nsummary: Win the #1 spot\n", encoding="utf-8")
    problems = []
    for processes in (1, 2):
        fresh()
        with pytest.raises(ContentError) as raised:
            versions.load_versions(new, old, processes=processes)
        problems.append([str(p) for p in raised.value.problems])
    assert problems[0] == problems[1]
    assert delivered[0] and any(f"{first.name}:" in p and "duplicate key `title`" in p
                                for p in problems[1])


def test_a_failed_second_process_changes_nothing(tmp_path, fresh, delivered, monkeypatch):
    old, new = _versions(tmp_path, "ecommerce-ops")
    fresh()
    alone = _diff(old, new, processes=1)
    monkeypatch.setattr(versions, "_serve", lambda paths, write: versions.os._exit(1))
    fresh()
    assert _diff(old, new, processes=2) == alone
    assert delivered == [None]


def _tar(*members: tuple[str, bytes | str]) -> bytes:
    """A tar of files (bytes) and symbolic links (their target as text)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            if isinstance(content, str):
                info.type, info.linkname = tarfile.SYMTYPE, content
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_a_revision_is_unpacked_file_by_file_and_links_stay_inside(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    _extract(_tar(("hb/roles/a.yml", b"title: A\n"), ("hb/handbook.yml", b"name: x\n"),
                  ("hb/logo.svg", "roles/a.yml")), target)
    assert (target / "hb" / "roles" / "a.yml").read_bytes() == b"title: A\n"
    assert (target / "hb" / "logo.svg").read_bytes() == b"title: A\n"  # a link inside: kept
    with pytest.raises(tarfile.LinkOutsideDestinationError):
        _extract(_tar(("hb/escape", "../../../etc")), target)
    assert not (target / "hb" / "escape").exists()



def test_a_position_the_same_in_both_versions_is_placed_in_each_ones_file(tmp_path, fresh):
    """The older version's copy of a twin is validated once yet placed in its own file: a
    rule it breaks only there (its department is new) is reported at the old file."""
    old, new = _versions(tmp_path, "ecommerce-ops")
    for root in (old, new):
        _sub(root / "roles" / "copywriter.yml", r"^department: planning$", "department: studio")
    _sub(new / "handbook.yml", r"^departments:$", "departments:\n  - id: studio\n    name: 工作室")
    fresh()
    alone = validate.check_handbook(old)[1]
    assert [p.location for p in alone] == [Location(old / "roles" / "copywriter.yml", 3, 13)]
    fresh()
    validate.load_handbook(new)
    with pytest.raises(ContentError) as raised:
        validate.load_handbook(old)
    assert raised.value.problems == alone


def test_a_relocated_position_is_the_validated_one_in_the_other_file(tmp_path, fresh,
                                                                     monkeypatch):
    old, new = _versions(tmp_path, "ecommerce-ops")
    copies = []
    monkeypatch.setattr(relocate, "relocated",
                        lambda *args, real=relocate.relocated: copies.append(1) or real(*args))
    fresh()
    newer, _ = validate.load_handbook(new)
    older, _ = validate.load_handbook(old)
    assert len(copies) >= len(older.roles) - 3  # all but the edited positions
    fresh()
    alone, _ = validate.load_handbook(old)
    for role_id, role in alone.roles.items():
        copy = older.roles[role_id]
        assert copy is not newer.roles.get(role_id)
        assert (copy.id, copy.model_dump()) == (role.id, role.model_dump())
        assert _places(copy) == _places(role)


def _places(model) -> list:
    """Where the model and every model inside it is written, in order."""
    found = [model.where()]
    for name in type(model).model_fields:
        values = getattr(model, name)
        for value in values if isinstance(values, list) else [values]:
            if hasattr(value, "where"):
                found += _places(value)
    return found


@pytest.mark.parametrize(("load", "forked"), [(0.2, True), (5.0, False)])
def test_a_second_process_only_when_a_core_is_free(load, forked, tmp_path, fresh, delivered,
                                                    monkeypatch):
    old, new = _versions(tmp_path, "acme-en")
    monkeypatch.setattr(versions, "MIN_FILES", 1)
    monkeypatch.setattr(versions.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(versions.os, "getloadavg", lambda: (load, load, load))
    fresh()
    versions.load_versions(new, old)
    assert len(delivered) == forked


def test_a_revision_is_unpacked_in_memory_or_where_there_is_room(tmp_path, monkeypatch):
    memory = tmp_path / "shm"
    memory.mkdir()
    monkeypatch.setattr(gitsource, "_MEMORY", (str(memory),))
    archive = _tar(("hb/handbook.yml", b"name: x\n"))
    with gitsource._unpacked(archive) as place:
        assert place.parent == memory and (place / "hb" / "handbook.yml").is_file()
    extract = gitsource._extract

    def full(data, target):
        if target.parent == memory:
            raise OSError(28, "No space left on device")
        extract(data, target)

    monkeypatch.setattr(gitsource, "_extract", full)
    with gitsource._unpacked(archive) as place:
        assert place.parent != memory and (place / "hb" / "handbook.yml").is_file()
    assert list(memory.iterdir()) == []
