"""Commitments as open data: /api/v1/commitments/, under the same visibility as
the public list (a reply's commitments go where the reply goes; the office's
rejections stay with the office), keyed by the reply that states them."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from lianghui.commitments import services
from lianghui.commitments.models import Commitment
from lianghui.proposals.models import Reply

pytestmark = pytest.mark.django_db

LIST = "/api/v1/commitments/"


def _rows(client, query="", **headers):
    response = client.get(LIST + query, **headers)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_public_reads_the_commitments_of_published_replies(
    client, promises, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        rows = _rows(client)
    assert sorted(re.search("第.号办法", r["sentence"])[0] for r in rows) == [
        "第0号办法",
        "第1号办法",
    ]
    row = next(r for r in rows if "第0号办法" in r["sentence"])
    assert (row["agency"], row["outcome"], row["review"]) == ("miit", "lapsed", "suggested")
    assert (row["due_on"], row["due_precision"]) == ("2022-12-31", "year")
    assert row["reasons"] and 0 < row["confidence"] <= 1
    # The reply it names is the API's own, and the detail answers the same.
    reply = client.get(reverse("api:reply-detail", args=[row["reply"]])).json()
    assert row["sentence"] in reply["text_zh"]
    assert client.get(row["url"]).json() == row


def test_the_office_sees_unpublished_and_rejected_ones_the_public_does_not(
    client, promises, accounts
):
    hidden = Commitment.objects.get(sentence__contains="第2号办法")
    rejected = Commitment.objects.get(sentence__contains="第1号办法")
    services.commitment_review(commitment=rejected, decision="rejected", actor=accounts["office"])
    public = _rows(client)
    assert [r["sentence"] for r in public] == [
        Commitment.objects.get(sentence__contains="第0号办法").sentence
    ]
    client.force_login(accounts["office"])
    office = _rows(client)
    assert {r["sentence"] for r in office} >= {hidden.sentence, rejected.sentence}
    hidden_url = next(r["url"] for r in office if r["sentence"] == hidden.sentence)
    client.logout()
    # Out of sight answers as if it did not exist.
    assert client.get(hidden_url).status_code == 404


def test_filters_narrow_and_bad_values_are_named(client, promises):
    assert len(_rows(client, "?agency=miit")) == 2
    assert _rows(client, "?agency=nope") == []
    assert _rows(client, "?outcome=kept") == []
    assert len(_rows(client, "?outcome=lapsed&review=suggested")) == 2
    proposal = promises[0].key
    assert [r["proposal"] for r in _rows(client, f"?proposal={proposal}")] == [proposal]
    refused = client.get(LIST + "?outcome=forgotten")
    assert refused.status_code == 400 and "outcome" in refused.json()["errors"]


def test_a_later_reply_that_keeps_it_is_named_by_its_key(client, promises, committed):
    (c,) = Commitment.objects.filter(sentence__contains="第0号办法")
    with committed():  # as a real commit: the change stream then moves the data version
        later = Reply.objects.create(
            assignment=c.reply.assignment,
            category="A",
            replied_on=dt.date(2022, 10, 1),
            published=True,
        )
    services.commitments_refresh(today=dt.date(2023, 1, 2))
    (row,) = [r for r in _rows(client) if r["outcome"] == "kept"]
    assert row["kept_by_reply"] == row["reply"][:-1] + "1"  # the assignment's second reply
    assert (
        client.get(reverse("api:reply-detail", args=[row["kept_by_reply"]])).json()["replied_on"]
        == later.replied_on.isoformat()
    )
    later.published = False  # as the admin does
    with committed():
        later.save()
    (row,) = [r for r in _rows(client) if "第0号办法" in r["sentence"]]
    assert row["kept_by_reply"] is None  # a reply out of sight is not named


def test_the_index_links_the_list(client):
    assert client.get("/api/v1/").json()["commitments"].endswith(LIST)


def test_a_commitment_removed_through_the_model_leaves_the_cached_list_not_proposal_pages(
    client, promises, committed, settings
):
    from lianghui.proposals import stamps

    settings.LIANGHUI_API_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert len(_rows(client)) == len(_rows(client)) == 2  # the second from the cache
    gone = Commitment.objects.get(sentence__contains="第0号办法")
    page_stamp = stamps.stamp(gone.reply.assignment.proposal.key)
    with committed():
        gone.delete()  # as a shell or the admin's delete does
    assert [r for r in _rows(client) if "第0号办法" in r["sentence"]] == []
    # No proposal's page shows commitments: theirs stay cached.
    assert stamps.stamp(gone.reply.assignment.proposal.key) == page_stamp
