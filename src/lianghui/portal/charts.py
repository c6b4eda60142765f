"""The portal's charts, as server-side SVG in the manner of `search/charts.py`: no
JavaScript, no external assets, CSP-safe. Each chart is focusable (tabindex=0),
labelled by its <title> and <desc>, every bar carries its own <title>, and the
page shows the same figures in a table beside it.

- `hbar_chart`: labelled horizontal bars (a session's flow, top agencies, topics);
- `column_chart`: columns per year, stacked (A/B/C replies) or side by side
  (on-time and satisfaction rates, in percent);
- `mix_bar`: a small decorative A/B/C bar for a table row, hidden from assistive
  technology because the row's cells carry the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lianghui.search.charts import (
    LEGEND_H,
    MAX_BAR_W,
    TITLE_H,
    chart_head,
    legend,
    legend_rows,
    wrap,
)


@dataclass
class Row:
    label: str
    value: int
    css: str = "bar"  # the bar's class: a stage, or a branch leaving the flow
    indent: bool = False  # drawn under the stage it branches from


@dataclass
class Series:
    label: str
    css: str


_open = chart_head


def hbar_chart(
    *,
    rows: list[Row],
    title: str,
    desc: str,
    chart_id: str,
    legend_items: list[Series] | None = None,
    width: int = 640,
    label_width: int = 220,
) -> SafeString:
    """One labelled horizontal bar per row, its value written after it; an empty
    string when there is nothing to draw. A long label wraps onto up to three
    lines; the bar's <title> and the page's table give it in full."""
    if not rows:
        return mark_safe("")
    line_h, pad = 14, 10
    labels = [wrap(("↳ " if r.indent else "") + r.label, label_width - 14) for r in rows]
    heights = [max(26, 12 + line_h * len(lines)) for lines in labels]
    top_band = TITLE_H + (LEGEND_H if legend_items else 0)
    height = top_band + pad * 2 + sum(heights)
    top = max(r.value for r in rows) or 1
    inner = width - label_width - 70
    parts = _open(chart_id, width, height, title, desc)
    if legend_items:
        parts += legend([(s.label, s.css) for s in legend_items], x=4, y=TITLE_H + 14)
    y = top_band + pad
    for r, lines, row_h in zip(rows, labels, heights, strict=True):
        indent = 14 if r.indent else 0
        w = inner * r.value / top
        mid = y + row_h / 2
        first = mid + 4 - (len(lines) - 1) * line_h / 2
        text = "".join(
            f'<tspan x="{label_width - 8}" y="{first + n * line_h:.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(
            f"<g><title>{escape(r.label)}: {r.value}</title>"
            f'<text class="tick" text-anchor="end">{text}</text>'
            f'<rect class="{escape(r.css)}" x="{label_width + indent}" y="{mid - 9:.1f}"'
            f' width="{max(w - indent, 0):.1f}" height="18"/>'
            f'<text class="tick" x="{label_width + max(w, indent) + 6:.1f}" y="{mid + 4:.1f}">'
            f"{r.value}</text></g>"
        )
        y += row_h
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def column_chart(
    *,
    columns: list[tuple[str, list[float | None]]],
    series: list[Series],
    title: str,
    desc: str,
    chart_id: str,
    stacked: bool = True,
    percent: bool = False,
    width: int = 640,
    height: int = 260,
) -> SafeString:
    """Columns per label (a year): each a stack of the series' values, or the series
    side by side. ``percent`` draws rates (0..1) on a 0–100 % scale; a missing
    rate (None) draws nothing. A legend names the series."""
    if not columns:
        return mark_safe("")
    pad_left, pad_bottom = 44, 36
    extra_rows = legend_rows([s.label for s in series], x=pad_left, width=width - 8) - 1
    pad_top, legend_h = 16 + TITLE_H + 16 * extra_rows, 22
    height += TITLE_H + 16 * extra_rows
    inner_w = width - pad_left - 8
    inner_h = height - pad_bottom - pad_top - legend_h
    base = pad_top + legend_h + inner_h
    if percent:
        top = 1.0
    elif stacked:
        top = max(sum(v or 0 for v in values) for _label, values in columns) or 1
    else:
        top = max(max((v or 0 for v in values), default=0) for _label, values in columns) or 1

    def fmt(v: float) -> str:
        return f"{round(v * 100)}%" if percent else f"{v:g}"

    parts = _open(chart_id, width, height, title, desc)
    parts += legend([(s.label, s.css) for s in series], x=pad_left, y=16 + TITLE_H, width=width - 8)
    parts += [
        f'<line class="axis" x1="{pad_left}" y1="{base}" x2="{width - 8}" y2="{base}"/>',
        f'<text class="tick" x="{pad_left - 6}" y="{base - inner_h + 4}" text-anchor="end">'
        f"{fmt(top)}</text>",
        f'<text class="tick" x="{pad_left - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    step = inner_w / len(columns)
    group_w = min(MAX_BAR_W * (1 if stacked else len(series)), max(6.0, step * 0.7))
    bar_w = group_w if stacked else group_w / max(len(series), 1)
    label_every = max(1, len(columns) // 12)
    for i, (label, values) in enumerate(columns):
        x0 = pad_left + i * step + (step - group_w) / 2
        stack = 0.0
        for j, (s, v) in enumerate(zip(series, values, strict=True)):
            if v is None:
                continue
            h = inner_h * v / top
            y = base - stack - h
            bx = x0 if stacked else x0 + j * bar_w
            parts.append(
                f'<rect class="{escape(s.css)}" x="{bx:.1f}" y="{y:.1f}" width="{bar_w:.1f}"'
                f' height="{h:.1f}"><title>{escape(label)}, {escape(s.label)}: {fmt(v)}'
                f"</title></rect>"
            )
            if stacked:
                stack += h
        if i % label_every == 0:
            parts.append(
                f'<text class="tick" x="{x0 + group_w / 2:.1f}" y="{height - 14}"'
                f' text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def mix_bar(values: list[int], css: list[str], width: int = 120, height: int = 12) -> SafeString:
    """A small stacked bar of shares (e.g. A/B/C replies), decorative: the table row
    it sits in gives the numbers, so it is hidden from assistive technology."""
    total = sum(values)
    if not total:
        return mark_safe("")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mix" aria-hidden="true"'
        f' focusable="false" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
    ]
    x = 0.0
    for v, c in zip(values, css, strict=True):
        w = width * v / total
        parts.append(
            f'<rect class="{escape(c)}" x="{x:.1f}" y="0" width="{w:.1f}" height="{height}"/>'
        )
        x += w
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - no text, only numbers and our classes
