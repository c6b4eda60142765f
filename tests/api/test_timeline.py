"""/api/v1/proposals/{key}/timeline/: the steps of the proposal page, in the
reader's language, as the visibility policy lets the caller see them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lianghui.proposals.selectors import proposal_detail
from lianghui.proposals.timeline import proposal_timeline

from . import scenarios as sc

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals/{}/timeline/"
RAW = re.compile(r"\[\s*'|'\s*\]|\bTrue\b|\bFalse\b|\bNone\b|status:|_on\b")


def _texts(response) -> list[str]:
    return [step["text"] for step in response.json()["steps"]]


def test_the_steps_are_the_pages_in_english_and_in_chinese(small_world, client, conforms):
    en = client.get(URL.format("p-1"), HTTP_ACCEPT_LANGUAGE="en")
    assert en.status_code == 200
    conforms(en, "/api/v1/proposals/{key}/timeline/")
    body = en.json()
    assert body["language"] == "en" and body["complete"] is False
    with translation.override("en"):
        page = [e.text for e in proposal_timeline(proposal=proposal_detail(key="p-1"))]
    assert _texts(en) == page
    assert _texts(en)[:2] == [
        "Submitted by Ma Huateng with 1 co-signer",
        "Filed by the office and made public",
    ]
    steps = body["steps"]
    transfer = next(s for s in steps if s["kind"] == "transferred")
    assert (transfer["agency"], transfer["from_agency"], transfer["on"]) == (
        "miit",
        "mohrss",
        "2022-04-01",
    )
    assert [s["n"] for s in steps] == list(range(1, len(steps) + 1))

    zh = client.get(URL.format("p-1"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.json()["language"] == "zh-hans"
    assert zh.json()["steps"][1]["text"] == "经办公室立案并公开"
    assert [s["kind"] for s in zh.json()["steps"]] == [s["kind"] for s in steps]
    for text in _texts(en) + _texts(zh):
        assert not RAW.search(text), text


def test_a_merger_names_the_proposal_it_went_into(small_world, client):
    steps = client.get(URL.format("p-2"), HTTP_ACCEPT_LANGUAGE="en").json()["steps"]
    merged = next(s for s in steps if s["kind"] == "merged")
    assert merged["proposal"] == "p-1"
    assert merged["text"].endswith("on the same matter: On the digital economy")


def test_the_public_does_not_see_an_unpublished_reply_the_office_does(accounts, api):
    p = sc.assigned("api-tl")
    from lianghui.proposals import services

    services.reply_create(assignment=p.assignments.get(), category="B", on=sc.DAY, published=False)
    public = api().get(URL.format("api-tl"))
    office = api("office").get(URL.format("api-tl"))
    assert "replied" not in [s["kind"] for s in public.json()["steps"]]
    assert "replied" in [s["kind"] for s in office.json()["steps"]]
    assert office.json()["complete"] is True
    # An unpublished proposal is not there for the public, as on its page.
    assert api().get(URL.format("api-draft")).status_code == 404
    assert api().get(URL.format("no-such")).status_code == 404


def test_the_detail_links_to_its_timeline(small_world, client):
    response = client.get("/api/v1/proposals/p-1/")
    assert response["Link"] == '<http://testserver/api/v1/proposals/p-1/timeline/>; rel="timeline"'
    assert "Link" not in client.get("/api/v1/proposals/no-such/")


def _count(client, url) -> int:
    client.get(url)  # warm the content-type cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_are_pinned_and_do_not_grow_with_the_steps(
    small_world, client, settings, django_assert_num_queries
):
    settings.LIANGHUI_API_CACHE_SECONDS = 0
    p = sc.rated("api-tl-q")
    before = _count(client, URL.format(p.key))
    from lianghui.people.models import Organization
    from lianghui.proposals import services

    p.refresh_from_db()
    services.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="mohrss"), role="joint", on=sc.DAY
    )
    assert _count(client, URL.format(p.key)) == before
    # proposal (with whether it has regulations, merged proposals and citations:
    # none here; its signers, topics, assignments, replies, audit log and its
    # body's vocabulary, for its words, in its row)
    with django_assert_num_queries(1):
        client.get(URL.format(p.key))
