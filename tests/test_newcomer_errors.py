"""Errors a newcomer understands: what to do, at the line (and column) of the mistake."""

from __future__ import annotations

import pytest

from handbook.cli import main

BOOK = "hb/handbook.yml"
AGENT = "hb/roles/service-agent.yml"
LEAD = "hb/roles/service-lead.yml"
SPECIALIST = "hb/roles/ops-specialist.yml"

CASES = {
    "unquoted colon in text": (
        [("roles/service-agent.yml", "title: Customer Service Agent",
          "title: Agent: customer service")],
        [f'{AGENT}:2:13: error: `: ` inside a text starts a new key; put the text in quotes: '
         'title: "Agent: customer service"'],
    ),
    "unquoted colon in a list item": (
        [("roles/service-agent.yml", "  - Handle returns, exchanges",
          "  - Handle returns: exchanges")],
        [f'{AGENT}:11:5: error: `: ` inside a text starts a key; put the text in quotes: '
         '- "Handle returns: exchanges and after-sales issues"'],
    ),
    "misspelt duty key is not a colon in text": (
        [("roles/service-lead.yml", "  - text: Plan shifts", "  - txet: Plan shifts")],
        [f"{LEAD}:10:5: error: missing required key `text` in `duties[2]`",
         f"{LEAD}:10:5: error: unknown key `txet`; did you mean `text`?"],
    ),
    "quote left open": (
        [("roles/service-agent.yml", "title: Customer Service Agent",
          'title: "Customer Service Agent')],
        [f'{AGENT}:2:8: error: the quote `"` opened here is never closed; add the closing `"`'],
    ),
    "bracket left open at the end of the file": (
        [("roles/service-agent.yml", '    target: "≤ 30 seconds"',
          '    target: "≤ 30 seconds"\ncompetencies: [Patience, Typing')],
        [f"{AGENT}:21:15: error: the bracket `[` opened here is never closed; add the "
         "closing `]`"],
    ),
    "list item indented less": (
        [("roles/service-agent.yml", "  - Handle returns", " - Handle returns")],
        [f"{AGENT}:11:2: error: indentation slip: this line is indented 1 space, line 10 above "
         "it 2 spaces; indent it like the lines it belongs with"],
    ),
    "key indented more": (
        [("roles/service-lead.yml", "  experience: 2+", "    experience: 2+")],
        [f"{LEAD}:16:5: error: indentation slip: this line is indented 4 spaces, line 15 above "
         "it 2 spaces; indent it like the lines it belongs with"],
    ),
    "comment cuts a text": (
        [("roles/service-agent.yml", "  - Log customer feedback and pass it to operations",
          "  - Log customer feedback #1 priority")],
        [f"{AGENT}:12:27: warning: the text ends at `Log customer feedback`: in YAML ` #` "
         "starts a comment, so `#1 priority` is left out; put the whole text in quotes if it "
         "belongs to it"],
    ),
    "reports_to written as a title": (
        [("roles/service-agent.yml", "reports_to: service-lead",
          "reports_to: Customer Service Lead")],
        [f"{AGENT}:5:13: error: `reports_to` `Customer Service Lead` is not a valid id: use "
         "lowercase letters, digits and hyphens, starting with a letter or digit; that is a "
         "position's title: did you mean `service-lead`?"],
    ),
    "head written as a title": (
        [("handbook.yml", "    head: service-lead", "    head: customer service lead")],
        [f"{BOOK}:40:11: error: `head` `customer service lead` is not a valid id: use "
         "lowercase letters, digits and hyphens, starting with a letter or digit; that is a "
         "position's title: did you mean `service-lead`?"],
    ),
    "dotted line written as a title": (
        [("roles/service-agent.yml", "[ops-specialist]", "[Operations Specialist]")],
        [f"{AGENT}:6:18: error: `dotted_line_to` `Operations Specialist` is not a valid id: "
         "use lowercase letters, digits and hyphens, starting with a letter or digit; that is a "
         "position's title: did you mean `ops-specialist`?"],
    ),
    "id-shaped title as reports_to": (
        [("roles/service-lead.yml", "title: Customer Service Lead", "title: supervisor"),
         ("roles/service-agent.yml", "reports_to: service-lead", "reports_to: supervisor")],
        [f"{AGENT}:5:13: error: `reports_to`: no role `supervisor` (no roles/supervisor.yml); "
         "that is a position's title: did you mean `service-lead`?"],
    ),
    "assistant written as the manager's title": (
        [("roles/service-agent.yml", "headcount: 4",
          "headcount: 4\nassistant: Customer Service Lead")],
        [f"{AGENT}:8:12: error: `assistant` must be true or false, not `Customer Service Lead`; "
         "whom it assists goes in `reports_to: service-lead`"],
    ),
    "department written as its name": (
        [("roles/service-agent.yml", "department: service", "department: Customer Service")],
        [f"{AGENT}:4:13: error: `department` `Customer Service` is not a valid id: use "
         "lowercase letters, digits and hyphens, starting with a letter or digit; that is a "
         "department's name: did you mean `service`?"],
    ),
    "percent sign in a number": (
        [("roles/service-lead.yml", "    weight: 50\n  - name: Complaints",
          "    weight: 50%\n  - name: Complaints")],
        [f"{LEAD}:20:13: error: `weight` must be a number, not `50%`; write 50"],
    ),
    "US date": (
        [("handbook.yml", "    date: 2026-01-01", "    date: 03/15/2025")],
        [f"{BOOK}:22:11: error: `date` must be a date written YYYY-MM-DD, not `03/15/2025`; "
         "write 2025-03-15"],
    ),
    "day and month unclear": (
        [("handbook.yml", "    date: 2026-01-01", "    date: 03/04/2025")],
        [f"{BOOK}:22:11: error: `date` must be a date written YYYY-MM-DD, not `03/04/2025`; "
         "write 2025-03-04 (or 2025-04-03 if the day comes first)"],
    ),
    "duplicated code blames the later file": (
        [("roles/ops-specialist.yml", "code: OPS-02", "code: SVC-01")],
        [f"{LEAD}:3:7: error: code `SVC-01` is already used by role `ops-specialist` "
         f"({SPECIALIST}:3:7)"],
    ),
}


@pytest.mark.parametrize("edits, expected", CASES.values(), ids=CASES.keys())
def test_newcomer_error(handbook_dir, capsys, edits, expected):
    for name, old, new in edits:
        handbook_dir.edit(name, old, new)
    status = main(["check", "hb"])
    captured = capsys.readouterr()
    assert captured.out.splitlines() == expected
    assert status == (1 if any(": error: " in line for line in expected) else 0)


@pytest.mark.parametrize("target", ["hb/handbook.yml", "hb/roles/service-lead.yml"])
def test_check_a_file_checks_its_handbook(handbook_dir, capsys, target):
    handbook_dir.edit("roles/service-agent.yml", "headcount: 4", "headcount: four")
    assert main(["check", target]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{AGENT}:7:12: error: `headcount` must be a whole number, not `four`"]


def test_latin1_file_named_with_iconv(handbook_dir, capsys):
    text = (handbook_dir.root / "roles/service-agent.yml").read_text(encoding="utf-8")
    text = text.replace("Customer Service Agent", "Café Agent").replace("≤", "<=")
    handbook_dir.write("roles/service-agent.yml", text.replace("≥", ">=").encode("cp1252"))
    assert main(["check", "hb"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{AGENT}:2:11: error: file is not UTF-8 (it looks like WINDOWS-1252, Western European; "
        f"convert it with `iconv -f WINDOWS-1252 -t UTF-8 {AGENT} > {AGENT}.new` and put the "
        ".new file in its place, or save it as UTF-8 in your editor)"]
