"""Feeds read as a feed reader reads them: whatever a record holds (markup,
control characters), every feed parses as XML and no item carries live HTML.
Other outputs of the same records (API JSON, pages) stay readable too."""

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from lianghui.laws.models import Regulation, RegulationEvent
from lianghui.people.models import Member, Organization
from lianghui.proposals.models import Proposal, Reply, Topic
from lianghui.search.services import rebuild

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(2)&lt;/script&gt;",  # already escaped once
    '<a href="javascript:alert(3)">x</a>',
]
CONTROL = "\x0b\x01\x1f\ufffe"
LIVE = {"script", "img", "a", "iframe", "svg", "style"}


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def live_tags(html: str) -> set[str]:
    parser = Tags()
    parser.feed(html or "")
    parser.close()
    return parser.tags & LIVE


@pytest.fixture
def hostile_texts(search_world):
    """Titles, texts, replies, names and notes hold markup and control characters."""
    nul = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL cannot store it
    n = 0

    def text():
        nonlocal n
        n += 1
        return f"平台 platform {MARKUP[n % len(MARKUP)]} {CONTROL}{nul} 算法 {n}"

    for p in Proposal.objects.all():
        Proposal.objects.filter(pk=p.pk).update(
            title_zh=text(), title_en=text(), text_zh=text(), text_en=text(), summary_zh=text()
        )
    for r in Reply.objects.all():
        Reply.objects.filter(pk=r.pk).update(text_zh=text(), text_en=text())
    for model in (Member, Organization, Topic):
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(name_zh=text(), name_en=text())
    for pk in Regulation.objects.values_list("pk", flat=True):
        Regulation.objects.filter(pk=pk).update(title_zh=text(), title_en=text())
    for pk in RegulationEvent.objects.values_list("pk", flat=True):
        RegulationEvent.objects.filter(pk=pk).update(note_zh=text(), note_en=text())
    rebuild()


def feed_urls():
    """Every feed (RSS and Atom) of every followable record, and searches."""
    kinds = {
        "member": Member.objects.values_list("key", flat=True),
        "agency": Organization.objects.filter(kind="agency").values_list("key", flat=True),
        "topic": Topic.objects.values_list("key", flat=True),
        "regulation": Regulation.objects.values_list("key", flat=True),
    }
    for name, keys in kinds.items():
        for key in keys:
            yield reverse(f"feeds:{name}", args=[key])
            yield reverse(f"feeds:{name}-atom", args=[key])
    for query in ("", "?q=platform", "?q=%00", "?q=%0B%01", "?q=%3Cscript%3E", "?type=proposal"):
        yield reverse("feeds:search") + query
        yield reverse("feeds:search-atom") + query


def read_feed(client, url) -> list[tuple[str, str, bool]]:
    """(element, text, is HTML) of every title and body, as a reader decodes them."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    root = ET.fromstring(response.content)  # a control character would fail here
    out = []
    if root.tag == "rss":
        for item in root.iter("item"):
            out.append(("title", item.findtext("title"), True))
            out.append(("description", item.findtext("description"), True))
    else:
        for entry in root.iter(f"{ATOM}entry"):
            title = entry.find(f"{ATOM}title")
            out.append(("title", title.text, title.get("type") == "html"))
            summary = entry.find(f"{ATOM}summary")
            if summary is not None:
                assert summary.get("type") in {"html", "text"}
                out.append(("summary", summary.text, summary.get("type") == "html"))
    return out


def test_feeds_parse_and_carry_no_live_html(hostile_texts):
    client = Client(raise_request_exception=False)
    bodies = 0
    for url in feed_urls():
        for element, text, is_html in read_feed(client, url):
            if is_html:
                assert not live_tags(text), (url, element, text)
            bodies += element != "title" and "platform" in (text or "")
    assert bodies > 10  # the hostile texts did reach the feeds


def test_feed_bodies_read_as_the_text_that_was_written(hostile_texts):
    reply = Reply.objects.filter(published=True).select_related("assignment__agency").first()
    Reply.objects.filter(pk=reply.pk).update(text_en="Done: <b>x</b> & y\x0b\x01z")
    rebuild()
    client = Client()
    url = reverse("feeds:agency", args=[reply.assignment.agency.key])
    texts = [t for el, t, _h in read_feed(client, url) if el == "description"]
    # A reader decodes the HTML once and shows the text: markup as written.
    parser = HTMLParser(convert_charrefs=True)
    shown = []
    parser.handle_data = shown.append
    for text in texts:
        parser.feed(text)
    parser.close()
    assert any("<b>x</b> & y" in s for s in shown), texts


def test_stored_control_characters_leave_other_outputs_readable(hostile_texts):
    client = Client(raise_request_exception=False)
    proposal = Proposal.objects.filter(published=True).first()
    member = Member.objects.first()
    for url in (
        f"/api/v1/proposals/{proposal.key}/?include=assignments",
        "/api/v1/proposals/",
        "/api/v1/replies/",
        f"/api/v1/members/{member.key}/",
        "/api/v1/regulations/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        json.loads(response.content)
    for url in (
        f"/proposals/{proposal.key}/",
        f"/members/{member.key}/",
        "/search/?q=platform",
        "/proposals/",
        "/regulations/",
    ):
        assert client.get(url).status_code == 200, url
