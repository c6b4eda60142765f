"""Overview pages: a session's flow, an agency's handling across years, the agencies
compared, a member's record; each chart with its table, its figures those of
`proposals.figures`; follow buttons and feed links."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from lianghui.accounts.services import account_create
from lianghui.following.models import Follow
from lianghui.people.models import Organization
from lianghui.proposals import figures
from lianghui.proposals.models import Session

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def chart(page: str, chart_id: str) -> str:
    """The chart's SVG, checked to be focusable and labelled by its title and desc."""
    labelled = f'aria-labelledby="{chart_id}-title {chart_id}-desc"'
    match = re.search(rf"<svg[^>]*{labelled}.*?</svg>", page)
    assert match, f"no chart {chart_id}"
    svg = match.group(0)
    assert 'role="img"' in svg and 'tabindex="0"' in svg
    assert f'<title id="{chart_id}-title">' in svg and f'<desc id="{chart_id}-desc">' in svg
    return svg


def bar_titles(svg: str) -> dict[str, str]:
    return dict(re.findall(r"<title>([^<:]+): ([^<]+)</title>", svg))


# ---------------------------------------------------------------------------
# A session


def test_session_flow_chart_and_table_give_the_funnel_figures(client, portal_world):
    response = client.get("/sessions/t-npc-2022/")
    page = text(response)
    session = Session.objects.get(key="t-npc-2022")
    flow = figures.session_funnel(session=session)
    # t-rich (filed, assigned, replied, rated), t-gen (not filed: no concrete
    # proposal) and t-hidden, unpublished and under review: counted, not shown.
    assert (flow.submitted, flow.waiting, flow.not_filed, flow.merged, flow.converted) == (
        3,
        1,
        1,
        0,
        0,
    )
    assert (flow.filed, flow.assigned, flow.replied, flow.rated) == (1, 1, 1, 1)
    assert [(r.code, r.count) for r in flow.reasons] == [("no_concrete_measure", 1)]

    stages = {s.label: s.count for s in response.context["stages"]}
    assert stages["Submitted"] == 3 and stages["Awaiting review"] == 1
    assert stages["Not filed"] == 1 and stages["No concrete proposal"] == 1
    assert stages["Assigned to agencies"] == 1 and stages["Rated by the proposer"] == 1
    svg = chart(page, "session-flow")
    assert bar_titles(svg) == {label: str(n) for label, n in stages.items()}
    assert "Proposals at each stage (the chart’s figures)" in page
    # not-filed proposals are not listed publicly: their count links nowhere
    funnel = page[page.index('id="flow-heading"') :]
    assert "status=not_filed" not in funnel[: funnel.index("</section>")]
    assert "t-hidden" not in page and "Hidden" not in page


def test_session_shows_topics_top_agencies_and_key_proposals(client, portal_world):
    response = client.get("/sessions/t-npc-2022/")
    page = text(response)
    assert {t.key: t.proposal_count for t in response.context["topics"]} == {
        "t-ai": 1,
        "t-data": 1,
    }
    assert bar_titles(chart(page, "session-topics")) == {
        t.name: "1" for t in response.context["topics"]
    }
    stats = figures.handling(session=Session.objects.get(key="t-npc-2022"))
    rows = response.context["agencies"]
    assert {r.agency.key: r.stats for r in rows} == {
        Organization.objects.get(pk=pk).key: s for pk, s in stats.items()
    }
    assert "Agencies given the most proposals (the chart’s figures)" in page
    chart(page, "session-agencies")
    assert [p.key for p in response.context["key_proposals"]] == ["t-rich"]
    assert 'href="/agencies/?session=t-npc-2022"' in page


# ---------------------------------------------------------------------------
# An agency


def test_agency_years_chart_and_table_match_the_figures(client, portal_world):
    response = client.get("/organizations/t-cac/")
    page = text(response)
    cac = Organization.objects.get(key="t-cac")
    perf = response.context["performance"]
    (year,) = perf["years"]
    whole = figures.handling(agency=cac)[cac.pk]
    assert year.key == 2022
    for field in figures.COUNTS:
        assert getattr(year, field) == getattr(whole, field) == getattr(perf["total"], field)
    # One assignment (t-rich), answered twice: the first reply (B, on time, rated
    # "basically satisfied") decides; the later A reply is not a second answer.
    assert (year.assigned, year.replied, year.on_time, year.late, year.overdue) == (1, 1, 1, 0, 0)
    assert (year.a, year.b, year.c) == (0, 1, 0)
    assert year.on_time_rate == 1.0 and year.satisfaction_rate == 1.0
    assert bar_titles(chart(page, "agency-years")) == {
        "2022, On time": "1",
        "2022, Late": "0",
        "2022, Overdue, unanswered": "0",
        "2022, Not yet due": "0",
    }
    abc = chart(page, "agency-abc")
    assert "2022, B: in progress or planned: 1" in abc and "A: adopted or solved: 1" not in abc
    rates = chart(page, "agency-rates")
    assert "2022, Replied on time: 100%" in rates
    assert "2022, Satisfied or basically satisfied: 100%" in rates
    assert "Handling per year (the charts’ figures)" in page
    assert "Over all years: 100% of its due assignments were answered by their due date" in page


def test_an_unanswered_overdue_assignment_counts_against_the_on_time_rate(client, portal_world):
    response = client.get("/organizations/t-state-council/")
    page = text(response)
    (year,) = response.context["performance"]["years"]
    assert (year.assigned, year.replied, year.overdue, year.due) == (1, 0, 1, 1)
    assert year.on_time_rate == 0
    assert "Over all years: 0% of its due assignments were answered" in page
    assert "2022, Overdue, unanswered: 1" in chart(page, "agency-years")


def test_years_without_proposals_are_filled_with_zeros(client, portal_world, jsonl):
    from lianghui.exchange.importer import import_files

    import_files(
        [
            jsonl(
                {
                    "type": "session",
                    "key": "t-npc-2020",
                    "body": "t-npc",
                    "term": 13,
                    "number": 3,
                    "year": 2020,
                },
                {
                    "type": "proposal",
                    "key": "t-old",
                    "session": "t-npc-2020",
                    "kind": "t-npc-suggestion",
                    "title_en": "Old",
                    "status": "assigned",
                    "published": True,
                    "signers": [{"member": "t-lei"}],
                    "review": {"decision": "filed"},
                    "assignments": [
                        {
                            "agency": "t-cac",
                            "role": "lead",
                            "assigned_on": "2020-04-01",
                            "due_on": "2020-07-01",
                        }
                    ],
                },
            )  # fmt: skip
        ]
    )
    years = client.get("/organizations/t-cac/").context["performance"]["years"]
    assert [(y.key, y.assigned) for y in years] == [(2020, 1), (2021, 0), (2022, 1)]


def test_a_company_has_no_handling_figures_nor_follow_button(client, portal_world):
    response = client.get("/organizations/t-tencent/")
    page = text(response)
    assert response.context["performance"] == {} and response.context["follow"] is None
    assert "Handling across years" not in page and "Sign in to follow" not in page


def test_agencies_compared_and_sorted(client, portal_world):
    response = client.get("/agencies/?sort=on_time")
    page = text(response)
    rows = response.context["rows"]
    stats = figures.handling()
    assert {r.agency.pk: r.stats for r in rows} == stats
    # t-mohrss and t-cac answered on time; t-state-council never replied, past due.
    keys = [r.agency.key for r in rows]
    assert max(keys.index("t-mohrss"), keys.index("t-cac")) < keys.index("t-state-council")
    assert 'aria-sort="descending"' in page
    by_name = [r.agency.name for r in client.get("/agencies/?sort=name").context["rows"]]
    assert by_name == sorted(by_name)
    # an unknown sort falls back; an unknown session is dropped and said so
    response = client.get("/agencies/?sort=bogus&session=nope")
    assert response.status_code == 200 and response.context["sort"] == "assigned"
    assert "nope" in response.content.decode()


def test_agencies_for_one_session(client, portal_world):
    rows = client.get("/agencies/?session=t-cppcc-2022").context["rows"]
    assert rows == []  # t-plain is not assigned yet
    rows = client.get("/agencies/?session=t-npc-2022").context["rows"]
    assert {r.agency.key for r in rows} == {"t-cac", "t-mohrss", "t-state-council"}


# ---------------------------------------------------------------------------
# A member


def test_member_page_has_sector_years_topics_and_satisfaction(client, portal_world):
    response = client.get("/members/t-ma/")
    page = text(response)
    assert response.context["sectors"] == ["Internet"]
    assert response.context["per_year"] == [(2022, 1)]
    assert bar_titles(chart(page, "member-years")) == {"2022": "1"}
    assert "Proposals signed per year (the chart’s figures)" in page
    assert [t.key for t in response.context["topics"]] == ["t-ai", "t-data"]
    # Answers to t-rich, which Ma led: CAC's first reply B (basically satisfied;
    # its later A reply is no second answer), MOHRSS's C (unsatisfied).
    assert response.context["ratings"] == {
        "answered": 2,
        "satisfied": 0,
        "basically_satisfied": 1,
        "unsatisfied": 1,
    }
    assert "Assigned agencies gave 2 answers" in page and "the member rated 2 of them" in page
    # Co-signers did not rate anything.
    assert client.get("/members/t-lei/").context["ratings"]["answered"] == 0


# ---------------------------------------------------------------------------
# Following and feeds


FOLLOWABLE = [
    ("/members/t-lei/", "member", "t-lei"),
    ("/organizations/t-cac/", "agency", "t-cac"),
    ("/regulations/t-algo-rules/", "regulation", "t-algo-rules"),
]


@pytest.mark.parametrize(("url", "target", "key"), FOLLOWABLE)
def test_anonymous_visitors_get_feeds_and_a_sign_in_link(client, portal_world, url, target, key):
    page = text(client.get(url))
    feed = {"member": "members", "agency": "agencies", "regulation": "regulations"}[target]
    head = page[: page.index("</head>")]
    assert '<link rel="alternate" type="application/rss+xml"' in head
    assert f'href="/feeds/{feed}/{key}/"' in head and f'href="/feeds/{feed}/{key}/atom/"' in head
    assert f'href="/accounts/login/?next={url}">Sign in to follow' in page
    assert "csrfmiddlewaretoken" not in page
    rss = client.get(f"/feeds/{feed}/{key}/")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    atom = client.get(f"/feeds/{feed}/{key}/atom/")
    assert atom.status_code == 200 and atom["Content-Type"].startswith("application/atom+xml")


@pytest.mark.parametrize(("url", "target", "key"), FOLLOWABLE)
def test_a_watcher_follows_and_unfollows_from_the_page(client, portal_world, url, target, key):
    watcher = account_create(username="w", password="x", role="watcher")
    c = Client()
    c.force_login(watcher)
    page = text(c.get(url))
    assert f'action="/following/follow/{target}/"' in page and "csrfmiddlewaretoken" in page
    response = c.post(f"/following/follow/{target}/", {"key": key, "next": url})
    # A first follow is not a request for email: the watcher is asked, and can go back.
    assert response.status_code == 302
    assert response["Location"] == "/following/?" + urlencode({"next": url})
    assert Follow.objects.filter(user=watcher, target=target, key=key).exists()
    asked = text(c.get(response["Location"]))
    assert "You follow it now." in asked and f'href="{url}"' in asked
    page = text(c.get(url))
    assert "You follow this." in page
    assert f'action="/following/unfollow/{target}/"' in page
    response = c.post(f"/following/unfollow/{target}/", {"key": key, "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert not Follow.objects.filter(user=watcher).exists()
    assert f'action="/following/follow/{target}/"' in text(c.get(url))


def test_following_needs_signing_in(client, portal_world):
    response = client.post("/following/follow/member/", {"key": "t-lei", "next": "/members/t-lei/"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Follow.objects.exists()


def test_a_signed_in_page_costs_one_more_query_for_the_follow_state(
    client, portal_world, django_assert_num_queries
):
    watcher = account_create(username="w", password="x", role="watcher")
    c = Client()
    c.force_login(watcher)
    c.get("/members/t-lei/")
    # session, user, the user's account (role), the member page's 9 (with the
    # bodies' vocabularies and what came of the proposals), and whether the user
    # follows the member
    with django_assert_num_queries(13):
        c.get("/members/t-lei/")
