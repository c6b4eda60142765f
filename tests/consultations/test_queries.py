"""The consultation pages and API lists run a fixed number of queries, however
many comments, themes and campaigns they show (pinned, then the world grows)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.consultations import services

from .conftest import DURING, article

pytestmark = pytest.mark.django_db

PINNED = {
    # the consultations with their published counts
    "/consultations/": 1,
    # consultation, articles, comments shown, campaigns, counts by capacity,
    # themes, their counts, their quotes, the response
    "/consultations/pipl-draft/": 9,
    # consultation, response, comments (+ the feed's lookup)
    "/feeds/consultations/pipl-draft/": 4,
    "/api/v1/consultations/": 1,
    # consultation, articles, themes, counts, quotes, response
    "/api/v1/consultations/pipl-draft/": 6,
    "/api/v1/consultation-comments/?consultation=pipl-draft": 1,
}
URLS = list(PINNED)


def _add(consultation, accounts, n: int) -> None:
    for i in range(n):
        c = services.comment_create(
            consultation=consultation,
            author=accounts["watcher"],
            capacity=["worker", "union", "company"][i % 3],
            text=f"第{i}条意见：工作时间和休息时间应当写明。" if i % 2 else "支持工会参与！",
            provision=article(consultation, "第二条") if i % 2 else None,
            now=DURING,
        )
        services.comment_moderate(comment=c, moderator=accounts["office"], decision="published")


def _counts(client) -> dict[str, int]:
    out = {}
    for url in URLS:
        client.get(url)  # warm the per-process caches (content types, vocabularies)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        out[url] = len(queries)
    return out


def test_query_counts_do_not_grow_with_comments(consultation, accounts, client, settings):
    settings.LIANGHUI_API_CACHE_SECONDS = 0
    _add(consultation, accounts, 6)
    for theme in services.themes_propose(consultation=consultation, actor=accounts["office"]):
        services.theme_accept(theme=theme, user=accounts["office"])
    small = _counts(client)
    assert small == PINNED
    _add(consultation, accounts, 18)
    services.themes_propose(consultation=consultation, actor=accounts["office"])
    assert _counts(client) == small
