"""Reads for deadline supervision: what is due soon and what is overdue, for the
office's and agencies' desks and the reminders. The handling figures themselves
(on time, A/B/C, satisfaction, a session's funnel) are defined in `figures`."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from . import figures
from .models import Assignment
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


# ---------------------------------------------------------------------------
# The office's statistics: the public figures' definitions over every record
# (published or not). Defined in `figures`; these names keep the office's page
# reading them.


def agency_stats(*, session=None, body=None) -> dict[int, figures.Handling]:
    """Per agency, every assignment and reply counted (the office's view)."""
    return figures.handling(by="agency", session=session, body=body, public=False)


def session_totals(*, session) -> dict[str, int]:
    """The session's funnel for the office: ``not_filed`` joins the proposals not
    filed and those converted to letters."""
    f = figures.session_funnel(session=session)
    return {
        "submitted": f.submitted,
        "filed": f.filed,
        "merged": f.merged,
        "not_filed": f.not_filed + f.converted,
        "replied": f.replied,
        "rated": f.rated,
        "closed": f.closed,
        "key": f.key,
    }
