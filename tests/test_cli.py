"""Command-line behaviour: exit codes, help, version, schema and init."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
import yaml

from handbook import __version__
from handbook.cli import main
from handbook.schema import schema_for

from .conftest import EXAMPLES


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"handbook, version {__version__}"


@pytest.mark.parametrize("command", [[], ["check"], ["schema"], ["init"]])
def test_help_everywhere(capsys, command):
    assert main([*command, "--help"]) == 0
    assert "Usage: handbook" in capsys.readouterr().out


def test_missing_directory_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "nowhere"]) == 2
    assert capsys.readouterr().err.strip() == "handbook: error: nowhere: no such directory"


def test_not_a_handbook_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert main(["check", "empty"]) == 2
    assert "not a handbook (no handbook.yml in it)" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["check", "--frobnicate", "x"]) == 2
    assert "No such option '--frobnicate'" in capsys.readouterr().err


def test_internal_error_is_one_line(monkeypatch, handbook_dir, capsys):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("handbook.validate.check_handbook", broken)
    assert main(["check", "hb"]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("handbook: internal error (RuntimeError: boom); please report it")
    assert "Traceback" not in err


def _jsonable(value):
    """YAML dates as the strings an editor's schema check sees."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_schema_validates_examples(example):
    handbook_schema, role_schema = schema_for("handbook"), schema_for("role")
    data = yaml.safe_load((example / "handbook.yml").read_text(encoding="utf-8"))
    jsonschema.validate(_jsonable(data), handbook_schema)
    for role_file in sorted((example / "roles").glob("*.yml")):
        jsonschema.validate(_jsonable(yaml.safe_load(role_file.read_text(encoding="utf-8"))),
                            role_schema)


def test_schema_rejects_unknown_keys():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"title": "x", "department": "a", "duties": ["d"], "reprots_to": "b"},
                            schema_for("role"))


def test_schema_command_prints_both_kinds(capsys):
    assert main(["schema"]) == 0
    combined = json.loads(capsys.readouterr().out)
    assert {"handbook", "role"} <= set(combined["$defs"])
    jsonschema.Draft202012Validator.check_schema(combined)


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_init_makes_a_valid_handbook(tmp_path, monkeypatch, capsys, lang):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "new", "--lang", lang]) == 0
    assert main(["check", "new"]) == 0
    assert capsys.readouterr().out == ""
    handbook = (tmp_path / "new/handbook.yml").read_text(encoding="utf-8")
    assert handbook.startswith("# yaml-language-server: $schema=schema/handbook.schema.json")
    assert f"language: {lang}" in handbook
    assert (tmp_path / "new/schema/role.schema.json").is_file()
    if lang == "zh-Hant":
        assert "崗位" in handbook and "岗位" not in handbook


def test_init_refuses_a_non_empty_directory(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy/notes.txt").write_text("keep me")
    assert main(["init", "busy"]) == 2
    assert "busy is not empty" in capsys.readouterr().err
    assert (tmp_path / "busy/notes.txt").read_text() == "keep me"


def test_every_schema_property_has_a_description_and_an_example():
    for kind in ("handbook", "role"):
        schema = schema_for(kind)
        for name, definition in {kind: schema, **schema.get("$defs", {})}.items():
            for prop, value in definition.get("properties", {}).items():
                assert "description" in value and "examples" in value, (name, prop)
