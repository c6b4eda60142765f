"""Reads for deadline supervision and handling statistics (office, agencies,
session overviews). Aggregates are computed in the database, one query each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from .enums import Rating, ReplyCategory, Status
from .models import Assignment, Proposal, Reply

DUE_SOON_DAYS = 14


def open_assignments() -> QuerySet[Assignment]:
    """Active assignments of proposals being handled that still await a reply."""
    return (
        Assignment.objects.filter(active=True, proposal__status=Status.ASSIGNED)
        .exclude(replies__isnull=False, replies__feedback__isnull=True)
        .exclude(Q(replies__feedback__rating__in=[Rating.SATISFIED, Rating.BASICALLY_SATISFIED]))
        .select_related("proposal__session__body", "agency")
        .order_by("due_on", "proposal__key")
    )


def due_soon(*, today: dt.date, days: int = DUE_SOON_DAYS, agency=None, body=None):
    qs = open_assignments().filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))
    return _scoped(qs, agency=agency, body=body)


def overdue(*, today: dt.date, agency=None, body=None):
    return _scoped(open_assignments().filter(due_on__lt=today), agency=agency, body=body)


def _scoped(qs, *, agency=None, body=None):
    if agency is not None:
        qs = qs.filter(agency=agency)
    if body is not None:
        qs = qs.filter(proposal__session__body=body)
    return qs


@dataclass
class AgencyStats:
    agency_id: int
    assigned: int
    replied: int
    on_time: int
    a: int
    b: int
    c: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.replied if self.replied else None

    @property
    def satisfaction_rate(self) -> float | None:
        rated = self.satisfied + self.basically_satisfied + self.unsatisfied
        return (self.satisfied + self.basically_satisfied) / rated if rated else None


def agency_stats(*, session=None, body=None, agency=None) -> dict[int, AgencyStats]:
    """Per agency: assignments, replies (first answers), on time, A/B/C, ratings."""
    assignments = Assignment.objects.filter(active=True)
    replies = Reply.objects.filter(assignment__active=True)
    if session is not None:
        assignments = assignments.filter(proposal__session=session)
        replies = replies.filter(assignment__proposal__session=session)
    if body is not None:
        assignments = assignments.filter(proposal__session__body=body)
        replies = replies.filter(assignment__proposal__session__body=body)
    if agency is not None:
        assignments = assignments.filter(agency=agency)
        replies = replies.filter(assignment__agency=agency)
    counts = dict(assignments.values_list("agency_id").annotate(n=Count("id")))
    rows = replies.values("assignment__agency_id").annotate(
        replied=Count("id"),
        on_time=Count("id", filter=Q(replied_on__lte=F("assignment__due_on"))),
        a=Count("id", filter=Q(category=ReplyCategory.A)),
        b=Count("id", filter=Q(category=ReplyCategory.B)),
        c=Count("id", filter=Q(category=ReplyCategory.C)),
        satisfied=Count("id", filter=Q(feedback__rating=Rating.SATISFIED)),
        basically=Count("id", filter=Q(feedback__rating=Rating.BASICALLY_SATISFIED)),
        unsatisfied=Count("id", filter=Q(feedback__rating=Rating.UNSATISFIED)),
    )
    out = {pk: AgencyStats(pk, n, 0, 0, 0, 0, 0, 0, 0, 0) for pk, n in counts.items()}
    for row in rows:
        pk = row["assignment__agency_id"]
        out[pk] = AgencyStats(
            pk,
            counts.get(pk, 0),
            row["replied"],
            row["on_time"],
            row["a"],
            row["b"],
            row["c"],
            row["satisfied"],
            row["basically"],
            row["unsatisfied"],
        )
    return out


def session_totals(*, session) -> dict[str, int]:
    """The flow submitted → filed → replied → rated for one session."""
    proposals = Proposal.objects.filter(session=session).exclude(status=Status.DRAFT)
    counts = proposals.aggregate(
        submitted=Count("id", filter=~Q(status=Status.WITHDRAWN)),
        filed=Count("id", filter=Q(review__decision="filed")),
        merged=Count("id", filter=Q(status=Status.MERGED)),
        not_filed=Count("id", filter=Q(status__in=[Status.NOT_FILED, Status.CONVERTED])),
        replied=Count("id", filter=Q(status__in=[Status.REPLIED, Status.CLOSED])),
        closed=Count("id", filter=Q(status=Status.CLOSED)),
        key=Count("id", filter=Q(is_key=True)),
    )
    counts["rated"] = (
        Proposal.objects.filter(session=session, assignments__replies__feedback__isnull=False)
        .distinct()
        .count()
    )
    return counts
