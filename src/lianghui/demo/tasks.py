"""Background jobs of the demo build."""

from __future__ import annotations

from django.tasks import task


@task
def record_office_decisions(body_key: str) -> str:
    """Replay the demo office's decisions on the body's trained suggestions
    (`demo.decisions`); returns what was recorded."""
    from .decisions import replay_office_decisions

    return str(replay_office_decisions(body_key))
