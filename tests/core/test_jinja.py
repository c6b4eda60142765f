"""The Jinja2 side of the pages (core/jinja.py): messages read as Django's
templates write them, in each language; the values put into them are escaped."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import TemplateSyntaxError, engines
from django.utils import translation

from lianghui.core import jinja

SOURCE = (
    """{{ _("Proposer's feedback") }}|{{ _("No. %(number)s")|format(number=value) }}|{{ value }}"""
)


def test_messages_are_the_translators_text_and_values_are_escaped():
    # As a page rendered by core.jinja.render: "_" is the active language's messages.
    template = engines["jinja2"].env.from_string(SOURCE)
    outputs = {}
    for language in ["en", "zh-hans", "en", "zh-hans"]:  # the second time from what is kept
        with translation.override(language):
            outputs[language] = template.render(value="<b>&", _=jinja.messages())
    assert outputs["en"] == "Proposer's feedback|No. &lt;b&gt;&amp;|&lt;b&gt;&amp;"
    assert outputs["zh-hans"] == "提出人反馈|第 &lt;b&gt;&amp; 号|&lt;b&gt;&amp;"


def _page(source: str, rf) -> str:
    request = rf.get("/")
    request.user = AnonymousUser()
    return engines["django"].from_string(source).render({"section": "topics"}, request)


def test_a_django_page_is_put_into_the_jinja2_layout(rf):
    page = _page(
        '{% extends "portal/base.html" %}{% block title %}Topics & more{% endblock %}'
        "{% block content %}<h1>Ten topics</h1>{% endblock %}",
        rf,
    )
    assert "<title>Topics &amp; more · Lianghui: proposals and regulations</title>" in page
    assert '<main id="main" class="wrap" tabindex="-1">\n    <h1>Ten topics</h1>' in page
    # The header knows the page's section; a block the page leaves empty shows the
    # layout's default (the footer's note on generated records).
    assert 'href="/topics/" aria-current="page">Topics</a>' in page
    assert "Records marked “generated demo data” were invented" in page
    page = _page(
        '{% extends "portal/base.html" %}{% block footer_note %}<p>Our own note.</p>{% endblock %}',
        rf,
    )
    assert "<title>Lianghui · " in page  # no title block: the default
    assert "<p>Our own note.</p>" in page and "Records marked" not in page


def test_a_slot_without_a_name_is_refused():
    with pytest.raises(TemplateSyntaxError, match="takes the name of a block"):
        engines["django"].from_string(
            '{% load jinja %}{% layout "portal/layout.html" %}{% slot %}x{% endlayout %}'
        )
