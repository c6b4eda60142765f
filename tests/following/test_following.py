"""Following, feeds (RSS and Atom, valid XML with the required elements),
digests by email with a signed one-click unsubscribe, and the topic page."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core import mail
from django.db import connection

from lianghui.accounts.services import account_create
from lianghui.following import services
from lianghui.following.models import DigestSetting, Follow
from lianghui.following.tasks import send_digests

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def watcher(search_world):
    return account_create(username="w", password="x", role="watcher", email="w@example.org")


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.find(required) is not None and channel.find(required).text
    items = channel.findall("item")
    for item in items:
        assert item.find("title").text and item.find("link").text.startswith("http")
        assert item.find("guid").text
    return [(i.find("title").text, i.find("link").text) for i in items]


@pytest.mark.parametrize(
    ("url", "expected_link"),
    [
        ("/feeds/members/m-ma/", "/proposals/p-ai/"),
        ("/feeds/agencies/mohrss/", "/proposals/p-rider/"),
        ("/feeds/topics/ai/", "/proposals/p-cppcc/"),
        ("/feeds/regulations/algo-rules/", "/regulations/algo-rules/"),
        ("/feeds/search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD&type=proposal", "/proposals/p-ai/"),
    ],
)
def test_rss_feeds_are_valid_and_anonymous(client, search_world, url, expected_link):
    items = rss_items(client, url)
    assert any(link.endswith(expected_link) for _t, link in items)
    assert not any("p-hidden" in link for _t, link in items)


def test_atom_feeds_are_valid(client, search_world):
    for url in [
        "/feeds/members/m-ma/atom/",
        "/feeds/regulations/algo-rules/atom/",
        "/feeds/search/atom/?q=platform",
    ]:
        response = client.get(url)
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None
        for entry in root.findall(f"{ATOM}entry"):
            for required in ("id", "title", "updated"):
                assert entry.find(f"{ATOM}{required}") is not None


def test_unknown_things_have_no_feed(client, search_world):
    assert client.get("/feeds/members/nobody/").status_code == 404
    assert client.get("/feeds/topics/nope/atom/").status_code == 404


def test_a_watcher_follows_and_unfollows(client_for, watcher):
    c = client_for(watcher)
    page = c.get("/following/follow/member/?key=m-ma")
    assert (
        page.status_code == 200
        and "马化腾" in page.content.decode()
        or "Ma Huateng" in page.content.decode()
    )
    assert c.post("/following/follow/member/", {"key": "m-ma"}).status_code == 302
    assert c.post("/following/follow/search/", {"key": "q=platform"}).status_code == 302
    assert c.post("/following/follow/topic/", {"key": "nope"}).status_code == 302  # refused
    assert set(Follow.objects.values_list("target", "key")) == {
        ("member", "m-ma"),
        ("search", "q=platform"),
    }
    home = c.get("/following/").content.decode()
    assert "/feeds/members/m-ma/" in home
    c.post("/following/unfollow/member/", {"key": "m-ma"})
    assert list(Follow.objects.values_list("target", flat=True)) == ["search"]


def test_following_needs_a_sign_in(client, search_world):
    response = client.post("/following/follow/member/", {"key": "m-ma"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_daily_digest_with_one_click_unsubscribe(client, watcher):
    services.follow_create(user=watcher, target="member", key="m-ma")
    services.digest_set(user=watcher, frequency="daily")
    # p-ai (2022-03-06) and its replies (2022-06-06) are news for a digest on 2022-06-07
    DigestSetting.objects.filter(user=watcher).update(last_sent_on=dt.date(2022, 6, 5))
    assert send_digests.call(today="2022-06-07") == 1
    message = mail.outbox[-1]
    assert message.to == ["w@example.org"]
    assert "/proposals/p-ai/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>").split("8000", 1)[1]
    # no digest twice on a day, nothing new the next day
    assert send_digests.call(today="2022-06-07") == 0
    assert send_digests.call(today="2022-06-08") == 0
    # GET shows a button (link scanners change nothing); POST unsubscribes
    assert client.get(url).status_code == 200
    assert DigestSetting.objects.get(user=watcher).frequency == "daily"
    assert client.post(url).status_code == 200
    assert DigestSetting.objects.get(user=watcher).frequency == "none"
    assert client.post("/following/unsubscribe/forged-token/").status_code == 400


def test_weekly_digests_go_on_mondays(watcher):
    services.follow_create(user=watcher, target="topic", key="data")
    services.digest_set(user=watcher, frequency="weekly")
    assert send_digests.call(today="2023-03-08") == 0  # a Wednesday
    assert send_digests.call(today="2023-03-13") == 1  # Monday: p-econ, p-order (2023-03-06/07)
    assert "/proposals/p-econ/" in mail.outbox[-1].body


def test_digest_job_is_scheduled():
    from lianghui.core.schedule import JOBS

    assert any(j.task == "lianghui.following.tasks.send_digests" for j in JOBS)


def test_topic_page_with_a_trend_chart_and_its_table(
    client, search_world, django_assert_num_queries
):
    from django.core.cache import cache

    client.get("/topics/ai/")
    cache.clear()  # the search's results are cached: count the full work
    # topic, the reference version and labels (4: kept under that version, read
    # again here since the cache was emptied), savepoint and release, data version, matches with
    # their facet tokens, the page's documents, organization names, the bodies'
    # reply categories (the category facet's labels); on PostgreSQL the plan
    # settings set and restored around the matches' query
    with django_assert_num_queries(13 + (2 if connection.vendor == "postgresql" else 0)):
        response = client.get("/topics/ai/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'role="img"' in html and 'tabindex="0"' in html
    assert 'aria-labelledby="topic-years-title topic-years-desc"' in html
    assert "<title>2022: 1</title>" in html and "<title>2023: 2</title>" in html
    assert (
        "<caption>Proposals per year (the chart&#x27;s figures)</caption>" in html
        or "Proposals per year" in html
    )
    assert client.get("/topics/nope/").status_code == 404
