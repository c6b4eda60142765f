"""The Jinja2 side of the pages (core/jinja.py): messages read as Django's
templates write them, in each language; the values put into them are escaped."""

from django.template import engines
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
