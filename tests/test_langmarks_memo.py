"""The live preview marks the languages of its page piece by piece, reusing the pieces of the
last page: the result is the page marked whole, byte for byte."""

from __future__ import annotations

from handbook.write.html.langmarks import mark_languages

HEAD = '<!DOCTYPE html><html lang="zh-Hans"><head><title>Excel 手册</title></head>'


def _page(duty: str) -> str:
    duties = [duty if i == 3 else "熟练使用 Excel 数据透视表" for i in range(6)]
    sections = "".join(
        f'<section class="role-page" id="r{i}"><h2>运营专员 {i}</h2><p>{text}</p>'
        f"<section><p>了解 SEO 与 Photoshop</p></section></section>\n"
        for i, text in enumerate(duties))
    tricky = ("<!-- <section> Word 文档 </section><li>Excel -->"
              '<svg lang="zh-Hans"><text>Excel <section</text></svg>'
              "<p>Word 文档<section>Excel</section> PowerPoint</p>")
    return f"{HEAD}<body><main>{tricky}{sections}</main>tail Excel</body></html>"


def test_pieces_marked_from_the_memo_make_the_page_marked_whole():
    memo: dict = {}
    first = _page("每周用 Excel 复盘")
    assert mark_languages(first, "zh-Hans", memo) == mark_languages(first, "zh-Hans")
    assert '<span lang="en">Excel</span>' in mark_languages(first, "zh-Hans")
    pieces = dict(memo)
    assert len(pieces) > 6

    edited = _page("每周用 Outlook 复盘")
    marked = mark_languages(edited, "zh-Hans", memo)
    assert marked == mark_languages(edited, "zh-Hans")
    assert '<span lang="en">Outlook</span>' in marked
    assert len(set(memo) - set(pieces)) == 1  # only the edited role's piece was scanned again


def test_a_page_in_another_language_is_not_marked_from_the_memo():
    memo: dict = {}
    page = _page("每周用 Excel 复盘")
    mark_languages(page, "zh-Hans", memo)
    assert mark_languages(page, "en", memo) == mark_languages(page, "en")
