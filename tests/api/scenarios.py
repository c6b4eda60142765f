"""Proposals in each state a write endpoint acts on, made through the services."""

import datetime as dt

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import ProposalKind, Session

DAY = dt.date(2022, 3, 7)


def draft(key="api-draft", lead="deputy-a", kind="npc-suggestion", cosigners=()):
    return services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key=kind),
        key=key,
        title_zh="接口测试建议",
        lead_member=Member.objects.get(key=lead),
        cosigners=[Member.objects.get(key=k) for k in cosigners],
    )


def submitted(key="api-sub"):
    p = draft(key)
    services.proposal_submit(proposal=p, on=DAY)
    return p


def filed(key="api-filed"):
    p = submitted(key)
    services.proposal_start_review(proposal=p)
    services.proposal_review(proposal=p, decision="filed", on=DAY)
    return p


def assigned(key="api-assigned"):
    p = filed(key)
    services.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="miit"), role="lead", on=DAY
    )
    return p


def replied(key="api-replied"):
    p = assigned(key)
    services.reply_create(assignment=p.assignments.get(), category="B", on=DAY)
    return p


def rated(key="api-rated", rating="satisfied"):
    p = replied(key)
    reply = p.assignments.get().replies.get()
    services.feedback_give(reply=reply, rating=rating, on=DAY)
    return p
