"""Commitments follow their replies and the regulations linked to their proposals."""

from __future__ import annotations

from django.tasks import task

from . import services


@task(priority=20)
def extract_commitments(reply_ids: list[int]) -> int:
    return services.commitments_extract_replies(ids=reply_ids)


@task(priority=20)
def refresh_outcomes() -> dict:
    """Daily: commitments whose date has passed lapse; new evidence keeps them."""
    return services.commitments_refresh()


def on_replies_changed(label: str, ids: set[int]) -> None:
    """core.events subscriber, on delivery: re-read these replies' commitments."""
    extract_commitments.enqueue(sorted(ids))


@task(priority=20)
def extract_for_proposals(proposal_ids: list[int]) -> int:
    from lianghui.proposals.models import Reply

    replies = Reply.objects.filter(assignment__proposal_id__in=proposal_ids)
    return services.commitments_extract_replies(ids=list(replies.values_list("pk", flat=True)))


def on_proposals_changed(label: str, ids: set[int]) -> None:
    """Bulk writers (imports, the demo) report the proposals they wrote, not each
    reply: their replies are read from here (a reply's change is also reported as
    its proposal's, so this also catches every other path)."""
    extract_for_proposals.enqueue(sorted(ids))


@task(priority=20)
def refresh_for_regulations(regulation_ids: list[int]) -> dict:
    from lianghui.proposals.models import Reply

    replies = Reply.objects.filter(
        assignment__proposal__regulations__in=regulation_ids
    ).values_list("pk", flat=True)
    return services.commitments_refresh(replies=list(replies))


def on_regulations_changed(label: str, ids: set[int]) -> None:
    """A linked regulation adopted or in force may show a commitment kept."""
    refresh_for_regulations.enqueue(sorted(ids))


def connect() -> None:
    """Follow replies and the regulations linked to their proposals (idempotent)."""
    from lianghui.core import events

    events.subscribe("proposals.Reply", on_replies_changed)
    events.subscribe("proposals.Proposal", on_proposals_changed)
    events.subscribe("laws.Regulation", on_regulations_changed)
