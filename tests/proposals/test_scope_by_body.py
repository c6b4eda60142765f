"""A body's users see only the body's agencies, committees and topics, in every list
they pick from, and a body's records default to its working language.

Two bodies side by side: the small world's Chinese congress (NPC) and a small
English written-questions body (UKWQ) with its own agencies, committee and topic
scheme, and one agency explicitly shared by both.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from lianghui.exchange.importer import import_files
from lianghui.people.models import Organization
from lianghui.proposals import selectors, services
from lianghui.proposals.models import Body, Proposal, Topic

ENGLISH_BODY = Path(__file__).resolve().parents[1] / "fixtures" / "english_body.jsonl"
CHINESE_AGENCIES = {"state-council", "miit", "mohrss"}
ENGLISH_AGENCIES = {"hm-treasury", "dft"}


@pytest.fixture
def two_bodies(small_world):
    import_files([str(ENGLISH_BODY)])
    return Body.objects.get(key="npc"), Body.objects.get(key="ukwq")


@pytest.fixture
def uk_users(two_bodies):
    from lianghui.accounts.services import account_create
    from lianghui.people.models import Member

    _npc, uk = two_bodies
    return {
        "office": account_create(username="uk-office", password="x", role="office", body=uk),
        "member": account_create(
            username="uk-mp", password="x", role="member", member=Member.objects.get(key="uk-mp")
        ),
    }


def keys(queryset) -> set[str]:
    return {o.key for o in queryset}


def test_each_body_lists_its_own_and_the_shared_vocabulary(two_bodies):
    npc, uk = two_bodies
    assert keys(selectors.agencies_for(uk)) == ENGLISH_AGENCIES | {"un-liaison"}
    assert keys(selectors.agencies_for(npc)) == CHINESE_AGENCIES | {"un-liaison"}
    assert keys(selectors.supervisors_for(uk)) == {"ukwq-committee"}
    assert keys(selectors.supervisors_for(npc)) == {"npc-committee"}
    assert keys(selectors.topics_for(uk)) == {"uk-taxation", "uk-transport"}
    assert keys(selectors.topics_for(npc)) == {"ai", "labour"}


def test_the_office_desk_offers_only_the_bodys_agencies_and_committees(
    two_bodies, uk_users, client_for
):
    office = client_for(uk_users["office"])
    r = office.get("/desk/office/proposals/ukwq-fuel/")
    assert r.status_code == 200
    assign, transfer = r.context["assign_form"], r.context["transfer_form"]
    assert keys(assign.fields["agency"].queryset) == ENGLISH_AGENCIES | {"un-liaison"}
    # "choose another unit" when approving a transfer
    assert keys(transfer.fields["to_agency"].queryset) == ENGLISH_AGENCIES | {"un-liaison"}
    assert keys(r.context["committees"]) == {"ukwq-committee"}
    page = r.content.decode()
    assert "HM Treasury" in page and "Treasury Committee" in page
    for chinese in ("工业和信息化部", "Ministry of Industry", "全国人大常委会办公厅", "人工智能"):
        assert chinese not in page
    # a Chinese ministry posted anyway is refused, naming the field
    miit = Organization.objects.get(key="miit")
    r = office.post(
        "/desk/office/proposals/ukwq-fuel/",
        {"action": "assign", "assign-agency": miit.pk, "assign-role": "lead"},
    )
    assert r.status_code == 200 and "agency" in r.context["assign_form"].errors
    assert not Proposal.objects.get(key="ukwq-fuel").assignments.exists()


def test_the_bulk_form_of_an_office_offers_only_its_bodys_agencies(
    two_bodies, uk_users, client_for
):
    r = client_for(uk_users["office"]).get("/desk/office/?tab=assign")
    assert keys(r.context["bulk"].fields["agency"].queryset) == ENGLISH_AGENCIES | {"un-liaison"}


def test_the_chinese_office_never_sees_the_english_bodys_agencies(two_bodies, accounts, client_for):
    npc, _uk = two_bodies
    p = Proposal.objects.get(key="p-1")
    r = client_for(accounts["office"]).get(f"/desk/office/proposals/{p.key}/")
    assert keys(r.context["assign_form"].fields["agency"].queryset).isdisjoint(ENGLISH_AGENCIES)
    assert "HM Treasury" not in r.content.decode()


def test_the_members_draft_form_offers_only_the_bodys_topics(uk_users, client_for):
    r = client_for(uk_users["member"]).get("/desk/member/new/")
    assert keys(r.context["form"].fields["topics"].queryset) == {"uk-taxation", "uk-transport"}


def test_services_refuse_another_bodys_agency_topic_or_committee(two_bodies):
    _npc, uk = two_bodies
    p = Proposal.objects.get(key="ukwq-fuel")
    with pytest.raises(ValidationError) as e:
        services.proposal_assign(
            proposal=p,
            agency=Organization.objects.get(key="miit"),
            role="lead",
            on=dt.date(2024, 7, 23),
        )
    assert "agency" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.proposal_set_key(
            proposal=p, is_key=True, supervisor=Organization.objects.get(key="npc-committee")
        )
    assert "supervisor" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.proposal_create(
            session=p.session,
            kind=p.kind,
            key="ukwq-x",
            title_en="On AI",
            lead_member=p.signers.get().member,
            topics=[Topic.objects.get(key="ai")],
        )
    assert "topics" in e.value.message_dict
    # the shared agency is accepted by both bodies
    shared = Organization.objects.get(key="un-liaison")
    services.proposal_assign(proposal=p, agency=shared, role="lead", on=dt.date(2024, 7, 23))


@pytest.fixture
def uk_api(uk_users):
    from rest_framework.test import APIClient

    from lianghui.api.tokens.services import token_create

    def make(role):
        client = APIClient()
        secret = token_create(user=uk_users[role], name="t")[1]
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return client

    return make


def test_an_api_question_is_written_in_its_bodys_language(uk_api):
    r = uk_api("member").post(
        "/api/v1/proposals/",
        {"session": "ukwq-2024", "kind": "ukwq-question", "title_en": "Rail fares"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["original_language"] == "en"
    assert Proposal.objects.get(key=r.json()["key"]).original_language == "en"


def test_the_api_refuses_another_bodys_topic_and_agency_naming_the_field(uk_api):
    r = uk_api("member").post(
        "/api/v1/proposals/",
        {"session": "ukwq-2024", "kind": "ukwq-question", "title_en": "AI", "topics": ["ai"]},
        format="json",
    )
    assert r.status_code == 400 and "topics" in r.content.decode()
    r = uk_api("office").post(
        "/api/v1/proposals/ukwq-fuel/assignments/",
        {"agency": "miit", "role": "lead"},
        format="json",
    )
    assert r.status_code == 400 and "agency" in r.content.decode()
    assert not Proposal.objects.get(key="ukwq-fuel").assignments.exists()


def test_the_apis_choices_by_body(two_bodies, client):
    def listed(url):
        r = client.get(url)
        assert r.status_code == 200
        return {row["key"] for row in r.json()["results"]}

    assert listed("/api/v1/agencies/?body=ukwq") == ENGLISH_AGENCIES | {"un-liaison"}
    assert listed("/api/v1/agencies/?body=npc") == CHINESE_AGENCIES | {"un-liaison"}
    assert listed("/api/v1/topics/?body=ukwq") == {"uk-taxation", "uk-transport"}
    assert listed("/api/v1/topics/?body=nowhere") == set()
    body = client.get("/api/v1/bodies/ukwq/").json()
    assert (body["language"], body["topic_schemes"]) == ("en", ["uk"])


def test_the_portals_filters_follow_the_chosen_body(two_bodies, client):
    r = client.get("/proposals/?body=ukwq")
    filters = {f.name: {o.value for o in f.options} for f in r.context["filters"].filters}
    assert filters["topic"] == {"uk-taxation", "uk-transport"}
    assert filters["kind"] == {"ukwq-question"}
    assert filters["session"] == {"ukwq-2024"}


def test_routing_suggests_the_bodys_agency_by_its_remit(two_bodies):
    from lianghui.insights.suggestions import compute

    p = Proposal.objects.select_related("session__body").get(key="ukwq-fuel")
    s = compute(p)
    assert s.agencies, "no agency suggested"
    assert s.agencies[0].agency.key == "hm-treasury"
    assert {"fuel", "duty"} <= set(s.agencies[0].terms)
    assert {a.agency.key for a in s.agencies} <= ENGLISH_AGENCIES | {"un-liaison"}
    assert {t.topic.key for t in s.topics} <= {"uk-taxation", "uk-transport"}


def test_a_model_trained_on_other_bodies_falls_back_to_the_remits(two_bodies, monkeypatch):
    """A routing model that knows only Chinese ministries said "no agency to suggest"
    for a fuel-duty question; the body's remits answer instead."""
    from types import SimpleNamespace

    from lianghui.insights import serving
    from lianghui.insights.suggestions import compute

    chinese = SimpleNamespace(agency="miit", score=0.9, terms=["fuel"], examples=[], prior=0.0)
    router = SimpleNamespace(route=lambda text, k: [chinese])
    loaded = SimpleNamespace(obj=router, version="routing-all", cache={})
    monkeypatch.setattr(
        serving, "latest_model", lambda kind, body: loaded if kind == "routing" else None
    )
    p = Proposal.objects.select_related("session__body").get(key="ukwq-fuel")
    s = compute(p)
    assert [a.agency.key for a in s.agencies][:1] == ["hm-treasury"]
    assert s.versions["agency"] == "remits"


def test_the_importer_scopes_records_by_body(two_bodies):
    npc, uk = two_bodies
    # an agency naming no bodies serves every body known when it was read
    assert set(Organization.objects.get(key="miit").bodies.values_list("key", flat=True)) == {
        "npc",
        "cppcc",
    }
    # a committee serves its own body
    assert list(Organization.objects.get(key="ukwq-committee").bodies.all()) == [uk]
    # a body naming no schemes uses tech; its proposals default to its language
    assert npc.topic_schemes == ["tech"] and npc.language == "zh-hans"
    assert Proposal.objects.get(key="ukwq-fuel").original_language == "en"
    assert Proposal.objects.get(key="p-1").original_language == "zh-hans"


def test_search_facets_of_a_body_show_only_its_topics_and_agencies(
    db, django_capture_on_commit_callbacks
):
    from lianghui.search.selectors import SearchFilters, search
    from lianghui.search.tasks import connect

    connect()  # the index follows the records through the change events
    with django_capture_on_commit_callbacks(execute=True):
        import_files([str(ENGLISH_BODY.parent / "small_world.jsonl"), str(ENGLISH_BODY)])
        p = Proposal.objects.get(key="ukwq-fuel")
        services.proposal_assign(
            proposal=p,
            agency=Organization.objects.get(key="hm-treasury"),
            role="lead",
            on=dt.date(2024, 7, 23),
        )

    def facet_values(**filters):
        results = search(filters=SearchFilters(**filters))
        return {f.name: {v.value for v in f.values} for f in results.facets}

    everywhere = facet_values()
    assert {"ai", "uk-taxation"} <= everywhere["topic"]  # the public's search spans bodies
    uk = facet_values(body="ukwq")
    assert uk["topic"] == {"uk-taxation"}
    assert uk["agency"] == {"hm-treasury"}


def test_an_import_refuses_another_bodys_agency_committee_or_topic(two_bodies, jsonl):
    from lianghui.exchange.importer import ImportFailed

    record = {
        "type": "proposal",
        "key": "ukwq-mixed",
        "session": "ukwq-2024",
        "kind": "ukwq-question",
        "title_en": "Mixed up",
        "status": "assigned",
        "published": True,
        "is_key": True,
        "key_supervisor": "npc-committee",
        "topics": ["ai", "uk-taxation"],
        "signers": [{"member": "uk-mp"}],
        "review": {"decision": "filed", "decided_on": "2024-07-22"},
        "assignments": [
            {"agency": "miit", "role": "lead", "assigned_on": "2024-07-23", "due_on": "2024-10-23"}
        ],
    }
    with pytest.raises(ImportFailed) as e:
        import_files([jsonl(record)])
    assert {err.field for err in e.value.errors} == {
        "assignments[0].agency",
        "key_supervisor",
        "topics",
    }
    assert not Proposal.objects.filter(key="ukwq-mixed").exists()
    # the same with the body's own vocabulary goes in
    fixed = {
        **record,
        "key_supervisor": "ukwq-committee",
        "topics": ["uk-taxation"],
        "assignments": [{**record["assignments"][0], "agency": "hm-treasury"}],
    }
    import_files([jsonl(fixed)])
    assert Proposal.objects.get(key="ukwq-mixed").original_language == "en"
