"""The live preview's page cache: reused role pages, never stale ones.

Every step edits the handbook (or its templates) the way a person would while ``serve``
runs, then renders the same Document with the cache and without it: the two pages must be
the same bytes, and only the positions whose pages changed may be rendered again.
"""

from __future__ import annotations

import pytest

from handbook.build import BuildRequest, build_document
from handbook.write.html import render_html
from handbook.write.html.assets import image_uri
from handbook.write.html.cache import PageCache

WAREHOUSE = """
  - id: warehouse
    name: Warehouse
    parent: operations
    head: warehouse-lead
"""
ROLE = """title: {title}
code: {code}
department: warehouse
reports_to: {manager}
duties:
  - Count the {code} shelves
"""
ROLE_HEADER = """{% extends "handbook.html.j2" %}
{% block role_header %}<p class="org">{{ document.organization }}</p>{{ super() }}{% endblock %}
"""
ROLE_PAGE = """{% extends "handbook.html.j2" %}
{% block role_page %}<p class="n">{{ loop.index }}/{{ loop.length }}</p>{{ super() }}{% endblock %}
"""
DEPARTMENT_LOOP = """{% extends "handbook.html.j2" %}
{% block department %}<p class="n">{{ loop.index }}</p>{{ super() }}{% endblock %}
"""
PICTURE = b"<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='4'></svg>"


class Preview:
    """Renders like ``serve`` does and checks each page against a render without the cache."""

    def __init__(self, root):
        self.request = BuildRequest(root, ("html",))
        self.cache = PageCache()

    def render(self) -> str:
        document, root = build_document(self.request)
        page = render_html(document, root=root, cache=self.cache)
        assert page == render_html(document, root=root)
        return page


@pytest.fixture
def preview(handbook_dir, monkeypatch):
    """The minimal handbook plus a warehouse department of three positions."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    text = (handbook_dir.root / "handbook.yml").read_text(encoding="utf-8")
    handbook_dir.write("handbook.yml", text + WAREHOUSE)
    for role_id, title, code, manager in (("warehouse-lead", "Warehouse Lead", "WH-01",
                                           "ops-manager"),
                                          ("picker", "Picker", "WH-02", "warehouse-lead"),
                                          ("packer", "Packer", "WH-03", "warehouse-lead")):
        handbook_dir.write(f"roles/{role_id}.yml",
                           ROLE.format(title=title, code=code, manager=manager))
    result = Preview(handbook_dir.root)
    result.render()
    assert (result.cache.rendered, result.cache.reused) == (7, 0)
    return result


def _counts(preview: Preview) -> tuple[int, int]:
    return preview.cache.rendered, preview.cache.reused


def test_an_unchanged_handbook_renders_no_role_page(preview):
    preview.render()
    assert _counts(preview) == (0, 7)


def test_a_duty_edit_renders_only_its_department_again(preview, handbook_dir):
    handbook_dir.edit("roles/picker.yml", "Count the WH-02 shelves",
                      "Pick *every* order the day it comes in")
    assert "Pick <em>every</em> order" in preview.render()
    assert _counts(preview) == (3, 4)  # the warehouse's three pages share its department


def test_a_duty_edit_renders_only_its_department_block_again(preview, handbook_dir):
    handbook_dir.edit("roles/picker.yml", "Count the WH-02 shelves", "Pick every order")
    preview.render()
    counts = preview.cache.counts
    departments = counts["department", "rendered"] + counts["department", "reused"]
    assert departments >= 3
    assert counts["department", "rendered"] == 1  # the warehouse's staffing table lists it


def test_a_department_block_that_reads_its_loop_renders_afresh(preview, handbook_dir):
    handbook_dir.write("templates/handbook.html.j2", DEPARTMENT_LOOP)
    first = preview.render()
    assert first.count('class="n"') == preview.cache.counts["department", "rendered"] >= 3
    preview.render()
    assert preview.cache.counts["department", "reused"] == 0


def test_a_new_title_reaches_every_page_that_links_to_it(preview, handbook_dir):
    handbook_dir.edit("roles/warehouse-lead.yml", "title: Warehouse Lead",
                      "title: Head of Warehouse")
    page = preview.render()
    manager = page.split('id="role-ops-manager"', 1)[1].split("</section>", 1)[0]
    assert "Head of Warehouse" in manager  # the manager's direct reports
    assert "Warehouse Lead" not in page
    assert preview.cache.reused > 0  # the customer service pages link to none of them


def test_moving_a_position_to_another_department(preview, handbook_dir):
    handbook_dir.edit("roles/packer.yml", "department: warehouse", "department: service")
    page = preview.render()
    service = page.split('id="dept-service"', 1)[1].split('id="dept-warehouse"', 1)[0]
    assert 'id="role-packer"' in service


def test_a_department_renamed_in_handbook_yml(preview, handbook_dir):
    handbook_dir.edit("handbook.yml", "name: Customer Service", "name: Customer Care")
    assert "Customer Service<" not in preview.render()
    assert _counts(preview) == (2, 5)


def test_a_template_override_added_then_its_inputs_edited(preview, handbook_dir):
    handbook_dir.write("templates/handbook.html.j2", ROLE_HEADER)
    assert preview.render().count('<p class="org">Example Online Store Ltd.</p>') == 7
    assert _counts(preview) == (7, 0)  # new templates: nothing is reused
    preview.render()
    assert _counts(preview) == (0, 7)

    handbook_dir.edit("handbook.yml", "organization: Example Online Store Ltd.",
                      "organization: Example Shop Ltd.")
    assert preview.render().count('<p class="org">Example Shop Ltd.</p>') == 7


def test_a_page_that_reads_its_loop_is_never_reused(preview, handbook_dir):
    handbook_dir.write("templates/handbook.html.j2", ROLE_PAGE)
    preview.render()
    handbook_dir.write("roles/loader.yml", ROLE.format(title="Loader", code="WH-04",
                                                       manager="warehouse-lead"))
    assert '<p class="n">4/4</p>' in preview.render()
    assert _counts(preview) == (8, 0)


def test_super_still_reaches_a_block_called_outside_a_loop(preview, handbook_dir):
    handbook_dir.write("templates/base.html.j2",
                       "{% for role in document.roles %}"
                       "{% block role_page %}<i>{{ document.title }}</i>{% endblock %}"
                       "{% endfor %}")
    handbook_dir.write("templates/handbook.html.j2", '{% extends "base.html.j2" %}'
                       "{% block role_page %}[{{ super() }}]{% endblock %}")
    assert preview.render() == "[<i>Operations Role Handbook</i>]" * 7
    preview.render()
    assert _counts(preview) == (0, 7)


def test_macros_and_the_stylesheet_are_templates_too(preview, handbook_dir):
    handbook_dir.write("templates/macros.html.j2",
                       '{% import "macros.html.j2" as base %}'
                       "{% macro role_link(ref) %}[{{ base.role_link(ref) }}]{% endmacro %}"
                       "{% macro role_links(refs, separator, empty) %}"
                       "{{ base.role_links(refs, separator, empty) }}{% endmacro %}"
                       "{% macro heading(level, text, id=none, cls='', bookmark=none) %}"
                       "{{ base.heading(level, text, id, cls, bookmark) }}{% endmacro %}"
                       "{% macro percent(value, labels) %}"
                       "{{ base.percent(value, labels) }}{% endmacro %}")
    assert '[<a href="#role-ops-manager">' in preview.render()
    handbook_dir.write("templates/handbook.css", "body { color: red }")
    assert "body { color: red }" in preview.render()


def test_a_page_with_a_picture_is_rendered_every_time(preview, handbook_dir):
    handbook_dir.edit("roles/picker.yml", "Count the WH-02 shelves",
                      "Count the shelves ![shelf](https://example.com/shelf.png)")
    preview.render()
    preview.render()
    assert _counts(preview) == (1, 6)  # a picture may come from a file: never reused


def test_a_logo_file_is_read_again_once_it_changes(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_bytes(PICTURE % 4)
    first = image_uri(logo)
    assert image_uri(logo) == first
    logo.write_bytes(PICTURE % 40)
    assert image_uri(logo) != first
