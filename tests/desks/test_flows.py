"""The whole life of a proposal through the web, each step by the role that owns it."""

import pytest

from lianghui.core import audit
from lianghui.proposals.models import Assignment, Proposal, Reply
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


def test_submit_file_assign_reply_rate_close(accounts, client_for):
    member, office = client_for(accounts["member"]), client_for(accounts["office"])
    agency = client_for(accounts["agency"])

    # the member drafts; a bad form keeps what was typed
    r = member.post("/desk/member/new/", {"session": "", "title_zh": "关于平台劳动者的建议"})
    assert r.status_code == 200
    assert "关于平台劳动者的建议" in r.content.decode()
    from lianghui.proposals.models import ProposalKind, Session

    data = {
        "session": Session.objects.get(key="npc-2022").pk,
        "kind": ProposalKind.objects.get(key="npc-suggestion").pk,
        "title_zh": "关于平台劳动者的建议",
        "text_zh": "建议完善外卖骑手社会保障。",
    }
    r = member.post("/desk/member/new/", data)
    assert r.status_code == 302
    p = Proposal.objects.get(title_zh="关于平台劳动者的建议")
    assert p.status == "draft" and not p.published
    assert member.post(f"/desk/member/{p.key}/submit/").status_code == 302
    p.refresh_from_db()
    assert p.status == "submitted"

    # the office files it (bulk) and assigns MIIT as lead
    r = office.post("/desk/office/bulk/", {"proposals": [p.key], "action": "file"})
    p.refresh_from_db()
    assert (p.status, p.published) == ("filed", True)
    from lianghui.people.models import Organization

    miit = Organization.objects.get(key="miit")
    r = office.post(
        f"/desk/office/proposals/{p.key}/",
        {"action": "assign", "assign-agency": miit.pk, "assign-role": "lead"},
    )
    assert r.status_code == 302
    assignment = Assignment.objects.get(proposal=p, agency=miit)

    # the agency replies; an empty reply is refused and the category kept
    r = agency.post(
        f"/desk/agency/assignments/{assignment.pk}/", {"action": "reply", "reply-category": "B"}
    )
    assert r.status_code == 200
    form = r.context["reply_form"]
    assert form["category"].value() == "B" and "text_zh" in form.errors
    r = agency.post(
        f"/desk/agency/assignments/{assignment.pk}/",
        {
            "action": "reply",
            "reply-category": "B",
            "reply-text_zh": "正在推进。",
            "reply-published": "on",
        },
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.status == "replied"

    # the member rates it, the office closes
    reply = Reply.objects.get(assignment=assignment)
    r = member.post(
        f"/desk/member/replies/{reply.pk}/rate/",
        {f"r{reply.pk}-rating": "satisfied", f"r{reply.pk}-comment": "谢谢"},
    )
    assert reply.__class__.objects.get(pk=reply.pk).feedback.rating == "satisfied"
    r = office.post(f"/desk/office/proposals/{p.key}/", {"action": "close"})
    p.refresh_from_db()
    assert p.status == "closed"
    actors = {e.actor_label for e in audit.history(p)}
    assert actors == {"m", "o", "a"}
    # the public timeline shows its public part only
    public = [e.action for e in audit.history(p, public_only=True)]
    assert "status:filed" in public and "create" not in public


def test_illegal_step_through_the_web_says_why(accounts, client_for):
    office = client_for(accounts["office"])
    r = office.post("/desk/office/proposals/p-1/", {"action": "reopen"}, follow=True)
    assert "Only a proposal with unsatisfied feedback can be reopened." in r.content.decode()
    r = office.post("/desk/office/proposals/p-1/", {"action": "close"}, follow=True)
    assert "A proposal that is Closed cannot become Closed" in r.content.decode()
    assert Proposal.objects.get(key="p-1").status == "closed"


def test_agency_transfer_request_and_office_approval(accounts, client_for, small_world):
    from lianghui.people.models import Organization

    p = ProposalFactory(key="t-1", title_zh="转办测试", status="assigned")
    a = p.assignments.get()
    agency = client_for(accounts["agency"])
    r = agency.post(
        f"/desk/agency/assignments/{a.pk}/", {"action": "transfer", "transfer-reason": ""}
    )
    assert r.status_code == 200  # a reason is required; nothing changed
    r = agency.post(
        f"/desk/agency/assignments/{a.pk}/",
        {"action": "transfer", "transfer-reason": "属于人社部职责"},
    )
    assert r.status_code == 302
    office = client_for(accounts["office"])
    assert "属于人社部职责" in office.get("/desk/office/?tab=transfers").content.decode()
    mohrss = Organization.objects.get(key="mohrss")
    r = office.post(
        f"/desk/office/proposals/{p.key}/",
        {"action": "transfer", "assignment": a.pk, "transfer-to_agency": mohrss.pk},
    )
    assert r.status_code == 302
    moved = Assignment.objects.get(proposal=p, active=True)
    assert moved.agency == mohrss and moved.transferred_from_id == a.pk


def test_office_selects_a_key_proposal_with_its_supervisor(accounts, client_for):
    office = client_for(accounts["office"])
    r = office.post("/desk/office/proposals/p-1/", {"action": "key", "supervisor": "npc-committee"})
    assert r.status_code == 302
    p = Proposal.objects.get(key="p-1")
    assert p.is_key and p.key_supervisor.key == "npc-committee"
    supervisor = client_for(accounts["supervisor"]).get("/desk/supervisor/").content.decode()
    assert p.title in supervisor
    history = [(e.field, e.after) for e in audit.history(p, public_only=True)]
    assert ("key_supervisor", "npc-committee") in history


def test_agency_saves_a_draft_reply_then_sends_it(accounts, client_for):

    from lianghui.proposals.models import ReplyDraft

    p = ProposalFactory(key="draft-reply", title_zh="草稿答复测试", status="assigned")
    a = p.assignments.get()
    agency = client_for(accounts["agency"])
    url = f"/desk/agency/assignments/{a.pk}/"
    r = agency.post(url, {"action": "draft", "reply-text_zh": "初稿：正在研究"})
    assert r.status_code == 302
    assert ReplyDraft.objects.get(assignment=a).text_zh == "初稿：正在研究"
    page = agency.get(url)
    assert page.context["reply_form"]["text_zh"].value() == "初稿：正在研究"
    assert "draft reply saved" in agency.get("/desk/agency/").content.decode()
    p.refresh_from_db()
    assert p.status == "assigned"  # a draft is not a reply
    r = agency.post(
        url,
        {
            "action": "reply",
            "reply-category": "B",
            "reply-text_zh": "正在研究，已列入计划。",
            "reply-published": "on",
        },
    )
    assert r.status_code == 302
    assert not ReplyDraft.objects.filter(assignment=a).exists()
    p.refresh_from_db()
    assert p.status == "replied"
