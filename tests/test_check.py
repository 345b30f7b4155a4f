"""`handbook check`: each rule of CONTENT.md reported at its exact file:line:col."""

from __future__ import annotations

import json

import pytest

from handbook.cli import main

AGENT = "hb/roles/service-agent.yml"
LEAD = "hb/roles/service-lead.yml"
MANAGER = "hb/roles/ops-manager.yml"
SPECIALIST = "hb/roles/ops-specialist.yml"
BOOK = "hb/handbook.yml"


def run_check(capsys, *extra: str) -> tuple[int, list[str]]:
    status = main(["check", "hb", *extra])
    out = capsys.readouterr().out
    return status, [line for line in out.splitlines() if line]


def test_valid_handbook_has_no_problems(handbook_dir, capsys):
    status, lines = run_check(capsys)
    assert (status, lines) == (0, [])


# Each case: edits to the minimal handbook, then the exact lines `check` must print.
CASES = {
    "unknown key with suggestion": (
        [("roles/service-agent.yml", "reports_to:", "reprots_to:")],
        [f"{AGENT}:5:1: error: unknown key `reprots_to`; did you mean `reports_to`?"],
    ),
    "missing required key": (
        [("roles/service-agent.yml", "title: Customer Service Agent\n", "")],
        [f"{AGENT}:2:1: error: missing required key `title`"],
    ),
    "missing key inside a list item": (
        [("handbook.yml", "    date: 2026-01-01\n", "")],
        [f"{BOOK}:21:5: error: missing required key `date` in `revisions[1]`"],
    ),
    "wrong type": (
        [("roles/service-agent.yml", "headcount: 4", "headcount: four")],
        [f"{AGENT}:7:12: error: `headcount` must be a whole number, not `four`"],
    ),
    "list where text is expected": (
        [("roles/service-agent.yml", "title: Customer Service Agent", "title: [a, b]")],
        [f"{AGENT}:2:8: error: `title` must be text, not a list"],
    ),
    "bad date": (
        [("handbook.yml", "effective: 2026-01-01", "effective: 2026/01/01")],
        [f"{BOOK}:13:14: error: `effective` must be a date written YYYY-MM-DD, not `2026/01/01`; "
         "write 2026-01-01"],
    ),
    "bad language": (
        [("handbook.yml", "language: en ", "language: en-AU ")],
        [f"{BOOK}:8:11: error: `en-AU` is not a language this tool prints: use one of en, "
         "en-US, en-GB, zh-Hans, zh-CN, zh-Hant, zh-TW, zh-HK; did you mean `en-GB`?"],
    ),
    "dangling reports_to": (
        [("roles/service-agent.yml", "reports_to: service-lead", "reports_to: service-led")],
        [f"{AGENT}:5:13: error: `reports_to`: no role `service-led` (no roles/service-led.yml); "
         "did you mean `service-lead`?"],
    ),
    "dangling dotted line": (
        [("roles/service-agent.yml", "[ops-specialist]", "[ops-specialist, ops-boss]")],
        [f"{AGENT}:6:34: error: `dotted_line_to`: no role `ops-boss` (no roles/ops-boss.yml)"],
    ),
    "dangling department": (
        [("roles/service-agent.yml", "department: service", "department: servce")],
        [f"{AGENT}:4:13: error: `department`: unknown department `servce`; "
         "did you mean `service`?"],
    ),
    "dangling head": (
        [("handbook.yml", "head: service-lead", "head: service-boss")],
        [f"{BOOK}:40:11: error: `head`: no role `service-boss` (no roles/service-boss.yml); "
         "did you mean `service-lead`?"],
    ),
    "dangling parent": (
        [("handbook.yml", "parent: operations ", "parent: operation ")],
        [f"{BOOK}:39:13: error: `parent`: unknown department `operation`; "
         "did you mean `operations`?"],
    ),
    "bad department id": (
        [("handbook.yml", "id: service", "id: Service"),
         ("roles/service-agent.yml", "department: service", "department: Service"),
         ("roles/service-lead.yml", "department: service", "department: Service")],
        [f"{BOOK}:37:9: error: `id` `Service` is not a valid id: use lowercase letters, digits "
         "and hyphens, starting with a letter or digit",
         f"{LEAD}:4:13: error: `department` `Service` is not a valid id: use lowercase letters, "
         "digits and hyphens, starting with a letter or digit",
         f"{AGENT}:4:13: error: `department` `Service` is not a valid id: use lowercase letters, "
         "digits and hyphens, starting with a letter or digit"],
    ),
    "reporting cycle": (
        [("roles/service-lead.yml", "reports_to: ops-manager", "reports_to: service-agent")],
        [f"{AGENT}:5:13: error: `reports_to` forms a cycle: service-agent (Customer Service "
         "Agent) → service-lead (Customer Service Lead) → service-agent (Customer Service Agent)"],
    ),
    "reporting to oneself": (
        [("roles/service-agent.yml", "reports_to: service-lead", "reports_to: service-agent")],
        [f"{AGENT}:5:13: error: `reports_to` forms a cycle: service-agent (Customer Service "
         "Agent) → service-agent (Customer Service Agent)"],
    ),
    "department parent cycle": (
        [("handbook.yml", "    head: ops-manager ", "    parent: service\n    head: ops-manager ")],
        [f"{BOOK}:34:13: error: department `parent` forms a cycle: operations → service → "
         "operations"],
    ),
    "filled above headcount": (
        [("roles/service-agent.yml", "filled: 3", "filled: 5")],
        [f"{AGENT}:8:9: error: `filled` (5) is more than `headcount` (4)"],
    ),
    "negative headcount": (
        [("roles/service-agent.yml", "headcount: 4", "headcount: -1")],
        [f"{AGENT}:7:12: error: `headcount` must be 0 or more, not `-1`"],
    ),
    "duty shares do not sum to 100": (
        [("roles/service-lead.yml", "share: 40", "share: 30")],
        [f"{LEAD}:7:1: error: duty shares add up to 90%, not 100%"],
    ),
    "only some duties give a share": (
        [("roles/service-lead.yml", "    share: 40\n", "")],
        [f"{LEAD}:7:1: warning: only 2 of 3 duty entries give a `share`; "
         "give every entry a share or none"],
    ),
    "kpi weights do not sum to 100": (
        [("roles/service-lead.yml", "weight: 50\n  - name: Complaints",
          "weight: 40\n  - name: Complaints")],
        [f"{LEAD}:17:1: error: KPI weights add up to 90%, not 100%"],
    ),
    "duplicate code": (
        [("roles/service-lead.yml", "code: SVC-01", "code: SVC-02")],
        [f"{LEAD}:3:7: error: code `SVC-02` is already used by role `service-agent` "
         f"({AGENT}:3:7)"],
    ),
    "version mismatch": (
        [("handbook.yml", 'version: "1.0"                          #',
          'version: "1.1"                          #')],
        [f'{BOOK}:12:12: error: document version `1.1` must equal the newest revision\'s '
         "version `1.0` (line 21)"],
    ),
    "unquoted version is taken as written": (
        [("handbook.yml", 'version: "1.0"                          #',
          'version: 1.10                          #')],
        [f"{BOOK}:12:12: error: document version `1.10` must equal the newest revision's "
         "version `1.0` (line 21)"],
    ),
    "revisions out of order": (
        [("handbook.yml", "    changes: First release",
          "    changes: First release\n  - version: \"0.9\"\n    date: 2025-01-01")],
        [f"{BOOK}:12:12: error: document version `1.0` must equal the newest revision's "
         "version `0.9` (line 26)",
         f"{BOOK}:26:14: error: version `0.9` is older than `1.0` above it; "
         "list revisions oldest first",
         f"{BOOK}:27:11: error: revision dates go backwards: 2025-01-01 comes after 2026-01-01 "
         "(version 1.0); list revisions oldest first"],
    ),
    "logo outside the handbook": (
        [("handbook.yml", "language: en ", "logo: ../../etc/passwd\nlanguage: en ")],
        ["hb/handbook.yml:8:7: error: `logo`: `../../etc/passwd` points outside hb/; "
         "keep the file inside it"],
    ),
    "absolute logo path": (
        [("handbook.yml", "language: en ", "logo: /etc/passwd\nlanguage: en ")],
        ["hb/handbook.yml:8:7: error: `logo`: `/etc/passwd` must be a path inside hb/, "
         "not an absolute path or URL"],
    ),
    "missing logo file": (
        [("handbook.yml", "language: en ", "logo: assets/logo.png\nlanguage: en ")],
        ["hb/handbook.yml:8:7: error: `logo`: `assets/logo.png` does not exist in hb/"],
    ),
    "duplicate key": (
        [("roles/service-agent.yml", "headcount: 4", "headcount: 4\nheadcount: 5")],
        [f"{AGENT}:8:1: error: duplicate key `headcount` (first given on line 7)"],
    ),
    "tab in indentation": (
        [("roles/service-lead.yml", "  - text: Plan shifts", "\t- text: Plan shifts")],
        [f"{LEAD}:10:1: error: tab character in indentation; indent with spaces"],
    ),
    "yaml syntax error": (
        [("roles/service-agent.yml", "[ops-specialist]", "[ops-specialist")],
        [f"{AGENT}:6:17: error: the bracket `[` opened here is never closed; add the closing "
         "`]`"],
    ),
    "yaml tag": (
        [("roles/service-agent.yml", "title: Customer Service Agent",
          "title: !!python/object:os.system x")],
        [f"{AGENT}:2:8: error: YAML tag `!!python/object:os.system` is not allowed; "
         "write plain values"],
    ),
    "department without roles": (
        [("handbook.yml", "departments:", "departments:\n  - id: legal\n    name: Legal")],
        [f"{BOOK}:32:5: warning: department `legal` has no roles"],
    ),
    "role without requirements": (
        [("roles/service-agent.yml", "requirements:\n  education: Secondary school or above\n"
          "  skills: [Typing at 60 words per minute]\n", "")],
        [f"{AGENT}:2:1: warning: role `service-agent` states no `requirements`"],
    ),
    "no top role": (
        [("roles/ops-manager.yml", "# reports_to: ...", "reports_to: service-agent")],
        [f"{MANAGER}:7:13: error: `reports_to` forms a cycle: ops-manager (Operations Manager) "
         "→ service-agent (Customer Service Agent) → service-lead (Customer Service Lead) → "
         "ops-manager (Operations Manager)"],
    ),
}


@pytest.mark.parametrize("edits, expected", CASES.values(), ids=CASES.keys())
def test_rule_reported_at_its_line(handbook_dir, capsys, edits, expected):
    for name, old, new in edits:
        handbook_dir.edit(name, old, new)
    status, lines = run_check(capsys)
    assert lines == sorted(expected, key=_order)
    assert status == (1 if any(": error: " in line for line in expected) else 0)


def _order(line: str) -> tuple:
    path, row, col, _ = line.split(":", 3)
    return (path, int(row), int(col))


def test_every_problem_reported_not_only_the_first(handbook_dir, capsys):
    handbook_dir.edit("roles/service-agent.yml", "reports_to:", "reprots_to:")
    handbook_dir.edit("roles/service-agent.yml", "filled: 3", "filled: 9")
    handbook_dir.edit("roles/service-lead.yml", "reports_to: ops-manager", "reports_to: nobody")
    status, lines = run_check(capsys)
    assert status == 1
    assert [line.split(": error: ")[0] for line in lines] == [
        f"{AGENT}:5:1", f"{AGENT}:8:9", f"{LEAD}:5:13"]


def test_json_format(handbook_dir, capsys):
    handbook_dir.edit("roles/service-agent.yml", "filled: 3", "filled: 5")
    status = main(["check", "hb", "--format", "json"])
    problems = json.loads(capsys.readouterr().out)
    assert status == 1
    assert problems == [{"file": AGENT, "line": 8, "column": 9, "severity": "error",
                         "message": "`filled` (5) is more than `headcount` (4)"}]


def test_bad_role_file_name(handbook_dir, capsys):
    handbook_dir.write("roles/Night Shift.yml", "title: x\n")
    handbook_dir.write("roles/con.yml", "title: x\n")
    status, lines = run_check(capsys)
    assert status == 1
    assert lines == [
        "hb/roles/Night Shift.yml:1:1: error: role id `Night Shift` (the file name) must use "
        "lowercase letters, digits and hyphens; rename it to `night-shift.yml`",
        "hb/roles/con.yml:1:1: error: role id `con` is a reserved file name on Windows; "
        "choose another name",
    ]
