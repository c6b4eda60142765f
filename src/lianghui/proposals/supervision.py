"""Reads for deadline supervision and handling statistics (office, agencies,
session overviews). Aggregates are computed in the database, one query each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from .enums import Rating, ReplyCategory, ReviewDecision, Status
from .models import Assignment, Feedback, Proposal, Reply
from .workflow import awaiting_reply

DUE_SOON_DAYS = 14


def open_assignments() -> QuerySet[Assignment]:
    """Assignments that still await a reply (workflow.awaiting_reply)."""
    return (
        Assignment.objects.filter(awaiting_reply())
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


def _reply_counts() -> dict:
    """Aggregates over replies (first answers): on time, A/B/C, the proposers' ratings."""
    return {
        "replied": Count("id"),
        "on_time": Count("id", filter=Q(replied_on__lte=F("assignment__due_on"))),
        "a": Count("id", filter=Q(category=ReplyCategory.A)),
        "b": Count("id", filter=Q(category=ReplyCategory.B)),
        "c": Count("id", filter=Q(category=ReplyCategory.C)),
        "satisfied": Count("id", filter=Q(feedback__rating=Rating.SATISFIED)),
        "basically": Count("id", filter=Q(feedback__rating=Rating.BASICALLY_SATISFIED)),
        "unsatisfied": Count("id", filter=Q(feedback__rating=Rating.UNSATISFIED)),
    }


def _handled(*, session=None, body=None, agency=None, public: bool = False):
    """Active assignments and their replies, narrowed the same way."""
    assignments = Assignment.objects.filter(active=True)
    replies = Reply.objects.filter(assignment__active=True)
    if public:  # the portal counts published proposals only, as it lists them
        assignments = assignments.filter(proposal__published=True)
        replies = replies.filter(assignment__proposal__published=True)
    if session is not None:
        assignments = assignments.filter(proposal__session=session)
        replies = replies.filter(assignment__proposal__session=session)
    if body is not None:
        assignments = assignments.filter(proposal__session__body=body)
        replies = replies.filter(assignment__proposal__session__body=body)
    if agency is not None:
        assignments = assignments.filter(agency=agency)
        replies = replies.filter(assignment__agency=agency)
    return assignments, replies


def _stats(pk, assigned: int, row: dict | None) -> AgencyStats:
    row = row or {}
    return AgencyStats(
        pk,
        assigned,
        row.get("replied", 0),
        row.get("on_time", 0),
        row.get("a", 0),
        row.get("b", 0),
        row.get("c", 0),
        row.get("satisfied", 0),
        row.get("basically", 0),
        row.get("unsatisfied", 0),
    )


def agency_stats(
    *, session=None, body=None, agency=None, public: bool = False
) -> dict[int, AgencyStats]:
    """Per agency: assignments, replies (first answers), on time, A/B/C, ratings."""
    assignments, replies = _handled(session=session, body=body, agency=agency, public=public)
    counts = dict(assignments.values_list("agency_id").annotate(n=Count("id")))
    rows = {
        row["assignment__agency_id"]: row
        for row in replies.values("assignment__agency_id").annotate(**_reply_counts())
    }
    return {pk: _stats(pk, counts.get(pk, 0), rows.get(pk)) for pk in counts.keys() | rows.keys()}


def agency_years(*, agency, public: bool = False) -> dict[int, AgencyStats]:
    """One agency's figures per session year (the year the proposals were made),
    oldest first; ``agency_id`` holds the year. Two queries."""
    assignments, replies = _handled(agency=agency, public=public)
    year = "proposal__session__year"
    counts = dict(assignments.values_list(year).annotate(n=Count("id")).order_by())
    rows = {
        row["assignment__" + year]: row
        for row in replies.values("assignment__" + year).annotate(**_reply_counts()).order_by()
    }
    years = sorted(counts.keys() | rows.keys())
    return {y: _stats(y, counts.get(y, 0), rows.get(y)) for y in years}


def session_totals(*, session, public: bool = False) -> dict[str, int]:
    """The flow submitted → filed → replied → rated for one session."""
    proposals = Proposal.objects.filter(session=session).exclude(status=Status.DRAFT)
    if public:
        proposals = proposals.filter(published=True)
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
        proposals.filter(assignments__replies__feedback__isnull=False).distinct().count()
    )
    return counts


def session_flow(*, session, public: bool = False) -> dict[str, int]:
    """Each stage of a session's flow in one query: submitted → filed → assigned →
    replied → rated, and the branches that leave it (not filed, merged, converted
    to a letter) or have not reached review yet (waiting)."""
    proposals = Proposal.objects.filter(session=session).exclude(status=Status.DRAFT)
    if public:
        proposals = proposals.filter(published=True)
    rated = Feedback.objects.filter(reply__assignment__proposal=OuterRef("pk"))
    handled = [Status.ASSIGNED, Status.REPLIED, Status.CLOSED]
    return proposals.aggregate(
        submitted=Count("id", filter=~Q(status=Status.WITHDRAWN)),
        waiting=Count("id", filter=Q(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])),
        filed=Count("id", filter=Q(review__decision=ReviewDecision.FILED)),
        not_filed=Count("id", filter=Q(status=Status.NOT_FILED)),
        merged=Count("id", filter=Q(status=Status.MERGED)),
        converted=Count("id", filter=Q(status=Status.CONVERTED)),
        assigned=Count("id", filter=Q(status__in=handled)),
        replied=Count("id", filter=Q(status__in=[Status.REPLIED, Status.CLOSED])),
        rated=Count("id", filter=Q(Exists(rated))),
    )
