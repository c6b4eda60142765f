"""Writing commitments: extraction from a reply, the office's review, outcomes."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianghui.core import audit
from lianghui.proposals import vocabulary
from lianghui.proposals.models import Reply

from . import extract
from .enums import Outcome, Review
from .models import Commitment


def _text_of(reply: Reply) -> tuple[str, str]:
    """The reply's original text and its language. A reply's original language is
    taken to be its proposal's (replies have no language of their own); a reply
    written only in the other language is read in that one."""
    original = "en" if reply.assignment.proposal.original_language.startswith("en") else "zh"
    other = "zh" if original == "en" else "en"
    text = getattr(reply, f"text_{original}")
    if text.strip():
        return text, original
    return getattr(reply, f"text_{other}"), other


READ_AGAIN = ["confidence", "reasons", "due_on", "due_precision", "plan", "extractor"]


@transaction.atomic
def commitments_extract(*, reply: Reply, refresh: bool = True) -> list[Commitment]:
    """(Re)find the commitments of one reply. A row stays while its sentence still
    stands in the reply (with the office's decision); the others go."""
    text, language = _text_of(reply)
    found = {
        f.position: f for f in extract.extract(text, replied_on=reply.replied_on, language=language)
    }
    kept = []
    for row in Commitment.objects.select_for_update().filter(reply=reply):
        same = found.get(row.position)
        if same and same.sentence == row.sentence and same.language == row.language:
            # The same sentence: the row stays (its id, the office's decision), read
            # again by the current rules. Re-reading happens on every change of the
            # proposal, so rows must not churn.
            found.pop(row.position)
            row.confidence, row.reasons = same.confidence, list(same.reasons)
            row.due_on, row.due_precision, row.plan = same.due_on, same.due_precision, same.plan
            row.extractor = extract.VERSION
            row.save(
                update_fields=[
                    "confidence",
                    "reasons",
                    "due_on",
                    "due_precision",
                    "plan",
                    "extractor",
                ]
            )
            kept.append(row)
            continue
        row.delete()
    made = Commitment.objects.bulk_create(
        Commitment(
            reply=reply,
            position=f.position,
            language=f.language,
            sentence=f.sentence,
            confidence=f.confidence,
            reasons=list(f.reasons),
            extractor=extract.VERSION,
            due_on=f.due_on,
            due_precision=f.due_precision,
            plan=f.plan,
        )
        for f in found.values()
    )
    rows = kept + made
    if refresh and rows:
        commitments_refresh(ids=[c.pk for c in rows])
    return rows


@transaction.atomic
def commitment_review(*, commitment: Commitment, decision: str, actor) -> Commitment:
    """The office confirms or rejects a found commitment; the decision is audited
    on the proposal's trail (not public: the outcome shown is the public part)."""
    if decision not in (Review.CONFIRMED, Review.REJECTED, Review.SUGGESTED):
        raise ValidationError({"decision": _("Choose confirm or reject.")})
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    before = commitment.review
    commitment.review = decision
    commitment.reviewed_at = timezone.now() if decision != Review.SUGGESTED else None
    commitment.save(update_fields=["review", "reviewed_at"])
    audit.record(
        actor=actor,
        root=commitment.reply.assignment.proposal,
        action="commitment_review",
        changes={"commitment": (before, decision)},
        target=commitment.sentence[:200],
    )
    return commitment


def _first_category(body_id: int) -> str | None:
    codes = vocabulary.codes(body_id, vocabulary.REPLY_CATEGORY)
    return codes[0] if codes else None


def _outcome(c: Commitment, today: dt.date, later_replies: dict, first: dict):
    reply = c.reply
    proposal = reply.assignment.proposal
    # A linked regulation's adoption, publication or entry into force on or after
    # the reply's date shows the promise kept.
    best = None
    for reg in proposal.regulations.all():
        dates = [d for d in (reg.adopted_on, reg.published_on, reg.effective_on) if d]
        dates = [d for d in dates if d >= reply.replied_on]
        if dates and (best is None or min(dates) < best[1]):
            best = (reg, min(dates))
    if best:
        return Outcome.KEPT, best[1], best[0].pk, None
    # So does a later published reply of the same agency graded with the body's
    # first category (by default A: adopted or solved).
    body_id = proposal.session.body_id
    if body_id not in first:
        first[body_id] = _first_category(body_id)
    for later_id, on, category in later_replies.get((proposal.pk, reply.assignment.agency_id), ()):
        if category == first[body_id] and on > reply.replied_on:
            return Outcome.KEPT, on, None, later_id
    if c.due_on and c.due_on < today:
        return Outcome.LAPSED, c.due_on, None, None
    return Outcome.OPEN, None, None, None


def commitments_refresh(*, ids=None, replies=None, today: dt.date | None = None) -> dict:
    """Recompute the outcome of commitments (all, these ids, or those of these
    replies): kept when the record shows it, lapsed after its date, open
    otherwise. Returns the number of changed rows by new outcome."""
    today = today or timezone.localdate()
    rows = (
        Commitment.objects.exclude(review=Review.REJECTED)
        .select_related("reply__assignment__proposal__session")
        .prefetch_related("reply__assignment__proposal__regulations")
    )
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    if replies is not None:
        rows = rows.filter(reply_id__in=list(replies))
    rows = list(rows)
    later: dict[tuple[int, int], list] = {}
    proposals = {c.reply.assignment.proposal_id for c in rows}
    for chunk in [list(proposals)[i : i + 5000] for i in range(0, len(proposals), 5000)]:
        for rid, pid, aid, on, category in (
            Reply.objects.filter(assignment__proposal_id__in=chunk, published=True)
            .order_by("replied_on", "id")
            .values_list(
                "id", "assignment__proposal_id", "assignment__agency_id", "replied_on", "category"
            )
        ):
            later.setdefault((pid, aid), []).append((rid, on, category))
    first: dict[int, str | None] = {}
    changed: dict[str, int] = {}
    for c in rows:
        outcome, on, regulation_id, reply_id = _outcome(c, today, later, first)
        new = (outcome, on, regulation_id, reply_id)
        if new != (c.outcome, c.outcome_on, c.kept_by_regulation_id, c.kept_by_reply_id):
            Commitment.objects.filter(pk=c.pk).update(
                outcome=outcome,
                outcome_on=on,
                kept_by_regulation_id=regulation_id,
                kept_by_reply_id=reply_id,
            )
            changed[outcome] = changed.get(outcome, 0) + 1
    return changed


def commitments_extract_replies(*, ids=None) -> int:
    """Extract from these replies (or every reply), unpublished ones included: the
    office may review a reply's commitments before it is published, and what the
    public sees follows the reply's visibility."""
    replies = Reply.objects.select_related("assignment__proposal")
    if ids is not None:
        replies = replies.filter(pk__in=list(ids))
    n = 0
    for reply in replies.iterator(chunk_size=500):
        n += len(commitments_extract(reply=reply, refresh=False))
    commitments_refresh(replies=ids)
    return n
