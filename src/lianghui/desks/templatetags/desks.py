"""Template helpers for the desks: a text in the reader's language, with the
original beside it.

People at a desk act on what a proposal or a reply says, so they read it in
their language where a version exists, and always see the original words next
to it: a translation is a help, the original is what was submitted or sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.utils.translation import get_language

from lianghui.portal.templatetags.portal import EN, ZH, project_translations

register = template.Library()


@dataclass
class Versions:
    """What to show of one bilingual field. `shown` is in the reader's language
    when recorded (else the other); `original` is the original beside it, when
    `shown` is a translation; `missing` names the reader's language when no
    version in it is recorded; `unrecorded_original` the original's language
    when only a translation is recorded."""

    shown: str = ""
    shown_lang: str = ""
    shown_is_ours: bool = False
    shown_is_original: bool = False
    original: str = ""
    original_lang: str = ""
    missing: str = ""
    unrecorded_original: str = ""


def _lang(code: str) -> str:
    code = (code or "").lower()
    return ZH if code.startswith("zh") else EN if code.startswith("en") else ""


@register.simple_tag
def two_languages(record, field: str, original_language: str = "") -> Versions:
    """``{% two_languages proposal "text" as t %}``. The original language is the
    record's own (`original_language`, for a proposal's title and text), else
    ``original_language`` (a reply: its proposal's), else the only language
    recorded."""
    texts = {
        ZH: getattr(record, f"{field}_zh", "") or "",
        EN: getattr(record, f"{field}_en", "") or "",
    }
    if not any(texts.values()):
        return Versions()
    reader = ZH if (get_language() or "en").startswith("zh") else EN
    other = EN if reader == ZH else ZH
    own = getattr(record, "original_language", "") if field in ("title", "text") else ""
    original = _lang(own) or _lang(original_language)
    if not original:
        recorded = [lang for lang, text in texts.items() if text]
        original = recorded[0] if len(recorded) == 1 else reader
    ours = project_translations(record)
    suffix = {ZH: "zh", EN: "en"}
    # This site's translation into the original's language is not the original.
    original_text = "" if f"{field}_{suffix[original]}" in ours else texts[original]
    if not texts[reader]:
        return Versions(
            shown=texts[other],
            shown_lang=other,
            shown_is_ours=f"{field}_{suffix[other]}" in ours,
            shown_is_original=other == original and bool(original_text),
            missing=reader,
        )
    versions = Versions(
        shown=texts[reader],
        shown_lang=reader,
        shown_is_ours=f"{field}_{suffix[reader]}" in ours,
        shown_is_original=reader == original and bool(original_text),
    )
    if not versions.shown_is_original:
        if original_text:
            versions.original, versions.original_lang = original_text, original
        else:
            versions.unrecorded_original = original
    return versions
