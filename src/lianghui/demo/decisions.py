"""The demo office's decisions on suggestions, so the register of algorithms has
recorded decisions to count from the first visit.

The demo's handling is generated before any model exists, so nobody decided on
a suggestion while it was made. Once a body's models are trained, this replays
the office's choice on a sample of the latest session's assigned proposals: the
trained router's first agency and the topic model's topics are compared with
what the generated office did, and recorded through
`insights.services.suggestion_decide` as a clerk would have: accepted when they
agree, overridden (with what was chosen) when they do not, dismissed when the
first agency's score is below the confidence at which the page offers it. The
decisions say so in their reasons (``"demo": "replayed"``). The sample was in
the models' training data, so these shares flatter the models; the held-out
figures in the artifacts are the measure of quality.
"""

from __future__ import annotations

import random

SAMPLE = 120  # proposals per body and kind of suggestion
REPLAYED = {"demo": "replayed after training on the generated handling"}


def replay_office_decisions(body_key: str, *, sample: int = SAMPLE, seed: int = 2022) -> dict:
    """Record the sampled decisions for one body; returns counts per kind and decision.
    Does nothing (and says so) where the body has no trained model, or decisions
    were already recorded."""
    from collections import Counter

    from django.contrib.auth import get_user_model

    from lianghui.insights import serving
    from lianghui.insights.enums import Decision, SuggestionKind
    from lianghui.insights.models import SuggestionDecision
    from lianghui.insights.services import suggestion_decide
    from lianghui.insights.suggestions import ASSIGN_THRESHOLD
    from lianghui.proposals.enums import AssignmentRole
    from lianghui.proposals.models import Body, Proposal

    body = Body.objects.get(key=body_key)
    if SuggestionDecision.objects.filter(proposal__session__body=body).exists():
        return {"skipped": "decisions already recorded"}
    routing = serving.latest_model("routing", body.key)
    topics = serving.latest_model("topics", body.key)
    if routing is None:
        return {"skipped": "no trained routing model"}
    latest = body.sessions.order_by("-year").first()
    candidates = list(
        Proposal.objects.filter(
            session=latest,
            assignments__active=True,
            assignments__role=AssignmentRole.LEAD,
        )
        .select_related("session__body")
        .prefetch_related("topics", "assignments__agency")
        .order_by("key")
        .distinct()
    )
    picked = random.Random(seed).sample(candidates, min(sample, len(candidates)))
    actor = get_user_model().objects.filter(username=f"office-{body.key}").first()
    counts: Counter = Counter()
    for p in sorted(picked, key=lambda p: p.key):
        text = serving.proposal_text(p)
        lead = next(a.agency.key for a in p.assignments.all() if a.active and a.role == "lead")
        first = routing.obj.route(text, k=1)[0]
        if first.score < ASSIGN_THRESHOLD:
            decision, chosen = Decision.DISMISSED, ""
        elif first.agency == lead:
            decision, chosen = Decision.ACCEPTED, lead
        else:
            decision, chosen = Decision.OVERRIDDEN, lead
        suggestion_decide(
            proposal=p,
            kind=SuggestionKind.AGENCY,
            decision=decision,
            suggested=first.agency,
            score=float(first.score),
            chosen=chosen,
            role=AssignmentRole.LEAD,
            reasons={**REPLAYED, "terms": list(first.terms)},
            model_version=routing.version,
            actor=actor,
        )
        counts[f"agency {decision}"] += 1
        if topics is None:
            continue
        suggested = sorted(t.topic for t in topics.obj.tag([text])[0])
        actual = sorted(t.key for t in p.topics.all())
        if not suggested or not actual:
            continue
        decision = Decision.ACCEPTED if suggested == actual else Decision.OVERRIDDEN
        suggestion_decide(
            proposal=p,
            kind=SuggestionKind.TOPICS,
            decision=decision,
            suggested=",".join(suggested),
            chosen=",".join(actual),
            reasons=dict(REPLAYED),
            model_version=topics.version,
            actor=actor,
        )
        counts[f"topics {decision}"] += 1
    return dict(sorted(counts.items()))
