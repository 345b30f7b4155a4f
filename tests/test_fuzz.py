"""Property tests: `check` never crashes, whatever the content, and always says where.

The default run is quick; set HANDBOOK_FUZZ_EXAMPLES (e.g. 2000) for a longer one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handbook.errors import HandbookError
from handbook.validate import check_handbook

EXAMPLES = int(os.environ.get("HANDBOOK_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# Text as people paste it: CJK, emoji, right-to-left, control characters, YAML specials.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from("运营总监營運總監😀שלום:#-&*!|>'\"%@`{}[]\t\r\n\x00\x1b\u202e"),
    ),
    max_size=40,
)
IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)


@st.composite
def handbooks(draw):
    """A handbook with a random reporting tree and random strings in every text field."""
    role_ids = draw(st.lists(IDS, min_size=1, max_size=8, unique=True))
    dept_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    roles = {}
    for index, role_id in enumerate(role_ids):
        role = {
            "title": draw(TEXT),
            "department": draw(st.sampled_from(dept_ids + ["missing"])),
            "duties": draw(st.lists(st.one_of(TEXT, st.fixed_dictionaries(
                {"text": TEXT, "share": st.integers(-10, 120)})), max_size=4)),
            "headcount": draw(st.one_of(st.integers(-2, 9), TEXT)),
        }
        if index and draw(st.booleans()):
            role["reports_to"] = draw(st.sampled_from(role_ids))
        if draw(st.booleans()):
            role["dotted_line_to"] = draw(st.lists(st.sampled_from(role_ids), max_size=2))
        if draw(st.booleans()):
            role[draw(TEXT) or "x"] = draw(TEXT)
        roles[role_id] = role
    handbook = {
        "title": draw(TEXT), "organization": draw(TEXT),
        "document": {"number": draw(TEXT), "version": "1.0", "effective": "2026-01-01"},
        "revisions": [{"version": "1.0", "date": "2026-01-01", "changes": draw(TEXT)}],
        "departments": [{"id": d, "name": draw(TEXT),
                         "parent": draw(st.one_of(st.none(), st.sampled_from(dept_ids)))}
                        for d in dept_ids],
    }
    return handbook, roles


def _write(root: Path, handbook: dict, roles: dict) -> None:
    (root / "roles").mkdir(parents=True)
    (root / "handbook.yml").write_text(yaml.safe_dump(handbook, allow_unicode=True),
                                       encoding="utf-8")
    for role_id, role in roles.items():
        (root / "roles" / f"{role_id}.yml").write_text(
            yaml.safe_dump(role, allow_unicode=True), encoding="utf-8")


def _assert_positioned(problems) -> None:
    for problem in problems:
        assert problem.location.line >= 1 and problem.location.column >= 1
        assert problem.message and "Traceback" not in problem.message


@FUZZ
@given(handbooks())
def test_check_never_crashes_on_random_handbooks(content):
    root = Path(tempfile.mkdtemp())
    try:
        _write(root, *content)
        _, problems = check_handbook(root)
        _assert_positioned(problems)
    finally:
        shutil.rmtree(root)


@FUZZ
@given(st.binary(max_size=300))
def test_check_never_crashes_on_random_bytes(data):
    root = Path(tempfile.mkdtemp())
    try:
        fixture = Path(__file__).parent / "fixtures" / "minimal"
        shutil.copytree(fixture, root, dirs_exist_ok=True)
        (root / "roles" / "service-agent.yml").write_bytes(data)
        try:
            _, problems = check_handbook(root)
        except HandbookError:
            return
        _assert_positioned(problems)
    finally:
        shutil.rmtree(root)


@settings(max_examples=max(EXAMPLES // 4, 8), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(handbooks())
def test_build_succeeds_or_reports_positioned_errors(content):
    from handbook.build import BuildRequest, build
    from handbook.errors import ContentError

    root = Path(tempfile.mkdtemp())
    try:
        _write(root / "hb", *content)
        try:
            result = build(BuildRequest(root / "hb", ("html",), root / "out"))
        except ContentError as exc:
            assert any(p.severity == "error" for p in exc.problems)
            _assert_positioned(exc.problems)
            assert not (root / "out").exists()
            return
        html = result.written[0].read_text(encoding="utf-8")
        assert "<script" not in html.lower()
    finally:
        shutil.rmtree(root)
