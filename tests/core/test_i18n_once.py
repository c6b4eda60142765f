"""``{% load i18n %}`` is Django's library with constant messages rendered once per
language (core/templatetags/i18n_once.py): every page reads as with Django's own."""

import pytest
from django.template import Context, engines
from django.template.engine import Engine
from django.utils import translation

from lianghui.core.templatetags.i18n_once import RenderedOnce

SOURCE = """{% load i18n %}
{% translate "Proposals" %}|{% translate "Proposer's feedback" %}|{% trans 'Sign in' %}
{% translate word %}|{% translate "Proposals"|upper %}|{% translate "Search" as found %}{{ found }}
{% translate "May" context "month name" %}|{% translate "Proposals" noop %}
{% blocktranslate %}Proposals{% endblocktranslate %}|{% blocktranslate trimmed %}
  Sign in
{% endblocktranslate %}|{% blocktranslate with n=count %}{{ n }} unread{% endblocktranslate %}
{% blocktranslate count n=count %}{{ n }} unread{% plural %}{{ n }} unread{% endblocktranslate %}
{% autoescape off %}{% translate "Proposer's feedback" %}{% endautoescape %}
{% language "zh-hans" %}{% translate "Proposals" %}{% endlanguage %}
{% get_current_language as lang %}{{ lang }}"""


def _djangos_own():
    """The same template under Django's own i18n library."""
    return Engine(libraries={"i18n": "django.templatetags.i18n"}).from_string(SOURCE)


def test_pages_read_as_with_djangos_library_in_each_language():
    ours = engines["django"].from_string(SOURCE)
    theirs = _djangos_own()
    context = {"word": "Topics", "count": 2}
    outputs = {}
    for language in ["en", "zh-hans", "en", "zh-hans"]:  # the second time from what is kept
        with translation.override(language):
            outputs[language] = ours.render(context)
            assert outputs[language] == theirs.render(Context(context)), language
    assert outputs["en"] != outputs["zh-hans"]
    assert "建议与提案" in outputs["zh-hans"]


def test_only_tags_whose_text_is_constant_are_kept():
    nodes = engines["django"].from_string(SOURCE).template.nodelist.get_nodes_by_type(RenderedOnce)
    # Three constant translate tags, the autoescape one, the one in {% language %},
    # the noop one, and the two constant blocks.
    assert len(nodes) == 8


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_language_switched_mid_page_is_followed(language):
    ours = engines["django"].from_string(
        '{% load i18n %}{% translate "Proposals" %}'
        '|{% language "zh-hans" %}{% translate "Proposals" %}{% endlanguage %}'
        '|{% language "en" %}{% translate "Proposals" %}{% endlanguage %}'
    )
    with translation.override(language):
        first, chinese, english = ours.render({}).split("|")
    assert english == "Proposals"
    assert chinese != "Proposals"
    assert first == (english if language == "en" else chinese)
