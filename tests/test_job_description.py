"""Single-role job descriptions (--role, --each-role), brands and --lang through `build`."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import opencc
import pytest
from pypdf import PdfReader

from handbook.cli import main

from .conftest import EXAMPLES

ECOMMERCE = next(p for p in EXAMPLES if p.name == "ecommerce-ops")
BRANDS = ECOMMERCE.parent / "brands"


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


@pytest.fixture(scope="module")
def jd_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jd")
    assert main(["build", str(ECOMMERCE), "--role", "promo-lead", "-o", str(out)]) == 0
    return out


def test_role_writes_three_formats_and_nothing_else(jd_out):
    assert sorted(p.name for p in jd_out.rglob("*") if p.is_file()) == [
        "promo-lead.docx", "promo-lead.html", "promo-lead.pdf"]


def test_job_description_pdf(jd_out):
    reader = PdfReader(jd_out / "roles/promo-lead.pdf")
    assert 1 <= len(reader.pages) <= 3
    text = _pdf_text(jd_out / "roles/promo-lead.pdf")
    for expected in ("推广主管", "岗位说明书", "汇报关系", "运营总监", "直通车专员", "工作职责",
                     "任职要求", "绩效考核指标", "签字确认", "员工", "直接上级", "人力资源部",
                     "XH-HR-OPS-2026-01", "版本 2.1"):
        assert expected in text, expected
    # Other positions' pages are not in a JD: no dangling internal links.
    assert "修订历史" not in text and "岗位索引" not in text


def test_job_description_html_has_no_dangling_links(jd_out):
    html = (jd_out / "roles/promo-lead.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets <= ids
    assert html.count("<h1") == 1


def test_job_description_docx_has_signature_block(jd_out):
    with zipfile.ZipFile(jd_out / "roles/promo-lead.docx") as docx:
        xml = docx.read("word/document.xml").decode("utf-8")
    for expected in ("推广主管", "签字确认", "员工", "人力资源部", "汇报关系"):
        assert expected in xml
    assert "w:trHeight" in xml
    assert 'w:anchor="role_ops_director"' not in xml  # the manager is text, not a link


def test_unknown_role_is_a_usage_error(tmp_path, capsys):
    assert main(["build", str(ECOMMERCE), "--role", "promo-led", "-o", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == (
        "handbook: error: --role promo-led: no such position; did you mean `promo-lead`?")
    assert list(tmp_path.iterdir()) == []


def test_each_role_writes_the_handbook_and_every_job_description(tmp_path):
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    assert main(["build", str(example), "--each-role", "-f", "html,pdf", "-o",
                 str(tmp_path)]) == 0
    roles = sorted(p.stem for p in (example / "roles").glob("*.yml"))
    assert sorted(p.stem for p in (tmp_path / "roles").glob("*.pdf")) == roles
    assert sorted(p.stem for p in (tmp_path / "roles").glob("*.html")) == roles
    assert (tmp_path / "startup-team.pdf").is_file()
    assert not list(tmp_path.rglob(".*.tmp"))


def test_traditional_output_of_a_simplified_handbook(tmp_path):
    assert main(["build", str(ECOMMERCE), "--lang", "zh-Hant", "-f", "html", "-o",
                 str(tmp_path)]) == 0
    html = (tmp_path / "ecommerce-ops.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "\n", re.sub(r"<style.*?</style>", "", html, flags=re.S))
    again = opencc.OpenCC("s2twp")
    # Converted text is a fixed point of the conversion, but for the labels (written
    # by hand in Taiwan usage) and the logo's own artwork.
    leftovers = {line.strip() for line in text.splitlines()
                 if line.strip() and again.convert(line) != line}
    assert "推广部" not in html and "推廣部" in html
    assert all(not re.search("[运营岗职责负推广]", line) for line in leftovers), leftovers


def test_brand_reaches_all_three_formats(tmp_path):
    assert main(["build", str(ECOMMERCE), "--brand", str(BRANDS / "bluewhale"), "-o",
                 str(tmp_path)]) == 0
    html = (tmp_path / "ecommerce-ops.html").read_text(encoding="utf-8")
    assert "#0b5fa5" in html.lower()
    pdf = tmp_path / "ecommerce-ops.pdf"
    fonts = {str(font) for page in PdfReader(pdf).pages
             for font in _fonts(page)}
    assert any("Serif-CJK-SC" in name or "SerifCJK" in name for name in fonts), fonts
    assert any("NotoSerif" in name.replace("-", "") for name in fonts), fonts
    assert "蓝鲸咨询 · 客户机密" in _pdf_text(pdf)
    with zipfile.ZipFile(tmp_path / "ecommerce-ops.docx") as docx:
        styles = docx.read("word/styles.xml").decode("utf-8")
    assert "0B5FA5" in styles.upper()
    assert "Noto Serif CJK SC" in styles


def _fonts(page) -> list[str]:
    resources = page.get("/Resources") or {}
    fonts = resources.get("/Font") or {}
    return [str(font.get_object().get("/BaseFont")) for font in fonts.values()]


def test_english_labels_keep_traditional_glyphs(tmp_path):
    example = next(p for p in EXAMPLES if p.name == "startup-team")
    assert main(["build", str(example), "--lang", "en", "-f", "pdf", "-o", str(tmp_path)]) == 0
    pdf = tmp_path / "startup-team.pdf"
    fonts = {name for page in PdfReader(pdf).pages for name in _fonts(page)}
    cjk = {name for name in fonts if "CJK" in name}
    assert cjk and all("CJK-TC" in name for name in cjk), cjk
    assert "Revision history" in _pdf_text(pdf)


def test_every_jd_page_names_its_role_and_the_title_is_the_role(jd_out):
    reader = PdfReader(jd_out / "roles/promo-lead.pdf")
    assert reader.metadata.title == "推广主管 · OPS-PR-01"
    assert len(reader.pages) >= 2
    import pdfplumber

    with pdfplumber.open(jd_out / "roles/promo-lead.pdf") as pdf:
        for page in pdf.pages:  # the running header, in the top margin of every page
            header = page.crop((0, 0, page.width, 20 * 72 / 25.4)).extract_text()
            assert "推广主管 · OPS-PR-01" in header, (page.page_number, header)


def test_jd_header_keeps_the_company_name_whole_and_drops_the_book_number(jd_out):
    first = PdfReader(jd_out / "roles/promo-lead.pdf").pages[0].extract_text()
    assert any("星河电子商务有限公司" in line for line in first.splitlines())  # not "…公 / 司"
    assert "1.3" not in first  # the book's section number means nothing in a standalone JD


def _signature_text(text: str) -> None:
    squeezed = re.sub(r"\s+", "", text)
    assert "本人已阅读并理解本岗位说明书的全部内容。" in squeezed
    for label in ("姓名", "签名", "日期", "员工", "直接上级", "人力资源部"):
        assert label in squeezed, label


def test_jd_signature_block_in_all_three_formats(jd_out):
    _signature_text(PdfReader(jd_out / "roles/promo-lead.pdf").pages[-1].extract_text())
    with zipfile.ZipFile(jd_out / "roles/promo-lead.docx") as docx:
        body = docx.read("word/document.xml").decode("utf-8")
        headers = [docx.read(n).decode("utf-8") for n in docx.namelist()
                   if re.fullmatch(r"word/header\d+\.xml", n)]
    _signature_text(re.sub(r"<[^>]+>", "", body))
    assert any("推广主管 · OPS-PR-01" in header for header in headers)
    from lxml import html as lxml_html

    page = lxml_html.parse(str(jd_out / "roles/promo-lead.html")).getroot()
    block = page.get_element_by_id("signatures-title").getparent()
    _signature_text(block.text_content())
    rows = block.xpath(".//tbody/tr")
    assert [len(row.xpath("td[@data-label]")) for row in rows] == [3, 3, 3]
