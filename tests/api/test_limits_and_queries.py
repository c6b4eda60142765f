"""Rate limits (429 + Retry-After) and query counts that stay constant as rows grow."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from . import scenarios as sc

pytestmark = pytest.mark.django_db


def test_anonymous_requests_are_limited_per_ip(small_world, client, settings):
    settings.LIANGHUI_API_RATES = {"anonymous": "3/min", "token": "100/min", "write": "100/min"}
    codes = [client.get("/api/v1/bodies/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get("/api/v1/bodies/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()["code"] == "throttled"
    # Another address has its own allowance.
    assert client.get("/api/v1/bodies/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_token_requests_are_limited_per_token(small_world, api, settings):
    settings.LIANGHUI_API_RATES = {"anonymous": "1/min", "token": "2/min", "write": "100/min"}
    member = api("member")
    assert [member.get("/api/v1/bodies/").status_code for _ in range(3)] == [200, 200, 429]
    assert "Retry-After" in member.get("/api/v1/bodies/")
    assert api("office").get("/api/v1/bodies/").status_code == 200


def _grow():
    """More of everything the list endpoints show: proposals with signers, topics,
    assignments, replies and feedback; members with seats; sessions; regulations."""
    for n in range(6):
        sc.rated(f"grow-{n}")
    from lianghui.laws.models import Regulation
    from lianghui.people.models import Member, Membership
    from lianghui.proposals.models import Body

    npc = Body.objects.get(key="npc")
    for n in range(4):
        m = Member.objects.create(key=f"grow-m{n}", name_zh=f"代表{n}")
        Membership.objects.create(member=m, body=npc)
        Regulation.objects.create(key=f"grow-r{n}", title_zh=f"规定{n}", kind="law")


LISTS = [
    "/api/v1/bodies/",
    "/api/v1/sessions/",
    "/api/v1/topics/",
    "/api/v1/members/",
    "/api/v1/organizations/",
    "/api/v1/agencies/",
    "/api/v1/proposals/",
    "/api/v1/proposals/?include=text,signers,review,assignments,regulations,sources",
    "/api/v1/proposals/?q=建议&topic=ai",
    "/api/v1/replies/",
    "/api/v1/feedback/",
    "/api/v1/regulations/?include=events,related_proposals,sources",
    "/api/v1/proposals/p-1/",
]
# Pinned: queries per request, anonymous (no token lookup), with no stored public
# documents: the first query of a proposal list or detail looks for them
# (test_public_documents.py pins the stored path: one query).
PINNED = {
    "/api/v1/bodies/": 3,  # bodies, their kinds, every body's vocabulary
    "/api/v1/sessions/": 1,
    "/api/v1/topics/": 1,
    "/api/v1/members/": 3,
    "/api/v1/organizations/": 1,
    "/api/v1/agencies/": 1,
    "/api/v1/proposals/": 4,
    "/api/v1/proposals/?include=text,signers,review,assignments,regulations,sources": 9,
    "/api/v1/proposals/?q=建议&topic=ai": 6,  # capped pass and stored rows, then rendered
    "/api/v1/replies/": 3,
    "/api/v1/feedback/": 3,
    "/api/v1/regulations/?include=events,related_proposals,sources": 5,
    # the stored document looked for, the proposal with its lists in its row (the
    # replies with their positions, keys.py), its regulations, merges, citations
    "/api/v1/proposals/p-1/": 5,
}


def _count(client, url):
    client.get(url)  # warm the content-type cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_query_counts_are_pinned_and_constant(
    small_world, client, django_assert_num_queries, settings
):
    from lianghui.search.services import rebuild

    # The uncached path (test_cache.py pins the cached one).
    settings.LIANGHUI_API_CACHE_SECONDS = 0

    rebuild()  # the index follows commits; inside a test transaction, rebuild it
    before = {url: _count(client, url) for url in LISTS}
    _grow()
    rebuild()
    after = {url: _count(client, url) for url in LISTS}
    assert after == before
    for url, n in PINNED.items():
        with django_assert_num_queries(n):
            client.get(url)


def test_the_limit_is_a_counter_per_window(small_world, client, settings, monkeypatch):
    """A fixed window: a new minute brings a fresh allowance, and Retry-After says
    how long until then."""
    from lianghui.api.tokens import throttling

    settings.LIANGHUI_API_RATES = {"anonymous": "2/min", "token": "100/min", "write": "100/min"}
    now = [600.0 + 50]  # 50 s into a minute
    monkeypatch.setattr(throttling._Configured, "timer", lambda self: now[0])
    assert [client.get("/api/v1/bodies/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/bodies/")["Retry-After"] == "10"
    now[0] += 10  # the next minute
    assert client.get("/api/v1/bodies/").status_code == 200
