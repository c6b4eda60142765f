"""Reading the search page's query string into SearchFilters, forgivingly: values
not among the known options are dropped and reported. Used by the search page
and by saved-search feeds."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from lianghui.proposals import vocabulary

from . import registry, selectors
from .filters import SearchFilters

KEY = re.compile(r"^[-a-zA-Z0-9_]{1,160}$")
BOOL = {"1": True, "0": False}
# Not str.isdigit(): it accepts "²", which int() refuses.
YEAR = re.compile(r"^[0-9]{4}$")


@dataclass
class Choice:
    value: str
    label: str


@dataclass
class Field:
    name: str
    label: str
    options: list[Choice]
    value: str = ""


def link(params: QueryDict, **changes: str) -> str:
    q = params.copy()
    q.pop("page", None)
    for name, value in changes.items():
        if value:
            q[name] = value
        else:
            q.pop(name, None)
    encoded = q.urlencode()
    return f"?{encoded}" if encoded else "?"


def read(params: QueryDict, labels: selectors.Labels):
    """(SearchFilters, form fields, hidden key filters, ignored-value messages)."""
    years = sorted({s.year for s in labels.sessions.values()}, reverse=True)
    fields = [
        Field("type", _("Type of record"), [Choice(t.key, str(t.label)) for t in registry.types()]),
        Field("body", _("Body"), [Choice(k, b.name) for k, b in labels.bodies.items()]),
        Field("session", _("Session"), [Choice(k, s.name) for k, s in labels.sessions.items()]),
        Field("year", _("Year"), [Choice(str(y), str(y)) for y in years]),
        Field(
            "kind",
            _("Kind of proposal"),
            [Choice(k, f"{kind.body} · {kind.name}") for k, kind in labels.kinds.items()],
        ),
        Field(
            "status",
            _("Status or stage"),
            [Choice(k, str(v)) for k, v in registry.status_choices().items()],
        ),
        Field("topic", _("Topic"), [Choice(k, t.name) for k, t in labels.topics.items()]),
        Field(
            "category",
            _("Reply category"),
            [Choice(v, lbl) for v, lbl in vocabulary.all_choices(vocabulary.REPLY_CATEGORY)],
        ),
        Field(
            "key",
            _("Key proposals"),
            [Choice("1", _("Key proposals only")), Choice("0", _("Other records only"))],
        ),
        Field(
            "generated",
            _("Origin"),
            [Choice("0", _("Real records (cited)")), Choice("1", _("Generated demo data"))],
        ),
    ]
    ignored: list[str] = []
    values: dict[str, object] = {}
    for f in fields:
        raw = params.get(f.name, "").strip()
        if not raw:
            continue
        known = any(c.value == raw for c in f.options)
        if f.name == "year" and not known and YEAR.match(raw) and 1900 <= int(raw) <= 2100:
            f.options.append(Choice(raw, raw))
            known = True
        if known:
            f.value = raw
            values[f.name] = (
                BOOL[raw] if f.name in BOOL_FIELDS else (int(raw) if f.name == "year" else raw)
            )
        else:
            ignored.append(_unknown(raw, f.label))
    hidden = []
    for name, label in (
        ("agency", _("Agency")),
        ("group", _("Delegation or sector")),
        ("member", _("Member")),
    ):
        raw = params.get(name, "").strip()
        if not raw:
            continue
        if KEY.match(raw):
            values[name] = raw
            hidden.append(Field(name, label, [], raw))
        else:
            ignored.append(_unknown(raw, label))
    return SearchFilters(**values), fields, hidden, ignored


BOOL_FIELDS = {"key", "generated"}


def _unknown(raw: str, label: str) -> str:
    shown = re.sub(r"[\x00-\x1f\x7f]", "", raw)[:60]
    return _("Ignored the unknown value “%(value)s” for “%(filter)s”.") % {
        "value": shown,
        "filter": label,
    }
