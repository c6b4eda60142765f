"""Interest flags: a proposal on a topic in which its proposer has a business interest.

A proposer has an interest in a topic when, in the proposal's year, they are
affiliated with an organization that works in a sector mapping onto that topic
(the ``sector_topics`` of the vocabulary map; data, see `vocabulary`). An
organization works in its main sector always and in its further sectors
(``OrganizationSector``) over their years: Xiaomi makes phones, and cars from
2021. Affiliations and sectors with no recorded years count as current. A flag
states a fact worth seeing beside the proposal, with its reason, not a finding
of wrongdoing.

The member concerned may attach a statement to a flag (`InterestStatement`);
it comes with the flag wherever the flag is shown. Flags are not computed for
a body that switched them off (`algorithms.enabled`).

Each selector runs at most one query, whatever the number of signers,
affiliations or proposals, and none when nothing could match; a member's flags
take one more for their statements when there are any flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from lianghui.core.prepared import Prepared
from lianghui.people.enums import Sector
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
    sectors: list = field(default_factory=list)  # the organization's sectors that meet them
    statement: object = None  # the member's InterestStatement, if they made one

    @property
    def organization(self):
        return self.affiliation.organization

    @property
    def reason(self) -> str:
        """Why the flag is raised, in the reader's language."""
        from lianghui.portal.templatetags.portal import role_name

        labels = dict(Sector.choices)
        return _(
            "%(member)s is %(role)s of %(organization)s, which works in %(sectors)s;"
            " the proposal concerns %(topics)s."
        ) % {
            "member": self.member.name,
            "role": role_name(self.affiliation.role) or _("affiliated with"),
            "organization": self.organization.name,
            "sectors": ", ".join(str(labels.get(s, s)) for s in self.sectors),
            "topics": ", ".join(t.name for t in self.topics),
        }


def _current(span, year: int) -> bool:
    start, end = span.start_year, span.end_year
    return (start is None or start <= year) and (end is None or end >= year)


def _sectors_in(organization, year: int, further=None) -> list[str]:
    """The sectors an organization works in during a year: its main one and those of
    its further sectors current then (``further``: those rows, else prefetched)."""
    rows = organization.sectors.all() if further is None else further
    out = [organization.sector] if organization.sector else []
    out += [r.sector for r in rows if _current(r, year) and r.sector not in out]
    return out


def _meeting(vocab, sectors: list[str], topics) -> tuple[list[str], list]:
    """The sectors that meet any of the topics, and those topics."""
    met, matched = [], []
    for sector in sectors:
        keys = set(vocab.topics_of_sector(sector))
        hits = [t for t in topics if t.key in keys]
        if hits:
            met.append(sector)
            matched += [t for t in hits if t not in matched]
    return met, matched


def _body_key(proposal) -> str:
    """The proposal's body's key, from what is loaded (a body's own map, if any)."""
    from lianghui.proposals.models import Body

    session = proposal.session
    if "body" in session._state.fields_cache:
        return session.body.key
    return Body.objects.filter(pk=session.body_id).values_list("key", flat=True).first() or ""


def proposal_interest_flags(proposal: Proposal) -> list[InterestFlag]:
    """Flags for one proposal: each member signer's current affiliations with an
    organization working in a sector that meets one of the proposal's topics (uses
    prefetched signers and topics; one query)."""
    from lianghui.people.models import OrganizationSector

    from .algorithms import enabled
    from .models import InterestStatement

    if not enabled("interest_flags", proposal.session.body):
        return []
    topics = list(proposal.topics.all())
    # The proposal's body's map: another body's sectors and topics never meet these.
    vocab = vocabulary_map(_body_key(proposal))
    sectors = vocab.sectors_of_topics(t.key for t in topics)
    if not sectors:
        return []
    # Ids only: the member rows come with the affiliations, never one query per signer.
    members = list(dict.fromkeys(s.member_id for s in proposal.signers.all() if s.member_id))
    if not members:
        return []
    year = proposal.session.year
    found: dict[int, tuple[Affiliation, list]] = {}
    for a in _FLAG_ROWS(members, sorted(sectors), proposal.pk):
        if not _current(a, year):
            continue
        _aff, further = found.setdefault(a.pk, (a, []))
        if a.further_sector:
            further.append(
                OrganizationSector(
                    sector=a.further_sector, start_year=a.further_start, end_year=a.further_end
                )
            )
    order = {pk: i for i, pk in enumerate(members)}
    flags = []
    for a, further in found.values():
        met, matched = _meeting(vocab, _sectors_in(a.organization, year, further), topics)
        if matched:
            statement = None
            if a.statement_pk:
                statement = InterestStatement(
                    pk=a.statement_pk,
                    proposal=proposal,
                    member=a.member,
                    organization=a.organization,
                    text=a.statement_text,
                    updated_at=a.statement_at,
                )
            flags.append(
                InterestFlag(
                    member=a.member,
                    affiliation=a,
                    topics=matched,
                    sectors=met,
                    statement=statement,
                )
            )
    flags.sort(key=lambda f: order[f.member.pk])
    return flags


def _flag_rows(members: list[int], sectors: list[str], proposal: int):
    """The members' affiliations with an organization working in one of the sectors
    (mainly or further, any year: the caller checks the years), one row per further
    sector, with the member's statement on the proposal's flag."""
    from .models import InterestStatement

    statements = InterestStatement.objects.filter(
        proposal_id=proposal,
        member=OuterRef("member_id"),
        organization=OuterRef("organization_id"),
    )
    return (
        Affiliation.objects.filter(member_id__in=members)
        .filter(Q(organization__sector__in=sectors) | Q(organization__sectors__sector__in=sectors))
        .annotate(
            # The member's statement on this flag comes in the same query.
            statement_pk=Subquery(statements.values("pk")[:1]),
            statement_text=Subquery(statements.values("text")[:1]),
            statement_at=Subquery(statements.values("updated_at")[:1]),
            # The further sectors come with the affiliations (LEFT JOIN).
            further_sector=F("organization__sectors__sector"),
            further_start=F("organization__sectors__start_year"),
            further_end=F("organization__sectors__end_year"),
        )
        .select_related("organization", "member")
        .order_by("member_id", "start_year", "id")
    )


# Compiled once per number of members and sectors: the query is on every proposal
# page whose topics meet a sector, and compiling it cost more than running it.
_FLAG_ROWS = Prepared(_flag_rows, [int], [str], int)


def _with_statements(flags: list[InterestFlag], *, member) -> list[InterestFlag]:
    """A member's flags with their statements (one query, none without flags)."""
    from .models import InterestStatement

    if not flags:
        return flags
    found = InterestStatement.objects.filter(
        member=member, proposal_id__in={f.proposal.pk for f in flags}
    )
    by_flag = {(s.proposal_id, s.organization_id): s for s in found}
    for f in flags:
        f.statement = by_flag.get((f.proposal.pk, f.affiliation.organization_id))
    return flags


def member_interest_flags(member: Member, *, published_only: bool = True) -> list[InterestFlag]:
    """Flags over a member's signed proposals (uses prefetched affiliations with their
    organizations and their further sectors); newest session first."""
    from lianghui.proposals.models import Proposal as P

    from .algorithms import enabled

    whole = vocabulary_map()
    # A member may sit in several bodies: each proposal is read with its body's map.
    maps: dict[str, object] = {key: whole.for_body(key) for key in whole.bodies}

    def map_of(body_key: str):
        return maps.get(body_key) or maps.setdefault(body_key, whole.for_body(body_key))

    every_map = [whole, *maps.values()]

    def every_sector(a) -> list[str]:
        org = a.organization
        return [org.sector] * bool(org.sector) + [r.sector for r in org.sectors.all()]

    affiliations = [
        a
        for a in member.affiliations.all()
        if any(m.topics_of_sector(s) for m in every_map for s in every_sector(a))
    ]
    if not affiliations:
        return []
    keys = {
        k
        for a in affiliations
        for s in every_sector(a)
        for m in every_map
        for k in m.topics_of_sector(s)
    }
    rows = P.topics.through.objects.filter(
        proposal__signers__member=member, topic__key__in=keys
    ).select_related("topic", "proposal__session__body")
    if published_only:
        rows = rows.filter(proposal__published=True)
    by_pair: dict[tuple[int, int], InterestFlag] = {}
    for row in rows.order_by("-proposal__session__year", "proposal__key", "topic__key"):
        p = row.proposal
        if not enabled("interest_flags", p.session.body):
            continue
        year = p.session.year
        vocab = map_of(p.session.body.key)
        for a in affiliations:
            if not _current(a, year):
                continue
            met, matched = _meeting(vocab, _sectors_in(a.organization, year), [row.topic])
            if matched:
                flag = by_pair.setdefault(
                    (p.pk, a.pk), InterestFlag(member=member, affiliation=a, proposal=p)
                )
                flag.topics.append(row.topic)
                flag.sectors += [s for s in met if s not in flag.sectors]
    return _with_statements(list(by_pair.values()), member=member)
