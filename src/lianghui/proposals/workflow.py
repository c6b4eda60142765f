"""The proposal lifecycle: which status may follow which, and why not otherwise."""

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from .enums import Rating, Status

S = Status
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.UNDER_REVIEW, S.WITHDRAWN},
    S.UNDER_REVIEW: {S.FILED, S.NOT_FILED, S.MERGED, S.CONVERTED, S.WITHDRAWN},
    S.FILED: {S.ASSIGNED},
    S.ASSIGNED: {S.ASSIGNED, S.REPLIED},
    # An unsatisfied proposer lets the office reopen handling (back to assigned).
    S.REPLIED: {S.CLOSED, S.ASSIGNED},
    S.NOT_FILED: set(),
    S.MERGED: set(),
    S.CONVERTED: set(),
    S.WITHDRAWN: set(),
    S.CLOSED: set(),
}


class TransitionError(ValidationError):
    """A step the proposal's current status does not allow; the message says why."""


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(str(Status(s).label) for s in sorted(TRANSITIONS[current])) or _(
            "nothing: this is a final status"
        )
        raise TransitionError(
            _(
                "A proposal that is %(current)s cannot become %(target)s; from here it can become: "
                "%(allowed)s."
            )
            % {
                "current": Status(current).label,
                "target": Status(target).label,
                "allowed": allowed,
            },
            code="illegal_transition",
        )


def awaiting_reply() -> Q:
    """Assignments still owing an answer, as a condition on Assignment: active, of
    a proposal being handled, and either without a reply or with its latest reply
    (by date, then as recorded) rated unsatisfied, which is why handling was
    reopened. The one definition: services accept a reply and move the proposal
    on by it, reminders and overdue lists use it, the API's inbox shows it."""
    from .models import Reply

    replies = Reply.objects.filter(assignment_id=OuterRef("pk"))
    latest_rating = replies.order_by("-replied_on", "-id").values("feedback__rating")[:1]
    return Q(active=True, proposal__status=Status.ASSIGNED) & (
        # Coalesce: an unrated latest reply gives false, not SQL's unknown.
        ~Exists(replies)
        | Q(Exact(Coalesce(Subquery(latest_rating), Value("")), Rating.UNSATISFIED))
    )
