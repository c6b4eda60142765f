"""The proposal lifecycle: which status may follow which, and why not otherwise."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .enums import Status

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
