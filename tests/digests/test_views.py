"""The public highlights page and Markdown, and the office's desk."""

import pytest
from django.urls import reverse

from lianghui.digests import services
from lianghui.proposals import stamps
from lianghui.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_a_draft_is_not_public(client, session_world, accounts):
    services.digest_generate(session=session_world, actor=accounts["office"])
    assert client.get(reverse("digests:digest", args=["npc-2022"])).status_code == 404
    assert client.get(reverse("digests:markdown", args=["npc-2022"])).status_code == 404


def test_the_published_page_in_both_languages(client, published, django_assert_max_num_queries):
    url = reverse("digests:digest", args=["npc-2022"])
    with django_assert_max_num_queries(8):
        en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Riders&#x27; rights" in en and "edited by the office" in en
    assert "Why it was chosen:" in en and "2 co-signers." in en
    zh = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "入选理由" in zh and "马化腾" in zh
    session = client.get(reverse("portal:session", args=["npc-2022"])).content.decode()
    assert url in session


def test_a_proposal_unpublished_later_leaves_the_page(client, published):
    Proposal.objects.filter(key="labour-0").update(published=False)
    page = client.get(reverse("digests:digest", args=["npc-2022"])).content.decode()
    assert "关于骑手权益的第0条建议" not in page


def test_markdown_export(client, published):
    md = client.get(reverse("digests:markdown", args=["npc-2022"]), HTTP_ACCEPT_LANGUAGE="en")
    assert md["Content-Type"].startswith("text/markdown")
    text = md.content.decode()
    assert text.startswith("# Highlights of 5th Session of the 13th NPC")
    assert "## Themes of the session" in text and "(edited)" in text
    assert "/proposals/labour-0/" in text and "*Why: " in text


def test_the_desk_is_for_the_bodys_office(client, session_world, accounts):
    url = reverse("digests:desk", args=["npc-2022"])
    assert client.get(url).status_code == 302
    for who in ("watcher", "other_office", "agency"):
        client.force_login(accounts[who])
        assert client.get(url).status_code == 403
    client.force_login(accounts["office"])
    assert client.post(url, {"action": "generate"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Labour" in page and "Move up" in page
    item = session_world.digest.items.get(section="theme", position=0)
    client.post(url, {"action": "edit", "item": item.pk, "title_en": "", "title_zh": ""})
    item.refresh_from_db()
    assert item.title_en == "Labour"  # refused, nothing lost
    client.post(url, {"action": "publish"})
    session_world.digest.refresh_from_db()
    assert session_world.digest.status == "published"


def test_a_digest_published_as_generated_says_so(client, session_world, accounts):
    digest = services.digest_generate(session=session_world, actor=accounts["office"])
    services.digest_publish(digest=digest, actor=accounts["office"])
    page = client.get(reverse("digests:digest", args=["npc-2022"])).content.decode()
    assert "no item was changed by a person" in page and "edited by the office" not in page
    md = client.get(reverse("digests:markdown", args=["npc-2022"])).content.decode()
    assert "as generated: no item was changed by a person" in md


@pytest.mark.django_db(transaction=True)
def test_highlights_changed_through_the_models_leave_the_cached_page(client, published, settings):
    """A shell's edit, or a delete in the admin, reaches the cached public page at
    once, as the desk's audited steps do."""
    settings.LIANGHUI_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    url = reverse("digests:digest", args=["npc-2022"])
    assert "Riders&#x27; rights" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    item = published.items.get(title_en="Riders' rights")
    listed = Proposal.objects.filter(published=True).first().key
    page_stamp = stamps.stamp(listed)
    item.title_en = "Couriers' rights"
    item.save()
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Couriers&#x27; rights" in page and "Riders&#x27; rights" not in page
    # No proposal's page shows the highlights: proposal pages stay cached.
    assert stamps.stamp(listed) == page_stamp
    published.delete()
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 404
