"""Charts as server-side SVG: no JavaScript, no external assets, CSP-safe.

Each chart is focusable (tabindex=0), labelled by its <title> and <desc>
(aria-labelledby), shows its title and a legend on screen, and every bar carries
its own <title> so a pointer or a screen reader can read the value; pages show
the same figures in a table.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

TITLE_H = 24  # the band the visible title takes at the top of a chart
LEGEND_H = 20
MAX_BAR_W = 56.0  # one year or one value is a bar, not a block across the chart


@dataclass
class Bar:
    label: str
    value: int


def text_width(text: str, size: float = 12) -> float:
    """About how wide a text is drawn: CJK characters take a full em, others ~0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def wrap(text: str, width: float, *, lines: int = 3, size: float = 12) -> list[str]:
    """Break a label into lines that fit `width` (between words, or between
    characters where a script has no spaces); the last line kept ends in … if
    the label is longer still. The full label stays in the bar's <title>."""
    tokens: list[tuple[str, str]] = []  # (piece, what joins it to the one before)
    for n, word in enumerate(text.split(" ")):
        joiner = " " if n else ""
        if text_width(word, size) <= width:
            tokens.append((word, joiner))
        else:  # a long word or a run of CJK characters: break between characters
            tokens.extend((ch, joiner if i == 0 else "") for i, ch in enumerate(word))
    out: list[str] = []
    line = ""
    for piece, joiner in tokens:
        candidate = line + joiner + piece if line else piece
        if line and text_width(candidate, size) > width:
            out.append(line)
            line = piece
        else:
            line = candidate
    if line:
        out.append(line)
    if len(out) > lines:
        last = out[lines - 1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        out = [*out[: lines - 1], last.rstrip() + "…"]
    return out or [""]


def chart_head(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    """The opening of a chart: its accessible name and description, and its title
    drawn on screen (hidden from assistive technology, which reads <title>)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" tabindex="0"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<text class="chart-title" x="4" y="16" aria-hidden="true">{escape(title)}</text>',
    ]


def legend_rows(labels: list[str], *, x: float, width: float) -> int:
    """How many rows `legend` takes for these labels within `width`."""
    rows, at = 1, x
    for label in labels:
        w = 16 + text_width(label) + 18
        if at > x and at + w > width:
            rows, at = rows + 1, x
        at += w
    return rows


def legend(items: list[tuple[str, str]], *, x: float, y: float, width: float = 640) -> list[str]:
    """Swatches with their labels, left to right, onto a new row (16 lower) when
    the next would pass `width`: (label, css class) pairs."""
    parts = ['<g class="legend" aria-hidden="true">']
    start = x
    for label, css in items:
        w = 16 + text_width(label) + 18
        if x > start and x + w > width:
            x, y = start, y + 16
        parts.append(
            f'<rect class="{escape(css)}" x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12"/>'
            f'<text class="tick" x="{x + 16:.1f}" y="{y:.1f}">{escape(label)}</text>'
        )
        x += w
    parts.append("</g>")
    return parts


def bar_chart(
    *,
    bars: list[Bar],
    title: str,
    desc: str,
    chart_id: str,
    series: str = "",
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """A vertical bar chart; an empty string when there is nothing to draw.
    `series` names what the bars count, in the legend."""
    if not bars:
        return mark_safe("")
    top = max(b.value for b in bars) or 1
    legend_h = LEGEND_H if series else 0
    pad_left, pad_bottom, pad_top = 44, 36, 16 + TITLE_H + legend_h
    height += TITLE_H + legend_h
    inner_w, inner_h = width - pad_left - 8, height - pad_bottom - pad_top
    step = inner_w / len(bars)
    bar_w = min(MAX_BAR_W, max(4.0, step * 0.7))
    parts = chart_head(chart_id, width, height, title, desc)
    if series:
        parts += legend([(series, "bar")], x=pad_left, y=TITLE_H + 14)
    parts += [
        f'<line class="axis" x1="{pad_left}" y1="{pad_top + inner_h}" x2="{width - 8}"'
        f' y2="{pad_top + inner_h}"/>',
        f'<text class="tick" x="{pad_left - 6}" y="{pad_top + 4}" text-anchor="end">{top}</text>',
        f'<text class="tick" x="{pad_left - 6}" y="{pad_top + inner_h}" text-anchor="end">0</text>',
    ]
    label_every = max(1, len(bars) // 12)
    for i, b in enumerate(bars):
        h = inner_h * b.value / top
        x = pad_left + i * step + (step - bar_w) / 2
        y = pad_top + inner_h - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
            f"<title>{escape(b.label)}: {b.value}</title></rect>"
        )
        if len(bars) <= 3:  # few bars: write each value on its bar
            parts.append(
                f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}"'
                f' text-anchor="middle">{b.value}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{height - 14}"'
                f' text-anchor="middle">{escape(b.label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
