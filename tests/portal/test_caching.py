"""Anonymous visitors get whole pages from the response cache; a committed write
anywhere shows on the next request; signed-in users and other languages never
get someone else's page; no CSRF token or cookie is ever stored."""

import pytest
from django.core.cache import caches
from django.test import Client

from lianghui.accounts.services import account_create
from lianghui.proposals.models import Proposal
from lianghui.proposals.services import proposal_set_key

# Transactional: the data version moves only when a write commits.
pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/proposals/",
    "/proposals/?topic=t-ai",
    "/proposals/t-rich/",
    "/members/",
    "/members/t-lei/",
    "/organizations/",
    "/organizations/t-cac/",
    "/sessions/",
    "/sessions/t-npc-2022/",
    "/regulations/",
    "/regulations/t-algo-rules/",
]


@pytest.fixture
def page_cache(settings):
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 600
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.mark.parametrize("url", PAGES)
def test_a_second_anonymous_hit_needs_one_query(
    client, portal_world, page_cache, django_assert_max_num_queries, url
):
    first = client.get(url)
    assert first.status_code == 200
    # The data version; a proposal page reads its own stamp (with the reference version).
    with django_assert_max_num_queries(1):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert not second.cookies
    vary = second["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_a_write_through_a_service_shows_on_the_next_hit(
    client, portal_world, page_cache, django_assert_max_num_queries
):
    before = client.get("/proposals/t-rich/").content.decode()
    assert "key proposal" in before
    proposal_set_key(proposal=Proposal.objects.get(key="t-rich"), is_key=False)
    after = client.get("/proposals/t-rich/").content.decode()
    assert "key proposal" not in after
    # ... and the list that counts key proposals elsewhere follows too.
    home = client.get("/")
    assert home.context is not None  # rendered afresh, not served from the cache
    assert home.context["proposal_totals"]["key"] == 0


def test_signed_in_users_never_get_or_leave_a_cached_page(
    client, portal_world, page_cache, django_assert_max_num_queries
):
    client.get("/members/t-lei/")  # cached for anonymous visitors
    watcher = account_create(username="w", password="x", role="watcher")
    signed_in = Client()
    signed_in.force_login(watcher)
    page = signed_in.get("/members/t-lei/").content.decode()
    assert "Sign out" in page and "Sign in</a>" not in page
    page = signed_in.get("/members/t-lei/").content.decode()  # still rendered for them
    assert "Sign out" in page
    # Nothing of theirs was stored for the anonymous visitor.
    with django_assert_max_num_queries(1):
        anonymous = client.get("/members/t-lei/").content.decode()
    assert "Sign out" not in anonymous and "Sign in</a>" in anonymous


def test_each_language_gets_its_own_page(
    client, portal_world, page_cache, django_assert_max_num_queries
):
    en = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    zh = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<html lang="en">' in en and '<html lang="zh-hans">' in zh
    with django_assert_max_num_queries(2):
        again_zh = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    with django_assert_max_num_queries(2):
        again_en = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en")
    assert again_zh.content.decode() == zh and again_zh["Content-Language"] == "zh-hans"
    assert again_en.content.decode() == en and again_en["Content-Language"] == "en"
    # The language cookie decides too, over Accept-Language.
    client.cookies["django_language"] = "zh-hans"
    assert client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en").content.decode() == zh


def test_errors_and_other_queries_are_not_served_from_the_cache(
    client, portal_world, page_cache, django_assert_num_queries
):
    assert client.get("/proposals/no-such/").status_code == 404
    assert client.get("/proposals/no-such/").context is not None  # rendered again
    client.get("/proposals/?page=1")
    second = client.get("/proposals/?page=2")
    assert second.context is not None  # another query string, another entry


def test_the_cache_can_be_switched_off(client, portal_world, settings):
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 0
    client.get("/proposals/t-rich/")
    assert client.get("/proposals/t-rich/").context is not None


def test_a_cache_that_keeps_nothing_costs_no_stamp(client, portal_world, page_cache, settings):
    """With the cache configured off (``LIANGHUI_CACHE_URL=dummy://``) a proposal
    page does not read the stamp its cache entry would be keyed by."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> list[str]:
        caches["default"].clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/proposals/t-rich/").status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    stored = queries()
    assert any("core_recordversion" in sql for sql in stored)  # the stamp, then a miss
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    kept_nothing = queries()
    assert not any("core_recordversion" in sql for sql in kept_nothing)
    assert len(kept_nothing) == len(stored) - 1


def test_a_proposal_page_outlives_changes_to_other_proposals(
    client, portal_world, page_cache, django_assert_max_num_queries
):
    from lianghui.core import audit

    first = client.get("/proposals/t-rich/")
    other = Proposal.objects.exclude(key="t-rich").filter(published=True).first()
    Proposal.objects.filter(pk=other.pk).update(title_en="Retitled elsewhere")
    audit.record(actor=None, root=Proposal.objects.get(pk=other.pk), action="admin-edit")
    with django_assert_max_num_queries(1):  # still the cached page
        again = client.get("/proposals/t-rich/")
    assert again.context is None and again.content == first.content


def test_a_proposal_page_follows_names_and_merges_it_shows(client, portal_world, page_cache):
    from lianghui.core import audit
    from lianghui.proposals.models import Topic

    page = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    topic = Topic.objects.get(key="t-ai")
    assert topic.name_en in page
    # A renamed topic (another kind of record) shows on the next hit.
    Topic.objects.filter(pk=topic.pk).update(name_en="Machine intelligence")
    audit.record(actor=None, root=Topic.objects.get(pk=topic.pk), action="admin-edit")
    page = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Machine intelligence" in page
    # A proposal merged into this one appears in its list of merged proposals.
    merged = Proposal.objects.exclude(key="t-rich").filter(published=True).first()
    Proposal.objects.filter(pk=merged.pk).update(merged_into=Proposal.objects.get(key="t-rich"))
    audit.record(actor=None, root=Proposal.objects.get(pk=merged.pk), action="merge")
    page = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'href="/proposals/{merged.key}/"' in page


def test_a_reply_moves_only_its_own_proposals_stamp(portal_world):
    from lianghui.proposals import stamps
    from lianghui.proposals.models import Reply

    reply = Reply.objects.select_related("assignment__proposal").first()
    mine = reply.assignment.proposal
    other = Proposal.objects.exclude(pk=mine.pk).exclude(merged_into=mine).first()
    if mine.merged_into_id == other.pk:
        other = Proposal.objects.exclude(pk__in=[mine.pk, other.pk]).first()
    before_mine, before_other = stamps.stamp(mine.key), stamps.stamp(other.key)
    reply.text_en = "Answered again"
    reply.save()  # committed: the change stream moves the stamps
    assert stamps.stamp(mine.key) != before_mine
    assert stamps.stamp(other.key) == before_other
    assert stamps.stamp("no-such-proposal") is None
