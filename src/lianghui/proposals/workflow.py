"""The proposal lifecycle: which status may follow which, which combinations of
status and other facts are consistent, and why not otherwise. Services and the
importer both ask these functions, so a record is held to one set of rules
whichever way it arrives."""

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


# Statuses of a proposal the office has filed (立案): it carries handling (it is
# or will be assigned, replied to, closed), so it can be selected for key
# supervision and other proposals can be merged into it.
FILED_STATUSES = frozenset({S.FILED, S.ASSIGNED, S.REPLIED, S.CLOSED})
HANDLED_STATUSES = frozenset({S.ASSIGNED, S.REPLIED, S.CLOSED})


def merge_target_problem(
    *, body_id: int, target_status: str, target_published: bool, target_body_id: int, same: bool
) -> str | None:
    """Why a proposal may not be merged into this target (None: it may).

    The merged proposal follows the target's handling, and its public page names
    the target: so the target is a filed, published proposal of the same body."""
    if same:
        return str(_("A proposal cannot be merged into itself."))
    if target_body_id != body_id:
        return str(_("Merge only within one body."))
    if target_status == S.MERGED:
        return str(_("That proposal is itself merged; merge into the one it follows."))
    if target_status not in FILED_STATUSES or not target_published:
        return str(
            _("Merge only into a filed, published proposal; that one is %(status)s.")
            % {"status": Status(target_status).label}
        )
    return None


def signer_problem(*, session_body_id: int, seat_bodies: set[int]) -> bool:
    """Whether a member seated in these bodies may sign in a session of this body:
    only in a body where the member holds a seat (the desk offers no other)."""
    return session_body_id not in seat_bodies


def record_problems(
    *,
    status: str,
    published: bool,
    is_key: bool,
    merged: bool,
    decision: str | None,
    assigned: bool,
) -> list[tuple[str, str]]:
    """(field, why) for each fact that contradicts the proposal's status: a stored
    proposal must be one the services could have produced."""
    problems = []
    # A draft is its author's private work. (A submitted proposal may be public
    # before the office files it: deputies publish their own, and the press
    # reports them; records of such facts keep them public.)
    if published and status == S.DRAFT:
        problems.append(("published", "a draft is not public"))
    if is_key and status not in FILED_STATUSES:
        problems.append(("is_key", "only a filed proposal can be a key proposal"))
    if merged != (status == S.MERGED):
        problems.append(("merged_into", "is given exactly when the status is merged"))
    if decision is not None:
        expected = {
            "filed": FILED_STATUSES,
            "not_filed": {S.NOT_FILED},
            "merged": {S.MERGED},
            "converted": {S.CONVERTED},
        }.get(decision, set())
        if status not in expected:
            problems.append(
                ("review.decision", f"a {decision} decision does not lead to status {status}")
            )
    if assigned and status not in HANDLED_STATUSES:
        problems.append(("assignments", f"a {status} proposal is not assigned"))
    return problems


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
