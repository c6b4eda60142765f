"""Reading commitments. The public sees a commitment with its reply (the one
visibility policy decides which replies) unless the office rejected it."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from lianghui.core.roles import Role, role_of
from lianghui.proposals import visibility

from .enums import Outcome, Review
from .models import Commitment


def commitments_for(user) -> QuerySet[Commitment]:
    """What this viewer may see: commitments of replies the policy shows them;
    rejected ones only to those who see the whole reply handling (the office)."""
    rows = Commitment.objects.filter(visibility.replies_q(user, path="reply"))
    if role_of(user) in (Role.OFFICE, Role.ADMIN):
        return rows
    return rows.exclude(review=Review.REJECTED)


def public_commitments() -> QuerySet[Commitment]:
    return commitments_for(None)


def _listed(rows: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return rows.select_related(
        "reply__assignment__agency",
        "reply__assignment__proposal__session__body",
        "kept_by_regulation",
    ).order_by("-reply__replied_on", "-reply_id", "position")


def commitment_list(*, agency=None, outcome: str = "", review: str = "") -> QuerySet[Commitment]:
    rows = public_commitments()
    if agency is not None:
        rows = rows.filter(reply__assignment__agency=agency)
    if outcome:
        rows = rows.filter(outcome=outcome)
    if review:
        rows = rows.filter(review=review)
    return _listed(rows)


def counts(rows: QuerySet[Commitment]) -> dict[str, int]:
    """How many, and how many kept, open and lapsed (one query)."""
    got = rows.aggregate(
        total=Count("pk"),
        kept=Count("pk", filter=Q(outcome=Outcome.KEPT)),
        open=Count("pk", filter=Q(outcome=Outcome.OPEN)),
        lapsed=Count("pk", filter=Q(outcome=Outcome.LAPSED)),
        confirmed=Count("pk", filter=Q(review=Review.CONFIRMED)),
    )
    return got


def agency_commitments(*, agency, limit: int = 10) -> dict:
    rows = public_commitments().filter(reply__assignment__agency=agency)
    got = counts(rows)
    return {"counts": got, "recent": list(_listed(rows)[:limit]) if got["total"] else []}


def lapsed(*, agency=None, limit: int = 50) -> list[Commitment]:
    rows = public_commitments().filter(outcome=Outcome.LAPSED)
    if agency is not None:
        rows = rows.filter(reply__assignment__agency=agency)
    return list(_listed(rows).order_by("-outcome_on", "-pk")[:limit])


def office_commitments(*, body=None) -> QuerySet[Commitment]:
    """The commitments an office decides on: those of its body (every body for
    administrators, ``body`` None)."""
    rows = Commitment.objects.all()
    if body is not None:
        rows = rows.filter(reply__assignment__proposal__session__body=body)
    return rows


def office_review_queue(*, body=None) -> QuerySet[Commitment]:
    """Commitments the office has not decided, of its body (every body for
    administrators), most confident first."""
    rows = office_commitments(body=body).filter(review=Review.SUGGESTED)
    return _listed(rows).order_by("-confidence", "-reply__replied_on", "pk")
