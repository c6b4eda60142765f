"""Reads for the office pages: suggestions with reasons and the decisions taken on them."""

from __future__ import annotations

import json
import logging

from lianghui.proposals import selectors as proposal_selectors
from lianghui.proposals import vocabulary as proposal_vocabulary
from lianghui.proposals.models import Proposal

from . import suggestions as engine
from .enums import Decision, SuggestionKind
from .interests import proposal_interest_flags
from .models import SuggestionDecision

log = logging.getLogger(__name__)

__all__ = ["office_insights", "proposal_decisions"]


def proposal_decisions(*, proposal: Proposal, limit: int = 20):
    return SuggestionDecision.objects.filter(proposal=proposal).select_related("user")[:limit]


def office_insights(*, proposal: Proposal) -> dict:
    """Everything the office proposal page shows from insights, in a fixed number of
    queries: interest flags always; suggestions only where the body has them on."""
    with proposal_vocabulary.cached():  # the body's terms read once, even outside a request
        return _office_insights(proposal)


def _office_insights(proposal: Proposal) -> dict:
    from django.db.models import prefetch_related_objects

    if "topics" not in getattr(proposal, "_prefetched_objects_cache", {}):
        prefetch_related_objects([proposal], "topics")
    context: dict = {"enabled": proposal.session.body.suggestions_enabled}
    context["interest_flags"] = proposal_interest_flags(proposal)
    if not context["enabled"]:
        return context
    decisions = list(proposal_decisions(proposal=proposal))
    context["decisions"] = decisions
    body = proposal.session.body
    all_topics = list(proposal_selectors.topics_for(body).order_by("key"))
    agencies = (
        list(proposal_selectors.agencies_for(body))
        if proposal.status in engine.ASSIGN_STATES
        else []
    )
    try:
        s = engine.compute(proposal, all_topics=all_topics, agencies=agencies)
    except Exception:  # a broken model must not take the page down; the log says why
        log.exception("insights: suggestions failed for %s", proposal.key)
        context["failed"] = True
        return context
    dismissed = {(d.kind, d.suggested) for d in decisions if d.decision == Decision.DISMISSED}
    s.agencies = [a for a in s.agencies if (SuggestionKind.AGENCY, a.agency.key) not in dismissed]
    s.duplicates = [
        d for d in s.duplicates if (SuggestionKind.DUPLICATE, d.proposal.key) not in dismissed
    ]
    roles = proposal_vocabulary.choices(body, proposal_vocabulary.HANDLING_ROLE)
    for a in s.agencies:  # the role in the body's words ("Answering department")
        a.role_label = dict(roles).get(a.role, a.role)
    current = {t.key for t in proposal.topics.all()}
    suggested = {t.topic.key: t for t in s.topics}
    topics_key = ",".join(sorted(suggested))
    if (SuggestionKind.TOPICS, topics_key) in dismissed:
        s.topics = []
        suggested = {}
    context.update(
        {
            "s": s,
            "topics_key": topics_key,
            "new_topics": [t for t in s.topics if t.topic.key not in current],
            "topic_choices": [
                {
                    "topic": t,
                    "checked": t.key in current or t.key in suggested,
                    "current": t.key in current,
                    "suggestion": suggested.get(t.key),
                }
                for t in all_topics
            ],
            "top_topic_score": max((t.score for t in s.topics), default=None),
            "topics_reasons": json.dumps(
                {t.topic.key: t.terms for t in s.topics}, ensure_ascii=False
            ),
            "agencies": agencies,
            # The body's handling roles, for choosing another agency and its role.
            "roles": roles,
        }
    )
    return context
