"""A body defined only in the documented import format works with no code change.

tests/fixtures/third_body.jsonl is a petitions committee that is neither Chinese
nor a written-questions chamber: its own agencies, topic scheme, deadline rule
(20 calendar days) and vocabulary (its own reply categories and a two-level
satisfaction scale). It is imported beside the small world's bodies and the
English body, one petition goes through the services, and every channel serves
it: portal pages, search, the desks, the API, the bulk dumps and the feeds. The
two bodies of docs/cookbook-new-body.md are imported too, as the cookbook says.
"""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.utils import translation

from lianghui.accounts.services import account_create
from lianghui.exchange.importer import import_files
from lianghui.people.models import Member, Organization
from lianghui.proposals import selectors, services, vocabulary
from lianghui.proposals.models import Body, Proposal, ProposalKind, Session, Topic

from .conftest import FIXTURES

THIRD_BODY = FIXTURES / "third_body.jsonl"
OWN_AGENCIES = {"hcpc-highways", "hcpc-leisure"}
OWN_TOPICS = {"hcpc-streets", "hcpc-parks"}
TITLE = "Mend the potholes on Quay Street"


@pytest.fixture
def petitions(db, django_capture_on_commit_callbacks):
    """The third body beside the others; the search index follows the records."""
    from lianghui.search.tasks import connect

    connect()
    with django_capture_on_commit_callbacks(execute=True):
        import_files(
            [
                str(FIXTURES / "small_world.jsonl"),
                str(FIXTURES / "english_body.jsonl"),
                str(THIRD_BODY),
            ]
        )
    return Body.objects.get(key="hcpc")


@pytest.fixture
def users(petitions):
    return {
        "office": account_create(username="hc-office", password="x", role="office", body=petitions),
        "agency": account_create(
            username="hc-highways",
            password="x",
            role="agency",
            agency=Organization.objects.get(key="hcpc-highways"),
        ),
        "member": account_create(
            username="hc-councillor",
            password="x",
            role="member",
            member=Member.objects.get(key="hcpc-councillor"),
        ),
        "npc_office": account_create(
            username="npc-office", password="x", role="office", body=Body.objects.get(key="npc")
        ),
    }


def petition(until: str, capture) -> Proposal:
    """One petition through the services, as far as `until` (assigned, replied, rated)."""
    with capture(execute=True):
        p = services.proposal_create(
            session=Session.objects.get(key="hcpc-2026"),
            kind=ProposalKind.objects.get(key="hcpc-petition"),
            key="hcpc-potholes",
            title_en=TITLE,
            text_en="We, residents of Quay Street, ask the council to mend the potholes.",
            lead_member=Member.objects.get(key="hcpc-councillor"),
            topics=[Topic.objects.get(key="hcpc-streets")],
        )
        services.proposal_submit(proposal=p, on=dt.date(2026, 2, 2))
        services.proposal_review(proposal=p, decision="filed", on=dt.date(2026, 2, 4))
        a = services.proposal_assign(
            proposal=p,
            agency=Organization.objects.get(key="hcpc-highways"),
            role="lead",
            on=dt.date(2026, 2, 5),
        )
        if until != "assigned":
            reply = services.reply_create(
                assignment=a,
                category="partly",
                on=dt.date(2026, 2, 20),
                text_en="Quay Street is resurfaced in March; the side streets next year.",
            )
            if until == "rated":
                services.feedback_give(reply=reply, rating="content", on=dt.date(2026, 2, 22))
    return Proposal.objects.get(pk=p.pk)


def test_the_petition_follows_the_bodys_own_rule_and_words(
    petitions, users, django_capture_on_commit_callbacks
):
    p = petition("rated", django_capture_on_commit_callbacks)
    a = p.assignments.get()
    assert p.status == "replied" and p.published and p.original_language == "en"
    assert a.due_on == dt.date(2026, 2, 25)  # 20 calendar days after 5 February
    reply = a.replies.get()
    with translation.override("en"):  # whatever language an earlier request left active
        assert reply.get_category_display() == "Partly granted"
    assert reply.feedback.rating == "content"


def test_every_channel_serves_the_new_body(
    petitions, users, client, client_for, settings, django_capture_on_commit_callbacks
):
    p = petition("rated", django_capture_on_commit_callbacks)

    # portal: the proposal, its session and the body's list
    page = client.get(f"/proposals/{p.key}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert TITLE in html and "Partly granted" in html and "Harbour City Highways Service" in html
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Residents&#x27; petitions, answered by the council" in home
    agencies = client.get("/agencies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Harbour City Highways Service" in agencies
    r = client.get("/proposals/?body=hcpc", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and TITLE in r.content.decode()
    r = client.get("/sessions/hcpc-2026/", HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 200 and "2026 petitions year" in html
    # the session's figures count the petition by the body's agency and topic
    assert r.context["totals"]
    assert "Harbour City Highways Service" in html and "Streets and parking" in html

    # search: the page finds it, and the body's facets are its own
    r = client.get("/search/", {"q": "potholes"}, HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 200
    assert f'href="/proposals/{p.key}/"' in html and f'href="/proposals/{p.key}/#reply-' in html
    from lianghui.search.selectors import SearchFilters, search

    facets = {
        f.name: {v.value for v in f.values}
        for f in search(filters=SearchFilters(body="hcpc")).facets
    }
    assert facets["agency"] == {"hcpc-highways"} and facets["topic"] == {"hcpc-streets"}

    # desks: the body's office and the agency's officer work on it; another office cannot
    office = client_for(users["office"])
    assert office.get("/desk/office/").status_code == 200
    r = office.get(f"/desk/office/proposals/{p.key}/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and TITLE in r.content.decode()
    agency = client_for(users["agency"])
    r = agency.get("/desk/agency/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and TITLE in r.content.decode()
    a = p.assignments.get()
    r = agency.get(f"/desk/agency/assignments/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200 and "Responding service" in r.content.decode()
    assert (
        client_for(users["npc_office"]).get(f"/desk/office/proposals/{p.key}/").status_code == 404
    )

    # API: list and detail
    listed = client.get("/api/v1/proposals/?session=hcpc-2026")
    assert listed.status_code == 200
    assert [row["key"] for row in listed.json()["results"]] == [p.key]
    detail = client.get(f"/api/v1/proposals/{p.key}/?include=assignments").json()
    assert detail["title_en"] == TITLE and detail["original_language"] == "en"
    assert "partly" in json.dumps(detail) and "content" in json.dumps(detail)

    # bulk dump: the session's own dump, listed in the index
    call_command("dumps", "build")
    records = (settings.LIANGHUI_DUMPS_DIR / "hcpc-2026" / "records.jsonl").read_text()
    assert [json.loads(line)["key"] for line in records.splitlines()] == [p.key]
    index = client.get("/api/v1/bulk/").json()
    assert "hcpc-2026" in {d["dump"] for d in index["dumps"]}

    # feeds: the proposal's and the agency's
    for url in (f"/feeds/proposals/{p.key}/", "/feeds/agencies/hcpc-highways/"):
        r = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 200, url
        ET.fromstring(r.content)  # well-formed
        assert f"/proposals/{p.key}/" in r.content.decode(), url


def test_the_bodys_pick_lists_offer_only_its_own_agencies_and_words(
    petitions, users, client, client_for, django_capture_on_commit_callbacks
):
    assert {o.key for o in selectors.agencies_for(petitions)} == OWN_AGENCIES
    assert {t.key for t in selectors.topics_for(petitions)} == OWN_TOPICS
    assert vocabulary.codes(petitions, "reply_category") == ["granted", "partly", "declined"]
    assert vocabulary.codes(petitions, "satisfaction") == ["content", "unsatisfied"]
    assert vocabulary.codes(petitions, "handling_role") == ["lead", "joint"]

    p = petition("assigned", django_capture_on_commit_callbacks)
    r = client_for(users["office"]).get(f"/desk/office/proposals/{p.key}/")
    review = r.context["review_form"]
    assert [c for c, _ in review.fields["decision"].choices] == ["filed", "not_filed"]
    assert [c for c, _ in review.fields["reason"].choices if c] == ["not_council", "too_few"]
    assign = r.context["assign_form"]
    assert {o.key for o in assign.fields["agency"].queryset} == OWN_AGENCIES
    assert {c for c, _ in assign.fields["role"].choices if c} <= {"lead", "joint"}
    assert "HM Treasury" not in r.content.decode() and "工业和信息化部" not in r.content.decode()

    a = p.assignments.get()
    html = client_for(users["agency"]).get(f"/desk/agency/assignments/{a.pk}/").content.decode()
    assert 'value="granted"' in html and 'value="declined"' in html
    assert 'value="A"' not in html and 'value="answered"' not in html

    r = client_for(users["member"]).get("/desk/member/new/")
    assert {t.key for t in r.context["form"].fields["topics"].queryset} == OWN_TOPICS

    assert {row["key"] for row in client.get("/api/v1/agencies/?body=hcpc").json()["results"]} == (
        OWN_AGENCIES
    )
    body = client.get("/api/v1/bodies/hcpc/").json()
    assert [t["code"] for t in body["vocabulary"]["satisfaction"]] == ["content", "unsatisfied"]


@pytest.mark.parametrize(
    "name, body, agencies, due_on",
    [
        # 3 months, by 30 November at the latest
        (
            "cookbook_provincial_congress.jsonl",
            "gdpc",
            {"gd-drc", "gd-education-dept", "gd-transport-dept"},
            {
                dt.date(2025, 1, 20): dt.date(2025, 4, 20),
                dt.date(2025, 10, 15): dt.date(2025, 11, 30),
            },
        ),
        # 5 working days; Monday 5 May 2025 is a bank holiday
        (
            "cookbook_written_questions.jsonl",
            "wqc",
            {"wqc-health-dept", "wqc-environment-dept", "wqc-home-dept"},
            {
                dt.date(2025, 5, 1): dt.date(2025, 5, 9),
                dt.date(2025, 12, 22): dt.date(2025, 12, 31),
            },
        ),
    ],
)
def test_the_cookbooks_examples_import_as_written(db, name, body, agencies, due_on):
    from lianghui.proposals.deadlines import due

    import_files([str(FIXTURES / "small_world.jsonl"), str(FIXTURES / name)])
    b = Body.objects.get(key=body)
    assert {o.key for o in selectors.agencies_for(b)} == agencies
    assert {start: due(b, start).on for start in due_on} == due_on
    if body == "wqc":
        assert b.language == "en"
        assert vocabulary.codes(b, "reply_category") == ["answered", "holding"]
        assert vocabulary.codes(b, "satisfaction") == []
        assert vocabulary.codes(b, "handling_role") == ["lead"]
    else:
        assert b.language == "zh-hans"
        assert vocabulary.codes(b, "reply_category") == ["A", "B", "C"]
        assert vocabulary.codes(b, "handling_role") == ["lead", "joint", "assisting"]


def test_the_cookbook_quotes_its_example_files_line_for_line():
    doc = (FIXTURES.parents[1] / "docs" / "cookbook-new-body.md").read_text()
    blocks = doc.split("```jsonl\n")[1:]
    quoted = [block.split("```")[0] for block in blocks]
    assert quoted == [
        (FIXTURES / "cookbook_provincial_congress.jsonl").read_text(),
        (FIXTURES / "cookbook_written_questions.jsonl").read_text(),
    ]
