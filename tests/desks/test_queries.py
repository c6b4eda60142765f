"""Desk pages run a fixed number of queries however many proposals they list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import ProposalKind, Session

pytestmark = pytest.mark.django_db
D = dt.date

PAGES = {
    "office": [
        "/desk/office/",
        "/desk/office/?tab=assign",
        "/desk/office/?tab=overdue",
        "/desk/office/?tab=key",
        "/desk/statistics/",
    ],
    "agency": ["/desk/agency/"],
    "member": ["/desk/member/"],
    "supervisor": ["/desk/supervisor/"],
}


def grow(n: int, start: int) -> None:
    """n more proposals by deputy-a: some under review, some filed, some assigned to
    MIIT (with MOHRSS joint), key and replied, with a reply to rate."""
    session, kind = (
        Session.objects.get(key="npc-2022"),
        ProposalKind.objects.get(key="npc-suggestion"),
    )
    miit, mohrss = Organization.objects.get(key="miit"), Organization.objects.get(key="mohrss")
    lead = Member.objects.get(key="deputy-a")
    for i in range(start, start + n):
        p = services.proposal_create(
            session=session,
            kind=kind,
            key=f"g-{i}",
            title_zh=f"建议 {i}",
            lead_member=lead,
            cosigners=[Member.objects.get(key="deputy-b")],
        )
        services.proposal_submit(proposal=p, on=D(2022, 3, 6))
        if i % 4 == 0:
            continue
        services.proposal_start_review(proposal=p)
        services.proposal_review(proposal=p, decision="filed", on=D(2022, 3, 20))
        if i % 4 == 1:
            continue
        a = services.proposal_assign(proposal=p, agency=miit, role="lead", on=D(2022, 3, 25))
        services.proposal_assign(proposal=p, agency=mohrss, role="joint", on=D(2022, 3, 25))
        services.proposal_set_key(proposal=p, is_key=True)
        if i % 4 == 3:
            services.reply_create(assignment=a, category="A", on=D(2022, 5, 1))


def counts(client_for, accounts) -> dict[str, int]:
    out = {}
    for role, urls in PAGES.items():
        client = client_for(accounts[role])
        for url in urls:
            client.get(url)  # warm caches (content types, session)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out[f"{role} {url}"] = len(queries)
    return out


def test_desk_query_counts_do_not_grow(accounts, client_for):
    grow(4, 0)
    before = counts(client_for, accounts)
    grow(12, 4)
    after = counts(client_for, accounts)
    assert after == before
    assert max(after.values()) <= 20, after
