"""Suggestions on the office proposal page: shown with reasons, applied through the
workflow services, every decision recorded; off per body; office staff only."""

import datetime as dt

import pytest

from lianghui.core import audit
from lianghui.insights import serving
from lianghui.insights.models import SuggestionDecision
from lianghui.people.models import Organization
from lianghui.proposals import services
from lianghui.proposals.models import Assignment, Body, Proposal
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
D = dt.date

AI_TEXT = (
    "建议加快人工智能与制造业深度融合，支持工业企业开展智能化改造，"
    "推进信息通信网络建设，完善相关标准体系。"
)


@pytest.fixture(autouse=True)
def _fresh_serving(settings, tmp_path):
    """No trained model unless a test trains one; nothing cached from other tests."""
    settings.LIANGHUI_INSIGHTS_MODELS = tmp_path / "models"
    serving.reset()
    yield
    serving.reset()


def make(key, *, title, text, status="submitted", lead="deputy-a"):
    return ProposalFactory(key=key, title_zh=title, text_zh=text, lead_member=lead, status=status)


@pytest.fixture
def filed(small_world):
    return make("ai-filed", title="关于人工智能赋能工业的建议", text=AI_TEXT, status="filed")


@pytest.fixture
def twins(small_world):
    """An earlier filed proposal and a near-copy of it still under review."""
    first = make(
        "ai-first", title="关于推动人工智能在工业领域应用的建议", text=AI_TEXT, status="filed"
    )
    second = make(
        "ai-second",
        title="关于加快人工智能在工业领域应用的建议",
        text=AI_TEXT.replace("加快", "推动"),
        status="under_review",
    )
    return first, second


def page(client, proposal):
    r = client.get(f"/desk/office/proposals/{proposal.key}/")
    assert r.status_code == 200
    return r


def post(client, proposal, kind, action, data):
    return client.post(f"/desk/office/proposals/{proposal.key}/suggestions/{kind}/{action}/", data)


def test_assignment_page_suggests_agency_and_topics_with_reasons(accounts, client_for, filed):
    r = page(client_for(accounts["office"]), filed)
    s = r.context["insights"]["s"]
    # No trained model: agencies by their remit, topics by keywords.
    assert s.versions == {"topics": "keywords", "agency": "remits"}
    top = s.agencies[0]
    assert top.agency.key == "miit" and top.role == "lead"
    assert {"工业", "通信"} <= set(top.terms)
    assert [t.topic.key for t in s.topics] == ["ai"]
    assert "人工智能" in s.topics[0].terms
    html = r.content.decode()
    assert "Suggested agencies" in html and "Assign as lead unit" in html
    assert "<q>工业</q>" in html and "<q>人工智能</q>" in html
    # Duplicates are a review matter, not shown once filed.
    assert not s.show_duplicates


def test_review_page_shows_earlier_duplicate_with_shared_passages(accounts, client_for, twins):
    first, second = twins
    s = page(client_for(accounts["office"]), second).context["insights"]["s"]
    assert s.show_duplicates and not s.show_agencies
    [dup] = s.duplicates
    assert dup.proposal == first and dup.same_session and dup.merge_into_key == first.key
    assert dup.similarity > 0.8
    assert any("深度融合" in p for p in dup.passages)
    # The earlier one does not see the later one as "earlier", but same-session counts.
    s = page(client_for(accounts["office"]), first).context["insights"]["s"]
    assert not s.show_duplicates  # filed: past review


def test_accepting_an_agency_assigns_it_and_records_the_decision(accounts, client_for, filed):
    office = client_for(accounts["office"])
    r = post(
        office,
        filed,
        "agency",
        "apply",
        {
            "agency": "miit",
            "suggested": "miit",
            "role": "lead",
            "score": "0.9",
            "model_version": "remits",
        },
    )
    assert r.status_code == 302
    a = Assignment.objects.get(proposal=filed)
    assert (a.agency.key, a.role, a.active) == ("miit", "lead", True)
    d = SuggestionDecision.objects.get(proposal=filed)
    assert (d.kind, d.decision, d.suggested, d.chosen, d.role) == (
        "agency",
        "accepted",
        "miit",
        "miit",
        "lead",
    )
    assert d.user == accounts["office"] and d.score == pytest.approx(0.9)
    actions = [e.action for e in audit.history(filed)]
    assert "assign" in actions and "suggestion-accepted" in actions
    # Assigned: MIIT is no longer offered.
    s = page(office, filed).context["insights"]["s"]
    assert "miit" not in [x.agency.key for x in s.agencies]


def test_overriding_assigns_the_chosen_agency_and_records_the_correction(
    accounts, client_for, filed
):
    office = client_for(accounts["office"])
    post(
        office,
        filed,
        "agency",
        "apply",
        {"agency": "mohrss", "suggested": "miit", "role": "lead", "score": "0.9"},
    )
    assert Assignment.objects.get(proposal=filed).agency.key == "mohrss"
    d = SuggestionDecision.objects.get(proposal=filed)
    assert (d.decision, d.suggested, d.chosen) == ("overridden", "miit", "mohrss")


def test_a_refused_assignment_says_why_and_records_nothing(accounts, client_for, filed):
    office = client_for(accounts["office"])
    r = post(
        office, filed, "agency", "apply", {"agency": "mohrss", "suggested": "miit", "role": "joint"}
    )
    r = office.get(r["Location"])
    assert "Assign the lead unit first." in r.content.decode()
    assert not Assignment.objects.filter(proposal=filed).exists()
    assert not SuggestionDecision.objects.exists()


def test_dismissing_hides_the_suggestion_and_is_recorded(accounts, client_for, filed):
    office = client_for(accounts["office"])
    post(office, filed, "agency", "dismiss", {"suggested": "miit", "score": "0.9"})
    d = SuggestionDecision.objects.get(proposal=filed)
    assert (d.decision, d.suggested, d.chosen) == ("dismissed", "miit", "")
    assert not Assignment.objects.filter(proposal=filed).exists()
    s = page(office, filed).context["insights"]["s"]
    assert "miit" not in [x.agency.key for x in s.agencies]


def test_topics_accepted_or_overridden_are_set_and_audited(accounts, client_for, filed):
    office = client_for(accounts["office"])
    post(office, filed, "topics", "apply", {"topics": ["ai"], "suggested": "ai", "score": "0.6"})
    assert list(filed.topics.values_list("key", flat=True)) == ["ai"]
    assert SuggestionDecision.objects.get().decision == "accepted"
    entry = [e for e in audit.history(filed) if e.action == "topics"][0]
    assert (entry.before, entry.after) == ([], ["ai"]) and entry.public
    # The person picks labour instead of AI: an override, the topics replaced.
    post(office, filed, "topics", "apply", {"topics": ["labour"], "suggested": "ai"})
    assert list(filed.topics.values_list("key", flat=True)) == ["labour"]
    latest = SuggestionDecision.objects.order_by("-id").first()
    assert (latest.decision, latest.suggested, latest.chosen) == ("overridden", "ai", "labour")
    # An unknown topic is refused by name, nothing changes.
    r = post(office, filed, "topics", "apply", {"topics": ["nope"], "suggested": "ai"})
    assert "Unknown topic." in office.get(r["Location"]).content.decode()
    assert list(filed.topics.values_list("key", flat=True)) == ["labour"]


def test_accepting_a_duplicate_merges_through_the_review(accounts, client_for, twins):
    first, second = twins
    office = client_for(accounts["office"])
    post(
        office,
        second,
        "duplicate",
        "apply",
        {"into": first.key, "suggested": first.key, "score": "0.9"},
    )
    second.refresh_from_db()
    assert (second.status, second.merged_into_id, second.review.decision) == (
        "merged",
        first.pk,
        "merged",
    )
    d = SuggestionDecision.objects.get(proposal=second)
    assert (d.kind, d.decision, d.chosen) == ("duplicate", "accepted", first.key)


def test_not_a_duplicate_is_recorded_and_no_longer_shown(accounts, client_for, twins):
    first, second = twins
    office = client_for(accounts["office"])
    post(office, second, "duplicate", "dismiss", {"suggested": first.key, "score": "0.9"})
    second.refresh_from_db()
    assert second.status == "under_review"
    assert page(office, second).context["insights"]["s"].duplicates == []


def test_switched_off_for_the_body_shows_nothing_and_refuses_decisions(accounts, client_for, filed):
    Body.objects.filter(key="npc").update(suggestions_enabled=False)
    office = client_for(accounts["office"])
    r = page(office, filed)
    html = r.content.decode()
    assert "Suggestions are switched off for this body" in html
    assert "Suggested agencies" not in html and "Assign as lead unit" not in html
    assert "s" not in r.context["insights"]
    r = post(
        office, filed, "agency", "apply", {"agency": "miit", "suggested": "miit", "role": "lead"}
    )
    assert "switched off" in office.get(r["Location"]).content.decode()
    assert not Assignment.objects.filter(proposal=filed).exists()
    assert not SuggestionDecision.objects.exists()


@pytest.mark.parametrize("who", ["other_office", "agency", "member", "watcher", "supervisor"])
def test_only_the_bodys_office_may_decide(accounts, client_for, filed, who):
    r = post(
        client_for(accounts[who]),
        filed,
        "agency",
        "apply",
        {"agency": "miit", "suggested": "miit", "role": "lead"},
    )
    # Filing published it, so everyone may see it; only its body's office may act.
    assert r.status_code == 403
    assert not Assignment.objects.filter(proposal=filed).exists()
    assert not SuggestionDecision.objects.exists()


def test_anonymous_is_sent_to_sign_in(client_for, filed):
    r = post(client_for(None), filed, "agency", "dismiss", {"suggested": "miit"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not SuggestionDecision.objects.exists()


def test_admin_may_decide_and_sees_decisions_in_the_admin(accounts, client_for, filed):
    admin = client_for(accounts["admin"])
    post(admin, filed, "agency", "dismiss", {"suggested": "miit"})
    assert SuggestionDecision.objects.get().user == accounts["admin"]
    r = admin.get("/admin/insights/suggestiondecision/")
    html = r.content.decode()
    assert r.status_code == 200 and "关于人工智能赋能工业的建议" in html and "Dismissed" in html
    r = admin.get(f"/admin/proposals/body/{Body.objects.get(key='npc').pk}/change/")
    assert 'name="suggestions_enabled"' in r.content.decode()


def test_office_page_queries_do_not_grow_with_proposals_or_decisions(
    accounts, client_for, twins, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _first, second = twins
    office = client_for(accounts["office"])
    page(office, second)  # builds the index, warms caches
    with CaptureQueriesContext(connection) as before:
        page(office, second)
    for i in range(12):
        make(
            f"more-{i}",
            title=f"关于其他事项的建议{i}",
            text=f"建议完善第{i}项工作机制。",
            status="filed",
        )
        p = Proposal.objects.get(key=f"more-{i}")
        services.proposal_assign(
            proposal=p, agency=Organization.objects.get(key="miit"), role="lead", on=D(2022, 4, 1)
        )
    for _ in range(5):
        post(office, second, "duplicate", "dismiss", {"suggested": "something"})
    with CaptureQueriesContext(connection) as after:
        page(office, second)
    assert len(after) == len(before), [q["sql"] for q in after.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_a_large_body_builds_its_index_in_the_background(accounts, client_for, twins, monkeypatch):
    import time

    monkeypatch.setattr(serving, "BACKGROUND_BUILD_ABOVE", 0)
    _first, second = twins
    office = client_for(accounts["office"])
    r = page(office, second)
    assert r.context["insights"]["s"].duplicates_pending
    assert "The duplicate check is being prepared" in r.content.decode()
    deadline = time.monotonic() + 60
    while any(i.building for i in serving._indexes.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    s = page(office, second).context["insights"]["s"]
    assert not s.duplicates_pending and [d.proposal.key for d in s.duplicates] == ["ai-first"]


def test_office_insights_runs_a_pinned_number_of_queries(
    accounts, client_for, twins, django_assert_num_queries
):
    from lianghui.insights.selectors import office_insights

    first, second = twins
    page(client_for(accounts["office"]), second)  # index built, models and rankers cached

    def fresh(p):
        # As the office page loads it: signers and assignments prefetched.
        return (
            Proposal.objects.select_related("session__body")
            .prefetch_related("signers", "assignments")
            .get(pk=p.pk)
        )

    # review: topics, decisions, all topics, index refresh, candidate rows, the body's
    # terms (its handling roles; read once per request, so free on a page that labels
    # anything)
    p = fresh(second)
    with django_assert_num_queries(6):
        office_insights(proposal=p)
    # filed: topics, decisions, all topics, agencies, the body's terms
    p = fresh(first)
    with django_assert_num_queries(5):
        office_insights(proposal=p)
    # switched off: the topics, for the interest flags; nothing else
    Body.objects.filter(key="npc").update(suggestions_enabled=False)
    p = fresh(second)
    with django_assert_num_queries(1):
        office_insights(proposal=p)
