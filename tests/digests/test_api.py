"""A session's published highlights as data: /api/v1/sessions/<key>/highlights/,
the same items as the page, with their reasons and who changed them."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from lianghui.digests import services
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db

URL = "/api/v1/sessions/npc-2022/highlights/"


def test_a_draft_is_not_public(client, session_world, accounts):
    services.digest_generate(session=session_world, actor=accounts["office"])
    assert client.get(URL).status_code == 404
    assert client.get("/api/v1/sessions/no-such/highlights/").status_code == 404


def test_the_published_highlights_as_the_page_shows_them(
    client, published, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        data = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["edited"] is True and data["markdown"].endswith("/highlights.md")
    sections = [s["section"] for s in data["sections"]]
    assert sections[:2] == ["theme", "new"]
    theme = data["sections"][0]
    assert theme["label"] == "Themes of the session"
    first = theme["items"][0]
    assert (first["title_en"], first["generated"], first["changed"]) == (
        "Riders' rights",
        True,
        True,
    )
    assert first["reason_zh"] and first["reason_en"] and first["examples"]
    # Every item is on the page too (titles recur across sections: no order check).
    page = client.get(reverse("digests:digest", args=["npc-2022"])).content.decode()
    titles = [i["title_en"] for s in data["sections"] for i in s["items"] if i["title_en"]]
    positions = [page.find(t.replace("'", "&#x27;")) for t in titles]
    assert -1 not in positions
    assert (
        client.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["sections"][0]["label"]
        != (theme["label"])
    )


def test_a_proposal_unpublished_later_leaves_the_data(client, published):
    before = client.get(URL).json()
    keys = {k for s in before["sections"] for i in s["items"] for k in i["examples"]}
    assert "labour-0" in keys
    Proposal.objects.filter(key="labour-0").update(published=False)
    cache.clear()  # an update() in a test moves no data version
    after = client.get(URL).json()
    keys = {k for s in after["sections"] for i in s["items"] for k in i["examples"]}
    assert "labour-0" not in keys
