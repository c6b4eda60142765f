"""Highlighted, escaped snippets: every character of the record is escaped, and
the words of the query are wrapped in <mark>."""

from __future__ import annotations

import functools
import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .text import has_cjk

WINDOW = 160


def _pattern(tokens: list[str]) -> re.Pattern | None:
    return _compiled(tuple(tokens))


@functools.lru_cache(maxsize=256)
def _compiled(tokens: tuple[str, ...]) -> re.Pattern | None:
    # Once per query, not per title and snippet of each hit.
    parts = []
    for t in sorted(set(tokens), key=len, reverse=True):
        if has_cjk(t):
            parts.append(re.escape(t))
        else:  # from a word's start, so "ai" does not light up "said"; stems grow
            parts.append(rf"(?<![^\W_]){re.escape(t)}[^\W_]*")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _fold(text: str) -> str:
    # Positions must survive: NFKC can change length, so only fold when it doesn't.
    folded = unicodedata.normalize("NFKC", text)
    return folded if len(folded) == len(text) else text


def highlight(text: str, tokens: list[str], *, window: int | None = None) -> SafeString:
    """``text`` escaped, with matches marked; cut to a window around the first match
    (or the start) when ``window`` is given."""
    text = text or ""
    pattern = _pattern(tokens)
    searchable = _fold(text)
    first = pattern.search(searchable) if pattern else None
    prefix = suffix = ""
    if window and len(text) > window:
        start = max(0, (first.start() if first else 0) - window // 3)
        end = min(len(text), start + window)
        start = max(0, end - window)
        prefix = "…" if start else ""
        suffix = "…" if end < len(text) else ""
        text, searchable = text[start:end], searchable[start:end]
    out, last = [], 0
    if pattern:
        for m in pattern.finditer(searchable):
            out.append(escape(text[last : m.start()]))
            out.append(f"<mark>{escape(text[m.start() : m.end()])}</mark>")
            last = m.end()
    out.append(escape(text[last:]))
    return mark_safe(escape(prefix) + "".join(out) + escape(suffix))  # noqa: S308 - escaped above


def matches(text: str, tokens: list[str]) -> bool:
    pattern = _pattern(tokens)
    return bool(pattern and text and pattern.search(_fold(text)))
