"""Writes on proposals and their handling. Every entry point (web, API, CLI, the
demo generator) goes through these functions: keyword-only, atomic, validate
then mutate, return the object. Each locks the proposal row so two officers
acting at once queue instead of overwriting each other."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianghui.people.models import Member, Organization

from .enums import AssignmentRole, Rating, ReviewDecision, SignerRole, Status
from .models import (
    Assignment,
    Feedback,
    Proposal,
    ProposalKind,
    Reply,
    Review,
    Session,
    Signer,
    Topic,
)
from .workflow import check_transition


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _locked(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    proposal.status = locked.status
    return locked


def _move(proposal: Proposal, target: str) -> None:
    check_transition(proposal.status, target)
    proposal.status = target
    proposal.save(update_fields=["status", "updated_at"])


@transaction.atomic
def proposal_create(
    *,
    session: Session,
    kind: ProposalKind,
    key: str,
    title_zh: str = "",
    title_en: str = "",
    summary_zh: str = "",
    summary_en: str = "",
    text_zh: str = "",
    text_en: str = "",
    original_language: str = "zh-hans",
    lead_member: Member | None = None,
    lead_group: Organization | None = None,
    cosigners: Iterable[Member] = (),
    topics: Iterable[Topic] = (),
    number: str = "",
    generated: bool = False,
) -> Proposal:
    if kind.body_id != session.body_id:
        raise ValidationError({"kind": _("This kind belongs to another body than the session.")})
    if (lead_member is None) == (lead_group is None):
        raise ValidationError({"lead_member": _("A proposal has one lead: a member or a group.")})
    if not (title_zh or title_en):
        raise ValidationError({"title_zh": _("A proposal needs a title.")})
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
        original_language=original_language,
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
    seen = {lead_member.pk} if lead_member else set()
    for n, member in enumerate(cosigners, 1):
        if member.pk in seen:
            raise ValidationError({"cosigners": _("%(name)s signs twice.") % {"name": member}})
        seen.add(member.pk)
        signers.append(
            Signer(proposal=proposal, member=member, role=SignerRole.COSIGNER, position=n)
        )
    Signer.objects.bulk_create(signers)
    topics = list(topics)
    if topics:
        proposal.topics.add(*topics)
    return proposal


@transaction.atomic
def proposal_submit(*, proposal: Proposal, on: dt.date) -> Proposal:
    proposal = _locked(proposal)
    needed = proposal.kind.min_cosigners
    if needed:
        have = proposal.signers.filter(role=SignerRole.COSIGNER, confirmed=True).count()
        if have < needed:
            raise ValidationError(
                _("A %(kind)s needs %(needed)d confirmed co-signers; it has %(have)d.")
                % {"kind": proposal.kind.name, "needed": needed, "have": have}
            )
    _move(proposal, Status.SUBMITTED)
    proposal.submitted_on = on
    proposal.save(update_fields=["submitted_on"])
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    _move(proposal, Status.WITHDRAWN)
    return proposal


@transaction.atomic
def proposal_start_review(*, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    _move(proposal, Status.UNDER_REVIEW)
    return proposal


DECISION_STATUS = {
    ReviewDecision.FILED: Status.FILED,
    ReviewDecision.NOT_FILED: Status.NOT_FILED,
    ReviewDecision.MERGED: Status.MERGED,
    ReviewDecision.CONVERTED: Status.CONVERTED,
}


@transaction.atomic
def proposal_review(
    *,
    proposal: Proposal,
    decision: str,
    on: dt.date,
    reason: str = "",
    note: str = "",
    merged_into: Proposal | None = None,
) -> Proposal:
    proposal = _locked(proposal)
    check_transition(proposal.status, DECISION_STATUS[decision])
    if decision == ReviewDecision.NOT_FILED and not reason:
        raise ValidationError({"reason": _("Say why the proposal is not filed.")})
    if decision == ReviewDecision.MERGED:
        if merged_into is None or merged_into.pk == proposal.pk:
            raise ValidationError({"merged_into": _("Name the proposal this one is merged into.")})
        if merged_into.status == Status.MERGED:
            raise ValidationError(
                {"merged_into": _("That proposal is itself merged; merge into the one it follows.")}
            )
        proposal.merged_into = merged_into
        proposal.save(update_fields=["merged_into"])
    Review.objects.create(
        proposal=proposal, decision=decision, reason=reason, note=note, decided_on=on
    )
    _move(proposal, DECISION_STATUS[decision])
    return proposal


@transaction.atomic
def proposal_assign(
    *,
    proposal: Proposal,
    agency: Organization,
    role: str,
    on: dt.date,
    due_on: dt.date | None = None,
) -> Assignment:
    proposal = _locked(proposal)
    check_transition(proposal.status, Status.ASSIGNED)
    if not agency.is_agency:
        raise ValidationError({"agency": _("%(name)s is not an agency.") % {"name": agency}})
    active = list(proposal.assignments.filter(active=True))
    if any(a.agency_id == agency.pk for a in active):
        raise ValidationError({"agency": _("%(name)s is already assigned.") % {"name": agency}})
    if role == AssignmentRole.LEAD and any(a.role == AssignmentRole.LEAD for a in active):
        raise ValidationError({"role": _("The proposal already has a lead unit.")})
    if due_on is None:
        due_on = add_months(on, proposal.kind.due_months)
    assignment = Assignment.objects.create(
        proposal=proposal, agency=agency, role=role, assigned_on=on, due_on=due_on
    )
    _move(proposal, Status.ASSIGNED)
    return assignment


@transaction.atomic
def assignment_transfer(
    *, assignment: Assignment, to_agency: Organization, on: dt.date
) -> Assignment:
    proposal = _locked(assignment.proposal)
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.active:
        raise ValidationError(_("This assignment was already transferred."))
    if assignment.replies.exists():
        raise ValidationError(_("An agency that has replied cannot transfer the proposal."))
    if proposal.assignments.filter(active=True, agency=to_agency).exists():
        raise ValidationError({"agency": _("%(name)s is already assigned.") % {"name": to_agency}})
    assignment.active = False
    assignment.save(update_fields=["active"])
    return Assignment.objects.create(
        proposal=proposal,
        agency=to_agency,
        role=assignment.role,
        assigned_on=on,
        due_on=add_months(on, proposal.kind.due_months),
        transferred_from=assignment,
    )


@transaction.atomic
def reply_create(
    *,
    assignment: Assignment,
    category: str,
    on: dt.date,
    text_zh: str = "",
    text_en: str = "",
    published: bool = True,
) -> Reply:
    proposal = _locked(assignment.proposal)
    if proposal.status != Status.ASSIGNED:
        raise ValidationError(_("Only a proposal being handled can be replied to."))
    assignment = Assignment.objects.get(pk=assignment.pk)
    if not assignment.active:
        raise ValidationError(_("This assignment was transferred; the new agency replies."))
    if on < assignment.assigned_on:
        raise ValidationError({"replied_on": _("A reply cannot predate its assignment.")})
    reply = Reply.objects.create(
        assignment=assignment,
        category=category,
        replied_on=on,
        text_zh=text_zh,
        text_en=text_en,
        published=published,
    )
    # Handling completes when every active assignment has an answer that stands.
    if not _unreplied(proposal):
        _move(proposal, Status.REPLIED)
    return reply


def _unreplied(proposal: Proposal) -> bool:
    """Is any active assignment still without a reply that awaits or has feedback?"""
    for assignment in proposal.assignments.filter(active=True).prefetch_related(
        "replies__feedback"
    ):
        replies = list(assignment.replies.all())
        if not replies:
            return True
        last = replies[-1]
        if hasattr(last, "feedback") and last.feedback.rating == Rating.UNSATISFIED:
            return True  # reopened: the old answer was not accepted
    return False


@transaction.atomic
def feedback_give(*, reply: Reply, rating: str, on: dt.date, comment: str = "") -> Feedback:
    proposal = _locked(reply.assignment.proposal)
    if proposal.status != Status.REPLIED:
        raise ValidationError(_("Feedback is given once every agency has replied."))
    if Feedback.objects.filter(reply=reply).exists():
        raise ValidationError(_("This reply has already been rated."))
    feedback = Feedback.objects.create(reply=reply, rating=rating, comment=comment, given_on=on)
    return feedback


@transaction.atomic
def proposal_close(*, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    _move(proposal, Status.CLOSED)
    return proposal


@transaction.atomic
def proposal_reopen(*, proposal: Proposal, on: dt.date) -> Proposal:
    """After unsatisfied feedback the office sends it back with new due dates."""
    proposal = _locked(proposal)
    rated = Feedback.objects.filter(reply__assignment__proposal=proposal, rating=Rating.UNSATISFIED)
    if not rated.exists():
        raise ValidationError(_("Only a proposal with unsatisfied feedback can be reopened."))
    _move(proposal, Status.ASSIGNED)
    due = add_months(on, proposal.kind.due_months)
    proposal.assignments.filter(active=True).update(due_on=due)
    return proposal


@transaction.atomic
def proposal_set_key(*, proposal: Proposal, is_key: bool) -> Proposal:
    """Select (or deselect) a filed proposal for key supervision."""
    proposal = _locked(proposal)
    if is_key and proposal.status not in {
        Status.FILED,
        Status.ASSIGNED,
        Status.REPLIED,
        Status.CLOSED,
    }:
        raise ValidationError(_("Only a filed proposal can be selected for key supervision."))
    proposal.is_key = is_key
    proposal.save(update_fields=["is_key", "updated_at"])
    return proposal
