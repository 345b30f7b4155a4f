"""`handbook build` as a whole: outputs staged, earlier outputs kept on failure, odd content
built without running off the page, template overrides."""

from __future__ import annotations

import pdfplumber
import pytest

from handbook.cli import main


def _snapshot(directory, ignore: str | None = None):
    """Every file under ``directory`` by its path there, but those under ``ignore``."""
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*")
            if p.is_file() and (ignore is None or p.relative_to(directory).parts[0] != ignore)}


def test_failed_build_leaves_earlier_outputs_untouched(handbook_dir, capsys):
    assert main(["build", "hb", "-f", "html,docx", "-o", "out"]) == 0
    before = _snapshot(handbook_dir.root.parent / "out")
    handbook_dir.edit("roles/service-agent.yml", "filled: 3", "filled: 9")
    assert main(["build", "hb", "-f", "html,docx", "-o", "out"]) == 1
    assert "service-agent.yml:8:9: error" in capsys.readouterr().err
    assert _snapshot(handbook_dir.root.parent / "out") == before


def test_broken_template_fails_with_its_line_and_writes_nothing(handbook_dir, capsys):
    handbook_dir.write("templates/handbook.html.j2",
                       '{% extends "handbook.html.j2" %}\n{% block cover %}{{ oops( }}'
                       "{% endblock %}\n")
    assert main(["build", "hb", "-f", "html", "-o", "out"]) == 1
    err = capsys.readouterr().err
    assert "templates/handbook.html.j2:2" in err and "Traceback" not in err
    assert not (handbook_dir.root.parent / "out").exists() or not list(
        (handbook_dir.root.parent / "out").iterdir())


def test_templates_option_overrides_one_block(handbook_dir, tmp_path):
    own = tmp_path / "agency-templates"
    own.mkdir()
    (own / "handbook.html.j2").write_text(
        '{% extends "handbook.html.j2" %}\n'
        '{% block cover %}<header class="cover"><h1>Agency cover: {{ document.title }}</h1>'
        "</header>{% endblock %}\n", encoding="utf-8")
    assert main(["build", "hb", "-f", "html", "-o", "out", "--templates", str(own)]) == 0
    html = (tmp_path / "out/hb.html").read_text(encoding="utf-8")
    assert "Agency cover: Operations Role Handbook" in html
    assert "Customer Service Agent" in html  # the rest is the built-in template


def test_out_inside_the_handbook_is_refused(handbook_dir, capsys):
    assert main(["build", "hb", "-o", "hb/build"]) == 2
    assert "is inside the handbook directory" in capsys.readouterr().err
    assert not (handbook_dir.root / "build").exists()


def test_huge_file_refused(handbook_dir, capsys):
    handbook_dir.write("roles/service-agent.yml", "title: x\n" + "# padding\n" * 520_000)
    assert main(["check", "hb"]) == 1
    assert capsys.readouterr().out.startswith(
        "hb/roles/service-agent.yml:1:1: error: file is 5.0 MB; content files are limited "
        "to 2 MB")


@pytest.fixture(scope="module")
def odd_pdf(tmp_path_factory):
    """A handbook with a 300-character URL, a long unbroken word and 500 duties."""
    import shutil

    from .conftest import FIXTURES

    root = tmp_path_factory.mktemp("odd")
    shutil.copytree(FIXTURES / "minimal", root / "hb")
    agent = root / "hb/roles/service-agent.yml"
    url = "https://example.com/" + "a" * 280
    duties = "".join(f"  - Duty number {n} of a very busy position\n" for n in range(500))
    text = agent.read_text(encoding="utf-8").replace(
        "duties:\n", f"duties:\n  - See {url}\n  - {'X' * 300}\n{duties}")
    agent.write_text(text, encoding="utf-8")
    assert main(["build", str(root / "hb"), "-f", "pdf", "-o", str(root / "out")]) == 0
    return root / "out/hb.pdf"


def test_long_strings_and_long_tables_stay_on_the_page(odd_pdf):
    with pdfplumber.open(odd_pdf) as pdf:
        assert len(pdf.pages) > 10
        texts = "".join(page.extract_text() or "" for page in pdf.pages)
        for page in pdf.pages:
            for char in page.chars:
                assert char["x0"] >= 0 and char["x1"] <= page.width, (page.page_number, char)
    assert "Duty number 499" in texts


def test_build_lists_what_it_wrote_with_sizes_and_pages(handbook_dir, capsys):
    assert main(["build", "hb", "-f", "html,pdf", "-o", "out"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("wrote out/hb.html (") and err[0].endswith(" KB)")
    assert err[1].startswith("wrote out/hb.pdf (") and err[1].endswith(" pages)")
    assert err[2].startswith("built hb in ") and err[2].endswith(" s: 2 files")


def test_quiet_build_prints_nothing(handbook_dir, capsys):
    assert main(["build", "hb", "-f", "html", "-o", "out", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_source_date_epoch_gives_identical_bytes_in_all_formats(handbook_dir, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert main(["build", "hb", "-o", "first", "-q"]) == 0
    assert main(["build", "hb", "-o", "second", "-q"]) == 0
    root = handbook_dir.root.parent
    first, second = (_snapshot(root / "first", ignore=".handbook-cache"),
                     _snapshot(root / "second", ignore=".handbook-cache"))
    assert sorted(map(str, first)) == ["hb.docx", "hb.html", "hb.pdf"]
    assert first == second


def test_without_source_date_epoch_dates_are_today(handbook_dir, monkeypatch):
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert main(["build", "hb", "-f", "html", "-o", "out", "-q"]) == 0
    html = (handbook_dir.root.parent / "out/hb.html").read_text(encoding="utf-8")
    assert f'content="{dt.datetime.now(dt.timezone.utc).date().isoformat()}' in html
