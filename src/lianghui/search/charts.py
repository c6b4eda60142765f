"""Charts as server-side SVG: no JavaScript, no external assets, CSP-safe.

Each chart is focusable (tabindex=0), labelled by its <title> and <desc>
(aria-labelledby), and every bar carries its own <title> so a pointer or a
screen reader can read the value; pages show the same figures in a table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


@dataclass
class Bar:
    label: str
    value: int


def bar_chart(
    *, bars: list[Bar], title: str, desc: str, chart_id: str, width: int = 640, height: int = 240
) -> SafeString:
    """A vertical bar chart; an empty string when there is nothing to draw."""
    if not bars:
        return mark_safe("")
    top = max(b.value for b in bars) or 1
    pad_left, pad_bottom, pad_top = 44, 36, 16
    inner_w, inner_h = width - pad_left - 8, height - pad_bottom - pad_top
    step = inner_w / len(bars)
    bar_w = max(4.0, step * 0.7)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" tabindex="0"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
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
        if i % label_every == 0:
            parts.append(
                f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{height - 14}"'
                f' text-anchor="middle">{escape(b.label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
