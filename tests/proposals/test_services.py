"""The lifecycle services: each step validated, each refusal says why."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError

from lianghui.core import audit
from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import Proposal, ProposalKind, Session
from lianghui.proposals.workflow import TransitionError
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def draft(small_world):
    return ProposalFactory(key="new-1", title_zh="关于测试的建议")


def agency(key):
    return Organization.objects.get(key=key)


def test_full_life_of_a_proposal(draft):
    p = services.proposal_submit(proposal=draft, on=D(2022, 3, 6))
    services.proposal_start_review(proposal=p)
    p = services.proposal_review(proposal=p, decision="filed", on=D(2022, 3, 20))
    lead = services.proposal_assign(
        proposal=p, agency=agency("mohrss"), role="lead", on=D(2022, 3, 25)
    )
    assert lead.due_on == D(2022, 6, 25)  # three months, the body's rule
    joint = services.proposal_assign(
        proposal=p, agency=agency("miit"), role="joint", on=D(2022, 3, 25)
    )
    lead_reply = services.reply_create(assignment=lead, category="B", on=D(2022, 5, 1))
    p.refresh_from_db()
    assert p.status == "assigned"  # the joint unit has not replied yet
    reply = services.reply_create(assignment=joint, category="A", on=D(2022, 5, 2))
    p.refresh_from_db()
    assert p.status == "replied"
    services.feedback_give(reply=lead_reply, rating="satisfied", on=D(2022, 5, 10))
    services.feedback_give(reply=reply, rating="unsatisfied", on=D(2022, 5, 10))
    with pytest.raises(ValidationError, match="already been rated"):
        services.feedback_give(reply=reply, rating="satisfied", on=D(2022, 5, 11))
    services.proposal_reopen(proposal=p, on=D(2022, 5, 20))
    p.refresh_from_db()
    assert p.status == "assigned"
    joint.refresh_from_db()
    lead.refresh_from_db()
    assert joint.due_on == D(2022, 8, 20)  # reopened with a new deadline
    assert lead.due_on == D(2022, 6, 25)  # the satisfied answer stands
    with pytest.raises(ValidationError, match="already replied"):
        services.reply_create(assignment=lead, category="A", on=D(2022, 6, 1))
    again = services.reply_create(assignment=joint, category="A", on=D(2022, 6, 1))
    p.refresh_from_db()
    assert p.status == "replied"
    with pytest.raises(ValidationError, match="must be rated"):
        services.proposal_close(proposal=p)
    services.feedback_give(reply=again, rating="satisfied", on=D(2022, 6, 5))
    assert services.proposal_close(proposal=p).status == "closed"
    history = [(e.action, e.field) for e in audit.history(p)]
    assert ("status:submitted", "submitted_on") in history
    assert ("assign", "agency") in history and ("reopen", "due_on") in history
    assert ("status:closed", "status") in history
    public = {e.action for e in audit.history(p, public_only=True)}
    assert "status:filed" in public and "status:submitted" not in public


def test_illegal_transitions_say_why(draft):
    with pytest.raises(TransitionError, match="Draft cannot become Filed"):
        services.proposal_review(proposal=draft, decision="filed", on=D(2022, 3, 20))
    with pytest.raises(TransitionError, match="cannot become Being handled"):
        services.proposal_assign(
            proposal=draft, agency=agency("miit"), role="lead", on=D(2022, 3, 25)
        )
    services.proposal_withdraw(proposal=draft)
    with pytest.raises(TransitionError, match="final status"):
        services.proposal_submit(proposal=draft, on=D(2022, 3, 6))


def test_refusals_name_the_field(draft):
    services.proposal_submit(proposal=draft, on=D(2022, 3, 6))
    services.proposal_start_review(proposal=draft)
    with pytest.raises(ValidationError) as caught:
        services.proposal_review(proposal=draft, decision="not_filed", on=D(2022, 3, 20))
    assert "reason" in caught.value.message_dict
    services.proposal_review(proposal=draft, decision="filed", on=D(2022, 3, 20))
    with pytest.raises(ValidationError) as caught:
        services.proposal_assign(
            proposal=draft, agency=agency("tencent"), role="lead", on=D(2022, 3, 25)
        )
    assert "agency" in caught.value.message_dict
    services.proposal_assign(proposal=draft, agency=agency("miit"), role="lead", on=D(2022, 3, 25))
    with pytest.raises(ValidationError, match="already has a lead"):
        services.proposal_assign(
            proposal=draft, agency=agency("mohrss"), role="lead", on=D(2022, 3, 25)
        )


def test_a_motion_needs_its_cosigners(small_world):
    motion = ProposalFactory(
        key="motion-1", kind="npc-motion", title_zh="议案", cosigners=["deputy-b"]
    )
    with pytest.raises(ValidationError, match="needs 2 confirmed co-signers; it has 0"):
        services.proposal_submit(proposal=motion, on=D(2022, 3, 6))
    services.cosigner_confirm(proposal=motion, member=Member.objects.get(key="deputy-b"))
    with pytest.raises(ValidationError, match="needs 2 confirmed co-signers; it has 1"):
        services.proposal_submit(proposal=motion, on=D(2022, 3, 6))
    with pytest.raises(ValidationError, match="not a co-signer"):
        services.cosigner_confirm(proposal=motion, member=Member.objects.get(key="ma-huateng"))
    assert Proposal.objects.get(key="motion-1").status == "draft"


def test_transfer_keeps_history(draft):
    services.proposal_submit(proposal=draft, on=D(2022, 3, 6))
    services.proposal_start_review(proposal=draft)
    services.proposal_review(proposal=draft, decision="filed", on=D(2022, 3, 20))
    first = services.proposal_assign(
        proposal=draft, agency=agency("miit"), role="lead", on=D(2022, 3, 25)
    )
    moved = services.assignment_transfer(
        assignment=first, to_agency=agency("mohrss"), on=D(2022, 4, 2)
    )
    first.refresh_from_db()
    assert not first.active and moved.transferred_from == first and moved.role == "lead"
    with pytest.raises(ValidationError, match="transferred"):
        services.reply_create(assignment=first, category="A", on=D(2022, 5, 1))


def test_merge_links_both(draft, small_world):
    services.proposal_submit(proposal=draft, on=D(2022, 3, 6))
    services.proposal_start_review(proposal=draft)
    target = Proposal.objects.get(key="p-1")
    services.proposal_review(
        proposal=draft, decision="merged", on=D(2022, 3, 20), merged_into=target
    )
    assert set(target.merged_from.values_list("key", flat=True)) == {"p-2", "new-1"}
    assert Proposal.objects.get(key="new-1").status == "merged"


def test_two_unsatisfied_agencies_reopen_and_answer_again(draft):
    services.proposal_submit(proposal=draft, on=D(2022, 3, 6))
    services.proposal_start_review(proposal=draft)
    services.proposal_review(proposal=draft, decision="filed", on=D(2022, 3, 20))
    lead = services.proposal_assign(
        proposal=draft, agency=agency("miit"), role="lead", on=D(2022, 3, 25)
    )
    joint = services.proposal_assign(
        proposal=draft, agency=agency("mohrss"), role="joint", on=D(2022, 3, 25)
    )
    first = [
        services.reply_create(assignment=a, category="C", on=D(2022, 5, 1)) for a in (lead, joint)
    ]
    for reply in first:
        services.feedback_give(reply=reply, rating="unsatisfied", on=D(2022, 5, 5))
    services.proposal_reopen(proposal=draft, on=D(2022, 5, 10))
    again = [services.reply_create(assignment=lead, category="B", on=D(2022, 6, 1))]
    with pytest.raises(ValidationError, match="once every agency has replied"):
        services.feedback_give(reply=again[0], rating="satisfied", on=D(2022, 6, 2))
    again.append(services.reply_create(assignment=joint, category="A", on=D(2022, 6, 3)))
    for reply in again:
        services.feedback_give(reply=reply, rating="satisfied", on=D(2022, 6, 5))
    assert services.proposal_close(proposal=draft).status == "closed"


def test_a_delegation_submits_a_motion_without_cosigners(small_world):
    motion = ProposalFactory(
        key="delegation-motion",
        kind="npc-motion",
        title_zh="代表团议案",
        lead_group="npc-delegation-guangdong",
    )
    assert services.proposal_submit(proposal=motion, on=D(2022, 3, 6)).status == "submitted"


# --- one service, every entry point ------------------------------------------------------------
# Composed steps live in the services; each channel must leave the same record.

DRAFT_KEY = r"^npc-2022-d\d{20}$"


def _trail(proposal) -> list[str]:
    """The proposal's status steps, in order (a step writes one entry per changed field)."""
    steps = []
    for e in audit.history(proposal).order_by("id"):
        if e.action.startswith("status:") and e.field == "status":
            steps.append(e.action)
    return steps


def test_drafts_get_their_key_from_the_service_on_the_desk_and_in_the_api(accounts, client_for):
    from rest_framework.test import APIClient

    by_service = ProposalFactory(key="")
    desk = client_for(accounts["member"])
    session = Session.objects.get(key="npc-2022")
    kind = ProposalKind.objects.get(key="npc-suggestion")
    r = desk.post(
        "/desk/member/new/", {"session": session.pk, "kind": kind.pk, "title_zh": "桌面草稿"}
    )
    assert r.status_code == 302
    by_desk = Proposal.objects.get(title_zh="桌面草稿")
    api = APIClient()
    api.force_authenticate(accounts["member"])
    r = api.post(
        "/api/v1/proposals/",
        {"session": "npc-2022", "kind": "npc-suggestion", "title_zh": "接口草稿"},
        format="json",
    )
    assert r.status_code == 201, r.content
    by_api = Proposal.objects.get(title_zh="接口草稿")
    for p in (by_service, by_desk, by_api):
        assert re.match(DRAFT_KEY, p.key), p.key
        assert p.status == "draft" and _trail(p) == []
    assert len({by_service.key, by_desk.key, by_api.key}) == 3


def test_filing_from_submitted_is_one_review_whatever_the_channel(accounts, client_for):
    from rest_framework.test import APIClient

    by_service, by_desk, by_bulk, by_api = (
        ProposalFactory(key=f"file-{n}", status="submitted") for n in range(4)
    )
    services.proposal_review(proposal=by_service, decision="filed", on=D(2022, 3, 20))
    office = client_for(accounts["office"])
    r = office.post(
        f"/desk/office/proposals/{by_desk.key}/",
        {"action": "review", "review-decision": "filed"},
    )
    assert r.status_code == 302
    office.post("/desk/office/bulk/", {"proposals": [by_bulk.key], "action": "file"})
    api = APIClient()
    api.force_authenticate(accounts["office"])
    r = api.post(f"/api/v1/proposals/{by_api.key}/review/", {"decision": "filed"}, format="json")
    assert r.status_code == 200, r.content
    for p in (by_service, by_desk, by_bulk, by_api):
        p.refresh_from_db()
        assert (p.status, p.published, p.review.decision) == ("filed", True, "filed")
        assert _trail(p) == ["status:submitted", "status:under_review", "status:filed"]


def test_a_duplicate_suggestion_merges_like_the_desk(accounts, client_for, settings, tmp_path):
    from lianghui.insights import services as insights_services

    settings.LIANGHUI_INSIGHTS_MODELS = tmp_path / "models"
    into = ProposalFactory(key="merge-into", status="filed")
    by_desk, by_suggestion = (
        ProposalFactory(key=f"merge-{n}", status="submitted") for n in range(2)
    )
    r = client_for(accounts["office"]).post(
        f"/desk/office/proposals/{by_desk.key}/",
        {
            "action": "review",
            "review-decision": "merged",
            "review-merged_into": into.key,
            "confirm": "1",
        },
    )
    assert r.status_code == 302
    insights_services.duplicate_suggestion_apply(
        proposal=by_suggestion, into=into, on=D(2022, 3, 21), suggested=into.key
    )
    for p in (by_desk, by_suggestion):
        p.refresh_from_db()
        assert (p.status, p.merged_into_id, p.review.decision) == ("merged", into.pk, "merged")
        assert _trail(p) == ["status:submitted", "status:under_review", "status:merged"]


def test_topics_are_set_by_one_service_for_the_office_and_its_suggestions(small_world):
    from lianghui.insights import services as insights_services
    from lianghui.proposals.models import Topic

    direct, suggested = (ProposalFactory(key=f"topics-{n}", status="filed") for n in range(2))
    ai = Topic.objects.filter(key="ai")
    services.proposal_set_topics(proposal=direct, topics=ai)
    insights_services.topics_suggestion_apply(proposal=suggested, topics=ai, suggested=["ai"])
    for p in (direct, suggested):
        assert list(p.topics.values_list("key", flat=True)) == ["ai"]
        (entry,) = [e for e in audit.history(p) if e.action == "topics"]
        assert (entry.before, entry.after, entry.public) == ([], ["ai"], True)
    # Setting the same topics again changes nothing and records nothing.
    services.proposal_set_topics(proposal=direct, topics=ai)
    assert [e.action for e in audit.history(direct)].count("topics") == 1


@pytest.mark.parametrize("decision", ["not_filed", "converted"])
def test_the_office_refusing_a_proposal_its_proposer_made_public_unpublishes_it(
    draft, client, django_capture_on_commit_callbacks, decision
):
    submitted = services.proposal_submit(proposal=draft, on=D(2022, 3, 6))
    submitted.published = True  # deputies publish their own (an import, the admin)
    with django_capture_on_commit_callbacks(execute=True):
        submitted.save()
    assert client.get("/proposals/new-1/").status_code == 200
    reason = "no_concrete_measure" if decision == "not_filed" else ""
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_review(
            proposal=submitted, decision=decision, reason=reason, on=D(2022, 3, 20)
        )
    assert not Proposal.objects.get(key="new-1").published
    assert client.get("/proposals/new-1/").status_code == 404
    assert client.get("/api/v1/proposals/new-1/").status_code == 404
    # the trail says it left the public, to the staff who read it
    left = audit.history(Proposal.objects.get(key="new-1")).get(field="published")
    assert (left.before, left.after, left.public) == (True, False, False)
