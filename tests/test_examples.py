"""The example handbooks in content/ are valid and as rich as the README promises."""

from __future__ import annotations

import pytest

from handbook.validate import load_handbook

from .conftest import EXAMPLES


def test_examples_exist():
    assert {p.name for p in EXAMPLES} >= {"ecommerce-ops", "startup-team", "acme-en"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_checks_clean(example):
    handbook, problems = load_handbook(example)
    assert [str(p) for p in problems] == []
    assert handbook.roles


def test_ecommerce_example_is_a_full_operations_centre():
    handbook, _ = load_handbook(next(p for p in EXAMPLES if p.name == "ecommerce-ops"))
    roles = handbook.roles.values()
    assert handbook.language == "zh-Hans"
    assert len(handbook.departments) >= 8
    assert len(handbook.roles) >= 35
    assert len(handbook.revisions) >= 3
    assert any(role.dotted_line_to for role in roles)
    assert any(role.vacancies for role in roles)
    assert any(role.assistant for role in roles)
