"""Filters as words of the full-text index.

Every document carries, in ``SearchDocument.filter_tokens``, one token per filter
value it has (its type, body, session, year, kind, status, key flag, origin, and
each topic, agency, member, group and reply category), plus ``fall``. The
full-text index holds them in a column of their own, so a filtered search is one
index lookup (the words AND the filter tokens) instead of joins to other tables,
and the facet counts are read from the same column of the matched rows.

A token is ``f<filter>x<hex of the value>``: letters and digits only, so both
FTS5's unicode61 tokenizer and PostgreSQL's 'simple' parser keep it whole, and
no key (which may hold hyphens or dots) can run into its neighbour.
"""

from __future__ import annotations

from functools import lru_cache

ALL = "fall"  # every document: the base of a search with no words

# Filters (SearchFilters field names) kept as tokens. since/until are ranges,
# applied on the date column instead.
NAMES = (
    "type",
    "body",
    "session",
    "year",
    "kind",
    "status",
    "key",
    "generated",
    "topic",
    "agency",
    "category",
    "member",
    "group",
)


def token(name: str, value: object) -> str:
    if isinstance(value, bool):
        value = "1" if value else "0"
    return f"f{name}x{str(value).encode().hex()}"


@lru_cache(maxsize=65536)
def decode(tok: str) -> tuple[str, str] | None:
    """(filter name, value) of a token; None for ``fall`` or anything else."""
    name, sep, hexed = tok[1:].partition("x")
    if not sep or name not in NAMES:
        return None
    try:
        return name, bytes.fromhex(hexed).decode()
    except ValueError:
        return None


def for_document(fields: dict, tags: list[tuple[str, str]]) -> str:
    """The filter tokens of a document, from its field values and its tags."""
    toks = [ALL, token("type", fields["doc_type"])]
    for name, column in (
        ("body", "body"),
        ("session", "session"),
        ("year", "year"),
        ("kind", "proposal_kind"),
        ("status", "status"),
    ):
        value = fields.get(column)
        if value not in ("", None):
            toks.append(token(name, value))
    toks.append(token("key", bool(fields.get("is_key"))))
    toks.append(token("generated", bool(fields.get("generated"))))
    seen = set()
    for facet, value in tags:
        t = token(str(facet), value)
        if t not in seen:
            seen.add(t)
            toks.append(t)
    return " ".join(toks)
