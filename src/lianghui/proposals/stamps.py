"""Stamps of a proposal's public views (its page, its API detail), which the
response cache keys them by: they move when what those views show changes, and
only then, so a write to one proposal leaves every other proposal cached.

A stamp is the proposal's record version (core.versioning) and the reference
version. The change stream reports a change to a proposal's signers, review,
topics, assignments, replies, feedback and citations as a change to the
proposal (core.events.TRACKED); this follows merges too (a proposal's views
show what was merged into it and what it was merged into). Any change to other
records (names of members, agencies, sessions, sources, regulations...) moves
the reference version, which every stamp holds: such changes are rare, and
tracing each to the proposals naming it would cost more than rendering again.
For the same reason a proposal that leaves the public (unpublished, refused,
deleted) moves it too, through search.similar: other proposals' pages list it
among their similar proposals.
"""

from __future__ import annotations

from lianghui.core import audit, versioning

from .models import Proposal

PROPOSAL = "proposals.Proposal"
# Changes to these reach the stamps through their proposal (events.TRACKED).
PROPOSAL_RECORDS = frozenset(
    {PROPOSAL, "proposals.Assignment", "proposals.Reply", "proposals.Feedback"}
)
# An audit event is reported with its record's own label, which says what changed.
NOT_REFERENCE = PROPOSAL_RECORDS | {audit.EVENT}
# Records that show on no proposal's page or API detail, as their apps declare
# (``not_on_proposal_views``): their changes move no proposal's stamp.
_ELSEWHERE: set[str] = set()
CHUNK = 5000


def traced(ids: set[int]) -> set[int]:
    """These proposals, those merged into them and those they were merged into."""
    found = set(ids)
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        found.update(Proposal.objects.filter(merged_into__in=chunk).values_list("pk", flat=True))
        found.update(
            Proposal.objects.filter(pk__in=chunk, merged_into__isnull=False).values_list(
                "merged_into", flat=True
            )
        )
    return found


def on_proposals_changed(label: str, ids: set[int]) -> None:
    """core.events subscriber, right after the commit and again on delivery."""
    versioning.bump_records(PROPOSAL, traced(ids))


def not_on_proposal_views(label: str) -> None:
    """Declare that records of ``label`` show on no proposal's views (called from
    the owning app's ready()): a change to one leaves every proposal cached."""
    _ELSEWHERE.add(label)


def on_records_changed(labels: set[str]) -> None:
    """core.events label subscriber: a commit that changed anything else than
    proposals and their parts (and records shown elsewhere) moves the reference
    version."""
    if labels - NOT_REFERENCE - _ELSEWHERE:
        versioning.bump(row=versioning.REFERENCE)


def stamp(key: str) -> str | None:
    """The stamp of the proposal with this key (one query); None if there is none."""
    return versioning.record_stamp(Proposal, key)


def connect() -> None:
    from lianghui.core import events

    events.subscribe(PROPOSAL, on_proposals_changed)
    events.subscribe(PROPOSAL, on_proposals_changed, at_commit=True)
    events.subscribe_labels(on_records_changed)
