"""Writes on proposals and their handling.

Every entry point (web, API, CLI, the demo generator) goes through these
functions: keyword-only, atomic, validate then mutate, return the object. Each
locks the proposal row first (two rows: in id order), so two officers acting at
once queue instead of overwriting each other, and records what it changed in the
audit log. Whether the caller's role may act on a record is checked before, by
lianghui.accounts.permissions; who may sign in which body, session and kind is a
rule of the record itself, checked here (check_signers), so the desk, the API and
imports cannot differ on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianghui.core import audit
from lianghui.people.models import Member, Membership, Organization

from . import deadlines, selectors, vocabulary
from .enums import AssignmentRole, Rating, ReviewDecision, SignerRole, Status
from .models import (
    Assignment,
    Body,
    Feedback,
    Proposal,
    ProposalKind,
    Reply,
    ReplyDraft,
    Review,
    Session,
    Signer,
    Topic,
)
from .workflow import (
    FILED_STATUSES,
    awaiting_reply,
    check_transition,
    merge_target_problem,
    signer_problem,
)

# Decisions after which the office makes a proposal public.
PUBLISHED_DECISIONS = {ReviewDecision.FILED, ReviewDecision.MERGED}
DECISION_STATUS = {
    ReviewDecision.FILED: Status.FILED,
    ReviewDecision.NOT_FILED: Status.NOT_FILED,
    ReviewDecision.MERGED: Status.MERGED,
    ReviewDecision.CONVERTED: Status.CONVERTED,
}
EDITABLE = ("title_zh", "title_en", "summary_zh", "summary_en", "text_zh", "text_en")


def _locked(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("kind__body").get(pk=proposal.pk)
    proposal.status = locked.status
    return locked


def _locked_pair(proposal: Proposal, other: Proposal) -> tuple[Proposal, Proposal]:
    """Lock two proposals in id order, so two requests locking the same pair in
    opposite roles queue instead of deadlocking; return both as now stored."""
    rows = {}
    for pk in sorted({proposal.pk, other.pk}):
        rows[pk] = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("kind__body", "session")
            .get(pk=pk)
        )
    proposal.status = rows[proposal.pk].status
    return rows[proposal.pk], rows[other.pk]


def check_signers(
    *,
    session: Session,
    kind: ProposalKind,
    lead_member: Member | None = None,
    lead_group: Organization | None = None,
    cosigners: Iterable[Member] = (),
) -> None:
    """Who may propose in this session, in this kind: the kind is the session's
    body's; the lead is a member with a seat in that body, or a group
    (delegation, sector group) of that body; co-signers have a seat there too,
    and each signs once. Raises ValidationError by field."""
    if kind.body_id != session.body_id:
        raise ValidationError({"kind": _("This kind belongs to another body than the session.")})
    if (lead_member is None) == (lead_group is None):
        raise ValidationError({"lead_member": _("A proposal has one lead: a member or a group.")})
    members = [m for m in [lead_member, *cosigners] if m is not None]
    seats: dict[int, set[int]] = {}
    for member_id, body_id in Membership.objects.filter(
        member_id__in=[m.pk for m in members]
    ).values_list("member_id", "body_id"):
        seats.setdefault(member_id, set()).add(body_id)

    def seated(member: Member) -> bool:
        return not signer_problem(
            session_body_id=session.body_id, seat_bodies=seats.get(member.pk, set())
        )

    if lead_member is not None and not seated(lead_member):
        raise ValidationError(
            {
                "lead_member": _("%(name)s has no seat in %(body)s.")
                % {"name": lead_member, "body": session.body}
            }
        )
    if lead_group is not None and lead_group.body_id != session.body_id:
        raise ValidationError(
            {"lead_group": _("%(name)s is not a group of this body.") % {"name": lead_group}}
        )
    seen = {lead_member.pk} if lead_member else set()
    for member in cosigners:
        if member.pk in seen:
            raise ValidationError({"cosigners": _("%(name)s signs twice.") % {"name": member}})
        seen.add(member.pk)
        if not seated(member):
            raise ValidationError(
                {
                    "cosigners": _("%(name)s has no seat in %(body)s.")
                    % {"name": member, "body": session.body}
                }
            )


def check_review(
    *, proposal: Proposal, decision: str, reason: str, merged_into: Proposal | None
) -> None:
    """Everything a review decision needs, checked before anything moves (the
    proposal and the merge target as locked)."""
    if decision not in DECISION_STATUS:
        raise ValidationError({"decision": _("Unknown decision.")})
    body = proposal.kind.body_id
    vocabulary.check(body, vocabulary.OUTCOME, decision, "decision")
    if reason:
        vocabulary.check(body, vocabulary.NOT_FILED_REASON, reason, "reason")
    start = Status.UNDER_REVIEW if proposal.status == Status.SUBMITTED else proposal.status
    if start != proposal.status:
        check_transition(proposal.status, start)
    check_transition(start, DECISION_STATUS[decision])
    if decision == ReviewDecision.NOT_FILED and not reason:
        raise ValidationError({"reason": _("Say why the proposal is not filed.")})
    if decision != ReviewDecision.NOT_FILED and reason:
        raise ValidationError({"reason": _("A reason is given only when not filing.")})
    if decision != ReviewDecision.MERGED:
        if merged_into is not None:
            raise ValidationError(
                {"merged_into": _("A proposal to merge into is named only when merging.")}
            )
        return
    if merged_into is None:
        raise ValidationError({"merged_into": _("Name the proposal this one is merged into.")})
    problem = merge_target_problem(
        body_id=proposal.kind.body_id,
        target_status=merged_into.status,
        target_published=merged_into.published,
        target_body_id=merged_into.session.body_id,
        same=merged_into.pk == proposal.pk,
    )
    if problem:
        raise ValidationError({"merged_into": problem})


def draft_key(session: Session) -> str:
    """The key of a draft written on a desk or through the API: the session's key
    and the moment of writing, so drafts never need a counter (imports and the
    demo bring their own keys)."""
    return f"{session.key}-d{timezone.now():%Y%m%d%H%M%S%f}"


def _move(proposal: Proposal, target: str, actor, *, public: bool = True, **changes) -> None:
    """Change status (and other fields), checked against the workflow, audited."""
    check_transition(proposal.status, target)
    diff = {"status": (proposal.status, target)}
    for field, value in changes.items():
        diff[field] = (getattr(proposal, field), value)
        setattr(proposal, field, value)
    proposal.status = target
    proposal.save(update_fields=[*diff, "updated_at"])
    audit.record(actor=actor, root=proposal, action=f"status:{target}", changes=diff, public=public)


def check_of_body(
    *,
    body: Body,
    agency: Organization | None = None,
    supervisor: Organization | None = None,
    topics: Iterable[Topic] = (),
) -> None:
    """Refuse an agency, supervising committee or topic another body uses: a body's
    records name only its own vocabulary (the one its pick lists offer)."""
    if agency is not None and not selectors.serves(agency, body):
        raise ValidationError(
            {
                "agency": _("%(name)s does not handle proposals of %(body)s.")
                % {"name": agency, "body": body}
            }
        )
    if supervisor is not None and not selectors.serves(supervisor, body):
        raise ValidationError(
            {
                "supervisor": _("%(name)s does not supervise proposals of %(body)s.")
                % {"name": supervisor, "body": body}
            }
        )
    foreign = sorted(t.key for t in topics if not selectors.topic_in_use(t, body))
    if foreign:
        raise ValidationError(
            {
                "topics": _("Not a topic of %(body)s: %(keys)s.")
                % {"body": body, "keys": ", ".join(foreign)}
            }
        )


@transaction.atomic
def proposal_create(
    *,
    session: Session,
    kind: ProposalKind,
    key: str = "",
    title_zh: str = "",
    title_en: str = "",
    summary_zh: str = "",
    summary_en: str = "",
    text_zh: str = "",
    text_en: str = "",
    original_language: str | None = None,
    lead_member: Member | None = None,
    lead_group: Organization | None = None,
    cosigners: Iterable[Member] = (),
    topics: Iterable[Topic] = (),
    number: str = "",
    generated: bool = False,
    actor=None,
) -> Proposal:
    """A draft led by a member or a group. Without a key it gets a draft key
    (`draft_key`), whichever channel wrote it."""
    key = key or draft_key(session)
    cosigners = list(cosigners)
    check_signers(
        session=session,
        kind=kind,
        lead_member=lead_member,
        lead_group=lead_group,
        cosigners=cosigners,
    )
    if not (title_zh or title_en):
        raise ValidationError({"title_zh": _("A proposal needs a title.")})
    topics = list(topics)
    check_of_body(body=session.body, topics=topics)
    if Proposal.objects.filter(key=key).exists():
        raise ValidationError({"key": _("A proposal with this key exists.")})
    proposal = Proposal.objects.create(
        session=session,
        kind=kind,
        key=key,
        number=number,
        title_zh=title_zh,
        title_en=title_en,
        summary_zh=summary_zh,
        summary_en=summary_en,
        text_zh=text_zh,
        text_en=text_en,
        # Unless told otherwise, a proposal is written in its body's working language.
        original_language=original_language or session.body.language,
        status=Status.DRAFT,
        generated=generated,
    )
    signers = [
        Signer(
            proposal=proposal,
            member=lead_member,
            group=lead_group,
            role=SignerRole.LEAD,
            position=0,
        )
    ]
    # Co-signers confirm themselves where the kind needs co-signers; elsewhere
    # naming them is enough.
    confirmed = kind.min_cosigners == 0
    for n, member in enumerate(cosigners, 1):
        signers.append(
            Signer(
                proposal=proposal,
                member=member,
                role=SignerRole.COSIGNER,
                position=n,
                confirmed=confirmed,
            )
        )
    Signer.objects.bulk_create(signers)
    if topics:
        proposal.topics.add(*topics)
    audit.record(
        actor=actor, root=proposal, action="create", changes={"status": (None, Status.DRAFT)}
    )
    return proposal


@transaction.atomic
def proposal_set_topics(*, proposal: Proposal, topics: Iterable[Topic], actor=None) -> Proposal:
    """Set a proposal's topics (the office's classification, or a suggestion the
    office applied); audited and public."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("session__body")
        .get(pk=proposal.pk)
    )
    topics = list(topics)
    check_of_body(body=proposal.session.body, topics=topics)
    before = sorted(proposal.topics.values_list("key", flat=True))
    after = sorted({t.key for t in topics})
    if before != after:
        proposal.topics.set(topics)
        proposal.save(update_fields=["updated_at"])
        audit.record(
            actor=actor,
            root=proposal,
            action="topics",
            changes={"topics": (before, after)},
            public=True,
        )
    return proposal


@transaction.atomic
def proposal_update_draft(*, proposal: Proposal, actor=None, **fields) -> Proposal:
    proposal = _locked(proposal)
    if proposal.status != Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be edited; this one is %(status)s.")
            % {"status": Status(proposal.status).label}
        )
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: _("This field cannot be edited here.") for f in unknown})
    merged = {f: fields.get(f, getattr(proposal, f)) for f in EDITABLE}
    if not (merged["title_zh"] or merged["title_en"]):
        raise ValidationError({"title_zh": _("A proposal needs a title.")})
    diff = {f: (getattr(proposal, f), v) for f, v in fields.items()}
    for f, v in fields.items():
        setattr(proposal, f, v)
    proposal.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, root=proposal, action="edit", changes=diff)
    return proposal


@transaction.atomic
def cosigner_confirm(*, proposal: Proposal, member: Member, actor=None) -> Signer:
    proposal = _locked(proposal)
    if proposal.status != Status.DRAFT:
        raise ValidationError(_("Signatures are confirmed before the proposal is submitted."))
    signer = proposal.signers.filter(member=member, role=SignerRole.COSIGNER).first()
    if signer is None:
        raise ValidationError(_("%(name)s is not a co-signer of this proposal.") % {"name": member})
    if not signer.confirmed:
        signer.confirmed = True
        signer.save(update_fields=["confirmed"])
        audit.record(
            actor=actor,
            root=proposal,
            action="cosign",
            target=f"signer {member.key}",
            changes={"confirmed": (False, True)},
        )
    return signer


@transaction.atomic
def proposal_submit(*, proposal: Proposal, on: dt.date, actor=None) -> Proposal:
    proposal = _locked(proposal)
    check_transition(proposal.status, Status.SUBMITTED)
    signers = list(proposal.signers.select_related("member", "group").order_by("position"))
    lead = next((s for s in signers if s.role == SignerRole.LEAD), None)
    check_signers(
        session=Session.objects.select_related("body").get(pk=proposal.session_id),
        kind=proposal.kind,
        lead_member=lead.member if lead else None,
        lead_group=lead.group if lead else None,
        cosigners=[s.member for s in signers if s.role == SignerRole.COSIGNER and s.member],
    )
    needed = proposal.kind.min_cosigners
    # A group (an NPC delegation, say) proposes in its own right; the co-signer
    # rule is for proposals led by one member.
    led_by_group = proposal.signers.filter(role=SignerRole.LEAD, group__isnull=False).exists()
    if needed and not led_by_group:
        have = proposal.signers.filter(role=SignerRole.COSIGNER, confirmed=True).count()
        if have < needed:
            raise ValidationError(
                _("A %(kind)s needs %(needed)d confirmed co-signers; it has %(have)d.")
                % {"kind": proposal.kind.name, "needed": needed, "have": have}
            )
    _move(proposal, Status.SUBMITTED, actor, public=False, submitted_on=on)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, actor=None) -> Proposal:
    proposal = _locked(proposal)
    _move(proposal, Status.WITHDRAWN, actor, public=False)
    return proposal


@transaction.atomic
def proposal_start_review(*, proposal: Proposal, actor=None) -> Proposal:
    proposal = _locked(proposal)
    _move(proposal, Status.UNDER_REVIEW, actor, public=False)
    return proposal


@transaction.atomic
def proposal_review(
    *,
    proposal: Proposal,
    decision: str,
    on: dt.date,
    reason: str = "",
    note: str = "",
    merged_into: Proposal | None = None,
    actor=None,
) -> Proposal:
    """File, refuse, merge or convert. A submitted proposal is put under review
    first, in the same transaction: a refused decision leaves it as it was."""
    if merged_into is not None and decision == ReviewDecision.MERGED:
        # The target is locked too (after locking, so what is checked is what is
        # stored): it cannot be merged, withdrawn or merged back meanwhile.
        proposal, merged_into = _locked_pair(proposal, merged_into)
    else:
        proposal = _locked(proposal)
    check_review(proposal=proposal, decision=decision, reason=reason, merged_into=merged_into)
    if proposal.status == Status.SUBMITTED:
        _move(proposal, Status.UNDER_REVIEW, actor, public=False)
    changes = {}
    if decision == ReviewDecision.MERGED:
        changes["merged_into"] = merged_into
    Review.objects.create(
        proposal=proposal, decision=decision, reason=reason, note=note, decided_on=on
    )
    # A proposal its proposer made public before review (deputies publish their
    # own) leaves the public when the office refuses or converts it: the policy's
    # "a not-filed proposal is unpublished" (visibility.py), and the change stream
    # takes it out of every public channel.
    changes["published"] = decision in PUBLISHED_DECISIONS
    _move(
        proposal,
        DECISION_STATUS[decision],
        actor,
        public=decision in PUBLISHED_DECISIONS,
        **changes,
    )
    return proposal


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    agency: Organization,
    role: str,
    on: dt.date,
    due_on: dt.date | None = None,
    actor=None,
) -> Assignment:
    proposal = _locked(proposal)
    check_transition(proposal.status, Status.ASSIGNED)
    if not agency.is_agency:
        raise ValidationError({"agency": _("%(name)s is not an agency.") % {"name": agency}})
    check_of_body(body=proposal.kind.body, agency=agency)
    if role not in AssignmentRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    vocabulary.check(proposal.kind.body_id, vocabulary.HANDLING_ROLE, role, "role")
    active = list(proposal.assignments.filter(active=True))
    if any(a.agency_id == agency.pk for a in active):
        raise ValidationError({"agency": _("%(name)s is already assigned.") % {"name": agency}})
    if role == AssignmentRole.LEAD and any(a.role == AssignmentRole.LEAD for a in active):
        raise ValidationError({"role": _("The proposal already has a lead unit.")})
    if role != AssignmentRole.LEAD and not any(a.role == AssignmentRole.LEAD for a in active):
        raise ValidationError({"role": _("Assign the lead unit first.")})
    if due_on is None:  # the body's rule (or the kind's)
        due = deadlines.due(proposal.kind, on).assignment_fields()
    elif due_on < on:
        raise ValidationError({"due_on": _("The due date is before the assignment.")})
    else:  # chosen by the office: no rule to show
        due = {"due_on": due_on}
    due_on = due["due_on"]
    assignment = Assignment.objects.create(
        proposal=proposal, agency=agency, role=role, assigned_on=on, **due
    )
    audit.record(
        actor=actor,
        root=proposal,
        action="assign",
        target=f"agency {agency.key}",
        changes={"agency": (None, agency.key), "role": (None, role), "due_on": (None, due_on)},
        public=True,
    )
    if proposal.status != Status.ASSIGNED:
        _move(proposal, Status.ASSIGNED, actor)
    return assignment


@transaction.atomic
def assignment_request_transfer(
    *, assignment: Assignment, on: dt.date, reason: str, actor=None
) -> Assignment:
    proposal = _locked(assignment.proposal)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.active or proposal.status != Status.ASSIGNED:
        raise ValidationError(_("Only an assignment being handled can be transferred."))
    if assignment.replies.exists():
        raise ValidationError(_("An agency that has replied cannot ask for a transfer."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why another agency should handle it.")})
    assignment.transfer_requested_on, assignment.transfer_reason = on, reason
    assignment.save(update_fields=["transfer_requested_on", "transfer_reason"])
    audit.record(
        actor=actor,
        root=proposal,
        action="transfer-request",
        target=f"agency {assignment.agency.key}",
        changes={"transfer_reason": ("", reason)},
    )
    return assignment


@transaction.atomic
def assignment_transfer(
    *, assignment: Assignment, to_agency: Organization, on: dt.date, actor=None
) -> Assignment:
    """The office moves an assignment to another agency (approving a request, or
    on its own motion); the old one stays on record, inactive."""
    proposal = _locked(assignment.proposal)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.active:
        raise ValidationError(_("This assignment was already transferred."))
    if assignment.replies.exists():
        raise ValidationError(_("An agency that has replied cannot transfer the proposal."))
    if not to_agency.is_agency:
        raise ValidationError({"agency": _("%(name)s is not an agency.") % {"name": to_agency}})
    check_of_body(body=proposal.kind.body, agency=to_agency)
    if proposal.assignments.filter(active=True, agency=to_agency).exists():
        raise ValidationError({"agency": _("%(name)s is already assigned.") % {"name": to_agency}})
    assignment.active = False
    assignment.save(update_fields=["active"])
    moved = Assignment.objects.create(
        proposal=proposal,
        agency=to_agency,
        role=assignment.role,
        assigned_on=on,
        transferred_from=assignment,
        **deadlines.due(proposal.kind, on).assignment_fields(),
    )
    audit.record(
        actor=actor,
        root=proposal,
        action="transfer",
        target=f"agency {to_agency.key}",
        changes={"agency": (assignment.agency.key, to_agency.key)},
        public=True,
    )
    return moved


@transaction.atomic
def assignment_refuse_transfer(*, assignment: Assignment, actor=None) -> Assignment:
    proposal = _locked(assignment.proposal)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.transfer_requested_on is None:
        raise ValidationError(_("No transfer was requested."))
    before = assignment.transfer_reason
    assignment.transfer_requested_on, assignment.transfer_reason = None, ""
    assignment.save(update_fields=["transfer_requested_on", "transfer_reason"])
    audit.record(
        actor=actor,
        root=proposal,
        action="transfer-refused",
        target=f"agency {assignment.agency.key}",
        changes={"transfer_reason": (before, "")},
    )
    return assignment


@transaction.atomic
def reply_create(
    *,
    assignment: Assignment,
    category: str,
    on: dt.date,
    text_zh: str = "",
    text_en: str = "",
    published: bool = True,
    actor=None,
) -> Reply:
    proposal = _locked(assignment.proposal)
    if proposal.status != Status.ASSIGNED:
        raise ValidationError(
            _("Only a proposal being handled can be replied to; this one is %(status)s.")
            % {"status": Status(proposal.status).label}
        )
    assignment = Assignment.objects.select_related("agency").get(pk=assignment.pk)
    if not assignment.active:
        raise ValidationError(_("This assignment was transferred; the new agency replies."))
    if on < assignment.assigned_on:
        raise ValidationError({"replied_on": _("A reply cannot predate its assignment.")})
    if assignment.pk not in _awaiting_reply(proposal):
        raise ValidationError(_("This agency has already replied."))
    body = proposal.kind.body_id
    if vocabulary.has(body, vocabulary.REPLY_CATEGORY) and not category:
        raise ValidationError({"category": _("Choose the reply's category.")})
    vocabulary.check(body, vocabulary.REPLY_CATEGORY, category, "category")
    ReplyDraft.objects.filter(assignment=assignment).delete()  # sent: the draft is done
    reply = Reply.objects.create(
        assignment=assignment,
        category=category,
        replied_on=on,
        text_zh=text_zh,
        text_en=text_en,
        published=published,
    )
    audit.record(
        actor=actor,
        root=proposal,
        action="reply",
        target=f"agency {assignment.agency.key}",
        changes={"category": (None, category), "replied_on": (None, on)},
        public=published,
    )
    if not _awaiting_reply(proposal):
        _move(proposal, Status.REPLIED, actor)
    return reply


def _awaiting_reply(proposal: Proposal) -> set[int]:
    """The proposal's assignments still owing an answer (workflow.awaiting_reply)."""
    owing = Assignment.objects.filter(awaiting_reply(), proposal=proposal)
    return set(owing.values_list("id", flat=True))


@transaction.atomic
def feedback_give(
    *,
    reply: Reply,
    rating: str,
    on: dt.date,
    comment: str = "",
    comment_public: bool = False,
    actor=None,
) -> Feedback:
    proposal = _locked(reply.assignment.proposal)
    if proposal.status != Status.REPLIED:
        raise ValidationError(_("Feedback is given once every agency has replied."))
    if Feedback.objects.filter(reply=reply).exists():
        raise ValidationError(_("This reply has already been rated."))
    body = proposal.kind.body_id
    if not vocabulary.has(body, vocabulary.SATISFACTION):
        raise ValidationError({"rating": _("Replies to this body's proposals are not rated.")})
    vocabulary.check(body, vocabulary.SATISFACTION, rating, "rating")
    feedback = Feedback.objects.create(
        reply=reply, rating=rating, comment=comment, comment_public=comment_public, given_on=on
    )
    audit.record(
        actor=actor,
        root=proposal,
        action="feedback",
        target=f"agency {reply.assignment.agency.key}",
        changes={"rating": (None, rating)},
        public=True,
    )
    return feedback


@transaction.atomic
def proposal_close(*, proposal: Proposal, actor=None) -> Proposal:
    """Close handling once every agency's latest reply has been rated (once every
    agency has replied, for a body whose replies are not rated). After an
    unsatisfied rating the office chooses: reopen, or close with the record as it is."""
    proposal = _locked(proposal)
    check_transition(proposal.status, Status.CLOSED)
    if not vocabulary.has(proposal.kind.body_id, vocabulary.SATISFACTION):
        # Replies to this body are not rated: the last reply ends handling.
        _move(proposal, Status.CLOSED, actor)
        return proposal
    for assignment in proposal.assignments.filter(active=True):
        last = assignment.replies.order_by("-replied_on", "-id").first()
        if last is None or not Feedback.objects.filter(reply=last).exists():
            raise ValidationError(_("Every reply must be rated before the proposal is closed."))
    _move(proposal, Status.CLOSED, actor)
    return proposal


@transaction.atomic
def proposal_reopen(*, proposal: Proposal, on: dt.date, actor=None) -> Proposal:
    """After unsatisfied feedback the office sends it back with new due dates."""
    proposal = _locked(proposal)
    unsatisfied = Feedback.objects.filter(
        reply__assignment__proposal=proposal,
        reply__assignment__active=True,
        rating=Rating.UNSATISFIED,
    )
    if not unsatisfied.exists():
        raise ValidationError(_("Only a proposal with unsatisfied feedback can be reopened."))
    check_transition(proposal.status, Status.ASSIGNED)
    fields = deadlines.due(proposal.kind, on).assignment_fields()
    due = fields["due_on"]
    reopened = Assignment.objects.filter(replies__feedback__in=unsatisfied).distinct()
    reopened.update(**fields)
    _move(proposal, Status.ASSIGNED, actor)
    audit.record(
        actor=actor, root=proposal, action="reopen", changes={"due_on": (None, due)}, public=True
    )
    return proposal


@transaction.atomic
def proposal_set_key(
    *, proposal: Proposal, is_key: bool, supervisor: Organization | None = None, actor=None
) -> Proposal:
    """Select (or deselect) a filed proposal for key supervision, by a committee."""
    proposal = _locked(proposal)
    if is_key and proposal.status not in FILED_STATUSES:
        raise ValidationError(_("Only a filed proposal can be selected for key supervision."))
    diff = {"is_key": (proposal.is_key, is_key)}
    supervisor = supervisor if is_key else None
    if supervisor is not None:
        check_of_body(body=proposal.kind.body, supervisor=supervisor)
    diff["key_supervisor"] = (
        proposal.key_supervisor.key if proposal.key_supervisor else None,
        supervisor.key if supervisor else None,
    )
    proposal.is_key, proposal.key_supervisor = is_key, supervisor
    proposal.save(update_fields=["is_key", "key_supervisor", "updated_at"])
    audit.record(actor=actor, root=proposal, action="key", changes=diff, public=True)
    return proposal


@transaction.atomic
def reply_draft_save(
    *,
    assignment: Assignment,
    category: str = "",
    text_zh: str = "",
    text_en: str = "",
    published: bool = True,
    actor=None,
) -> ReplyDraft:
    """Keep an agency's unfinished reply; sending it (reply_create) removes the draft."""
    proposal = _locked(assignment.proposal)
    if not assignment.active or proposal.status != Status.ASSIGNED:
        raise ValidationError(_("Only an assignment being handled can have a draft reply."))
    if category:  # a draft may have none yet
        vocabulary.check(proposal.kind.body_id, vocabulary.REPLY_CATEGORY, category, "category")
    draft, _created = ReplyDraft.objects.update_or_create(
        assignment=assignment,
        defaults={
            "category": category,
            "text_zh": text_zh,
            "text_en": text_en,
            "published": published,
            "updated_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    return draft
