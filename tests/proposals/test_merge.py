"""Merging (并案): only into a filed, published proposal of the same body, checked
on the rows as locked, so simultaneous merges cannot tie proposals to each other."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lianghui.proposals import services
from lianghui.proposals.models import Proposal, Review
from tests.factories import ProposalFactory

from .test_concurrency import run_together

D = dt.date(2022, 3, 20)


def _draft(key):
    return ProposalFactory(key=key, title_zh="并案测试")


def _under_review(key):
    return ProposalFactory(key=key, title_zh="并案测试", status="under_review", submitted_on=D)


def _filed(key):
    return ProposalFactory(key=key, title_zh="并案测试", status="filed", submitted_on=D, filed_on=D)


def _merge(p, into):
    return services.proposal_review(proposal=p, decision="merged", on=D, merged_into=into)


def _no_bad_merges():
    """Every merged proposal follows a filed, published proposal that is not merged."""
    for p in Proposal.objects.filter(status="merged").select_related("merged_into"):
        target = p.merged_into
        assert target is not None, p.key
        assert target.status in {"filed", "assigned", "replied", "closed"}, (p.key, target.status)
        assert target.published, p.key


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    [
        "draft",
        "submitted",
        "under_review",
        "withdrawn",
        "not_filed",
        "merged",
        "self",
        "unpublished",
    ],
)
def test_merge_target_must_carry_the_handling(small_world, target):
    p = _under_review("m-1")
    if target == "self":
        into = p
    elif target == "merged":
        into = Proposal.objects.get(key="p-2")
    elif target == "unpublished":
        into = _filed("m-2")
        Proposal.objects.filter(pk=into.pk).update(published=False)
    else:
        into = _draft("m-2")
        if target != "draft":
            services.proposal_submit(proposal=into, on=D)
        if target in {"under_review", "not_filed"}:
            services.proposal_start_review(proposal=into)
        if target == "not_filed":
            services.proposal_review(proposal=into, decision="not_filed", on=D, reason="other")
        if target == "withdrawn":
            services.proposal_withdraw(proposal=into)
    with pytest.raises(ValidationError) as refused:
        _merge(p, into)
    assert "merged_into" in refused.value.message_dict
    p.refresh_from_db()
    assert (p.status, p.merged_into_id, Review.objects.filter(proposal=p).count()) == (
        "under_review",
        None,
        0,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["filed", "assigned", "closed"])
def test_merge_into_a_filed_proposal_works_whatever_its_handling(small_world, status):
    from lianghui.people.models import Organization

    into = Proposal.objects.get(key="p-1") if status == "closed" else _filed("m-2")
    if status == "assigned":
        services.proposal_assign(
            proposal=into, agency=Organization.objects.get(key="miit"), role="lead", on=D
        )
    p = _merge(_under_review("m-1"), into)
    assert (p.status, p.merged_into_id, p.published) == ("merged", into.pk, True)


@pytest.mark.django_db
def test_merge_checks_the_target_as_stored_not_as_passed(small_world):
    """A stale copy of the target (filed when read, since changed) is not trusted."""
    into = _filed("m-2")
    Proposal.objects.filter(pk=into.pk).update(published=False)
    assert into.published  # the caller's copy is stale
    with pytest.raises(ValidationError):
        _merge(_under_review("m-1"), into)


# --- at the same moment (PostgreSQL row locks) --------------------------------------------


@pytest.fixture
def pg(small_world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature; SQLite serialises writers itself")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_merging_two_proposals_into_each_other(pg):
    a, b = _under_review("m-a"), _under_review("m-b")
    outcomes = run_together(lambda: _merge(a, b), lambda: _merge(b, a))
    assert all(isinstance(o, ValidationError) for o in outcomes), outcomes
    assert set(
        Proposal.objects.filter(key__in=["m-a", "m-b"]).values_list("status", flat=True)
    ) == {"under_review"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_filing_and_merging_at_once_leave_no_merge_into_an_unfiled_proposal(pg):
    for n in range(4):
        target, other = _under_review(f"t-{n}"), _under_review(f"o-{n}")
        outcomes = run_together(
            lambda t=target: services.proposal_review(proposal=t, decision="filed", on=D),
            lambda o=other, t=target: _merge(o, t),
            lambda o=other, t=target: _merge(t, o),
        )
        assert not [o for o in outcomes if not isinstance(o, Proposal | ValidationError)], outcomes
        _no_bad_merges()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_merges_at_once_form_no_cycle_and_no_deadlock(pg):
    hub = _filed("hub")
    ps = [_under_review(f"c-{n}") for n in range(4)]
    calls = [lambda p=p, q=q: _merge(p, q) for p, q in zip(ps, ps[1:] + ps[:1], strict=True)]
    calls += [lambda p=p: _merge(p, hub) for p in ps]
    outcomes = run_together(*calls)
    # Only refusals (never a deadlock or another database error) for the losers.
    assert all(isinstance(o, Proposal | ValidationError) for o in outcomes), outcomes
    _no_bad_merges()
    assert set(
        Proposal.objects.filter(key__startswith="c-").values_list("merged_into", flat=True)
    ) == {hub.pk}
