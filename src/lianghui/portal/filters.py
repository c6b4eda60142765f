"""Reading list filters from a query string, forgivingly.

A filter is a named set of allowed values. Values not in the set are dropped
and reported (the page says it ignored them) instead of failing, so a stale or
hand-edited link still shows a sensible page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from lianghui.search.filters import FLAG, KEY, FilterField

MAX_QUERY_LENGTH = 200
MAX_KEY_LENGTH = 160

# ?generated=1 / ?generated=0
GENERATED_VALUES = {"1": True, "0": False}


@dataclass
class Option:
    value: str
    label: str


@dataclass
class Filter:
    """One select box of a list page's filter form."""

    name: str  # the query-string parameter
    label: str
    options: list[Option]
    value: str = ""  # the accepted value, or ""
    hidden: bool = False  # kept as a hidden field (filters reached from links)

    @property
    def selected_label(self) -> str:
        return next((o.label for o in self.options if o.value == self.value), self.value)


@dataclass
class FilterSet:
    filters: list[Filter]
    query: str = ""
    ignored: list[str] = field(default_factory=list)  # messages for the page
    params: QueryDict | None = None

    def get(self, name: str) -> str:
        return next((f.value for f in self.filters if f.name == name), "")

    @property
    def active(self) -> list[tuple[Filter, str]]:
        """Active filters, each with the query string that removes it."""
        out = []
        for f in self.filters:
            if f.value:
                out.append((f, without(self.params, f.name)))
        return out

    @property
    def any_active(self) -> bool:
        return bool(self.query) or any(f.value for f in self.filters)


def without(params: QueryDict | None, *names: str) -> str:
    """The query string with ``names`` (and the page number) removed."""
    q = params.copy() if params is not None else QueryDict(mutable=True)
    for name in (*names, "page"):
        q.pop(name, None)
    encoded = q.urlencode()
    return f"?{encoded}" if encoded else "?"


def options(pairs: Iterable[tuple[str, str]]) -> list[Option]:
    return [Option(str(value), str(label)) for value, label in pairs]


def read(params: QueryDict, filters: list[Filter], *, with_query: bool = True) -> FilterSet:
    """Accept each filter's value if it is one of its options; report the rest."""
    ignored = []
    for f in filters:
        raw = params.get(f.name, "").strip()
        if not raw:
            continue
        if any(o.value == raw for o in f.options):
            f.value = raw
        else:
            ignored.append(
                _("Ignored the unknown value “%(value)s” for “%(filter)s”.")
                % {"value": raw[:60], "filter": f.label}
            )
    query = params.get("q", "").strip()[:MAX_QUERY_LENGTH] if with_query else ""
    return FilterSet(filters=filters, query=query, ignored=ignored, params=params)


def generated_filter() -> Filter:
    return Filter(
        "generated",
        _("Origin"),
        [Option("0", _("Real records (cited)")), Option("1", _("Generated demo data"))],
    )


def as_bool(value: str) -> bool | None:
    return GENERATED_VALUES.get(value)


def key_filter(params: QueryDict, name: str, label: str, lookup: Callable) -> Filter:
    """A filter by a record key reached from a link (kept hidden in the form)."""
    raw = params.get(name, "").strip()
    found = lookup(key=raw) if raw and len(raw) <= MAX_KEY_LENGTH else None
    return Filter(name, label, [Option(raw, str(found))] if found else [], hidden=True)


def form_filters(
    declared: Iterable[FilterField],
    params: QueryDict,
    *,
    choices: dict[str, Iterable[tuple[str, str]]] | None = None,
) -> list[Filter]:
    """A list page's filter form from its declared filters (``choices`` may give a
    filter's options with page-specific labels instead of its declared ones)."""
    out = []
    for f in declared:
        if f.kind == KEY:
            out.append(key_filter(params, f.name, str(f.label), f.lookup))
            continue
        pairs = (choices or {}).get(f.name)
        out.append(Filter(f.name, str(f.label), options(f.choices() if pairs is None else pairs)))
    return out


def declared_values(fs: FilterSet, declared: Iterable[FilterField]) -> dict[str, object]:
    """The accepted values by name, flags as booleans (None when not given)."""
    return {f.name: as_bool(fs.get(f.name)) if f.kind == FLAG else fs.get(f.name) for f in declared}
