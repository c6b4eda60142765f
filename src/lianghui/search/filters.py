"""What a search is narrowed to (SearchFilters), and the declaration of a list's
filters from which its portal form, its API filter set and its search filters
are derived (FilterField; the proposals' list: proposals/filters.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class SearchFilters:
    """What the results are narrowed to; empty means any. Values are keys or enum
    values, as in the query string of the search page."""

    type: str = ""  # a document type's key (registry.py)
    body: str = ""  # body key
    session: str = ""  # session key
    year: int | None = None
    kind: str = ""  # proposal kind key
    status: str = ""  # a proposal Status or a regulation Stage value
    topic: str = ""  # topic key
    agency: str = ""  # organization key: assigned to, replied by, or issued by
    category: str = ""  # reply category A/B/C
    member: str = ""  # member key: signed by
    group: str = ""  # delegation or sector group key
    key: bool | None = None  # key proposals only (True) or none of them (False)
    generated: bool | None = None  # demo data only (True) or real records only (False)
    since: dt.date | None = None  # records dated on or after this day (digests)
    until: dt.date | None = None  # records dated before this day

    def active(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) not in ("", None)
        }


REFERENCE = "reference"  # a reference record's key, offered as options (sessions, topics)
KEY = "key"  # any record's key, reached from links (kept hidden in a form)
CHOICE = "choice"  # one of a fixed vocabulary (an enum)
FLAG = "flag"  # yes or no (pages 1/0, the API true/false)


@dataclass(frozen=True)
class FilterField:
    """One filter of a list, declared once. From it: the portal's select box
    (``label``, ``choices`` or, for keys, ``lookup`` naming the record), the
    API's query parameter (``help_text``; ``path`` documents the relation), the
    ORM condition of the list's selector (``path``) and the search filter it is
    (``search``, a SearchFilters field, so a filtered list and a filtered search
    agree)."""

    name: str  # the query-string parameter, the same on pages and in the API
    label: object  # lazy translation: the form's label
    kind: str  # KEY, CHOICE or FLAG
    path: str  # ORM lookup on the listed model
    help_text: str = ""  # the API's documentation of the parameter
    # REFERENCE, CHOICE and FLAG: the options, (value, label); a FLAG's are "0", "1".
    choices: Callable[[], Iterable[tuple[str, object]]] | None = None
    lookup: Callable[..., object] | None = None  # KEY: lookup(key=...) -> record or None
    search: str = ""  # the SearchFilters field it maps to ("" = not searchable)
    max_length: int = 160


def search_filters(declared: Iterable[FilterField], values: dict, **extra) -> SearchFilters:
    """The SearchFilters of a list's filter values (names as declared)."""
    mapped = {
        f.search: values[f.name]
        for f in declared
        if f.search and values.get(f.name) not in ("", None)
    }
    return SearchFilters(**mapped, **extra)
