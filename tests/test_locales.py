"""Locales: language tags, the page size and dates each one gives in PDF and Word, the
``page`` setting under a brand, the language inferred from content, and ``init`` / ``schema``
in the language asked for."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from handbook.cli import cli, main
from handbook.locales import infer_locale, parse_tag
from handbook.schema import schema_for
from handbook.validate import load_handbook

from .conftest import FIXTURES, ROOT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTER, A4, A5 = (612, 792), (595, 842), (420, 595)
TWIPS = {"Letter": (12240, 15840), "A4": (11906, 16838)}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _handbook(tmp_path: Path, language: str | None, *, page: str | None = None) -> Path:
    """The minimal handbook, effective 2 February 2026 (its revision: 1 January 2026)."""
    target = tmp_path / "hb"
    shutil.copytree(FIXTURES / "minimal", target)
    path = target / "handbook.yml"
    text = path.read_text(encoding="utf-8").replace("effective: 2026-01-01",
                                                    "effective: 2026-02-02")
    line = f"language: {language}\n" if language else ""
    if page:
        line += f"page: {page}\n"
    text = re.sub(r"^language: .*\n", line, text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    return target


def _build(directory: Path, out: Path, *options: str, formats: str = "pdf,docx") -> Path:
    assert main(["build", str(directory), "-o", str(out), "-f", formats, "-q",
                 "--no-page-numbers", *options]) == 0
    return out


def _pdf(out: Path) -> tuple[tuple[int, int], str]:
    reader = pypdf.PdfReader(out / "hb.pdf")
    box = reader.pages[0].mediabox
    text = " ".join(page.extract_text() for page in reader.pages)
    return (round(box.width), round(box.height)), " ".join(text.split())


def _docx(out: Path) -> tuple[tuple[int, int], str]:
    with zipfile.ZipFile(out / "hb.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    size = body.find(f".//{W}sectPr/{W}pgSz")
    paragraphs = ("".join(p.itertext()) for p in body.iter(f"{W}p"))
    return (int(size.get(f"{W}w")), int(size.get(f"{W}h"))), "\n".join(paragraphs)


# --- tags --------------------------------------------------------------------------------


@pytest.mark.parametrize("tag, labels, cldr, page", [
    ("en", "en", "en_US", "Letter"), ("en-US", "en", "en_US", "Letter"),
    ("en-GB", "en", "en_GB", "A4"), ("EN-gb", "en", "en_GB", "A4"),
    ("zh-Hans", "zh-Hans", "zh_Hans_CN", "A4"), ("zh-CN", "zh-Hans", "zh_Hans_CN", "A4"),
    ("zh-Hant", "zh-Hant", "zh_Hant_TW", "A4"), ("zh_tw", "zh-Hant", "zh_Hant_TW", "A4"),
    ("zh-HK", "zh-Hant", "zh_Hant_HK", "A4"),
])
def test_tag_gives_labels_locale_and_page(tag, labels, cldr, page):
    locale = parse_tag(tag)
    assert (locale.labels, locale.cldr, locale.page_size) == (labels, cldr, page)


@pytest.mark.parametrize("written, hint", [
    ("zh", "did you mean `zh-Hans`?"), ("zh-Hnas", "did you mean `zh-Hans`?"),
    ("en-AU", "did you mean `en-GB`?"), ("en-UK", "did you mean `en-GB`?"),
    ("fr", "use one of en, en-US, en-GB, zh-Hans, zh-CN, zh-Hant, zh-TW, zh-HK"),
])
def test_unknown_tag_is_a_positioned_error_with_a_suggestion(tmp_path, capsys, monkeypatch,
                                                               written, hint):
    monkeypatch.chdir(tmp_path)
    _handbook(tmp_path, written)
    assert main(["check", "hb"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"hb/handbook.yml:8:11: error: `{written}` is not a language")
    assert line.endswith(hint)


def test_lang_option_takes_tags_and_refuses_others(tmp_path, capsys):
    directory = _handbook(tmp_path, "en")
    assert main(["build", str(directory), "-o", str(tmp_path / "out"), "--lang", "en_au"]) == 2
    assert "did you mean `en-GB`?" in capsys.readouterr().err
    out = _build(directory, tmp_path / "gb", "--lang", "EN-GB", formats="pdf")
    assert _pdf(out)[0] == A4


# --- page size and dates in print and in Word ----------------------------------------------


@pytest.mark.parametrize("tag, size, twips, effective, revised", [
    ("en", LETTER, TWIPS["Letter"], "February 2, 2026", "January 1, 2026"),
    ("en-GB", A4, TWIPS["A4"], "2 February 2026", "1 January 2026"),
    ("zh-TW", A4, TWIPS["A4"], "2026年2月2日", "2026年1月1日"),
])
def test_locale_page_size_and_dates(tmp_path, tag, size, twips, effective, revised):
    out = _build(_handbook(tmp_path, tag), tmp_path / "out")
    pdf_size, pdf_text = _pdf(out)
    assert pdf_size == size
    docx_size, docx_text = _docx(out)
    assert docx_size == twips
    labels = yaml.safe_load((ROOT / "handbook" / "labels" / f"{parse_tag(tag).labels}.yml")
                            .read_text(encoding="utf-8"))
    squash = "".join
    for text in (pdf_text, docx_text):
        flat = squash(text.split())
        assert squash(f"{labels['effective']}{effective}".split()) in flat
        assert squash(revised.split()) in flat
        assert "2026-02-02" not in text and "2026-01-01" not in text


def test_page_setting_overrides_the_locale_and_a_brand_overrides_both(tmp_path):
    directory = _handbook(tmp_path, "en-US", page="{size: a5, margins: 15mm}")
    out = _build(directory, tmp_path / "own")
    assert _pdf(out)[0] == A5
    with zipfile.ZipFile(out / "hb.docx") as archive:
        body = etree.fromstring(archive.read("word/document.xml"))
    margins = body.find(f".//{W}sectPr/{W}pgMar")
    assert {int(margins.get(f"{W}{side}")) for side in ("top", "left")} == {850}  # 15 mm
    branded = _build(directory, tmp_path / "brand", "--brand",
                     str(ROOT / "content" / "brands" / "bluewhale"), formats="pdf")
    assert _pdf(branded)[0] == A4  # the brand's A4 over the handbook's A5 and en-US Letter


@pytest.mark.parametrize("page, message", [
    ("{size: B0}", "hb/handbook.yml:9:14: error: page size `B0` is not one of A4, Letter, "
                   "A5, A3, Legal"),
    ("{margins: 20}", "hb/handbook.yml:9:17: error: margins need a unit: write `20mm`"),
    ("{margins: 1in 2}", "hb/handbook.yml:9:17: error: margins `1in 2` must be lengths in mm, "
                         "cm, in or pt: one value (20mm), or top right bottom left "
                         "(20mm 18mm 20mm 18mm)"),
    ("{sise: A4}", "hb/handbook.yml:9:8: error: unknown key `sise`; did you mean `size`?"),
])
def test_bad_page_setting_is_a_positioned_error(tmp_path, capsys, monkeypatch, page, message):
    monkeypatch.chdir(tmp_path)
    _handbook(tmp_path, "en", page=page)
    assert main(["check", "hb"]) == 1
    assert capsys.readouterr().out.splitlines() == [message]


def test_margins_as_a_list_of_four(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    handbook, _ = load_handbook(_handbook(tmp_path, "en", page="{margins: [1in, 2cm, 1in, 2cm]}"))
    assert handbook.page.margins == "1in 2cm 1in 2cm"


# --- the language read from the content ---------------------------------------------------


@pytest.mark.parametrize("starter, labels, name, heading", [
    ("en-GB", "en", "English", "Duties and responsibilities"),
    ("zh-Hans", "zh-Hans", "Simplified Chinese", "工作职责"),
    ("zh-Hant", "zh-Hant", "Traditional Chinese", "工作職責"),
])
def test_language_inferred_from_content_with_a_notice(tmp_path, capsys, starter, labels, name,
                                                      heading):
    directory = tmp_path / "hb"
    assert main(["init", str(directory), "--lang", starter]) == 0
    path = directory / "handbook.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^language: .*\n", "", text, flags=re.MULTILINE), encoding="utf-8")
    capsys.readouterr()
    assert main(["build", str(directory), "-o", str(tmp_path / "out"), "-f", "html"]) == 0
    assert (f"handbook: note: no `language` in handbook.yml; the content reads as {name}, "
            f"so {labels} was chosen") in capsys.readouterr().err
    html = (tmp_path / "out" / "hb.html").read_text(encoding="utf-8")
    assert f'<html lang="{labels}"' in html
    assert f">{heading}<" in html


def test_english_with_a_few_chinese_names_stays_english():
    texts = ["Operations Manager", "Plan the China launch with 王敏 and 李强",
             "Liaise with the 杭州 office", "Customer Service"]
    assert infer_locale(texts).labels == "en"
    assert infer_locale(["负责 SEO 和 SEM 推广优化", "运营经理"]).labels == "zh-Hans"
    assert infer_locale(["負責店鋪推廣與客戶服務", "運營經理"]).labels == "zh-Hant"


# --- init and schema in the language asked for ---------------------------------------------


@pytest.fixture
def system_locale(monkeypatch):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    return lambda value: monkeypatch.setenv("LANG", value)


@pytest.mark.parametrize("lang, tag, sample", [
    ("en_GB.UTF-8", "en-GB", "Operations Manager"),
    ("zh_TW.UTF-8", "zh-TW", "運營經理"),
    ("zh_CN.UTF-8", "zh-CN", "运营经理"),
])
def test_init_without_lang_uses_the_system_locale(tmp_path, capsys, system_locale, lang, tag,
                                                  sample):
    system_locale(lang)
    directory = tmp_path / "new"
    assert main(["init", str(directory)]) == 0
    assert re.search(rf"^language: {tag} ", (directory / "handbook.yml").read_text("utf-8"),
                     re.MULTILINE)
    assert sample in (directory / "roles" / "ops-manager.yml").read_text("utf-8")
    assert main(["check", str(directory)]) == 0


def test_init_asks_on_a_terminal(tmp_path, system_locale, monkeypatch):
    system_locale("en_US.UTF-8")
    monkeypatch.setattr("handbook.cli._interactive", lambda: True)
    directory = tmp_path / "asked"
    result = CliRunner().invoke(cli, ["init", str(directory)], input="zh-hk\n")
    assert result.exit_code == 0, result.output
    assert "Language of the handbook (en, en-US, en-GB, zh-Hans, zh-CN, zh-Hant, zh-TW, " \
           "zh-HK) [en-US]:" in result.output
    text = (directory / "handbook.yml").read_text(encoding="utf-8")
    assert re.search(r"^language: zh-HK ", text, re.MULTILINE)
    assert "運營中心" in text
    default = CliRunner().invoke(cli, ["init", str(tmp_path / "default")], input="\n")
    assert default.exit_code == 0, default.output
    assert "language: en-US " in (tmp_path / "default" / "handbook.yml").read_text("utf-8")


def _keys(node) -> set[str]:
    """Every key the schema names, at any depth."""
    if isinstance(node, list):
        return set().union(*map(_keys, node)) if node else set()
    if not isinstance(node, dict):
        return set()
    keys = set(node.get("properties", {}))
    return keys.union(*(_keys(value) for value in node.values()))


@pytest.mark.parametrize("lang", ["en", "zh-Hans", "zh-Hant"])
def test_starter_shows_every_key_of_the_contract(tmp_path, lang):
    directory = tmp_path / "new"
    assert main(["init", str(directory), "--lang", lang]) == 0
    text = "\n".join(path.read_text(encoding="utf-8")
                     for path in sorted(directory.rglob("*.yml")))
    keys = _keys(schema_for("handbook")) | _keys(schema_for("role"))
    missing = sorted(key for key in keys if not re.search(rf"[\s{{,#-]{key}:", text))
    assert missing == []
    for key in ("logo", "page", "assistant", "working_conditions", "certifications",
                "reviewed", "review_every"):
        assert re.search(rf"^\s*# .*\b{key}:", text, re.MULTILINE), f"{key} shown commented"
    assert re.search(r"^\s*#\s+essential: false", text, re.MULTILINE)


def _examples(node) -> list[str]:
    if isinstance(node, list):
        return [text for item in node for text in _examples(item)]
    if not isinstance(node, dict):
        return []
    own = [json.dumps(node["examples"], ensure_ascii=False)] if "examples" in node else []
    return own + [text for key, value in node.items() if key != "examples"
                  for text in _examples(value)]


def test_schema_examples_in_the_language_asked_for(capsys):
    assert main(["schema", "--kind", "role", "--lang", "en"]) == 0
    english = _examples(json.loads(capsys.readouterr().out))
    assert english and not [text for text in english if CJK.search(text)]
    assert '["Promotion Lead"]' in english
    assert main(["schema", "--kind", "handbook", "--lang", "zh-TW"]) == 0
    traditional = "".join(_examples(json.loads(capsys.readouterr().out)))
    assert "推廣部" in traditional and "推广部" not in traditional
    assert main(["schema", "--kind", "handbook"]) == 0
    assert "推广部" in "".join(_examples(json.loads(capsys.readouterr().out)))


def test_init_writes_the_schema_in_its_language(tmp_path):
    assert main(["init", str(tmp_path / "new"), "--lang", "en-US"]) == 0
    schema = json.loads((tmp_path / "new/schema/role.schema.json").read_text(encoding="utf-8"))
    assert not [text for text in _examples(schema) if CJK.search(text)]
