"""The full-text engine, one module per database with the same functions:

- ``candidates(q, f, *, ranked, limit)``: (id, date, filter tokens, rank) of the
  newest ``limit`` matches, a lower rank better;
- ``by_date(q, f, *, newest, limit, offset)``: ids of one page of every match in
  date order;
- ``matching_ids(q, f, *, limit)``: ids of up to ``limit`` matches;
- ``row_check(q, f, *, document, params)``: SQL true when a document matches,
  checked row by row;
- ``indexed_documents()``: about how many documents the index holds;
- ``warm_up()``: read what the first search would (as a worker starts).

``current()`` picks SQLite's FTS5 or PostgreSQL's tsvector from the
connection's vendor; nothing else in the search app writes engine SQL."""

from __future__ import annotations

from types import ModuleType

from django.db import connection


def current() -> ModuleType:
    if connection.vendor == "postgresql":
        from . import postgres

        return postgres
    from . import sqlite

    return sqlite
