"""Desk pages run a fixed number of queries however many proposals they list."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghui.people.models import Organization
from lianghui.proposals import services
from tests.factories import ProposalFactory

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
    mohrss = Organization.objects.get(key="mohrss")
    for i in range(start, start + n):
        status = ("submitted", "filed", "assigned", "assigned")[i % 4]
        p = ProposalFactory(
            key=f"g-{i}", title_zh=f"建议 {i}", cosigners=["deputy-b"], status=status
        )
        if status != "assigned":
            continue
        services.proposal_assign(proposal=p, agency=mohrss, role="joint", on=D(2022, 3, 25))
        services.proposal_set_key(proposal=p, is_key=True)
        if i % 4 == 3:
            lead = p.assignments.get(agency__key="miit")
            services.reply_create(assignment=lead, category="A", on=D(2022, 5, 1))


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
