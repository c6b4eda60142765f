"""Desks that guide: queues to search, filter and sort; messages that say what was
done and what comes next; a confirmation before a merge; a co-signer picker; a
watcher's desk that leads somewhere; the topics index; one Follow control."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import Proposal, Session
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
D = dt.date


def submit(key: str, title: str, on: dt.date, *, kind: str = "npc-suggestion", lead="deputy-a"):
    motion = kind == "npc-motion"
    return ProposalFactory(
        key=key,
        title_zh=title,
        kind=kind,
        lead_member=lead,
        cosigners=_two_cosigners() if motion else (),
        confirm_cosigners=motion,
        status="submitted",
        submitted_on=on,
    )


def _two_cosigners():
    extra, created = Member.objects.get_or_create(key="deputy-c", defaults={"name_zh": "代表丙"})
    if created:  # a co-signer needs a seat in the session's body
        extra.memberships.create(body_id=Session.objects.get(key="npc-2022").body_id)
    return [Member.objects.get(key="deputy-b"), extra]


def titles(html: str) -> list[str]:
    return re.findall(r'<a href="/desk/office/proposals/[^"]+/">([^<]+)</a>', html)


@pytest.fixture
def queue(accounts):
    for i in range(60):
        submit(f"q-{i:02}", f"关于第{i:02}号事项的建议", D(2022, 3, 1) + dt.timedelta(days=i % 20))
    return submit("q-new", "关于外卖骑手社会保障的建议", D(2022, 3, 25))


def test_the_newest_proposal_heads_the_review_queue(client_for, accounts, queue):
    html = client_for(accounts["office"]).get("/desk/office/").content.decode()
    assert titles(html)[0] == "关于外卖骑手社会保障的建议"
    assert 'role="search"' in html and 'name="q"' in html


def test_the_review_queue_searches_filters_and_sorts(client_for, accounts, queue):
    office = client_for(accounts["office"])
    html = office.get("/desk/office/", {"q": "外卖骑手"}).content.decode()
    assert titles(html) == ["关于外卖骑手社会保障的建议"]
    assert "1 matches the search." in html
    # by a proposer's name
    submit("q-b", "另一位代表的建议", D(2022, 3, 2), lead="deputy-b")
    html = office.get("/desk/office/", {"q": Member.objects.get(key="deputy-b").name}).content
    assert titles(html.decode()) == ["另一位代表的建议"]
    # by kind, oldest first
    submit("q-m", "一件议案", D(2022, 3, 3), kind="npc-motion")
    html = office.get("/desk/office/", {"kind": "npc-motion"}).content.decode()
    assert titles(html) == ["一件议案"]
    html = office.get("/desk/office/", {"sort": "oldest"}).content.decode()
    assert titles(html)[0] == "关于第00号事项的建议"
    # an unknown value is ignored, not an error
    assert office.get("/desk/office/", {"sort": "nonsense", "kind": "x"}).status_code == 200


def test_filtered_queues_run_a_fixed_number_of_queries(client_for, accounts, queue):
    office = client_for(accounts["office"])
    urls = [
        "/desk/office/?q=建议&sort=title",
        "/desk/office/?tab=overdue&q=建议&sort=due",
        "/desk/office/?tab=transfers&session=npc-2022",
    ]

    def count(url):
        office.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert office.get(url).status_code == 200
        return len(queries)

    before = [count(u) for u in urls]
    for i in range(60, 75):
        submit(f"q-{i}", f"建议 {i}", D(2022, 3, 9))
    assert [count(u) for u in urls] == before


def test_the_agency_and_supervisor_queues_search_too(client_for, accounts, queue):
    miit = Organization.objects.get(key="miit")
    for key in ("q-new", "q-01"):
        p = Proposal.objects.get(key=key)
        services.proposal_review(proposal=p, decision="filed", on=D(2022, 3, 26))
        services.proposal_assign(proposal=p, agency=miit, role="lead", on=D(2022, 3, 27))
        services.proposal_set_key(proposal=p, is_key=True)
    html = client_for(accounts["agency"]).get("/desk/agency/", {"q": "外卖"}).content.decode()
    assert "关于外卖骑手社会保障的建议" in html and "关于第01号事项的建议" not in html
    html = client_for(accounts["supervisor"]).get("/desk/supervisor/", {"q": "第01号"}).content
    assert "关于第01号事项的建议" in html.decode() and "外卖" not in html.decode()


def test_messages_say_what_was_done_and_what_comes_next(client_for, accounts, queue):
    office = client_for(accounts["office"])
    url = "/desk/office/proposals/q-new/"
    r = office.post(url, {"action": "review", "review-decision": "filed"}, follow=True)
    html = r.content.decode()
    assert "Filed and published. Next: assign it to its lead unit below." in html
    assert "Done." not in html
    r = office.post(
        url,
        {
            "action": "assign",
            "assign-agency": Organization.objects.get(key="miit").pk,
            "assign-role": "lead",
        },
        follow=True,
    )
    assert "Assigned to Ministry of Industry and Information Technology; role: Lead unit" in (
        r.content.decode()
    )
    r = office.post(url, {"action": "key"}, follow=True)
    assert "it is now listed on the supervisors&#x27; desk" in r.content.decode()


def test_a_merge_asks_for_confirmation_first(client_for, accounts, queue):
    office = client_for(accounts["office"])
    # only a filed proposal can carry the handling of one merged into it
    services.proposal_review(
        proposal=Proposal.objects.get(key="q-01"), decision="filed", on=D(2022, 3, 20)
    )
    url = "/desk/office/proposals/q-new/"
    form = {"action": "review", "review-decision": "merged", "review-merged_into": "q-01"}
    r = office.post(url, form)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Merge these two proposals?" in html and "A merge cannot be undone." in html
    assert Proposal.objects.get(key="q-new").status == "submitted"  # nothing happened yet
    r = office.post(url, {**form, "confirm": "1"}, follow=True)
    assert Proposal.objects.get(key="q-new").status == "merged"
    assert "Merged into “关于第01号事项的建议”" in r.content.decode()


def test_the_cosigner_picker_is_sorted_searchable_and_works_without_script(client_for, accounts):
    for i, name in enumerate(["Zhou Zhou", "An An", "Ma Ma"]):
        m = Member.objects.create(key=f"extra-{i}", name_en=name)
        m.memberships.create(body_id=Session.objects.get(key="npc-2022").body_id)
    html = client_for(accounts["member"]).get("/desk/member/new/").content.decode()
    assert "desks/picker.js" in html and "data-picker" in html
    assert 'type="checkbox" name="cosigners"' in html
    names = re.findall(r'name="cosigners" value="\d+"[^>]*>\s*([^<]+)</label>', html)
    assert names.index("An An") < names.index("Ma Ma") < names.index("Zhou Zhou")
    assert "<legend>Co-signers</legend>" in html


def test_the_watchers_desk_leads_to_following_searches_and_feeds(client_for, accounts):
    html = client_for(accounts["watcher"]).get("/desk/").content.decode()
    for href in ('href="/following/"', 'href="/topics/"', 'href="/search/"'):
        assert href in html
    assert "RSS" in html and "Follow this search" in html


def test_topics_index_links_topic_pages(client, small_world):
    r = client.get("/topics/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'href="/topics/ai/"' in html and 'href="/topics/labour/"' in html
    assert 'href="/topics/"' in client.get("/topics/ai/").content.decode()


def test_follow_is_a_post_button_on_topic_pages(client_for, accounts):
    html = client_for(accounts["watcher"]).get("/topics/ai/").content.decode()
    assert re.search(r'<form method="post" action="/following/follow/topic/"', html)
    assert 'href="/following/follow/topic/?key=' not in html
    html = client_for(accounts["watcher"]).get("/search/", {"q": "数字"}).content.decode()
    assert 'href="/following/follow/search/' not in html
    assert re.search(r'<form method="post" action="/following/follow/search/"', html)


def test_a_low_confidence_agency_suggestion_has_no_assign_button(rf, accounts):
    from django.template.loader import render_to_string

    from lianghui.insights.suggestions import AgencySuggestion, Suggestions

    miit, mohrss = Organization.objects.get(key="miit"), Organization.objects.get(key="mohrss")
    s = Suggestions(
        show_agencies=True,
        agencies=[
            AgencySuggestion(miit, 0.82, "lead", terms=["工业"]),
            AgencySuggestion(mohrss, 0.04, "joint", terms=["就业"]),
        ],
        versions={"agency": "v1"},
    )
    request = rf.get("/")
    request.user = accounts["office"]
    html = render_to_string(
        "insights/_office_suggestions.html",
        {
            "insights": {"enabled": True, "failed": False, "s": s, "agencies": [miit, mohrss]},
            "proposal": Proposal.objects.get(key="p-1"),
        },
        request=request,
    )
    items = html.split('data-kind="agency"')[1:]
    assert "Assign as lead unit" in items[0]
    assert "Assign as joint handler" not in items[1]
    assert "Low confidence (0.04, below 0.30)" in items[1]
