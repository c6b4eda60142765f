"""Writes: what the office does with a suggestion.

Applying a suggestion goes through the same workflow services as any other
entry point (assignment, topics and merging in lianghui.proposals.services); this
module adds the record of the decision (`SuggestionDecision`), which is what
the next `insights train --from-db` learns overrides from. Whether the caller
may act is checked before, by lianghui.accounts.permissions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianghui.core import audit
from lianghui.people.models import Organization
from lianghui.proposals import services as proposal_services
from lianghui.proposals.enums import ReviewDecision
from lianghui.proposals.models import Assignment, Proposal, Topic

from .enums import Decision, SuggestionKind
from .models import SuggestionDecision

__all__ = [
    "agency_suggestion_apply",
    "duplicate_suggestion_apply",
    "interest_statement_set",
    "suggestion_decide",
    "topics_suggestion_apply",
]


# The register's function behind each kind of suggestion (insights.algorithms).
ALGORITHM_OF = {
    SuggestionKind.TOPICS: "topics",
    SuggestionKind.AGENCY: "agency_routing",
    SuggestionKind.DUPLICATE: "duplicates",
}


def _check_enabled(proposal: Proposal, kind: str | None = None) -> None:
    from .algorithms import enabled

    body = proposal.session.body
    if not body.suggestions_enabled:
        raise ValidationError(_("Suggestions are switched off for this body."))
    if kind in ALGORITHM_OF and not enabled(ALGORITHM_OF[kind], body):
        raise ValidationError(_("This kind of suggestion is switched off for this body."))


@transaction.atomic
def suggestion_decide(
    *,
    proposal: Proposal,
    kind: str,
    decision: str,
    suggested: str = "",
    score: float | None = None,
    chosen: str = "",
    role: str = "",
    reasons: dict | None = None,
    model_version: str = "",
    actor=None,
) -> SuggestionDecision:
    """Record one decision on one suggestion (and put it in the proposal's history)."""
    if kind not in SuggestionKind.values:
        raise ValidationError({"kind": _("Unknown kind of suggestion.")})
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Unknown decision.")})
    if decision == Decision.OVERRIDDEN and not chosen:
        raise ValidationError({"chosen": _("Say what was chosen instead.")})
    _check_enabled(proposal, kind)
    record = SuggestionDecision.objects.create(
        proposal=proposal,
        kind=kind,
        decision=decision,
        suggested=suggested[:500],
        score=score,
        chosen=chosen[:500],
        role=role,
        reasons=reasons or {},
        model_version=model_version[:200],
        user=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        root=proposal,
        action=f"suggestion-{decision}",
        target=f"{kind} {suggested}".strip(),
        changes={"chosen": ("", chosen)} if chosen else None,
    )
    return record


@transaction.atomic
def agency_suggestion_apply(
    *,
    proposal: Proposal,
    agency: Organization,
    role: str,
    on: dt.date,
    suggested: str,
    score: float | None = None,
    reasons: dict | None = None,
    model_version: str = "",
    due_on: dt.date | None = None,
    actor=None,
) -> Assignment:
    """Assign the agency (the suggested one: accepted; another: overridden)."""
    _check_enabled(proposal)
    assignment = proposal_services.proposal_assign(
        proposal=proposal, agency=agency, role=role, on=on, due_on=due_on, actor=actor
    )
    suggestion_decide(
        proposal=proposal,
        kind=SuggestionKind.AGENCY,
        decision=Decision.ACCEPTED if agency.key == suggested else Decision.OVERRIDDEN,
        suggested=suggested,
        score=score,
        chosen=agency.key,
        role=role,
        reasons=reasons,
        model_version=model_version,
        actor=actor,
    )
    return assignment


@transaction.atomic
def topics_suggestion_apply(
    *,
    proposal: Proposal,
    topics: Iterable[Topic],
    suggested: Iterable[str],
    score: float | None = None,
    reasons: dict | None = None,
    model_version: str = "",
    actor=None,
) -> Proposal:
    """Set the topics; accepted when they are the current ones plus the suggested ones."""
    _check_enabled(proposal)
    topics = list(topics)
    suggested = sorted(set(suggested))
    current = set(proposal.topics.values_list("key", flat=True))
    chosen = sorted({t.key for t in topics})
    accepted = set(chosen) == current | set(suggested)
    proposal = proposal_services.proposal_set_topics(proposal=proposal, topics=topics, actor=actor)
    suggestion_decide(
        proposal=proposal,
        kind=SuggestionKind.TOPICS,
        decision=Decision.ACCEPTED if accepted else Decision.OVERRIDDEN,
        suggested=",".join(suggested),
        score=score,
        chosen=",".join(chosen),
        reasons=reasons,
        model_version=model_version,
        actor=actor,
    )
    return proposal


@transaction.atomic
def duplicate_suggestion_apply(
    *,
    proposal: Proposal,
    into: Proposal,
    on: dt.date,
    suggested: str,
    score: float | None = None,
    reasons: dict | None = None,
    model_version: str = "",
    note: str = "",
    actor=None,
) -> Proposal:
    """Merge the proposal into the suggested earlier one (并案), through the review service."""
    _check_enabled(proposal)
    proposal = proposal_services.proposal_review(
        proposal=proposal,
        decision=ReviewDecision.MERGED,
        on=on,
        note=note,
        merged_into=into,
        actor=actor,
    )
    suggestion_decide(
        proposal=proposal,
        kind=SuggestionKind.DUPLICATE,
        decision=Decision.ACCEPTED if into.key == suggested else Decision.OVERRIDDEN,
        suggested=suggested,
        score=score,
        chosen=into.key,
        reasons=reasons,
        model_version=model_version,
        actor=actor,
    )
    return proposal


STATEMENT_MAX = 2000


@transaction.atomic
def interest_statement_set(*, proposal: Proposal, member, organization, text: str, actor):
    """The member's statement on the interest flag tying them, through
    ``organization``, to ``proposal``; an empty text withdraws it. Public: it is
    shown beside the flag (the caller checks that ``actor`` is the member)."""
    from .interests import proposal_interest_flags
    from .models import InterestStatement

    text = (text or "").strip()
    if len(text) > STATEMENT_MAX:
        raise ValidationError({"text": _("At most %(n)d characters.") % {"n": STATEMENT_MAX}})
    flags = proposal_interest_flags(proposal)
    if not any(f.member.pk == member.pk and f.organization.pk == organization.pk for f in flags):
        raise ValidationError(_("There is no such interest flag on this proposal."))
    current = (
        InterestStatement.objects.select_for_update()
        .filter(proposal=proposal, member=member, organization=organization)
        .first()
    )
    before = current.text if current else ""
    if before == text:
        return current
    if not text:
        current.delete()
        statement = None
    elif current is None:
        statement = InterestStatement.objects.create(
            proposal=proposal, member=member, organization=organization, text=text, user=actor
        )
    else:
        current.text, current.user = text, actor
        current.save(update_fields=["text", "user", "updated_at"])
        statement = current
    audit.record(
        actor=actor,
        root=proposal,
        action="interest-statement",
        changes={"interest_statement": (before, text)},
        target=f"{member.key}/{organization.key}",
        public=True,
    )
    return statement
