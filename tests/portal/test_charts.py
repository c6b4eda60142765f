"""Charts say what they show: a title and a legend on screen, whole agency names
(wrapped, and in full on hover), and one value drawn as a bar, not a block."""

import re

from lianghui.portal.charts import Row, Series, column_chart, hbar_chart
from lianghui.search.charts import Bar, bar_chart, wrap

LONG = "Ministry of Housing and Urban-Rural Development"


def texts(svg: str) -> str:
    """What a sighted reader sees: the drawn text, not the <title>/<desc>."""
    svg = re.sub(r"<(title|desc)[^>]*>.*?</\1>", "", svg)
    return " ".join(re.findall(r">([^<>]+)<", svg))


def test_every_chart_shows_its_title_and_a_legend():
    charts = [
        bar_chart(
            bars=[Bar("2021", 3), Bar("2022", 5)],
            title="Per year",
            desc="d",
            chart_id="a",
            series="Proposals assigned",
        ),
        hbar_chart(
            rows=[Row("Filed", 4)],
            title="The flow",
            desc="d",
            chart_id="b",
            legend_items=[Series("Stage of handling", "bar")],
        ),
        column_chart(
            columns=[("2022", [1, 2, 3])],
            series=[Series("A", "bar bar-a"), Series("B", "bar bar-b"), Series("C", "bar bar-c")],
            title="ABC",
            desc="d",
            chart_id="c",
        ),
    ]
    for svg, title, key in zip(
        charts,
        ["Per year", "The flow", "ABC"],
        ["Proposals assigned", "Stage of handling", "C"],
        strict=True,
    ):
        assert f'class="chart-title" x="4" y="16" aria-hidden="true">{title}</text>' in svg
        assert 'class="legend"' in svg and key in texts(svg)


def test_long_agency_names_wrap_instead_of_being_cut():
    svg = hbar_chart(
        rows=[Row(LONG, 12), Row("国家互联网信息办公室", 3)], title="t", desc="d", chart_id="x"
    )
    shown = texts(svg)
    assert "…" not in shown
    assert "Ministry of Housing and" in shown and "Urban-Rural Development" in shown
    assert f"<title>{LONG}: 12</title>" in svg  # in full on hover
    assert "国家互联网信息办公室" in shown


def test_wrapping_keeps_every_word_and_marks_what_is_left_out():
    assert " ".join(wrap(LONG, 160)) == LONG
    lines = wrap("word " * 40, 100, lines=3)
    assert len(lines) == 3 and lines[-1].endswith("…")


def test_a_single_year_is_a_bar_with_its_value_not_a_block():
    svg = bar_chart(bars=[Bar("2022", 7)], title="t", desc="d", chart_id="one")
    width = float(re.search(r'<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)[1])
    assert width <= 56
    assert ">7</text>" in svg  # the value is written on it
    svg = column_chart(
        columns=[("2022", [0.5, 0.8])],
        series=[Series("on time", "bar"), Series("satisfied", "bar")],
        title="t",
        desc="d",
        chart_id="r",
        stacked=False,
        percent=True,
    )
    svg = re.sub(r'<g class="legend".*?</g>', "", svg)
    widths = [
        float(w)
        for w in re.findall(r'<rect class="bar" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
    ]
    assert widths and sum(widths) <= 112
