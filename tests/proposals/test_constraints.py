"""Rules the database itself enforces, whatever code writes to it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from lianghui.laws.models import Regulation
from lianghui.people.models import Member
from lianghui.proposals.models import Assignment, Proposal, Session, Signer

pytestmark = pytest.mark.django_db

D = dt.date


def refused(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_one_lead_proposer(small_world):
    p = Proposal.objects.get(key="p-2")
    other = Member.objects.get(key="deputy-a")
    refused(lambda: Signer.objects.create(proposal=p, member=other, role="lead", position=5))
    Signer.objects.create(proposal=p, member=other, role="cosigner", position=5)


def test_signer_is_a_member_or_a_group(small_world):
    p = Proposal.objects.get(key="p-2")
    refused(lambda: Signer.objects.create(proposal=p, role="cosigner", position=1))


def test_number_unique_per_session_and_kind(small_world):
    p = Proposal.objects.get(key="p-1")
    refused(
        lambda: Proposal.objects.create(
            key="dup", session=p.session, kind=p.kind, number=p.number, title_zh="x"
        )
    )
    # an empty number is allowed many times
    for n in range(2):
        Proposal.objects.create(key=f"blank-{n}", session=p.session, kind=p.kind, title_zh="x")


def test_session_and_assignment_dates_in_order(small_world):
    s = Session.objects.get(key="npc-2022")
    refused(lambda: Session.objects.filter(pk=s.pk).update(closes_on=D(2022, 3, 1)))
    a = Assignment.objects.filter(active=True).first()
    refused(lambda: Assignment.objects.filter(pk=a.pk).update(due_on=D(2000, 1, 1)))


def test_one_active_lead_agency(small_world):
    p = Proposal.objects.get(key="p-1")
    lead = p.assignments.get(active=True)
    refused(
        lambda: Assignment.objects.create(
            proposal=p,
            agency_id=lead.transferred_from.agency_id,
            role="lead",
            assigned_on=D(2022, 4, 1),
            due_on=D(2022, 7, 1),
        )
    )


def test_regulation_stages_in_order(small_world):
    refused(lambda: Regulation.objects.filter(key="pipl").update(effective_on=D(2020, 1, 1)))
    refused(
        lambda: Regulation.objects.create(
            key="x",
            title_en="X",
            kind="law",
            comment_opens_on=D(2021, 9, 1),
            comment_closes_on=D(2021, 8, 1),
        )
    )
    Regulation.objects.create(
        key="ok",
        title_en="OK",
        kind="law",
        drafted_on=D(2021, 8, 27),
        comment_closes_on=D(2021, 9, 26),
        published_on=D(2022, 1, 4),
        effective_on=D(2022, 3, 1),
    )
