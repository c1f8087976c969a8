"""The diagram drawn from the models, and the dictionary page around it: contents, row counts, samples, Markdown."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.conf import settings

from core.dictionary import markdown_inline
from core.erd import domain_erd_svg
from tests.teaching.conftest import TEACHING_DATABASES

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("domain", settings.DOMAIN_APPS)
def test_one_box_per_table_and_one_line_per_foreign_key(domain):
    root = ElementTree.fromstring(domain_erd_svg(domain))
    models = list(apps.get_app_config(domain).get_models())
    boxes = [g.get("data-table") for g in root.iter(f"{SVG}g") if g.get("class") == "erd-table"]
    assert sorted(boxes) == sorted(model._meta.db_table for model in models)
    tables = set(boxes)
    foreign_keys = {
        f"{model._meta.db_table}.{field.column}"
        for model in models
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model._meta.db_table in tables
    }
    edges = {path.get("data-from") for path in root.iter(f"{SVG}path") if path.get("class") == "erd-edge"}
    assert edges == foreign_keys


def test_markdown_help_texts_render_inline_and_escape_the_rest():
    html = markdown_inline("See `rental_date` and **only** *paid* [fees](https://example.com) <script>x</script>")
    assert "<code>rental_date</code>" in html and "<strong>only</strong>" in html and "<em>paid</em>" in html
    assert '<a href="https://example.com">fees</a>' in html and "&lt;script&gt;" in html and "<script>" not in html
    assert markdown_inline("2 * 3 * 4") == "2 * 3 * 4"


@pytest.mark.django_db(databases=TEACHING_DATABASES)
def test_dictionary_page_has_contents_counts_samples_and_the_diagram(client, seeded_domains):
    seeded_domains("dvdrental")
    html = client.get("/dictionary/dvdrental/").content.decode()
    tables = [model._meta.db_table for model in apps.get_app_config("dvdrental").get_models()]
    toc = html.split('<nav class="toc"')[1].split("</nav>")[0]
    assert re.findall(r'href="#([\w]+)"', toc) == tables
    assert html.count('class="erd-table"') == len(tables)
    assert '<a class="fk" href="#film">FK &rarr; <code>film.film_id</code></a>' in html
    assert re.search(r'<span class="muted table-rows">[\d,]+ rows</span>', html)
    assert html.count('<details class="samples">') >= len(tables) - 1  # every table with rows shows a few
    svg = client.get("/dictionary/dvdrental/erd.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.count(b'class="erd-table"') == len(tables)
    assert client.get("/dictionary/nosuch/erd.svg").status_code == 404
