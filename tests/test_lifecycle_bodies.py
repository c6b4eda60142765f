"""The whole life of a proposal for each of the demo's bodies: the Two Sessions'
NPC (Chinese, three months, A/B/C, rated) and the generated written-questions
chamber (English, five working days on the England and Wales calendar, answered
or holding answers, not rated). The same steps through the services, the desks
and the API; each body built from its small definition (tests/bodies.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from lianghui.core import audit
from lianghui.people.models import Member, Organization
from lianghui.proposals import services, supervision, vocabulary
from lianghui.proposals.models import Assignment, Body, Proposal, ProposalKind, Reply, Session

from . import bodies

pytestmark = pytest.mark.django_db


@pytest.fixture(params=bodies.CASES, ids=lambda c: c.id)
def case(request, db):
    bodies.load(request.param)
    return request.param


@pytest.fixture
def users(case):
    return bodies.accounts(case)


def _draft(case, key, title="A question about buses"):
    return services.proposal_create(
        session=Session.objects.get(key=case.session),
        kind=ProposalKind.objects.get(key=case.kind),
        key=key,
        lead_member=Member.objects.get(key=case.member),
        **case.texts(title, "Please explain."),
    )


def _filed(case, key):
    p = _draft(case, key)
    services.proposal_submit(proposal=p, on=case.assigned_on - dt.timedelta(days=3))
    services.proposal_review(
        proposal=p, decision="filed", on=case.assigned_on - dt.timedelta(days=1)
    )
    return p


def _agency(key):
    return Organization.objects.get(key=key)


def test_the_body_has_the_words_it_was_given(case):
    body = Body.objects.get(key=case.body)
    assert body.language == case.language
    categories = vocabulary.codes(body, vocabulary.REPLY_CATEGORY)
    assert case.final in categories and case.interim in categories
    assert vocabulary.has(body, vocabulary.SATISFACTION) == bool(case.rating)
    assert case.reason in vocabulary.codes(body, vocabulary.NOT_FILED_REASON)


def test_services_take_a_proposal_through_its_whole_life(case):
    p = _draft(case, "life-1")
    assert p.original_language == case.language  # the body's working language
    services.proposal_submit(proposal=p, on=case.assigned_on - dt.timedelta(days=3))
    services.proposal_start_review(proposal=p)
    services.proposal_review(
        proposal=p, decision="filed", on=case.assigned_on - dt.timedelta(days=1)
    )
    lead = services.proposal_assign(
        proposal=p, agency=_agency(case.agency), role="lead", on=case.assigned_on
    )
    assert lead.due_on == case.due_on  # the body's rule, on its calendar
    # Asked of the wrong agency: transferred, with a new deadline from the transfer.
    lead = services.assignment_transfer(
        assignment=lead, to_agency=_agency(case.other_agency), on=case.assigned_on
    )
    assert lead.agency.key == case.other_agency and lead.due_on == case.due_on
    # Overdue once the due date has passed without a reply.
    after = case.due_on + dt.timedelta(days=1)
    assert lead in supervision.overdue(today=after, body=Body.objects.get(key=case.body))
    assert lead not in supervision.overdue(today=case.due_on)
    with pytest.raises(ValidationError, match="category"):
        services.reply_create(assignment=lead, category="no-such", on=case.due_on)
    reply = services.reply_create(
        assignment=lead, category=case.interim, on=case.due_on, **_reply_text(case)
    )
    p.refresh_from_db()
    assert p.status == "replied"
    if case.rating:
        with pytest.raises(ValidationError, match="must be rated"):
            services.proposal_close(proposal=p)
        services.feedback_give(reply=reply, rating=case.rating, on=case.due_on)
    else:
        with pytest.raises(ValidationError, match="not rated"):
            services.feedback_give(reply=reply, rating="satisfied", on=case.due_on)
    assert services.proposal_close(proposal=p).status == "closed"
    history = [e.action for e in audit.history(p)]
    assert {"status:submitted", "status:filed", "assign", "reply", "status:closed"} <= set(history)


def test_services_refuse_and_end_a_proposal_by_the_bodys_rules(case):
    refused = _draft(case, "life-refused")
    services.proposal_submit(proposal=refused, on=case.assigned_on)
    with pytest.raises(ValidationError, match="reason"):
        services.proposal_review(
            proposal=refused, decision="not_filed", on=case.assigned_on, reason="no-such"
        )
    services.proposal_review(
        proposal=refused, decision="not_filed", on=case.assigned_on, reason=case.reason
    )
    assert Proposal.objects.get(key="life-refused").status == "not_filed"
    withdrawn = _draft(case, "life-withdrawn")
    services.proposal_submit(proposal=withdrawn, on=case.assigned_on)
    assert services.proposal_withdraw(proposal=withdrawn).status == "withdrawn"
    p = _filed(case, "life-key")
    committee = _agency(case.supervisor)
    assert services.proposal_set_key(proposal=p, is_key=True, supervisor=committee).is_key


def _reply_text(case):
    return {"text_zh": "正在研究。"} if case.language == "zh-hans" else {"text_en": "In hand."}


def test_the_desks_take_a_proposal_through_its_whole_life(case, users, client_for):
    member, office = client_for(users["member"]), client_for(users["office"])
    agency = client_for(users["other_agency"])
    title = "Bus routes in Millbrook" if case.language == "en" else "关于公交线路的建议"
    data = {
        "session": Session.objects.get(key=case.session).pk,
        "kind": ProposalKind.objects.get(key=case.kind).pk,
        **case.texts(title, "Please explain."),
    }
    assert member.post("/desk/member/new/", data).status_code == 302
    p = Proposal.objects.get(**case.texts(title))
    assert p.original_language == case.language
    assert member.post(f"/desk/member/{p.key}/submit/").status_code == 302

    office.post("/desk/office/bulk/", {"proposals": [p.key], "action": "file"})
    p.refresh_from_db()
    assert (p.status, p.published) == ("filed", True)
    page = office.get(f"/desk/office/proposals/{p.key}/", HTTP_ACCEPT_LANGUAGE="en")
    assert case.rule in page.context["assign_form"].fields["due_on"].help_text
    r = office.post(
        f"/desk/office/proposals/{p.key}/",
        {"action": "assign", "assign-agency": _agency(case.other_agency).pk, "assign-role": "lead"},
    )
    assert r.status_code == 302
    assignment = Assignment.objects.get(proposal=p, active=True)

    url = f"/desk/agency/assignments/{assignment.pk}/"
    reply = {"action": "reply", "reply-category": case.final, "reply-published": "on"}
    reply.update({f"reply-{k}": v for k, v in _reply_text(case).items()})
    assert agency.post(url, reply).status_code == 302
    p.refresh_from_db()
    assert p.status == "replied"
    answer = Reply.objects.get(assignment=assignment)
    assert answer.category == case.final

    page = member.get(f"/desk/member/{p.key}/", HTTP_ACCEPT_LANGUAGE="en")
    rate = f"/desk/member/replies/{answer.pk}/rate/"
    if case.rating:
        member.post(rate, {f"r{answer.pk}-rating": case.rating})
        assert Reply.objects.get(pk=answer.pk).feedback.rating == case.rating
    else:
        assert f'action="{rate}"' not in page.content.decode()  # no rating form
        member.post(rate, {f"r{answer.pk}-rating": "satisfied"})
        assert not hasattr(Reply.objects.get(pk=answer.pk), "feedback")
    assert office.post(f"/desk/office/proposals/{p.key}/", {"action": "close"}).status_code == 302
    p.refresh_from_db()
    assert p.status == "closed"
    actors = {e.actor_label for e in audit.history(p)}
    assert {f"{case.body}-m", f"{case.body}-o", f"{case.body}-a2"} <= actors


def test_the_api_takes_a_proposal_through_its_whole_life(case, users):
    def client(role):
        c = APIClient()
        c.force_authenticate(users[role])
        return c

    member, office, agency = client("member"), client("office"), client("agency")
    r = member.post(
        "/api/v1/proposals/",
        {"session": case.session, "kind": case.kind, **case.texts("API question")},
        format="json",
    )
    assert r.status_code == 201, r.content
    key = r.json()["key"]
    assert r.json()["original_language"] == case.language
    assert member.post(f"/api/v1/proposals/{key}/submit/", {}, format="json").status_code == 200
    r = office.post(f"/api/v1/proposals/{key}/review/", {"decision": "filed"}, format="json")
    assert r.status_code == 200, r.content
    # Another body's agency is refused with its field.
    foreign = bodies.WQ.agency if case.body == "npc" else bodies.NPC.agency
    if Organization.objects.filter(key=foreign).exists():
        r = office.post(
            f"/api/v1/proposals/{key}/assignments/",
            {"agency": foreign, "role": "lead"},
            format="json",
        )
        assert r.status_code == 400, r.content
    r = office.post(
        f"/api/v1/proposals/{key}/assignments/",
        {"agency": case.agency, "role": "lead"},
        format="json",
    )
    assert r.status_code in (200, 201), r.content
    r = agency.post(
        f"/api/v1/assignments/{key}.a0/replies/",
        {"category": case.final, **_reply_text(case)},
        format="json",
    )
    assert r.status_code in (200, 201), r.content
    r = member.post(
        f"/api/v1/replies/{key}.a0.r0/feedback/",
        {"rating": case.rating or "satisfied"},
        format="json",
    )
    assert r.status_code == (201 if case.rating else 400), r.content
    r = office.post(f"/api/v1/proposals/{key}/close/", {}, format="json")
    assert r.status_code == 200, r.content
    detail = APIClient().get(f"/api/v1/proposals/{key}/?include=assignments").json()
    assert detail["status"] == "closed"
    assert detail["assignments"][0]["due_on"] == str(
        Assignment.objects.get(proposal__key=key).due_on
    )
