"""The YAML loader: encodings, BOM, empty files, tags, and hostile alias expansions."""

from __future__ import annotations

import tracemalloc

from handbook.cli import main
from handbook.load import load_yaml

AGENT = "hb/roles/service-agent.yml"


def check_lines(capsys) -> tuple[int, list[str]]:
    status = main(["check", "hb"])
    return status, capsys.readouterr().out.splitlines()


def agent_text(handbook_dir) -> str:
    return (handbook_dir.root / "roles/service-agent.yml").read_text(encoding="utf-8")


def test_bom_is_accepted(handbook_dir, capsys):
    handbook_dir.write("roles/service-agent.yml", "\ufeff" + agent_text(handbook_dir))
    assert check_lines(capsys) == (0, [])


def test_gbk_file_named(handbook_dir, capsys):
    text = agent_text(handbook_dir).replace("Customer Service Agent", "售前客服专员")
    handbook_dir.write("roles/service-agent.yml", text.encode("gbk"))
    assert check_lines(capsys) == (1, [
        f"{AGENT}:2:8: error: file is not UTF-8 (it looks like GB18030, Simplified Chinese; "
        f"convert it with `iconv -f GB18030 -t UTF-8 {AGENT} > {AGENT}.new` and put the .new "
        "file in its place, or save it as UTF-8 in your editor)"])


def test_big5_file_named(handbook_dir, capsys):
    text = agent_text(handbook_dir).replace("Customer Service Agent", "售前客服專員")
    text = text.replace("≤", "<=").replace("≥", ">=")
    handbook_dir.write("roles/service-agent.yml", text.encode("big5"))
    assert check_lines(capsys) == (1, [
        f"{AGENT}:2:8: error: file is not UTF-8 (it looks like BIG5, Traditional Chinese; "
        f"convert it with `iconv -f BIG5 -t UTF-8 {AGENT} > {AGENT}.new` and put the .new "
        "file in its place, or save it as UTF-8 in your editor)"])


def test_utf16_file_named(handbook_dir, capsys):
    handbook_dir.write("roles/service-agent.yml", agent_text(handbook_dir).encode("utf-16"))
    status, lines = check_lines(capsys)
    assert status == 1
    assert lines[0].startswith(f"{AGENT}:1:1: error: file is UTF-16, not UTF-8; save it as UTF-8")


def test_empty_file(handbook_dir, capsys):
    handbook_dir.write("roles/service-agent.yml", "")
    assert check_lines(capsys) == (1, [f"{AGENT}:1:1: error: file is empty"])


def test_comment_only_file(handbook_dir, capsys):
    handbook_dir.write("roles/service-agent.yml", "# to do\n")
    assert check_lines(capsys) == (1, [
        f"{AGENT}:1:1: error: file is empty (it holds only comments)"])


def test_top_level_must_be_a_mapping(handbook_dir, capsys):
    handbook_dir.write("roles/service-agent.yml", "- a\n- b\n")
    assert check_lines(capsys) == (1, [
        f"{AGENT}:1:1: error: expected a mapping of `key: value` lines at the top of the file"])


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for prev, name in zip(names, names[1:levels + 1], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_refused_in_bounded_memory(tmp_path):
    path = tmp_path / "bomb.yml"
    path.write_text(billion_laughs(), encoding="utf-8")
    tracemalloc.start()
    loaded = load_yaml(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert loaded.data is None
    assert [p.message for p in loaded.problems] == [
        "aliases expand to too many values (a 'billion laughs' file?); write the values out "
        "or use fewer nested aliases"]
    assert peak < 20 * 1024 * 1024


def test_small_aliases_and_merge_keys_allowed(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: *b\n", encoding="utf-8")
    loaded = load_yaml(path)
    assert loaded.problems == []
    assert loaded.data == {"base": {"x": 1, "y": 2}, "c": {"y": 3, "x": 1}, "d": {"x": 1, "y": 2}}


def test_recursive_alias_refused(tmp_path):
    path = tmp_path / "rec.yml"
    path.write_text("a: &a [*a]\n", encoding="utf-8")
    assert [str(p).split(": ", 1)[1] for p in load_yaml(path).problems] == [
        "error: an alias refers to the node that contains it"]


def test_deep_nesting_refused(tmp_path):
    path = tmp_path / "deep.yml"
    path.write_text("a: " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    assert [p.message for p in load_yaml(path).problems] == ["nesting is deeper than 64 levels"]


def test_positions_of_keys_and_values(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text("title: x\nversion: 2.10\nlist:\n  - a\n  - b: 1\n", encoding="utf-8")
    loaded = load_yaml(path)
    assert loaded.data["version"].raw == "2.10"
    assert loaded.values[("list", 1, "b")] == (5, 8)
    assert loaded.keys[("list", 1, "b")] == (5, 5)
    assert loaded.keys[("version",)] == (2, 1)


def test_control_character_named_at_its_place(handbook_dir, capsys):
    handbook_dir.edit("roles/service-agent.yml", "Customer Service Agent",
                      "Customer\x0bService Agent")
    assert check_lines(capsys) == (1, [
        f"{AGENT}:2:16: error: control character U+000B is not allowed; delete it (it often "
        "comes with text pasted from Word or Excel)"])


def test_mixed_line_endings_are_read(handbook_dir, capsys):
    text = agent_text(handbook_dir).replace("\n", "\r\n", 3)
    handbook_dir.write("roles/service-agent.yml", text.encode("utf-8"))
    assert check_lines(capsys) == (0, [])


def test_yaml_value_key_is_plain_text(tmp_path):
    path = tmp_path / "eq.yml"
    path.write_text("title: =\nother: =\n", encoding="utf-8")
    loaded = load_yaml(path)
    assert loaded.problems == [] and loaded.data == {"title": "=", "other": "="}


def _both_passes(path, monkeypatch):
    """The file loaded by the one-pass loader and by the node pass it falls back to."""
    from handbook import load

    fast = load_yaml(path)
    with monkeypatch.context() as patched:
        def refuse(loaded, text):
            raise load._Fallback

        patched.setattr(load, "_load_in_one_pass", refuse)
        slow = load_yaml(path)
    return fast, slow


def _typed(value):
    """The value with every scalar's type and written form, so 2.10 ≠ 2.1 and 1 ≠ True."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    return type(value).__name__, value, getattr(value, "raw", None)


TRICKY = """\
title: Win the #1 spot
code: 007
version: 2.10
on: yes
empty:
nothing: ~
date: 2026-03-01
"quoted": '1.0'
1: one
2.5: two and a half
true: a bool key
list: [1, "a", {b: c}]
equals: =
text: 留住 #1 的位置
block: |
  two
  lines
"""


def test_one_pass_loader_matches_the_node_pass(tmp_path, monkeypatch):
    """The fast path is only a shortcut: on every example file and on scalars of every kind
    it gives the node pass's data, types, positions and warnings."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = sorted((root / "content").rglob("*.yml")) + sorted((root / "tests").rglob("*.yml"))
    tricky = tmp_path / "tricky.yml"
    tricky.write_text(TRICKY, encoding="utf-8")
    assert len(files) > 20
    for path in [tricky, *files]:
        fast, slow = _both_passes(path, monkeypatch)
        assert _typed(fast.data) == _typed(slow.data), path
        assert (fast.values, fast.keys, fast.problems) == (slow.values, slow.keys,
                                                           slow.problems), path
    fast, _ = _both_passes(tricky, monkeypatch)
    assert [(p.location.file, p.location.line, p.location.column) for p in fast.problems] == [
        (tricky, 1, 16), (tricky, 14, 10)]
    assert fast.at(("list", 2, "b")).line == 12


def test_unusual_files_take_the_node_pass(tmp_path, monkeypatch):
    """Anchors, tags, duplicate keys and syntax errors are left to the node pass, which
    reports them; the one pass never returns for them."""
    from handbook import load

    calls = []
    original = load._load_in_one_pass

    def spy(loaded, text):
        try:
            return original(loaded, text)
        except load._Fallback:
            calls.append(text)
            raise

    monkeypatch.setattr(load, "_load_in_one_pass", spy)
    cases = {"anchor": "a: &x 1\nb: *x\n", "tag": "a: !!str 1\n", "dup": "a: 1\na: 2\n",
             "syntax": "a: [1\n", "merge": "base: &b {x: 1}\nc:\n  <<: *b\n",
             "comments": "# only\n", "key": "? [a]\n: 1\n"}
    for name, text in cases.items():
        path = tmp_path / f"{name}.yml"
        path.write_text(text, encoding="utf-8")
        load_yaml(path)
    assert calls == list(cases.values())
