"""Read-side functions of the API: what a caller may see (as the policy,
proposals/visibility.py, decides), as querysets built on the apps' selectors,
each with the relations its serializer reads selected or prefetched (a fixed
number of queries per page)."""

from __future__ import annotations

from operator import attrgetter

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet

from lianghui.commitments import selectors as commitments
from lianghui.commitments.models import Commitment
from lianghui.core.models import Citation
from lianghui.laws import selectors as laws
from lianghui.laws.models import Provision, Regulation, RegulationEvent, RegulationVersion
from lianghui.people import selectors as people
from lianghui.people.enums import OrganizationKind
from lianghui.people.models import Organization
from lianghui.proposals import selectors as proposals
from lianghui.proposals import visibility
from lianghui.proposals.models import (
    Assignment,
    Feedback,
    Proposal,
    ProposalKind,
    Reply,
    Session,
    Signer,
    Topic,
)
from lianghui.proposals.workflow import awaiting_reply

PUBLIC_ROLES = visibility.PUBLIC_ROLES


def _cited() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source").order_by("source__key", "field", "id"),
    )


# --- proposals ---------------------------------------------------------------------------


def visible_proposal_qs(*, viewer) -> QuerySet[Proposal]:
    """Proposals ``viewer`` may see."""
    return proposals.visible_proposals(viewer=viewer)


def proposal_list(
    *, viewer, query: str = "", filters: proposals.ProposalFilters | None = None
) -> QuerySet[Proposal]:
    qs = proposals.proposal_search(query=query, filters=filters, viewer=viewer)
    if filters is not None and filters.session:
        # The session's id as a constant: PostgreSQL then walks (session, key) in
        # cursor order instead of the whole key index filtering by a joined key.
        session_id = Session.objects.filter(key=filters.session).values_list("id", flat=True)
        qs = qs.filter(session_id=session_id.first())
    return qs.select_related("merged_into", "key_supervisor")


PROPOSAL_INCLUDES = ("text", "signers", "review", "assignments", "regulations", "sources")


# Of a merged proposal only its key and whether it is public are shown.
MERGED_INTO_UNUSED = tuple(
    f"merged_into__{f}"
    for f in ("title_zh", "title_en", "summary_zh", "summary_en", "text_zh", "text_en")
)


def with_proposal_includes(qs: QuerySet[Proposal], include: set[str], *, viewer) -> QuerySet:
    # Full texts are most of a row's bytes; lists leave them out unless asked.
    unused = (
        MERGED_INTO_UNUSED if "text" in include else ("text_zh", "text_en", *MERGED_INTO_UNUSED)
    )
    qs = qs.defer(*unused)
    if "signers" in include:
        # The lead is among all signers: drop the search's separate lead-only prefetch
        # (one query less; the serializer falls back to the full list).
        qs = qs.prefetch_related(None).prefetch_related("topics")
        qs = qs.prefetch_related(
            Prefetch(
                "signers",
                queryset=Signer.objects.select_related("member", "group").order_by(
                    "position", "id"
                ),
            )
        )
    if "review" in include:
        qs = qs.select_related("review")
    if "assignments" in include:
        assignments = (
            Assignment.objects.select_related("agency", "transferred_from__agency")
            .prefetch_related(Prefetch("replies", queryset=visible_replies_of(viewer)))
            .order_by("id")
        )
        qs = qs.prefetch_related(Prefetch("assignments", queryset=assignments))
    if "regulations" in include:
        qs = qs.prefetch_related(
            Prefetch("regulations", queryset=Regulation.objects.order_by("key"))
        )
    if "sources" in include:
        qs = qs.prefetch_related(_cited())
    return qs


def proposal_for_detail(*, key: str, viewer, include: set[str]) -> Proposal:
    """One proposal for its API detail: the proposal page's read
    (``proposals.selectors.proposal_detail``, the same visibility and the same
    queries, compiled once per process), with the API's order (assignments and
    replies as recorded, which is also the order of their keys) and the related
    regulations from what came of it."""
    p = proposals.proposal_detail(key=key, viewer=viewer)
    assignments = sorted(p.assignments.all(), key=attrgetter("pk"))
    for a in assignments:
        proposals.prefetched(a, "replies", sorted(a.replies.all(), key=attrgetter("pk")))
    proposals.prefetched(p, "assignments", assignments)
    if "regulations" in include:
        # What came of it, as on the page: the confirmed links, which
        # ``Regulation.related_proposals`` mirrors.
        related = {link.regulation.key: link.regulation for link in p.outcomes}
        proposals.prefetched(p, "regulations", [related[k] for k in sorted(related)])
    return p


# --- replies and feedback ---------------------------------------------------------------------


def visible_replies_of(viewer) -> QuerySet[Reply]:
    """Replies the viewer may see (not checking the proposal: for a prefetch), with
    ``comment_shown``."""
    return visibility.replies_with_comments(viewer).order_by("id")


def reply_list(
    *, viewer, session: str = "", agency: str = "", category: str = "", proposal: str = ""
) -> QuerySet[Reply]:
    qs = Reply.objects.filter(visibility.replies_q(viewer))
    if session:
        qs = qs.filter(assignment__proposal__session__key=session)
    if agency:
        qs = qs.filter(assignment__agency__key=agency)
    if category:
        qs = qs.filter(category=category)
    if proposal:
        qs = qs.filter(assignment__proposal__key=proposal)
    return qs.select_related("assignment__agency", "assignment__proposal", "feedback").annotate(
        comment_shown=visibility.comment_shown(viewer)
    )


REPLY_KEYSET = ("assignment__proposal__key", "assignment_id", "id")


def feedback_list(
    *, viewer, session: str = "", agency: str = "", rating: str = ""
) -> QuerySet[Feedback]:
    replies = reply_list(viewer=viewer, session=session, agency=agency)
    qs = Feedback.objects.filter(reply__in=replies.values("pk"))
    if rating:
        qs = qs.filter(rating=rating)
    return qs.select_related("reply__assignment__agency", "reply__assignment__proposal").annotate(
        comment_shown=visibility.comment_shown(viewer, path="reply")
    )


FEEDBACK_KEYSET = ("reply__assignment__proposal__key", "reply__assignment_id", "reply_id")


def commitment_list(
    *,
    viewer,
    session: str = "",
    agency: str = "",
    proposal: str = "",
    outcome: str = "",
    review: str = "",
) -> QuerySet[Commitment]:
    """Commitments found in the replies the caller may see (commitments.selectors:
    the office's rejections only to the office), of the replies ``reply_list``
    gives for the same filters."""
    qs = commitments.commitments_for(viewer)
    if session or agency or proposal:
        replies = reply_list(viewer=viewer, session=session, agency=agency, proposal=proposal)
        qs = qs.filter(reply__in=replies.values("pk"))
    if outcome:
        qs = qs.filter(outcome=outcome)
    if review:
        qs = qs.filter(review=review)
    return qs.select_related(
        "reply__assignment__agency", "reply__assignment__proposal", "kept_by_regulation"
    )


COMMITMENT_KEYSET = ("reply__assignment__proposal__key", "reply_id", "id")


def visible_replies(viewer, ids) -> dict[int, int]:
    """{reply id: assignment id} of those of ``ids`` the viewer may see."""
    if not ids:
        return {}
    rows = Reply.objects.filter(visibility.replies_q(viewer), pk__in=ids)
    return dict(rows.values_list("pk", "assignment_id"))


# --- agency inbox -----------------------------------------------------------------------------


def inbox(*, agency_id: int | None) -> QuerySet[Assignment]:
    """An agency's active assignments of proposals being handled (all agencies'
    for ``None``: administrators), each with ``awaiting``."""
    from lianghui.proposals.enums import Status

    qs = Assignment.objects.filter(active=True, proposal__status=Status.ASSIGNED)
    if agency_id is not None:
        qs = qs.filter(agency_id=agency_id)
    return _with_awaiting(qs).select_related("agency", "proposal__session", "proposal__kind")


def _with_awaiting(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return qs.annotate(awaiting=ExpressionWrapper(awaiting_reply(), output_field=BooleanField()))


INBOX_KEYSET = ("proposal__key", "id")


# --- reference data, people, regulations ------------------------------------------------------


def body_list():
    kinds = ProposalKind.objects.order_by("code")
    return proposals.body_list().prefetch_related(Prefetch("kinds", queryset=kinds))


def session_list(*, body: str = "", year: int | None = None, include_sources: bool = False):
    qs = proposals.session_list(body=body)
    if year:
        qs = qs.filter(year=year)
    return qs.prefetch_related(_cited()) if include_sources else qs


def _body(key: str):
    """The body of a ``body`` parameter; an unknown key matches nothing (an empty list)."""
    return proposals.body_list().filter(key=key).first()


def topic_list(*, scheme: str = "", body: str = ""):
    qs = Topic.objects.select_related("parent").annotate(
        proposal_count=Count("proposals", filter=Q(proposals__published=True))
    )
    if body:
        found = _body(body)
        qs = qs.filter(pk__in=proposals.topics_for(found).values("pk")) if found else qs.none()
    return qs.filter(scheme=scheme) if scheme else qs


def member_list(*, query: str = "", filters=None, include_sources: bool = False):
    qs = people.member_search(query=query, filters=filters)
    return qs.prefetch_related(_cited()) if include_sources else qs


def organization_list(
    *,
    query: str = "",
    filters=None,
    agencies_only: bool = False,
    level: str = "",
    parent: str = "",
    body: str = "",
    include_sources: bool = False,
):
    qs = people.organization_search(query=query, filters=filters)
    if agencies_only:
        qs = qs.filter(kind=OrganizationKind.AGENCY)
    if body:
        found = _body(body)
        qs = qs.filter(pk__in=proposals.agencies_for(found).values("pk")) if found else qs.none()
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent__key=parent)
    return qs.prefetch_related(_cited()) if include_sources else qs


REGULATION_INCLUDES = ("events", "related_proposals", "links", "versions", "sources")


def regulation_list(*, query: str = "", filters=None, include: set[str] = frozenset()):
    qs = laws.regulation_search(query=query, filters=filters)
    if "events" in include:
        qs = qs.prefetch_related(
            Prefetch("events", queryset=RegulationEvent.objects.order_by("date", "id"))
        )
    if "related_proposals" in include:
        related = visibility.public_proposals().order_by("key").only("id", "key")
        qs = qs.prefetch_related(Prefetch("related_proposals", queryset=related))
    if "links" in include:
        links = laws.confirmed_links().select_related("proposal").order_by("proposal__key")
        qs = qs.prefetch_related(Prefetch("proposal_links", queryset=links, to_attr="asked_by"))
    if "versions" in include:
        versions = RegulationVersion.objects.select_related("issuer").order_by("date", "id")
        provisions = Provision.objects.select_related("parent").order_by("position")
        qs = qs.prefetch_related(
            Prefetch("versions", queryset=versions),
            Prefetch("versions__provisions", queryset=provisions),
        )
    if "sources" in include:
        qs = qs.prefetch_related(_cited())
    return qs


def agency_lookup(*, key: str) -> Organization:
    return Organization.objects.get(key=key, kind=OrganizationKind.AGENCY)


def inbox_item(*, pk: int) -> Assignment:
    return (
        _with_awaiting(Assignment.objects.all())
        .select_related("agency", "proposal__session", "proposal__kind")
        .get(pk=pk)
    )
