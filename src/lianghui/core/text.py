"""Characters no record may hold, and the one function that removes them.

XML 1.0 (feeds), spreadsheets (XLSX is XML) and PostgreSQL (no NUL in text)
refuse the C0 control characters other than tab, line feed and carriage
return, and the non-characters U+FFFE and U+FFFF; UTF-8 has no lone
surrogates. Text from people keeps what they meant: a vertical tab or form
feed (how word processors mark a manual line or page break) becomes a line
break, the rest is dropped. Input (query strings, form fields, JSON bodies)
passes through ``clean`` on the way in, and every output that cannot carry
these characters passes what is already stored through it on the way out.
"""

from __future__ import annotations

import re

from django.http import QueryDict

# Line and page breaks of word processors: kept as line breaks.
_BREAKS = re.compile(r"[\x0b\x0c]")
_REFUSED = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def has_refused(value: str) -> bool:
    return bool(_REFUSED.search(value) or _BREAKS.search(value))


def clean(value: str) -> str:
    """``value`` without the characters above (breaks become ``\\n``)."""
    if not has_refused(value):
        return value
    return _REFUSED.sub("", _BREAKS.sub("\n", value))


def clean_data(value):
    """``clean`` applied to every string (keys included) of parsed JSON."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    return value


def clean_query(params: QueryDict) -> QueryDict:
    """The same parameters, names and values cleaned; ``params`` itself if clean."""
    if not any(has_refused(k) or any(map(has_refused, vs)) for k, vs in params.lists()):
        return params
    out = QueryDict(mutable=True, encoding=params.encoding)
    for name, values in params.lists():
        out.setlist(clean(name), [clean(v) for v in values])
    out._mutable = False
    return out
