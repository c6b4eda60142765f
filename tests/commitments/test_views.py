"""The public list, the agency page's section, the lapsed feed and the office queue."""

import pytest
from django.urls import reverse

from lianghui.commitments.models import Commitment

pytestmark = pytest.mark.django_db


def test_list_shows_public_commitments_in_both_languages(
    client, promises, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = client.get(reverse("commitments:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "第0号办法" in page and "第1号办法" in page
    assert "第2号办法" not in page  # its reply is not published
    assert "2 commitments: 0 kept, 0 open, 2 lapsed." in page
    zh = client.get(reverse("commitments:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已失效" in zh or "逾期" in zh


def test_list_filters_by_outcome(client, promises):
    page = client.get(reverse("commitments:list") + "?outcome=kept").content.decode()
    assert "第0号办法" not in page


def test_agency_page_counts_its_commitments(client, promises):
    page = client.get(reverse("portal:organization", args=["miit"])).content.decode()
    assert "it made 2 commitments: 0 kept, 0 open and 2 lapsed" in page


def test_lapsed_feed(client, promises):
    feed = client.get(reverse("commitments:lapsed-feed") + "?agency=miit").content.decode()
    assert feed.count("<item>") == 2 and "第1号办法" in feed
    assert client.get(reverse("commitments:lapsed-feed") + "?agency=nope").status_code == 404


def test_office_queue_confirms_and_refuses_others(client, promises, accounts):
    url = reverse("commitments:review-queue")
    assert client.get(url).status_code == 302
    client.force_login(accounts["watcher"])
    assert client.get(url).status_code == 403
    client.force_login(accounts["office"])
    page = client.get(url).content.decode()
    assert page.count('name="decision" value="confirmed"') == 3
    c = Commitment.objects.order_by("pk").first()
    r = client.post(reverse("commitments:review", args=[c.pk]), {"decision": "confirmed"})
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.review == "confirmed"
    client.force_login(accounts["other_office"])  # another body's office
    r = client.post(reverse("commitments:review", args=[c.pk]), {"decision": "rejected"})
    assert r.status_code == 404
