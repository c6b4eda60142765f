"""The public pages: what they show, filters, generated badges, citations,
the regulation timeline, and forgiving handling of bad input."""

import re

import pytest
from django.urls import reverse

from lianghui.laws.models import Regulation
from lianghui.laws.selectors import RegulationFilters, regulation_search, regulation_timeline
from lianghui.proposals.models import Feedback, Proposal, Reply

pytestmark = pytest.mark.django_db

BADGE = 'class="badge badge-generated"'


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def keys(response) -> list[str]:
    return [p.key for p in response.context["page_obj"].object_list]


def between(text: str, start: str, end: str) -> str:
    head = text.index(start)
    return text[head : text.index(end, head)]


# ---------------------------------------------------------------------------
# Every page renders


ALL_PAGES = [
    "/",
    "/proposals/",
    "/proposals/t-rich/",
    "/proposals/t-plain/",
    "/proposals/t-gen/",
    "/members/",
    "/members/t-ma/",
    "/members/t-zhang/",
    "/members/t-gen-member/",
    "/organizations/",
    "/organizations/t-cac/",
    "/organizations/t-state-council/",
    "/organizations/t-guangdong-delegation/",
    "/organizations/t-tencent/",
    "/sessions/",
    "/sessions/t-npc-2022/",
    "/sessions/t-cppcc-2022/",
    "/regulations/",
    "/regulations/t-algo-rules/",
    "/regulations/t-labour-guidance/",
    "/regulations/t-gen-reg/",
]


@pytest.mark.parametrize("url", ALL_PAGES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_page_renders_without_inline_script_or_style(client, portal_world, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    text = html(response)
    assert f'<html lang="{language}">' in text
    # CSP is default-src 'self': nothing inline, nothing external.
    assert "<script" not in text
    assert " style=" not in text and "<style" not in text
    assert 'href="/static/portal/portal.css"' in text
    assert "Content-Security-Policy" in response.headers
    # Landmarks, skip link, the language switcher.
    assert 'href="#main"' in text and '<main id="main"' in text
    assert '<nav class="site-nav"' in text and "<footer" in text
    # A GET form: anonymous pages carry no CSRF token, so they can be cached.
    assert 'action="/language/" method="get"' in text and "csrfmiddlewaretoken" not in text


def test_named_urls_are_kept():
    assert reverse("portal:home") == "/"
    assert reverse("portal:proposal", args=["k"]) == "/proposals/k/"
    assert reverse("portal:member", args=["k"]) == "/members/k/"
    assert reverse("portal:organization", args=["k"]) == "/organizations/k/"
    assert reverse("portal:session", args=["k"]) == "/sessions/k/"
    assert reverse("portal:regulation", args=["k"]) == "/regulations/k/"
    assert reverse("set_language") == "/i18n/setlang/"


# ---------------------------------------------------------------------------
# Home


def test_home_counts_and_teasers(client, portal_world):
    response = client.get("/")
    text = html(response)
    totals = response.context["proposal_totals"]
    assert totals == {"total": 3, "generated": 1, "key": 1, "sessions": 2}
    assert response.context["people_totals"]["agencies"] == 4
    assert response.context["regulation_totals"]["in_effect"] == 2
    # The tracker puts the latest milestone or event first (the algorithm rules'
    # amendment of May 2023) and leaves undated ones out.
    assert [r.key for r in response.context["tracker"]] == [
        "t-algo-rules",
        "t-gen-reg",
        "t-shenzhen-ai",
        "t-labour-guidance",
    ]
    assert "Strengthen the governance of algorithmic recommendation" in text
    assert "/sessions/t-npc-2022/" in text


# ---------------------------------------------------------------------------
# Proposals


def test_proposal_list_newest_first_with_lead_and_topics(client, portal_world):
    response = client.get("/proposals/")
    assert keys(response) == ["t-gen", "t-rich", "t-plain"]
    text = html(response)
    assert 'href="/members/t-ma/"' in text  # the lead proposer, linked
    assert "Artificial intelligence" in text  # a topic


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("session=t-cppcc-2022", ["t-plain"]),
        ("body=t-cppcc", ["t-plain"]),
        ("kind=t-npc-suggestion", ["t-gen", "t-rich"]),
        ("status=not_filed", ["t-gen"]),
        ("topic=t-labour", ["t-plain"]),
        ("generated=1", ["t-gen"]),
        ("generated=0", ["t-rich", "t-plain"]),
        ("q=算法", ["t-rich"]),
        ("q=GIG+workers", ["t-plain"]),
        ("member=t-lei", ["t-rich"]),
        ("agency=t-mohrss", ["t-rich"]),
        ("session=t-npc-2022&generated=0&topic=t-ai", ["t-rich"]),
    ],
)
def test_proposal_filters(client, portal_world, query, expected):
    from lianghui.search.services import rebuild

    rebuild()  # the words (q=) are looked up in the search index
    response = client.get(f"/proposals/?{query}")
    assert keys(response) == expected
    assert "Ignored the unknown value" not in html(response)


def test_active_filters_are_shown_with_a_way_to_remove_them(client, portal_world):
    text = html(client.get("/proposals/?status=not_filed&topic=t-ai&page=1"))
    chips = between(text, '<ul class="chips"', "</ul>")
    assert "Not filed" in chips and "Artificial intelligence" in chips
    assert 'href="?topic=t-ai"' in chips  # removing the status keeps the topic
    assert 'href="?status=not_filed"' in chips


@pytest.mark.parametrize(
    "query",
    [
        "status=bogus",
        "session=no-such-session",
        "kind=x",
        "topic=%3Cscript%3E",
        "generated=maybe",
        "member=nobody",
        "agency=nowhere",
        "body=" + "x" * 500,
    ],
)
def test_unknown_filter_values_are_ignored_and_reported(client, portal_world, query):
    response = client.get(f"/proposals/?{query}")
    text = html(response)
    assert keys(response) == ["t-gen", "t-rich", "t-plain"]
    assert 'class="notice notice-warning" role="status"' in text
    assert "Ignored the unknown value" in text
    assert "<script>" not in text  # echoed values are escaped


def test_overlong_query_is_cut_not_refused(client, portal_world):
    response = client.get("/proposals/", {"q": "算" * 5000})
    assert response.status_code == 200
    assert response.context["filters"].query == "算" * 200


def test_proposal_detail_shows_the_whole_story(client, portal_world):
    text = html(client.get("/proposals/t-rich/"))
    # Both titles: the translation as heading, the original marked as such.
    assert '<h1 id="page-title" lang="en">Strengthen the governance' in text
    assert "Original (Chinese)" in text and "关于加强算法推荐治理的建议" in text
    # Summary with the other language one click away; the Chinese-only text.
    assert "Calls for a better algorithm filing system." in text
    assert "建议完善算法备案制度。" in text
    assert "第一段。" in text
    # Proposers, linked, with roles; a group signer links to the organization.
    proposers = between(text, 'id="proposers-heading"', "</section>")
    assert proposers.index("/members/t-ma/") < proposers.index("/members/t-lei/")
    assert "Lead proposer" in proposers and "Co-signer" in proposers
    assert "/organizations/t-guangdong-delegation/" in proposers
    # Status with its label and explanation; key proposal; review.
    assert "Replied" in text and "Every assigned agency has replied." in text
    assert "key proposal" in text
    review = between(text, 'id="review-heading"', "</section>")
    assert "Filed" in review and "Filed on first reading." in review
    # Assignments: agency, role, dates, transfer; replies with category and feedback.
    handling = between(text, 'id="handling-heading"', "</section>")
    assert handling.index("/organizations/t-miit/") < handling.index("/organizations/t-cac/")
    assert "Lead unit (主办)" in handling and "Joint handler (会办)" in handling
    assert "Assisting unit (协办)" in handling
    assert "transferred away" in handling and "Transferred from" in handling
    assert 'datetime="2022-07-01"' in handling
    assert "B: in progress or planned" in handling and "A: adopted or solved" in handling
    assert "C: explained or kept for reference" in handling
    assert "Basically satisfied" in handling and "Please publish a timetable." in handling
    # The proposer published that comment; the other one stays with those handling it.
    assert "No concrete measure." not in handling
    assert "Unsatisfied" in handling
    # Related regulations and sources with locator, publisher and local file.
    assert "/regulations/t-algo-rules/" in text
    sources = between(text, 'id="sources-heading"', "</section>")
    assert "Report on the handling of deputies&#x27; suggestions" in sources
    assert "NPC Observer" in sources
    assert "t-npc-report.txt" not in sources  # no local copy held: no claim of one
    assert "Annex 2, item 14" in sources and "Paragraph 4" in sources
    assert 'href="https://example.org/npc-report"' in sources
    assert BADGE not in text


def test_proposal_known_only_in_translation_says_so(client, portal_world):
    text = html(client.get("/proposals/t-plain/"))
    assert "The original (Chinese) wording is not recorded; this is a translation." in text


def test_unpublished_proposals_are_not_public(client, portal_world):
    assert client.get("/proposals/t-hidden/").status_code == 404
    assert "t-hidden" not in keys(client.get("/proposals/?member=t-lei"))
    member = html(client.get("/members/t-lei/"))
    assert "An unpublished suggestion" not in member
    session = client.get("/sessions/t-npc-2022/")
    assert session.context["totals"]["total"] == 2
    assert "under_review" not in [s.value for s, _n in session.context["status_counts"]]


# ---------------------------------------------------------------------------
# Generated records are marked; real ones cite their sources


@pytest.mark.parametrize(
    ("url", "marked", "unmarked"),
    [
        ("/proposals/", "/proposals/t-gen/", "/proposals/t-rich/"),
        ("/members/", "/members/t-gen-member/", "/members/t-ma/"),
        ("/organizations/", "/organizations/t-gen-company/", "/organizations/t-tencent/"),
        ("/regulations/", "/regulations/t-gen-reg/", "/regulations/t-algo-rules/"),
    ],
)
def test_generated_rows_carry_the_badge(client, portal_world, url, marked, unmarked):
    text = html(client.get(url))

    def row_of(href):
        return between(text, f'<a href="{href}"', "</tr>")

    assert BADGE in row_of(marked)
    assert BADGE not in row_of(unmarked)


@pytest.mark.parametrize(
    "url",
    [
        "/proposals/t-gen/",
        "/members/t-gen-member/",
        "/organizations/t-gen-company/",
        "/regulations/t-gen-reg/",
    ],
)
def test_generated_detail_pages_say_so(client, portal_world, url):
    text = html(client.get(url))
    assert BADGE in text
    assert "This record was made by the demo data generator." in text
    assert "Generated demo data has no sources." in text


def test_seed_facts_show_their_citations(client, seed_facts):
    text = html(client.get("/regulations/algorithmic-recommendation-provisions/"))
    assert "Regulation: draft first released 27 August 2021" in text
    assert "001_78db464e4677523d.txt" not in text  # linked only when a copy is held
    text = html(client.get("/members/ma-huateng/"))
    assert "What Chinese tech CEOs are telling Beijing" in text
    assert "Protocol" in text and BADGE not in text


# ---------------------------------------------------------------------------
# Members, organizations, sessions


def test_member_detail(client, portal_world):
    text = html(client.get("/members/t-ma/"))
    assert '<h1 id="page-title" lang="en">Ma Huateng</h1>' in text
    assert "马化腾" in text
    seats = between(text, 'id="seats-heading"', "</section>")
    assert "National People&#x27;s Congress" in seats
    assert "/organizations/t-guangdong-delegation/" in seats and "since 2013" in seats
    affiliations = between(text, 'id="affiliations-heading"', "</section>")
    assert "/organizations/t-tencent/" in affiliations and "chairman and CEO" in affiliations
    proposals = between(text, 'id="proposals-heading"', "</section>")
    assert "<h3>2022" in proposals and "/proposals/t-rich/" in proposals
    assert "Deputies list" in text  # the citation's locator


def test_member_filters(client, portal_world):
    assert keys(client.get("/members/?body=t-cppcc")) == ["t-zhang"]
    assert keys(client.get("/members/?organization=t-tencent")) == ["t-ma"]
    assert keys(client.get("/members/?organization=t-guangdong-delegation")) == [
        "t-gen-member",
        "t-ma",
    ]
    assert keys(client.get("/members/?generated=1")) == ["t-gen-member"]
    assert keys(client.get("/members/?q=雷")) == ["t-lei"]


def test_organization_list_filters_by_kind(client, portal_world):
    response = client.get("/organizations/?kind=agency")
    assert keys(response) == ["t-cac", "t-miit", "t-mohrss", "t-state-council"]
    assert keys(client.get("/organizations/?sector=internet")) == ["t-tencent"]
    assert "Ignored" in html(client.get("/organizations/?kind=ministry-of-truth"))


def test_agency_detail(client, portal_world):
    response = client.get("/organizations/t-cac/")
    text = html(response)
    total = response.context["performance"]["total"]
    assert (total.assigned, total.lead, total.replied) == (1, 1, 1)
    assert "Internet content and data security" in text  # remit
    assert "/organizations/t-state-council/" in text  # parent
    assert "/proposals/t-rich/" in text
    issued = between(text, 'id="issued-heading"', "</section>")
    assert "/regulations/t-algo-rules/" in issued
    parent = html(client.get("/organizations/t-state-council/"))
    children = between(parent, 'id="children-heading"', "</section>")
    assert "/organizations/t-cac/" in children and "/organizations/t-miit/" in children
    assert "封面" in parent  # citation locator


def test_organization_detail_lists_members(client, portal_world):
    text = html(client.get("/organizations/t-guangdong-delegation/"))
    members = between(text, 'id="members-heading"', "</section>")
    assert "/members/t-ma/" in members and "/members/t-gen-member/" in members
    assert "2018–2022" in members


def test_long_related_lists_link_to_the_full_list(client, grow):
    grow(55)
    text = html(client.get("/organizations/t-cac/"))
    assert 'href="/proposals/?agency=t-cac"' in text
    assert 'href="/regulations/?issuer=t-cac"' in text
    text = html(client.get("/organizations/t-tencent/"))
    assert 'href="/members/?organization=t-tencent"' in text


def test_session_detail_counts(client, portal_world):
    response = client.get("/sessions/t-npc-2022/")
    text = html(response)
    assert [(s.value, n) for s, n in response.context["status_counts"]] == [
        ("not_filed", 1),
        ("replied", 1),
    ]
    assert [(k.key, k.proposal_count) for k in response.context["kind_counts"]] == [
        ("t-npc-suggestion", 2)
    ]
    assert 'href="/proposals/?session=t-npc-2022&amp;status=replied"' in text
    assert 'href="/proposals/?session=t-npc-2022"' in text
    assert "2022-03-05" in text  # opens_on
    assert "p. 1" in text  # citation locator


def test_session_list(client, portal_world):
    response = client.get("/sessions/")
    assert [(s.key, s.proposal_count) for s in response.context["page_obj"]] == [
        ("t-cppcc-2022", 1),
        ("t-npc-2022", 2),
    ]
    assert keys(client.get("/sessions/?body=t-npc")) == ["t-npc-2022"]


# ---------------------------------------------------------------------------
# Regulations


def test_regulation_list_filters(client, portal_world):
    assert keys(client.get("/regulations/?kind=local_regulation")) == ["t-shenzhen-ai"]
    assert keys(client.get("/regulations/?jurisdiction=Shenzhen")) == ["t-shenzhen-ai"]
    assert keys(client.get("/regulations/?stage=effective")) == ["t-algo-rules", "t-shenzhen-ai"]
    assert keys(client.get("/regulations/?stage=published")) == ["t-labour-guidance"]
    assert keys(client.get("/regulations/?stage=comment_closes")) == ["t-gen-reg"]
    assert keys(client.get("/regulations/?issuer=t-mohrss")) == ["t-labour-guidance"]
    assert keys(client.get("/regulations/?q=algorithm")) == ["t-algo-rules"]
    assert "Ignored" in html(client.get("/regulations/?stage=someday"))


def test_regulation_timeline_is_in_date_order_with_citations(client, portal_world):
    text = html(client.get("/regulations/t-algo-rules/"))
    timeline = between(text, '<ol class="timeline">', "</ol>\n")
    dates = re.findall(r'<time datetime="([\d-]+)" class="when">', timeline)
    assert dates == [
        "2021-08-27",  # drafted
        "2021-09-26",  # comment closes
        "2021-11-16",  # an event (reading) between milestones
        "2022-01-04",  # published
        "2022-03-01",  # effective
        "2023-05-01",  # amended
    ]
    entries = timeline.split('<li class="timeline-entry')[1:]
    labels = [re.search(r"<strong>(.*?)</strong>", e).group(1) for e in entries]
    assert labels == [
        "Draft released",
        "Public comment closes",
        "Reading",
        "Published",
        "In effect",
        "Amended",
    ]
    # Each citation sits next to the date it supports.
    assert "Draft of 27 August" in entries[0]
    assert "Headline: final rules out on 4 January" in entries[3]
    assert "第三十五条" in entries[4]
    assert "Later amendment" in entries[5]
    assert "Adopted at an office meeting." in entries[2]
    assert "Headline" not in entries[4]
    # Issuers, related proposals, and every citation in the sources list.
    assert "/organizations/t-cac/" in text and "/proposals/t-rich/" in text
    sources = between(text, 'id="sources-heading"', "</section>")
    # five passages of two sources: each source listed once, with its passages
    assert sources.count("<li>") == 2 and "全文" in sources


def test_regulation_timeline_orders_ties_milestones_first(portal_world):
    regulation = Regulation.objects.get(key="t-shenzhen-ai")
    regulation.events.create(date=regulation.adopted_on, kind="announced")
    timeline = regulation_timeline(regulation=regulation)
    assert [(e.date.isoformat(), e.stage or e.event.kind) for e in timeline] == [
        ("2022-08-30", "adopted"),
        ("2022-08-30", "announced"),
        ("2022-11-01", "effective"),
    ]


def test_stage_means_the_furthest_milestone_reached(portal_world):
    def found(stage):
        return [r.key for r in regulation_search(filters=RegulationFilters(stage=stage))]

    # t-gen-reg was drafted, but has gone on to the comment period since.
    assert found("drafted") == []
    assert found("comment_closes") == ["t-gen-reg"]


# ---------------------------------------------------------------------------
# Bad input never gives a 500


@pytest.mark.parametrize(
    "url",
    [
        "/proposals/no-such-proposal/",
        "/members/no-such-member/",
        "/organizations/no-such-organization/",
        "/sessions/no-such-session/",
        "/regulations/no-such-regulation/",
        "/proposals/t-hidden/",
        "/no/such/page/",
    ],
)
def test_unknown_keys_are_404(client, portal_world, url):
    response = client.get(url)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Not found" in text and 'href="/"' in text


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "99999", "9" * 40, "%00"])
@pytest.mark.parametrize(
    "url", ["/proposals/", "/members/", "/organizations/", "/sessions/", "/regulations/"]
)
def test_bad_page_numbers_do_not_fail(client, portal_world, url, page):
    response = client.get(f"{url}?page={page}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_out_of_range_page_shows_the_last_page(client, grow):
    grow(60)
    response = client.get("/proposals/?page=7")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    text = html(response)
    assert 'aria-current="page"' in between(text, '<nav class="pagination"', "</nav>")


def test_pages_only_answer_get_and_head(client, portal_world):
    assert client.post("/proposals/").status_code == 405
    assert client.head("/proposals/").status_code == 200


def test_a_django_page_and_a_jinja2_page_share_one_partial(portal_world, client):
    # The bilingual heading is a Jinja2 macro; the member page (Django's language)
    # and the proposal page (its record in Jinja2) both show it.
    for url in ["/members/t-lei/", "/proposals/t-rich/"]:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert '<h1 id="page-title"' in page, url


def test_what_a_visitor_wrote_is_escaped_on_the_proposal_page(portal_world, client):
    proposal = Proposal.objects.get(key="t-rich")
    Proposal.objects.filter(pk=proposal.pk).update(
        title_en="<script>alert(1)</script> & more", text_en="<img src=x onerror=alert(2)>"
    )
    reply = Reply.objects.filter(assignment__proposal=proposal, published=True).first()
    Reply.objects.filter(pk=reply.pk).update(text_en="<iframe src=evil>")
    Feedback.objects.update_or_create(
        reply=reply,
        defaults={"rating": "satisfied", "comment": "<b>great</b>", "comment_public": True},
    )
    page = client.get("/proposals/t-rich/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert "&lt;iframe src=evil&gt;" in page
    assert "&lt;b&gt;great&lt;/b&gt;" in page
    for raw in ["<script>", "<img src=x", "<iframe", "<b>great"]:
        assert raw not in page, raw
