"""Template helpers for the portal: bilingual fields, year spans, citation fields."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django import template
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from lianghui.laws.models import MILESTONES

register = template.Library()

# BCP 47 tags for the lang attribute of text shown in a given language.
ZH, EN = "zh-Hans", "en"


def _variants(obj, field: str) -> tuple[str, str]:
    return getattr(obj, f"{field}_zh", "") or "", getattr(obj, f"{field}_en", "") or ""


def _active_is_zh() -> bool:
    return (get_language() or "en").startswith("zh")


@register.simple_tag
def day(value: dt.date | None, css: str = ""):
    """``<time datetime="2022-03-05">`` and the day as the reader's language writes
    it (``{{ value }}``), for a date; ``css`` its class. Nothing for no date; a
    moment's day where the reader is."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localdate(value)
    return _day(value, get_language(), css)


@functools.lru_cache(maxsize=4096)
def _day(value: dt.date, language: str | None, css: str):
    # Kept per day and language: Django formats a date anew each time (about
    # 12 µs), and a page shows the same few days many times.
    if css:
        html = '<time class="{}" datetime="{}">{}</time>'
        return format_html(html, css, value.isoformat(), formats.date_format(value))
    html = '<time datetime="{}">{}</time>'
    return format_html(html, value.isoformat(), formats.date_format(value))


@register.filter
def shared_words(words) -> str:
    """The words two records share, each marked, comma-separated (a loop in the
    template cost more than the list it wrote, and format_html a word more than
    escaping it)."""
    return mark_safe(", ".join(f'<span class="shared-word">{escape(w)}</span>' for w in words))


@register.filter
def localized(obj, field: str) -> str:
    """``obj.localized(field)`` for templates; works on any object with
    ``<field>_zh``/``<field>_en`` (e.g. replies, which are not Bilingual)."""
    if hasattr(obj, "localized"):
        return obj.localized(field)
    zh, en = _variants(obj, field)
    return (zh or en) if _active_is_zh() else (en or zh)


@register.filter
def alternate(obj, field: str) -> str:
    if hasattr(obj, "alternate"):
        return obj.alternate(field)
    zh, en = _variants(obj, field)
    shown = localized(obj, field)
    other = en if shown == zh else zh
    return other if other and other != shown else ""


@dataclass
class Text:
    """A bilingual field as shown: the active language's text (or the fallback),
    the other language's text, the language of each, and which is the original."""

    shown: str
    shown_lang: str
    other: str
    other_lang: str
    original_lang: str  # ZH, EN or "" when unknown
    original_missing: bool  # the original language's text is not recorded
    # the other language's text is this site's own translation (cited to it as such)
    other_is_ours: bool = False

    @property
    def shown_is_original(self) -> bool:
        return self.shown_lang == self.original_lang

    @property
    def other_is_original(self) -> bool:
        return bool(self.other) and self.other_lang == self.original_lang and not self.other_is_ours

    def __str__(self) -> str:
        return self.shown


@register.simple_tag
def bilingual(obj, field: str) -> Text:
    """``{% bilingual proposal "title" as title %}`` — see :class:`Text`."""
    zh, en = _variants(obj, field)
    shown = localized(obj, field)
    other = alternate(obj, field)
    shown_lang = ZH if (shown and shown == zh) else EN
    other_lang = EN if shown_lang == ZH else ZH
    # The record's original language is that of the proposer's own words (title and
    # text); a summary or biography is written from the sources, in neither.
    code = getattr(obj, "original_language", "") or "" if field in ("title", "text") else ""
    original = ZH if code.startswith("zh") else EN if code == "en" else ""
    translated = project_translations(obj)
    suffix = {ZH: "zh", EN: "en"}
    # A text this site translated is not the original, even in the original's language.
    original_text = {ZH: zh, EN: en}.get(original, "")
    if original and f"{field}_{suffix[original]}" in translated:
        original_text = ""
    ours = bool(other) and f"{field}_{suffix[other_lang]}" in translated
    return Text(
        shown=shown,
        shown_lang=shown_lang,
        other=other,
        other_lang=other_lang,
        original_lang=original,
        original_missing=bool(original) and not original_text and bool(shown),
        other_is_ours=ours,
    )


PROJECT_TRANSLATION = "project-translation"


def project_translations(obj) -> set[str]:
    """The fields of ``obj`` (e.g. ``title_zh``) that are this site's own
    translation: those cited to the project-translation source."""
    if not hasattr(obj, "citations"):
        return set()
    return {c.field for c in obj.citations.all() if c.source.key == PROJECT_TRANSLATION}


@register.simple_tag
def language_name(lang: str) -> str:
    return _("Chinese") if lang.lower().startswith("zh") else _("English")


@register.filter
def shown_lang(obj, field: str) -> str:
    """The lang attribute for ``obj|localized:field`` (it may be the fallback)."""
    zh, _en = _variants(obj, field)
    shown = localized(obj, field)
    return ZH if shown and shown == zh else EN


@register.filter
def short(body) -> str:
    """A body's short name in the active language (NPC / 全国人大 when recorded)."""
    if body is None:
        return ""
    if _active_is_zh():
        return getattr(body, "short_name_zh", "") or body.name_zh or str(body)
    return body.short_name_en or body.name_en or body.name_zh


@register.filter
def join_names(bodies) -> str:
    """Bodies' short names as a phrase: "NPC and CPPCC", 全国人大和全国政协."""
    names = [short(b) for b in bodies]
    if len(names) <= 1:
        return "".join(names)
    if _active_is_zh():
        return "、".join(names[:-1]) + "和" + names[-1]
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


@register.filter
def text_lang(text: str) -> str:
    """The lang attribute of a text held in one field whatever its language (an
    agency's remit): Chinese when it holds Chinese characters, else English."""
    from lianghui.search.text import has_cjk

    return ZH if has_cjk(text or "") else EN


@register.filter
def cites(bodies) -> list:
    """The bodies whose record cites the source a note concerns (``bodies_described``),
    generated bodies aside."""
    return [b for b in bodies if getattr(b, "cites", False) and not b.generated]


@register.filter
def generated_only(bodies) -> list:
    return [b for b in bodies if b.generated]


@register.filter
def alternate_lang(obj, field: str) -> str:
    """The lang attribute for ``obj|alternate:field``."""
    return EN if shown_lang(obj, field) == ZH else ZH


@register.filter
def years(span) -> str:
    """A year span: "2013–2018", "since 2013", "until 2018", or ""."""
    start, end = getattr(span, "start_year", None), getattr(span, "end_year", None)
    if start and end:
        return f"{start}–{end}" if start != end else str(start)
    if start:
        return _("since %(year)s") % {"year": start}
    if end:
        return _("until %(year)s") % {"year": end}
    return ""


_FIELD_LABELS = {name: stage.label for stage, name in MILESTONES}


@register.filter
def field_label(name: str) -> str:
    """A human label for the field a citation supports."""
    if not name:
        return ""
    labels = {
        **_FIELD_LABELS,
        "events": _("Events"),
        "versions": _("Versions of the text"),
        "name_zh": _("Chinese name"),
        "title": _("Title"),
        "summary": _("Summary"),
        "status": _("Status"),
        "signers": _("Proposers"),
        "memberships": _("Memberships"),
        "affiliations": _("Affiliations"),
        "issuers": _("Issuers"),
        "opens_on": _("Opens"),
        "closes_on": _("Closes"),
        "title_zh": _("Chinese title"),
        "summary_zh": _("Chinese summary"),
        "bio_zh": _("Chinese biography"),
        "sectors": _("Sectors"),
        "founded_on": _("Founded"),
        "dissolved_on": _("Dissolved"),
        "deadline_count": _("Reply deadline"),
        "min_cosigners": _("Co-signers needed"),
    }
    return str(labels.get(name, name))


@register.filter
def percent(rate) -> str:
    """A rate (0..1) as a whole percentage; "—" when there is none."""
    return "—" if rate is None or rate == "" else f"{round(rate * 100)}%"


@register.filter
def plain(value) -> str:
    """A logged value as a reader writes it: a list as words, yes/no, nothing for
    none (the audit log keeps JSON; staff pages show it without Python's syntax)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@register.filter
def stated_figures(citations) -> list:
    """The citations that carry a figure the source states (from prefetched citations)."""
    return [c for c in citations if c.figure_en or c.figure_zh]


# Roles and jurisdictions are recorded as English words; the common ones are shown in
# the reader's language, anything else as recorded.
ROLES = {
    "chairman": pgettext_lazy("role", "chairman"),
    "honorary chairman": pgettext_lazy("role", "honorary chairman"),
    "founding partner": pgettext_lazy("role", "founding partner"),
    "deputy": pgettext_lazy("role", "deputy"),
    "member": pgettext_lazy("role", "member"),
    "CEO": pgettext_lazy("role", "CEO"),
    "president": pgettext_lazy("role", "president"),
    "minister (head)": pgettext_lazy("role", "minister (head)"),
    "founder and CEO": pgettext_lazy("role", "founder and CEO"),
    "co-founder and CEO": pgettext_lazy("role", "co-founder and CEO"),
    "chairman and CEO": pgettext_lazy("role", "chairman and CEO"),
}
JURISDICTIONS = {
    "PRC": pgettext_lazy("jurisdiction", "PRC"),
    "Shanghai": pgettext_lazy("jurisdiction", "Shanghai"),
    "Shenzhen": pgettext_lazy("jurisdiction", "Shenzhen"),
    "Beijing": pgettext_lazy("jurisdiction", "Beijing"),
}


@register.filter
def role_name(role: str) -> str:
    return str(ROLES.get(role, role)) if role else ""


@register.filter
def jurisdiction_name(value: str) -> str:
    return str(JURISDICTIONS.get(value, value)) if value else ""


@register.filter
def precise(date, precision="day") -> str:
    """A date as precisely as its source states it: "July 2021", not 1 July 2021."""
    from lianghui.laws.dates import shown

    return shown(date, precision or "day")


@register.filter
def precise_iso(date, precision="day") -> str:
    """The ``datetime`` attribute of a date of that precision (2021-07, 2021)."""
    from lianghui.laws.dates import machine

    return machine(date, precision or "day")
