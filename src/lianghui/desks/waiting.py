"""What the member's desk says about a proposal that waits: for whom, for what,
and what the member can do meanwhile (nothing used to tell a proposer what
happens next). At most two queries for a page of proposals, whatever its length."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import BooleanField, ExpressionWrapper
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lianghui.proposals import vocabulary
from lianghui.proposals.enums import Rating, Status
from lianghui.proposals.models import Assignment, Reply
from lianghui.proposals.workflow import awaiting_reply


def explain(proposals) -> dict[int, str]:
    """proposal id -> the sentence the desk shows beside its status (none for a
    proposal that waits for nothing)."""
    proposals = list(proposals)
    assigned = [p.pk for p in proposals if p.status == Status.ASSIGNED]
    replied = [p.pk for p in proposals if p.status == Status.REPLIED]
    handling: dict[int, list[dict]] = defaultdict(list)
    if assigned:
        for row in (
            Assignment.objects.filter(proposal_id__in=assigned, active=True)
            .annotate(awaiting=ExpressionWrapper(awaiting_reply(), BooleanField()))
            .values("proposal_id", "awaiting", "due_on")
        ):
            handling[row["proposal_id"]].append(row)
    ratings: dict[int, dict[int, str | None]] = defaultdict(dict)
    if replied:
        # The latest reply of each agency answering now, and its rating if any.
        for row in (
            Reply.objects.filter(assignment__proposal_id__in=replied, assignment__active=True)
            .order_by("replied_on", "id")
            .values("assignment__proposal_id", "assignment_id", "feedback__rating")
        ):
            ratings[row["assignment__proposal_id"]][row["assignment_id"]] = row["feedback__rating"]
    out = {}
    for p in proposals:
        if p.status == Status.ASSIGNED:
            text = _assigned(handling.get(p.pk, []))
        elif p.status == Status.REPLIED:
            text = _replied(p, list(ratings.get(p.pk, {}).values()))
        else:
            text = _other(p)
        if text:
            out[p.pk] = text
    return out


def _other(p) -> str:
    if p.status in (Status.SUBMITTED, Status.UNDER_REVIEW):
        return _(
            "Waiting for the office's decision: it files the proposal, merges it into "
            "another on the same matter, or says why it does not file it. You can "
            "withdraw it until then."
        )
    if p.status == Status.FILED:
        # The status in the body's words ("Filed", "Tabled", "立案").
        name = vocabulary.outcome_name(vocabulary.body_of(p), Status.FILED)
        return _(
            "%(status)s. Waiting for the office to assign it to the agencies that answer "
            "it; each will have a due date."
        ) % {"status": name}
    return ""


def _assigned(rows: list[dict]) -> str:
    total = len(rows)
    waiting = [r for r in rows if r["awaiting"]]
    if not total or not waiting:
        return ""
    due = date_format(min(r["due_on"] for r in waiting), "DATE_FORMAT")
    done = total - len(waiting)
    if done:
        text = ngettext(
            "%(done)d of %(total)d agency has replied; you can rate when all have.",
            "%(done)d of %(total)d agencies have replied; you can rate when all have.",
            total,
        ) % {"done": done, "total": total}
    else:
        text = ngettext(
            "Waiting for the reply of %(total)d agency.",
            "Waiting for the replies of %(total)d agencies.",
            total,
        ) % {"total": total}
    text += " " + _("The next reply is due by %(due)s.") % {"due": due}
    if total > 1:
        # The rating form waits for the last reply: one rating per reply, given
        # once the whole answer is in, as the rules of handling have it.
        text += " " + _(
            "Replies already published are on the proposal's page; the rating form "
            "comes here when every agency has replied."
        )
    return text


def _replied(p, latest: list[str | None]) -> str:
    if not vocabulary.has(vocabulary.body_of(p), vocabulary.SATISFACTION):
        return _("Every agency has replied. Next: the office closes the handling.")
    if any(rating is None for rating in latest):
        return _("Every agency has replied: rate each reply below.")
    if any(rating == Rating.UNSATISFIED for rating in latest):
        return _(
            "You rated a reply unsatisfied. Next: the office decides whether to reopen "
            "the handling (the agency then replies again, by a new due date) or to close "
            "the proposal as it stands. You will be notified either way."
        )
    return _("Every reply is rated. Next: the office closes the handling.")
