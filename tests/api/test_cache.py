"""The response cache of anonymous reads: one query when cached, fresh after any
committed write, and nothing private ever served from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.exchange.importer import import_files
from lianghui.people.models import Organization
from lianghui.proposals import services
from lianghui.proposals.models import Proposal

from . import scenarios as sc

URLS = ["/api/v1/proposals/", "/api/v1/proposals/p-1/", "/api/v1/proposals/?session=npc-2022"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_a_repeated_anonymous_read_costs_one_query(small_world, client, url):
    first = client.get(url)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert len(queries) <= 1, [q["sql"] for q in queries]
    assert again.status_code == 200 and again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"].startswith("public")
    # Revalidating is as cheap, with no body.
    with CaptureQueriesContext(connection) as queries:
        unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert len(queries) <= 1
    assert unchanged.status_code == 304 and unchanged.content == b""


@pytest.mark.django_db
def test_links_follow_the_host_asked(small_world, client):
    one = client.get("/api/v1/proposals/p-1/", HTTP_HOST="localhost")
    other = client.get("/api/v1/proposals/p-1/", HTTP_HOST="127.0.0.1")
    assert one.json()["url"].startswith("http://localhost/")
    assert other.json()["url"].startswith("http://127.0.0.1/")


def test_a_committed_write_changes_the_next_answer(transactional_db, small_world, client, jsonl):
    """Real commits: the data version moves after the service's transaction."""
    url = "/api/v1/proposals/p-1/"
    before = client.get(url)
    assert before.json()["is_key"] is False
    assert client.get(url).json()["is_key"] is False  # now served from the cache
    services.proposal_set_key(
        proposal=Proposal.objects.get(key="p-1"),
        is_key=True,
        supervisor=Organization.objects.get(key="npc-committee"),
    )
    after = client.get(url)
    assert (after.json()["is_key"], after.json()["key_supervisor"]) == (True, "npc-committee")
    assert after["ETag"] != before["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    # A change elsewhere (another record, another way in) retires cached lists too.
    listed = client.get("/api/v1/members/").json()["results"]
    import_files([jsonl({"type": "member", "key": "zz-new", "name_zh": "新代表"})])
    relisted = client.get("/api/v1/members/").json()["results"]
    assert [m["key"] for m in relisted] == [m["key"] for m in listed] + ["zz-new"]


@pytest.mark.django_db
def test_private_records_never_reach_the_anonymous_cache(small_world, api):
    draft = sc.draft("api-secret").key
    member, anonymous = api("member"), api()
    url = "/api/v1/proposals/?session=npc-2022&limit=500"
    mine = member.get(url)
    assert draft in {p["key"] for p in mine.json()["results"]}
    assert mine["Cache-Control"].startswith("private")
    public = anonymous.get(url)
    assert draft not in {p["key"] for p in public.json()["results"]}
    assert public["ETag"] != mine["ETag"]
    # The other way round: a cached public answer is not served to a token.
    assert draft in {p["key"] for p in member.get(url).json()["results"]}
    assert member.get(f"/api/v1/proposals/{draft}/").status_code == 200
    assert anonymous.get(f"/api/v1/proposals/{draft}/").status_code == 404
    # A token's ETag does not validate the anonymous answer, nor the reverse.
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200
    assert member.get(url, HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 200


@pytest.mark.django_db
def test_the_cache_can_be_turned_off(small_world, client, settings):
    settings.LIANGHUI_API_CACHE_SECONDS = 0
    client.get("/api/v1/proposals/p-1/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/proposals/p-1/")
    assert len(queries) > 1
