"""Two transactions on one proposal at once lose no update (PostgreSQL row locks)."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lianghui.people.models import Organization
from lianghui.proposals import services
from lianghui.proposals.models import Assignment, Proposal, Reply
from tests.factories import ProposalFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]
D = dt.date


@pytest.fixture
def filed(small_world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; SQLite serialises writers itself")
    return ProposalFactory(key="race", title_zh="并发", status="filed")


def run_together(*calls):
    """Start the calls at the same moment in separate threads (connections)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(n, call):
        from django.db import connections

        try:
            barrier.wait()
            outcomes[n] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what we assert
            outcomes[n] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def test_two_staff_assigning_the_lead_at_once(filed):
    miit, mohrss = Organization.objects.get(key="miit"), Organization.objects.get(key="mohrss")
    outcomes = run_together(
        lambda: services.proposal_assign(
            proposal=filed, agency=miit, role="lead", on=D(2022, 3, 25)
        ),
        lambda: services.proposal_assign(
            proposal=filed, agency=mohrss, role="lead", on=D(2022, 3, 25)
        ),
    )
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refused) == 1 and "already has a lead" in str(refused[0])
    assert Assignment.objects.filter(proposal=filed, role="lead", active=True).count() == 1


def test_two_officers_replying_at_once_both_count(filed):
    miit, mohrss = Organization.objects.get(key="miit"), Organization.objects.get(key="mohrss")
    lead = services.proposal_assign(proposal=filed, agency=miit, role="lead", on=D(2022, 3, 25))
    joint = services.proposal_assign(proposal=filed, agency=mohrss, role="joint", on=D(2022, 3, 25))
    outcomes = run_together(
        lambda: services.reply_create(assignment=lead, category="A", on=D(2022, 5, 1)),
        lambda: services.reply_create(assignment=joint, category="B", on=D(2022, 5, 1)),
    )
    assert all(isinstance(o, Reply) for o in outcomes), outcomes
    filed.refresh_from_db()
    # Without the lock each transaction could miss the other's reply and leave the
    # proposal "assigned" for ever.
    assert filed.status == "replied"
    assert Proposal.objects.get(pk=filed.pk).assignments.filter(replies__isnull=False).count() == 2


def test_the_same_agency_replying_twice_at_once_keeps_one(filed):
    miit = Organization.objects.get(key="miit")
    lead = services.proposal_assign(proposal=filed, agency=miit, role="lead", on=D(2022, 3, 25))
    outcomes = run_together(
        lambda: services.reply_create(assignment=lead, category="A", on=D(2022, 5, 1)),
        lambda: services.reply_create(assignment=lead, category="B", on=D(2022, 5, 1)),
    )
    assert sum(isinstance(o, Reply) for o in outcomes) == 1
    assert Reply.objects.filter(assignment=lead).count() == 1
