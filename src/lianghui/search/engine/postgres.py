"""PostgreSQL's engine: the generated ``vector`` column of SearchDocument (weights
A, B, D; 'simple' configuration) with its GIN index (migrations 0002, 0003, 0006),
and the choice of plan for "newest matches first" from the planner's statistics."""

from __future__ import annotations

from django.db import connection, transaction

from lianghui.search import filtertokens
from lianghui.search.filters import SearchFilters
from lianghui.search.query import ParsedQuery, atom_lexemes, to_tsquery

from .common import (
    CAP,
    DOC,
    bunched,
    date_conds,
    filter_tokens,
    planner_figure,
    where,
)

vendor = "postgresql"
PG_MATCH = "d.vector @@ to_tsquery('simple', %s)"


def candidates(q: ParsedQuery, f: SearchFilters, *, ranked: bool, limit: int) -> list[tuple]:
    """(id, date, filter tokens, rank) of the newest ``limit`` matching documents;
    a lower rank is better."""
    with connection.cursor() as cur:
        return candidates_with(cur, q, f, ranked=ranked, limit=limit)


def ts_expr(q: ParsedQuery, f: SearchFilters) -> tuple[str, str]:
    """(whole tsquery text, the words' part for ranking)."""
    # No weight marks (":AB"): they would make the GIN index recheck every row,
    # and the filter tokens' shape (f<name>x<hex>) is not a word anyone types.
    pos, neg = to_tsquery(q)
    toks = filter_tokens(f)
    positives = [f"'{t}'" for t in toks]
    if pos:
        positives.append(f"({pos})")
    if not positives:
        positives.append(f"'{filtertokens.ALL}'")
    expr = " & ".join(positives)
    if neg:
        expr += f" & !{neg}"
    return expr, to_tsquery(q, pairs=False)[0]


# A row checked by the walk costs this many rows of the bitmap (see plan_order).
WALK_COST = 1.4
# The span of newest ids looked in first, as a multiple of the span expected to
# hold the matches still needed (see candidates_with).
FLOOR_MARGIN = 2.0
WINDOWS = 4  # spans looked in before the rest is searched whole
# Above this share of the documents the walk is cheaper than spans: each span
# builds the GIN bitmap of every match (about 0.16 us a match), and the walk finds
# its CAP matches within a few thousand rows.
SPANS_UP_TO = 0.25


def candidates_with(cur, q: ParsedQuery, f: SearchFilters, *, ranked: bool, limit: int):
    """PostgreSQL's newest ``limit`` matches. Finding them takes a look at every
    match (the GIN bitmap knows no order) or a walk down the newest rows checking
    each (see plan_order). When many match, both are spared by looking in spans of
    ids, newest first: a span should hold FLOOR_MARGIN times the matches still
    needed (by the estimated share of matches at first, then by the share found
    in the last span), and PostgreSQL takes the bitmap of its ids and the GIN
    bitmap together (a word in 28,000 documents: 24 ms instead of 69). After
    WINDOWS spans, or at the lowest id, the rest is searched whole. Matches more
    common than SPANS_UP_TO take the walk, and filters tied to dates (a year, a
    session, a range) bunch the matches where spans would miss them: those are
    searched whole at once."""
    expr, words = ts_expr(q, f)
    conds, params = date_conds(f)
    documents = documents_count(cur)
    matches = expected_matches(cur, q, f, max(documents, 1.0))
    rows: list[tuple] = []
    if not bunched(f) and FLOOR_MARGIN * limit < matches < SPANS_UP_TO * documents:
        cur.execute(f"SELECT min(id), max(id) FROM {DOC}")
        lowest, highest = cur.fetchone()
        below = (highest or 0) + 1
        share = matches / max(documents, 1.0)
        for _window in range(WINDOWS):
            span = int(FLOOR_MARGIN * (limit - len(rows)) / share) + 1
            if below - span <= (lowest or 0):
                break
            window = [*conds, "d.id >= %s", "d.id < %s"]
            found = newest(
                cur,
                expr,
                words,
                window,
                [*params, below - span, below],
                order="d.id + 0",
                ranked=ranked,
                limit=limit - len(rows),
            )
            rows += found
            if len(rows) == limit:
                return rows
            below -= span
            share = max(len(found), 1) / span
        conds, params = [*conds, "d.id < %s"], [*params, below]
    order = plan_order(matches, documents, long_phrase=has_long_phrase(q))
    return rows + newest(
        cur, expr, words, conds, params, order=order, ranked=ranked, limit=limit - len(rows)
    )


def newest(cur, expr, words, conds, params, *, order, ranked, limit) -> list[tuple]:
    newest = (
        f"SELECT d.id, d.date, d.filter_tokens, d.vector FROM {DOC} d"
        f"{where([PG_MATCH, *conds])} ORDER BY {order} DESC LIMIT %s"
    )
    # Ranked outside the LIMIT: in the same SELECT, ts_rank read the vector of
    # every match from TOAST (43,000 of them for 关键信息基础设施, 270 ms), not only
    # of the newest ``limit``.
    rank = "-ts_rank(c.vector, to_tsquery('simple', %s))" if ranked and words else "0"
    sql = f"SELECT c.id, c.date, c.filter_tokens, {rank} FROM ({newest}) c"
    args = [*([words] if rank != "0" else []), expr, *params, limit]
    # The planner does not count reading each row's vector from TOAST to check
    # it, so instead of the GIN bitmap chosen here (plan_order) it took a scan of
    # the whole table, or of a span's ids down the primary key, checking every
    # row (2.9 s on the 150,000-proposal benchmark for a filter or two words the
    # bitmap answers in 40 ms). So a scan of the table is never allowed, and when
    # the bitmap was chosen neither is a walk down an index. The walk's choice is
    # left to the planner, which weighs it against the bitmap (filters bunching
    # the matches in old ids make the walk long). For this statement only (SET
    # LOCAL lasts until the transaction ends; TO DEFAULT restores it). No
    # savepoint: inside a caller's transaction the search runs in its own.
    held = ["enable_seqscan"] + (["enable_indexscan"] if order != "d.id" else [])
    with transaction.atomic(savepoint=False):
        cur.execute("; ".join(f"SET LOCAL {name} = off" for name in held))
        cur.execute(sql, args)
        rows = cur.fetchall()
        cur.execute("; ".join(f"SET LOCAL {name} TO DEFAULT" for name in held))
    return rows


def has_long_phrase(q: ParsedQuery) -> bool:
    return any(len(atom) > 2 for clause in q.must for alt in clause for atom in alt)


def plan_order(matches: float, documents: float, *, long_phrase: bool = False) -> str:
    """The newest-first key. "d.id" walks the primary key backwards, checking each
    row, and stops after CAP matches: the right plan when matches are very common.
    "d.id + 0" cannot use that index, so PostgreSQL takes the GIN bitmap of every
    match and sorts it. PostgreSQL picks the walk too often for words that are
    common but not very common, so the choice is made here from an estimate of
    the matches M among N documents (`expected_matches`). On the 150,000-proposal
    benchmark, with narrow rows (migration 0005), a row of the bitmap cost about
    2.3 us and a row checked by the walk about 3.3 us (it reads the row's vector
    from TOAST), and the walk checks about CAP * N / M rows: the bitmap is
    cheaper while M is below about sqrt(1.4 * CAP * N), some 28,000 of 273,000
    documents. (A word in 19,400 documents: 110 ms walking, 49 ms by the bitmap;
    one word in nearly every document: 10 ms walking, 580 ms by the bitmap.)
    A phrase of three or more tokens (checked on the positions of the rows
    holding its pairs) always takes the bitmap, which PostgreSQL replaces by a
    scan of the table when that is cheaper; a phrase's pair words are weighed
    like any word, and a two-token phrase (every Chinese compound: its parts) is
    its pair word, as cheap to check in the walk as one word."""
    if long_phrase:
        return "d.id + 0"
    return "d.id + 0" if matches * matches <= WALK_COST * CAP * documents else "d.id"


def expected_matches(cur, q: ParsedQuery, f: SearchFilters, documents: float) -> float:
    """Matches expected among ``documents``. The parts of one word (关键 信息 基础设施,
    自动 驾驶 自动驾驶) go together: such a word is as common as its rarest part,
    where the planner multiplies them as if independent and guesses far too few.
    Alternatives add up; separate words and filters are taken as independent."""
    share = 1.0
    for token in filter_tokens(f):
        share *= min(token_rows(cur, token) / documents, 1.0)
    for clause in q.must:
        rows = sum(
            min(token_rows(cur, t) for atom in alt for t in atom_lexemes(atom)) for alt in clause
        )
        share *= min(rows / documents, 1.0)
    return share * documents


def documents_count(cur) -> float:
    def read():
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [DOC])
        return float(cur.fetchone()[0])

    return planner_figure("documents", read)


# The planner's own guess for a word its statistics do not list (ts_selfuncs.c).
DEFAULT_WORD_SHARE = 0.005


def word_shares_with(cur) -> tuple[dict[str, float], float]:
    """(share of documents holding each of the most common index words, the share
    taken for any other word), from ANALYZE's statistics of the vector column:
    what the planner reads for a one-word query, in one query for every word."""

    def read():
        cur.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'vector'",
            [DOC],
        )
        row = cur.fetchone()
        if not row or not row[0]:
            return {}, DEFAULT_WORD_SHARE
        words, shares = row
        # After one share per word come the least and the greatest of them.
        return dict(zip(words, shares, strict=False)), min(
            shares[len(words)] / 2, DEFAULT_WORD_SHARE
        )

    return planner_figure("shares", read)


def word_shares(tokens: list[str]) -> dict[str, float]:
    """PostgreSQL: the planner's estimate of the share of documents holding each token."""
    with connection.cursor() as cur:
        common, rare = word_shares_with(cur)
    return {t: common.get(t, rare) for t in tokens}


def token_rows(cur, token: str) -> float:
    """The planner's estimate of the documents holding ``token``."""
    common, rare = word_shares_with(cur)
    return common.get(token, rare) * documents_count(cur)


def by_date(q: ParsedQuery, f: SearchFilters, *, newest: bool, limit: int, offset: int):
    """Ids of one page of all the matches in date order (when there are too many
    to sort in memory): migration 0004's (date DESC NULLS LAST, id DESC) index."""
    direction = "DESC" if newest else "ASC"
    conds, params = date_conds(f)
    order = f" ORDER BY d.date {direction} NULLS LAST, d.id {direction} LIMIT %s OFFSET %s"
    if bunched(f):  # "+ 0": not the index's order, so the GIN bitmap and a sort
        order = order.replace("d.date", "(d.date + 0)", 1)
    expr, _words = ts_expr(q, f)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT d.id FROM {DOC} d{where([PG_MATCH, *conds])}{order}",
            [expr, *params, limit, offset],
        )
        return [row[0] for row in cur.fetchall()]


def matching_ids(q: ParsedQuery, f: SearchFilters, *, limit: int) -> list[int]:
    """Ids of up to ``limit`` matching documents, in no particular order."""
    expr, _words = ts_expr(q, f)
    with connection.cursor() as cur:
        cur.execute(f"SELECT d.id FROM {DOC} d WHERE {PG_MATCH} LIMIT %s", [expr, limit])
        return [row[0] for row in cur.fetchall()]


def row_check(q: ParsedQuery, f: SearchFilters, *, document: str, params: list) -> tuple[str, list]:
    """A condition true when the document picked by ``document`` (SQL over ``d``,
    with ``params``) matches: checked for each row the caller's order walks."""
    expr, _words = ts_expr(q, f)
    probe = f"SELECT 1 FROM {DOC} d WHERE {document} AND {PG_MATCH}"
    # PostgreSQL would turn EXISTS into a join from every match; a scalar subquery
    # with LIMIT stays a per-row check.
    return f"({probe} LIMIT 1) IS NOT NULL", [*params, expr]


def indexed_documents() -> float:
    """How many documents the index holds: the planner's own figure."""
    with connection.cursor() as cur:
        return documents_count(cur)


def warm_up() -> None:
    """Read the planner's figures a search weighs its plan by (kept per process)."""
    with connection.cursor() as cur:
        documents_count(cur)
        word_shares_with(cur)
