"""Reads of the desks. Each desk is a work scope (my proposals, my body's, my
agency's) cut out of what the visibility policy (proposals/visibility.py) lets
the user see; this module names the scopes and the queues in them, and never
decides visibility itself. The views only read the query string, call these,
paginate and render.
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, QuerySet

from lianghui.accounts import permissions as perms
from lianghui.accounts.enums import Role
from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Organization
from lianghui.proposals import supervision, visibility
from lianghui.proposals.enums import SignerRole, Status
from lianghui.proposals.models import Assignment, Proposal, Reply, Session, Signer
from lianghui.proposals.selectors import cited
from lianghui.proposals.workflow import awaiting_reply

# The office queue's tabs that list proposals, by the statuses they hold.
OFFICE_TABS = ("review", "assign", "replied", "key")


def member_of(user) -> int | None:
    return user.profile.member_id if hasattr(user, "profile") else None


# --- proposals the user may see -------------------------------------------------------------


def desk_proposals(*, user) -> QuerySet[Proposal]:
    """Every proposal the user may see, as the desks list them."""
    return visibility.proposals_for(user).select_related("session__body", "kind")


# --- member -----------------------------------------------------------------------------------


def member_led(*, user) -> QuerySet[Proposal]:
    """The proposals the member leads (drafts included)."""
    return desk_proposals(user=user).filter(
        signers__member_id=member_of(user), signers__role=SignerRole.LEAD
    )


def drafts(*, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Those of the proposals still drafts, last edited first."""
    return proposals.filter(status=Status.DRAFT).order_by("-updated_at")


def submitted(*, proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Those of the proposals that left the draft stage."""
    return proposals.exclude(status=Status.DRAFT)


def member_replies_to_rate(*, user) -> QuerySet[Reply]:
    """Replies to the member's proposals that wait for the proposer's rating."""
    return (
        visibility.replies_for(user)
        .filter(
            assignment__proposal__signers__member_id=member_of(user),
            assignment__proposal__signers__role=SignerRole.LEAD,
            assignment__proposal__status=Status.REPLIED,
            assignment__active=True,
            feedback__isnull=True,
        )
        .select_related("assignment__agency", "assignment__proposal")
        .order_by("replied_on")
    )


def member_signatures_to_confirm(*, user) -> QuerySet[Signer]:
    """Drafts the member is named on as a co-signer and has not confirmed yet."""
    return Signer.objects.filter(
        member_id=member_of(user),
        role=SignerRole.COSIGNER,
        confirmed=False,
        proposal__status=Status.DRAFT,
    ).select_related("proposal")


def reply_to_rate(*, user) -> QuerySet[Reply]:
    """Replies the user may see, ready for the rating form."""
    return visibility.replies_for(user).select_related("assignment__proposal__session")


# --- office ----------------------------------------------------------------------------------


def office_proposals(*, user) -> QuerySet[Proposal]:
    """The proposals of the office's body (every body for administrators)."""
    queryset = desk_proposals(user=user)
    if perms.role_of(user) != Role.ADMIN:
        queryset = queryset.filter(session__body_id=user.profile.body_id)
    return queryset


def office_tabs(*, scope: QuerySet[Proposal]) -> dict[str, QuerySet[Proposal]]:
    """The office queue's proposal tabs within its scope."""
    return {
        "review": scope.filter(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW]),
        "assign": scope.filter(status=Status.FILED),
        "replied": scope.filter(status=Status.REPLIED),
        "key": scope.filter(is_key=True),
    }


def transfer_requests(*, scope: QuerySet[Proposal]) -> QuerySet[Assignment]:
    """Agencies' pending requests to be relieved of a proposal in the scope."""
    return Assignment.objects.filter(
        active=True, transfer_requested_on__isnull=False, proposal__in=scope
    ).select_related("proposal", "agency")


def overdue(*, today, body=None) -> QuerySet[Assignment]:
    """Assignments past due without an answer (supervision.overdue)."""
    return supervision.overdue(today=today, body=body)


def office_proposal(*, user) -> QuerySet[Proposal]:
    """The office's proposal page: signers, assignments and the replies the user
    may read, with the comments the policy shows them."""
    # The kind and its body give the assign form its deadline rule.
    return (
        office_proposals(user=user)
        .select_related("kind__body")
        .prefetch_related(
            # The citations say which of its texts are this site's translation.
            cited(),
            Prefetch("signers", queryset=Signer.objects.select_related("member", "group")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "agency", "transferred_from__agency"
                ).prefetch_related(
                    Prefetch("replies", queryset=visibility.replies_with_comments(user))
                ),
            ),
        )
    )


def supervising_committees() -> QuerySet[Organization]:
    """The committees a key proposal can be put under."""
    return Organization.objects.filter(kind=OrganizationKind.COMMITTEE).order_by("key")


def statistics_sessions(*, body=None) -> QuerySet[Session]:
    """The sessions the statistics page offers, newest first."""
    sessions = Session.objects.select_related("body").order_by("-year", "body__key")
    return sessions if body is None else sessions.filter(body=body)


def agency_statistics(*, session) -> list[tuple[Organization, object]]:
    """Per agency, the office's handling figures for the session, most assigned first."""
    stats = supervision.agency_stats(session=session)
    names = Organization.objects.in_bulk(list(stats))
    return sorted(((names[pk], s) for pk, s in stats.items()), key=lambda r: -r[1].assigned)


def session_totals(*, session) -> dict[str, int]:
    """The session's funnel as the office counts it (supervision.session_totals)."""
    return supervision.session_totals(session=session)


# --- agency ----------------------------------------------------------------------------------


def agency_assignments(*, user) -> QuerySet[Assignment]:
    """The assignments of the officer's agency (every agency's for administrators)."""
    queryset = Assignment.objects.select_related("proposal__session__body", "agency")
    if perms.role_of(user) != Role.ADMIN:
        queryset = queryset.filter(agency_id=user.profile.agency_id)
    return queryset


def awaiting_answer(*, assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Those of the assignments that still owe a reply (workflow.awaiting_reply)."""
    open_ids = supervision.open_assignments().filter(pk__in=assignments.values("pk")).values("pk")
    return assignments.filter(pk__in=open_ids)


def answered(*, assignments: QuerySet[Assignment], limit: int) -> QuerySet[Assignment]:
    """The latest of the assignments with a reply."""
    return (
        assignments.filter(replies__isnull=False)
        .distinct()
        .order_by("-assigned_on", "proposal__key")[:limit]
    )


def transfers_asked(*, assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.filter(active=True, transfer_requested_on__isnull=False)


def with_reply_drafts(*, assignments: QuerySet[Assignment]) -> set[int]:
    """Ids of the assignments holding an unsent reply."""
    return set(assignments.filter(reply_draft__isnull=False).values_list("pk", flat=True))


def earlier_replies(*, user, assignment: Assignment) -> QuerySet[Reply]:
    """The assignment's replies so far, with the comments the user may read."""
    return visibility.replies_with_comments(user).filter(assignment=assignment)


# --- supervisor ------------------------------------------------------------------------------


def key_proposals(*, user) -> QuerySet[Proposal]:
    """The key proposals of the supervisor's body, with their active assignments
    (flagged when still awaiting a reply) and the replies the user may read."""
    queryset = (
        desk_proposals(user=user)
        .filter(is_key=True)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(active=True)
                .annotate(awaiting=ExpressionWrapper(awaiting_reply(), BooleanField()))
                .select_related("agency")
                .prefetch_related(
                    Prefetch("replies", queryset=visibility.replies_with_comments(user))
                ),
            )
        )
    )
    if perms.role_of(user) != Role.ADMIN:
        queryset = queryset.filter(session__body_id=user.profile.body_id)
    return queryset
