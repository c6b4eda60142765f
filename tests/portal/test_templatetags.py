"""The portal's template tags write what Django's own template code writes."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

DAYS = [dt.date(2022, 3, 5), dt.date(2021, 12, 31), dt.date(2022, 3, 5)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_day_reads_as_a_date_and_its_time_element(language):
    ours = engines["django"].from_string(
        '{% load portal %}{% for d in days %}{% day d %}|{% day d "when" %}|{% endfor %}'
    )
    djangos = engines["django"].from_string(
        "{% for d in days %}<time datetime=\"{{ d|date:'Y-m-d' }}\">{{ d }}</time>|"
        '<time class="when" datetime="{{ d|date:\'Y-m-d\' }}">{{ d }}</time>|{% endfor %}'
    )
    with translation.override(language):
        assert ours.render({"days": DAYS}) == djangos.render({"days": DAYS})


def test_a_day_follows_the_readers_language():
    tag = engines["django"].from_string("{% load portal %}{% day d %}")
    with translation.override("en"):
        english = tag.render({"d": DAYS[0]})
    with translation.override("zh-hans"):
        chinese = tag.render({"d": DAYS[0]})
    assert english != chinese
    assert "2022年3月5日" in chinese
    assert 'datetime="2022-03-05"' in english


def test_a_day_of_nothing_is_nothing_and_a_moment_is_its_local_day():
    from django.utils import timezone

    tag = engines["django"].from_string("{% load portal %}[{% day d %}]")
    assert tag.render({"d": None}) == "[]"
    moment = timezone.make_aware(dt.datetime(2022, 3, 5, 23, 30), dt.UTC)
    with translation.override("en"), timezone.override("Asia/Shanghai"):
        assert 'datetime="2022-03-06"' in tag.render({"d": moment})


def test_shared_words_are_each_marked_and_escaped_as_a_template_loop_writes_them():
    words = ["数据安全", "<b>&", 'say "no"']
    ours = engines["django"].from_string("{% load portal %}{{ words|shared_words }}")
    djangos = engines["django"].from_string(
        '{% for w in words %}<span class="shared-word">{{ w }}</span>'
        "{% if not forloop.last %}, {% endif %}{% endfor %}"
    )
    assert ours.render({"words": words}) == djangos.render({"words": words})
    assert "&lt;b&gt;&amp;" in ours.render({"words": words})
    assert ours.render({"words": []}) == ""
