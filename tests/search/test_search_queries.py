"""The search page runs a fixed number of queries, however many records match."""

import pytest
from django.db import connection

from lianghui.exchange.importer import import_files

pytestmark = pytest.mark.django_db

# the reference version and, the first time, the reference labels (bodies,
# sessions, kinds, topics), the bodies' reply categories, a savepoint and its release
# (the search runs in one so a database error becomes a message), the data
# version (the cache key), then on a cache miss: the matches with their filter
# tokens (total, facets and order in one pass), the page's documents and the
# organizations named in facets. Ranked by relevance, SQLite looks the words up
# in the titles of the matches too (engine/sqlite.py).
TITLE_PASS = 1 if connection.vendor == "sqlite" else 0
# PostgreSQL: the plan settings set and restored around the matches' query when
# it takes the GIN bitmap (as it does for this small world), engine/postgres.py.
PLAN = 2 if connection.vendor == "postgresql" else 0
RANKED = "/search/?q=人工智能"
PAGES = [
    ("/search/", 12 + PLAN),
    (RANKED, 12 + TITLE_PASS + PLAN),
    ("/search/?q=人工智能&type=proposal&topic=ai&year=2022&generated=0&sort=newest", 12 + PLAN),
    ("/search/?q=-人工智能 OR", 12 + PLAN),
    # ... plus the member's name for the filter chip
    ("/search/?member=m-ma", 13 + PLAN),
    # nothing matches: only the matches' query
    ("/search/?q=zzzz", 10 + PLAN),
]
CACHED = 3  # a cache hit skips the matches, the documents and the organizations
LABELS = 4  # kept in the cache too, under the reference version


def _counted(client, url, expected, django_assert_num_queries):
    from django.core.cache import cache

    client.get(url)
    cache.clear()
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    hit = expected - (CACHED if "zzzz" not in url else 1) - (TITLE_PASS if url == RANKED else 0)
    hit -= PLAN + LABELS
    with django_assert_num_queries(hit):
        again = client.get(url)
    assert again.content == response.content
    return response


@pytest.mark.parametrize(("url", "expected"), PAGES)
def test_query_count_is_pinned(client, search_world, django_assert_num_queries, url, expected):
    _counted(client, url, expected, django_assert_num_queries)


def more(n):
    records = []
    for i in range(n):
        records.append(
            {
                "type": "proposal",
                "key": f"more-{i}",
                "session": "npc-2022" if i % 2 else "npc-2023",
                "kind": "npc-suggestion",
                "title_zh": f"关于人工智能的第{i}条建议",
                "title_en": f"Artificial intelligence, number {i}",
                "submitted_on": "2022-03-06",
                "status": "replied",
                "published": True,
                "topics": ["ai", "data"],
                "signers": [{"member": "m-ma"}, {"member": "m-gen", "role": "cosigner"}],
                "review": {"decision": "filed", "decided_on": "2022-03-20"},
                "assignments": [
                    {
                        "agency": "cac",
                        "role": "lead",
                        "assigned_on": "2022-03-25",
                        "due_on": "2022-06-25",
                        "replies": [
                            {
                                "category": "AB"[i % 2],
                                "replied_on": "2022-06-01",
                                "text_zh": "人工智能答复",
                                "published": True,
                            }
                        ],
                    }
                ],
            }
        )
    return records


@pytest.mark.parametrize(("url", "expected"), PAGES)
def test_query_count_does_not_grow_with_rows(
    client, search_world, indexing, jsonl, django_assert_num_queries, url, expected
):
    with indexing():
        import_files([jsonl(*more(60))])
    response = _counted(client, url, expected, django_assert_num_queries)
    if url == "/search/?q=人工智能":
        assert response.context["results"].total > 100
        assert len(response.context["results"].hits) == 20
