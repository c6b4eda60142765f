"""Interest flags: a proposal on a topic in which its proposer has a business interest.

A proposer has an interest in a topic when, in the proposal's year, they are
affiliated with an organization whose sector maps onto that topic (the
``sector_topics`` of the vocabulary map; data, see `vocabulary`). Affiliations
with no recorded years count as current. A flag states a fact worth seeing
beside the proposal, not a finding of wrongdoing.

Each selector runs at most one query, whatever the number of signers,
affiliations or proposals, and none when nothing could match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from lianghui.people.models import Affiliation, Member
from lianghui.proposals.models import Proposal

from .vocabulary import vocabulary_map

__all__ = ["InterestFlag", "member_interest_flags", "proposal_interest_flags"]


@dataclass
class InterestFlag:
    member: Member
    affiliation: Affiliation
    topics: list = field(default_factory=list)  # the proposal's topics in the sector
    proposal: Proposal | None = None

    @property
    def organization(self):
        return self.affiliation.organization


def _current(affiliation: Affiliation, year: int) -> bool:
    start, end = affiliation.start_year, affiliation.end_year
    return (start is None or start <= year) and (end is None or end >= year)


def proposal_interest_flags(proposal: Proposal) -> list[InterestFlag]:
    """Flags for one proposal: each member signer's current affiliations whose sector
    meets one of the proposal's topics (uses prefetched signers and topics)."""
    vocab = vocabulary_map()
    topics = list(proposal.topics.all())
    sectors = vocab.sectors_of_topics(t.key for t in topics)
    if not sectors:
        return []
    # Ids only: the member rows come with the affiliations, never one query per signer.
    members = list(dict.fromkeys(s.member_id for s in proposal.signers.all() if s.member_id))
    if not members:
        return []
    year = proposal.session.year
    affiliations = (
        Affiliation.objects.filter(member_id__in=members, organization__sector__in=sectors)
        .filter(Q(start_year__isnull=True) | Q(start_year__lte=year))
        .filter(Q(end_year__isnull=True) | Q(end_year__gte=year))
        .select_related("organization", "member")
        .order_by("member_id", "start_year", "id")
    )
    order = {pk: i for i, pk in enumerate(members)}
    flags = []
    for a in affiliations:
        in_sector = set(vocab.topics_of_sector(a.organization.sector))
        matched = [t for t in topics if t.key in in_sector]
        if matched:
            flags.append(InterestFlag(member=a.member, affiliation=a, topics=matched))
    flags.sort(key=lambda f: order[f.member.pk])
    return flags


def member_interest_flags(member: Member, *, published_only: bool = True) -> list[InterestFlag]:
    """Flags over a member's signed proposals (uses prefetched affiliations with their
    organizations); newest session first."""
    from lianghui.proposals.models import Proposal as P

    vocab = vocabulary_map()
    affiliations = [
        a for a in member.affiliations.all() if vocab.topics_of_sector(a.organization.sector)
    ]
    if not affiliations:
        return []
    keys = {k for a in affiliations for k in vocab.topics_of_sector(a.organization.sector)}
    rows = P.topics.through.objects.filter(
        proposal__signers__member=member, topic__key__in=keys
    ).select_related("topic", "proposal__session")
    if published_only:
        rows = rows.filter(proposal__published=True)
    by_pair: dict[tuple[int, int], InterestFlag] = {}
    for row in rows.order_by("-proposal__session__year", "proposal__key", "topic__key"):
        p = row.proposal
        for a in affiliations:
            if row.topic.key in vocab.topics_of_sector(a.organization.sector) and _current(
                a, p.session.year
            ):
                flag = by_pair.setdefault(
                    (p.pk, a.pk), InterestFlag(member=member, affiliation=a, proposal=p)
                )
                flag.topics.append(row.topic)
    return list(by_pair.values())
