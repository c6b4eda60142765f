"""Who may see what of proposals and their handling: the one policy.

Every channel asks this module: the portal's proposal page, the desks, the API
(lists, details, stored documents), search results and facets, similar
proposals, feeds and the bulk dumps. Nothing else decides visibility.

Proposals
    anonymous visitors and watchers: published proposals;
    members: those, plus every proposal they lead or co-sign;
    agency officers: those, plus every proposal assigned (now or before a
    transfer) to their agency;
    supervisors: those, plus the key proposals of their body;
    office staff: every proposal of their body; administrators: everything.
Reviews (decision, coded reason, note) and assignments (agency, role, dates)
    go with the proposal: whoever sees it sees them. A not-filed proposal is
    unpublished (the office's refusal or conversion unpublishes one its
    proposer had made public; an imported record keeps the publication its
    source gives it), so its reason is seen by those who see the proposal;
    counts of such records are figures, not records.
Replies
    a published reply is seen with its proposal; an unpublished one only by the
    parties to its handling: the agency that wrote it, the proposal's signers
    (the reply is addressed to them), the office of its body, the supervisors
    of its body when the proposal is a key one, and administrators.
Feedback
    the rating (the level) is seen with the reply; the proposer's comment only
    when the proposer chose to publish it (``Feedback.comment_public``), else by
    the parties to the reply's handling.
Transfer requests (when and why an agency asked to be relieved)
    the agency, the office of the body and administrators.
The audit trail
    its public entries are seen with the proposal; the whole trail by the
    office of the body and administrators.
Consultations and their comments (lianghui.consultations)
    a consultation, its accepted themes and its published response are public;
    a comment is public once a moderator published it; until then (and when
    hidden or marked as spam) only its author and the moderators (the office
    of the consultation's body, administrators) see it; a withdrawn comment is
    seen by its author alone and leaves every public channel.

Public channels (search, similar proposals, feeds, bulk dumps, the stored API
documents, portal lists and figures) show every viewer, signed in or not,
what the public sees: ``public_proposals()`` and ``public_replies()``.
Record channels (the proposal page, desks, the API) show each viewer what
``proposals_for`` and ``replies_for`` allow.

Rules are Q objects (for querysets, as filters or annotations) with object
checks beside them for a record already in hand. They take a user (or None,
or a Viewer) and never import accounts: accounts builds on proposals.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet, Value

from lianghui.core.roles import Role, role_of

from .models import Assignment, Feedback, Proposal, Reply, Signer

PUBLIC = Q(published=True)
PUBLIC_ROLES = frozenset({None, Role.WATCHER})
EVERYTHING = Q()


@dataclass(frozen=True)
class Viewer:
    """What the policy needs to know of whoever is looking."""

    role: str | None = None
    body_id: int | None = None
    member_id: int | None = None
    agency_id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.role in PUBLIC_ROLES


ANONYMOUS = Viewer()


def viewer_of(user) -> Viewer:
    """The viewer a user (or None, or a Viewer) is to the policy."""
    if isinstance(user, Viewer):
        return user
    role = role_of(user)
    if role in PUBLIC_ROLES or role == Role.ADMIN:
        return Viewer(role)
    profile = user.profile
    return Viewer(role, profile.body_id, profile.member_id, profile.agency_id)


def _at(path: str, lookup: str) -> str:
    return f"{path}__{lookup}" if path else lookup


def _signed_by(v: Viewer):
    return Signer.objects.filter(member_id=v.member_id).values("proposal_id")


def _assigned_to(v: Viewer):
    return Assignment.objects.filter(agency_id=v.agency_id).values("proposal_id")


# --- proposals -----------------------------------------------------------------------------


def _own_proposals_q(v: Viewer, path: str) -> Q | None:
    """The unpublished proposals (at ``path`` from the queried model) the viewer has
    a part in; None for none. Sub-selects, not joins: a row is never repeated."""
    if v.role == Role.ADMIN:
        return EVERYTHING
    if v.role == Role.OFFICE:
        return Q(**{_at(path, "session__body_id"): v.body_id})
    within = f"{path}__in" if path else "pk__in"
    if v.role == Role.MEMBER:
        return Q(**{within: _signed_by(v)})
    if v.role == Role.AGENCY:
        return Q(**{within: _assigned_to(v)})
    if v.role == Role.SUPERVISOR:
        return Q(**{_at(path, "is_key"): True, _at(path, "session__body_id"): v.body_id})
    return None


def proposals_q(user, *, path: str = "") -> Q:
    """Proposals the viewer may see, as a condition on the proposal at ``path``
    (e.g. ``assignment__proposal`` from a reply)."""
    v = viewer_of(user)
    public = Q(**{_at(path, "published"): True})
    own = _own_proposals_q(v, path)
    if own is None:
        return public
    if own == EVERYTHING:
        return EVERYTHING
    return public | own


def proposals_for(user) -> QuerySet[Proposal]:
    """The proposals the viewer may see."""
    return Proposal.objects.filter(proposals_q(user))


def public_proposals() -> QuerySet[Proposal]:
    """The proposals everyone may see: what public channels show."""
    return Proposal.objects.filter(PUBLIC)


def may_see_proposal(user, proposal: Proposal) -> bool:
    """Object check; a query only for an unpublished proposal and a viewer with a
    part in some."""
    v = viewer_of(user)
    if proposal.published or v.role == Role.ADMIN:
        return True
    if _own_proposals_q(v, "") is None:
        return False
    return proposals_for(v).filter(pk=proposal.pk).exists()


# --- handling parties ---------------------------------------------------------------------


def _party_q(v: Viewer, *, reply: str = "") -> Q | None:
    """Replies (at path ``reply``: "" from Reply, "reply" from Feedback) whose
    private parts the viewer may see: they are a party to the handling."""
    proposal = _at(reply, "assignment__proposal")
    if v.role == Role.AGENCY:
        return Q(**{_at(reply, "assignment__agency_id"): v.agency_id})
    if v.role == Role.SUPERVISOR:
        return Q(**{f"{proposal}__is_key": True, f"{proposal}__session__body_id": v.body_id})
    if v.role in {Role.ADMIN, Role.OFFICE, Role.MEMBER}:
        return _own_proposals_q(v, proposal)
    return None


def is_party(user, reply: Reply) -> bool:
    """Object check: the viewer is a party to the handling of this reply."""
    v = viewer_of(user)
    party = _party_q(v)
    if party is None:
        return False
    if party == EVERYTHING:
        return True
    return Reply.objects.filter(party, pk=reply.pk).exists()


# --- replies -------------------------------------------------------------------------------


def replies_shown_q(user, *, path: str = "") -> Q:
    """Replies the viewer may see among those of proposals they may see (for a
    prefetch under proposals already checked). ``path`` leads to the reply."""
    v = viewer_of(user)
    party = _party_q(v, reply=path)
    public = Q(**{_at(path, "published"): True})
    if party is None:
        return public
    return EVERYTHING if party == EVERYTHING else public | party


def replies_q(user, *, path: str = "") -> Q:
    """Replies the viewer may see, their proposal checked too."""
    v = viewer_of(user)
    proposal = proposals_q(v, path=_at(path, "assignment__proposal"))
    return replies_shown_q(v, path=path) & proposal


def replies_for(user) -> QuerySet[Reply]:
    return Reply.objects.filter(replies_q(user))


def public_replies() -> QuerySet[Reply]:
    """The replies everyone may see: published replies of published proposals."""
    return Reply.objects.filter(replies_q(ANONYMOUS))


def reply_is_public(reply: Reply) -> bool:
    """Whether the public sees this reply of a proposal it may see (the timeline's
    and the pages' object check; `replies_shown_q` is the same rule as a query)."""
    return reply.published


def may_see_reply(user, reply: Reply) -> bool:
    v = viewer_of(user)
    if not may_see_proposal(v, reply.assignment.proposal):
        return False
    return reply_is_public(reply) or is_party(v, reply)


# --- feedback ------------------------------------------------------------------------------


def feedback_q(user) -> Q:
    """Feedback (its rating) the viewer may see: that of the replies they may see."""
    return replies_q(user, path="reply")


def _flag(q: Q | None):
    if q is None:
        return Value(False)
    if q == EVERYTHING:
        return Value(True)
    return ExpressionWrapper(q, output_field=BooleanField())


def comment_shown(user, *, path: str = ""):
    """An expression, true when the viewer may read the proposer's comment on the
    reply at ``path`` ("" from Reply, "reply" from Feedback): the proposer
    published it, or the viewer is a party to the reply's handling. Annotate it
    as ``comment_shown``; readers show the comment only where it is true."""
    v = viewer_of(user)
    party = _party_q(v, reply=path)
    if party == EVERYTHING:
        return Value(True)
    public = Q(**{"comment_public" if path else "feedback__comment_public": True})
    return _flag(public if party is None else public | party)


def may_read_comment(user, feedback: Feedback) -> bool:
    """Object check, for a record in hand (prefer the ``comment_shown`` annotation
    in lists)."""
    return bool(feedback.comment_public or is_party(user, feedback.reply))


def replies_with_comments(user) -> QuerySet[Reply]:
    """Replies the viewer may see under proposals already checked, with their
    feedback and ``comment_shown``, oldest first: for pages and API documents."""
    return (
        Reply.objects.filter(replies_shown_q(user))
        .select_related("feedback")
        .annotate(comment_shown=comment_shown(user))
        .order_by("replied_on", "id")
    )


# --- assignments, the audit trail ----------------------------------------------------------


def may_see_transfer_request(user, assignment: Assignment) -> bool:
    v = viewer_of(user)
    if v.role == Role.ADMIN:
        return True
    if v.role == Role.AGENCY:
        return assignment.agency_id == v.agency_id
    return v.role == Role.OFFICE and assignment.proposal.session.body_id == v.body_id


def may_see_whole_history(user, proposal: Proposal) -> bool:
    """The whole audit trail (else its public entries, with the proposal)."""
    v = viewer_of(user)
    if v.role == Role.ADMIN:
        return True
    return v.role == Role.OFFICE and proposal.session.body_id == v.body_id


# --- public copies of records ----------------------------------------------------------------

# Parts of an assignment record only its parties may see.
PRIVATE_ASSIGNMENT_FIELDS = ("transfer_requested_on", "transfer_reason")


def public_record(rec: dict, public_keys: set[str]) -> dict:
    """A proposal record of the exchange format (lianghui.exchange) as the public
    may see it: published replies only, comments only where the proposer published
    them, no transfer requests, ``merged_into`` only when that proposal is public
    (``public_keys``: the public ones among those named). For published proposals."""
    for assignment in rec.get("assignments", ()):
        for name in PRIVATE_ASSIGNMENT_FIELDS:
            assignment.pop(name, None)
        replies = [r for r in assignment.get("replies", ()) if r.get("published")]
        for reply in replies:
            feedback = reply.get("feedback")
            if feedback and not feedback.get("comment_public"):
                feedback.pop("comment", None)
        if replies:
            assignment["replies"] = replies
        else:
            assignment.pop("replies", None)
    if rec.get("merged_into") and rec["merged_into"] not in public_keys:
        del rec["merged_into"]
    return rec


# --- consultation comments ---------------------------------------------------------------


def _moderator_q(v: Viewer, path: str) -> Q | None:
    if v.role == Role.ADMIN:
        return EVERYTHING
    if v.role == Role.OFFICE and v.body_id:
        return Q(**{_at(path, "consultation__body_id"): v.body_id})
    return None


def comments_q(user, *, path: str = "") -> Q:
    """Comments the viewer may see, as a condition on the comment at ``path``."""
    v = viewer_of(user)
    public = Q(**{_at(path, "status"): "published"})
    own = (
        Q(**{_at(path, "author_id"): user.pk}) if getattr(user, "is_authenticated", False) else None
    )
    moderated = _moderator_q(v, path)
    if moderated == EVERYTHING:
        return EVERYTHING
    if moderated is not None:
        moderated &= ~Q(**{_at(path, "status"): "withdrawn"})
    for extra in (own, moderated):
        if extra is not None:
            public |= extra
    return public


def comments_for(user):
    from lianghui.consultations.models import Comment

    return Comment.objects.filter(comments_q(user))


def public_comments():
    """The comments everyone may see: what search, feeds, the API and dumps show."""
    from lianghui.consultations.models import Comment

    return Comment.objects.filter(status="published")


def public_consultations():
    from lianghui.consultations.models import Consultation

    return Consultation.objects.all()


def may_moderate(user, consultation) -> bool:
    v = viewer_of(user)
    return v.role == Role.ADMIN or (
        v.role == Role.OFFICE and v.body_id is not None and v.body_id == consultation.body_id
    )
