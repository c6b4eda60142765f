"""PostgreSQL: the newest matches looked for in spans of the newest ids are the
same as those found by looking at every match, whether the estimate of how many
match is right, too high (the spans come up short and more are looked in) or
the matches are fewer than asked for."""

import pytest
from django.db import connection

from lianghui.search.engine import postgres
from lianghui.search.filters import SearchFilters
from lianghui.search.query import parse

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(search_world):
    if connection.vendor != "postgresql":
        pytest.skip("spans of ids serve PostgreSQL's GIN index; FTS5 walks newest first")


def newest(query, limit, monkeypatch, *, matches):
    """The spans' answer, the estimate of matches being ``matches`` among as many
    documents as there are ids from the first to the last (the spans' arithmetic
    is in ids; the test database's ids are not dense)."""
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) - min(id) + 1 FROM search_searchdocument")
        ids = float(cur.fetchone()[0])
    monkeypatch.setattr(postgres, "documents_count", lambda cur: ids)
    monkeypatch.setattr(
        postgres, "expected_matches", lambda cur, q, f, documents: matches * ids / 21
    )
    monkeypatch.setattr(postgres, "SPANS_UP_TO", 10.0)
    q = parse(query)
    with connection.cursor() as cur:
        rows = postgres.candidates_with(cur, q, SearchFilters(), ranked=True, limit=limit)
    return [r[0] for r in rows]


def every_match(query):
    q = parse(query)
    expr, words = postgres.ts_expr(q, SearchFilters())
    with connection.cursor() as cur:
        rows = postgres.newest(
            cur, expr, words, [], [], order="d.id + 0", ranked=False, limit=10**6
        )
    return sorted((r[0] for r in rows), reverse=True)


@pytest.mark.parametrize(
    ("query", "limit", "estimate"),
    [
        # (estimates as if among 21 documents, the world's number)
        ("", 4, 21),  # everything, estimated right: one span
        ("", 2, 21),
        ("人工智能", 2, 21),  # 3 matches estimated as 21: short spans, then more
        ("", 3, 200),  # far too high: spans of a few ids
        ("", 12, 200),  # ... then the rest below them, whole
        ("人工智能", 2, 6),
        ("", 50, 100),  # fewer matches than asked for
    ],
)
def test_spans_find_the_same_newest_matches(pg, monkeypatch, query, limit, estimate):
    expected = every_match(query)[:limit]
    assert expected, "the world has matches"
    found = newest(query, limit, monkeypatch, matches=estimate)
    assert sorted(found, reverse=True) == expected
    assert len(found) == len(set(found))  # no span read twice
