"""Background jobs of the insights: training a body's suggestion models from its
records (the demo queues it, so the site is up before the models are)."""

from __future__ import annotations

from django.tasks import task


@task
def train_suggestion_models(body_key: str) -> str:
    """Train the body's routing and topic models from the database; returns the
    routing artifact's path, or why nothing was trained."""
    from .training import TrainingError, train_from_db

    try:
        result = train_from_db(body_key=body_key)
    except TrainingError as exc:
        return f"not trained ({exc})"
    return str(result["routing"]["artifact"])


@task
def match_sentences(proposal_id: int, other_id: int) -> int:
    """Find the sentences two proposals share in meaning (the duplicate panel asks
    when it shows a copy found by meaning); returns how many pairs were kept."""
    from .suggestions import store_sentence_match

    return store_sentence_match(proposal_id, other_id)
