"""SQLite's engine: FTS5 (migration 0002) over the titles, texts and filter
tokens of SearchDocument, joined on rowid = id."""

from __future__ import annotations

from django.db import connection

from lianghui.search import filtertokens
from lianghui.search.filters import SearchFilters
from lianghui.search.query import ParsedQuery, to_fts5

from .common import DOC, bunched, date_conds, filter_tokens, planner_figure, where

vendor = "sqlite"


def fts5_expr(q: ParsedQuery, f: SearchFilters) -> str:
    pos, neg = to_fts5(q)
    toks = filter_tokens(f)
    positives = []
    if toks:
        positives.append("filter_tokens : (" + " AND ".join(toks) + ")")
    if pos:
        positives.append("{title_tokens text_tokens} : (" + pos + ")")
    if not positives:
        positives.append(f"filter_tokens : {filtertokens.ALL}")
    expr = "(" + ") AND (".join(positives) + ")"
    if neg:
        expr += " NOT ({title_tokens text_tokens} : (" + neg + "))"
    return expr


def candidates(q: ParsedQuery, f: SearchFilters, *, ranked: bool, limit: int) -> list[tuple]:
    """(id, date, filter tokens, rank) of the newest ``limit`` matching documents;
    a lower rank is better: the words in the title first, then newest first.

    Not FTS5's bm25: its weights need every match of each phrase counted (a
    Chinese word is the phrase of its parts), which cost 84-260 ms for a common
    word on the 150,000-proposal benchmark against 15-35 ms for the lookup and
    a second one in the titles of the candidates."""
    conds, params = date_conds(f)
    with connection.cursor() as cur:
        # The date as ISO text (it sorts the same): parsing 2,000 dates cost more
        # than the rest of reading the rows.
        cur.execute(
            f"SELECT d.id, d.date || '', d.filter_tokens, 0"
            f" FROM search_fts JOIN {DOC} d ON d.id = search_fts.rowid"
            f"{where(['search_fts MATCH %s', *conds])}"
            " ORDER BY search_fts.rowid DESC LIMIT %s",
            [fts5_expr(q, f), *params, limit],
        )
        rows = cur.fetchall()
        pos, _neg = to_fts5(q)
        if not (ranked and q.must and pos and rows):
            return rows
        cur.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid >= %s",
            ["{title_tokens} : (" + pos + ")", rows[-1][0]],
        )
        titled = {row[0] for row in cur.fetchall()}
    # Titled first, then the newest index rows (a larger id is more recent).
    return [(i, d, t, (0 if i in titled else 1) * 1e15 - i) for i, d, t, _r in rows]


def by_date(q: ParsedQuery, f: SearchFilters, *, newest: bool, limit: int, offset: int):
    """Ids of one page of all the matches in date order (when there are too many
    to sort in memory)."""
    direction = "DESC" if newest else "ASC"
    conds, params = date_conds(f)
    order = f" ORDER BY d.date {direction} NULLS LAST, d.id {direction} LIMIT %s OFFSET %s"
    # Walk the date index and probe FTS5 for each row (rowid = d.id): with this
    # many matches spread over the years the page fills after a few hundred
    # probes, where "d.id IN (matches)" would first gather every match. Bunched
    # matches are gathered instead.
    if bunched(f):
        probe = "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
    else:
        probe = (
            "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s"
            " AND search_fts.rowid = d.id)"
        )
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT d.id FROM {DOC} d{where([probe, *conds])}{order}",
            [fts5_expr(q, f), *params, limit, offset],
        )
        return [row[0] for row in cur.fetchall()]


def matching_ids(q: ParsedQuery, f: SearchFilters, *, limit: int) -> list[int]:
    """Ids of up to ``limit`` matching documents, in no particular order."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s",
            [fts5_expr(q, f), limit],
        )
        return [row[0] for row in cur.fetchall()]


def row_check(q: ParsedQuery, f: SearchFilters, *, document: str, params: list) -> tuple[str, list]:
    """A condition true when the document picked by ``document`` (SQL over ``d``,
    with ``params``) matches: checked for each row the caller's order walks."""
    probe = "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s AND rowid = d.id)"
    sql = f"EXISTS (SELECT 1 FROM {DOC} d WHERE {document} AND {probe})"
    return sql, [*params, fts5_expr(q, f)]


def indexed_documents() -> float:
    """How many documents the index holds, kept per process (counting costs more
    than a search's other lookups, and no weight built on it needs the exact
    figure)."""

    def read():
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {DOC}")
            return float(cur.fetchone()[0])

    return planner_figure("indexed documents", read)


def warm_up() -> None:
    """Nothing is read ahead on SQLite: FTS5 needs no figures from outside."""
