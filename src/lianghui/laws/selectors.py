"""Read-side functions for regulations and their timelines.

Keyword-only arguments; querysets come back with their relations selected or
prefetched so a page runs a fixed number of queries. Lookups by key raise
``Regulation.DoesNotExist``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from lianghui.core.models import Citation
from lianghui.people.models import Organization
from lianghui.proposals import visibility

from . import diff
from .enums import DatePrecision, LinkStatus, Stage
from .models import (
    MILESTONE_FIELDS,
    MILESTONES,
    PRECISION_FIELD,
    ProposalLink,
    Provision,
    Regulation,
    RegulationEvent,
    RegulationVersion,
)

STAGE_FIELD = {stage.value: name for stage, name in MILESTONES}
# The furthest milestone's date is the latest one (the database keeps them in order).
_LATEST_MILESTONE = Coalesce(*[F(name) for name in reversed(MILESTONE_FIELDS)])
_LATEST_MILESTONE_PRECISION = Case(
    *[
        When(**{f"{name}__isnull": False}, then=F(PRECISION_FIELD[name]))
        for name in reversed(MILESTONE_FIELDS)
    ],
    default=Value(DatePrecision.DAY),
)
# Stands for "no date" where SQL's GREATEST would otherwise differ between
# databases (PostgreSQL skips NULLs, SQLite returns NULL).
_NO_DATE = dt.date(1, 1, 1)


def _latest_event(field_name: str) -> Subquery:
    return Subquery(
        RegulationEvent.objects.filter(regulation=OuterRef("pk"))
        .order_by("-date", "-id")
        .values(field_name)[:1]
    )


def with_latest_date(qs: QuerySet[Regulation]) -> QuerySet[Regulation]:
    """Annotate ``latest_on`` (the latest milestone or event, None when neither is
    dated) and what ``Regulation.latest_precision`` reads to show it."""
    return qs.annotate(
        milestone_on=_LATEST_MILESTONE,
        milestone_precision=_LATEST_MILESTONE_PRECISION,
        event_on=_latest_event("date"),
        event_precision=_latest_event("date_precision"),
        latest_or_none=Greatest(
            Coalesce("milestone_on", Value(_NO_DATE)), Coalesce("event_on", Value(_NO_DATE))
        ),
    ).annotate(
        latest_on=Case(When(latest_or_none=_NO_DATE, then=None), default=F("latest_or_none"))
    )


def _cited() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source").order_by("source__key", "field", "id"),
    )


def _issuers() -> Prefetch:
    return Prefetch("issuers", queryset=Organization.objects.order_by("key"))


@dataclass(frozen=True)
class RegulationFilters:
    kind: str = ""  # a RegulationKind value
    jurisdiction: str = ""  # exact, e.g. "PRC", "Shenzhen"
    stage: str = ""  # a Stage value: the furthest milestone reached
    issuer: str = ""  # organization key
    generated: bool | None = None


def stage_q(stage: str) -> Q:
    """Regulations whose furthest dated milestone is ``stage``."""
    name = STAGE_FIELD[stage]
    later = MILESTONE_FIELDS[MILESTONE_FIELDS.index(name) + 1 :]
    return Q(**{f"{name}__isnull": False}, **{f"{f}__isnull": True for f in later})


def regulation_search(
    *, query: str = "", filters: RegulationFilters | None = None
) -> QuerySet[Regulation]:
    """Regulations by title and filters, with issuers prefetched, by key."""
    f = filters or RegulationFilters()
    qs = Regulation.objects.all()
    if query:
        qs = qs.filter(
            Q(title_zh__icontains=query)
            | Q(title_en__icontains=query)
            | Q(short_name_en__icontains=query)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.jurisdiction:
        qs = qs.filter(jurisdiction=f.jurisdiction)
    if f.stage:
        qs = qs.filter(stage_q(f.stage))
    if f.issuer:
        issued = Regulation.issuers.through.objects.filter(organization__key=f.issuer)
        qs = qs.filter(id__in=issued.values("regulation_id"))
    if f.generated is not None:
        qs = qs.filter(generated=f.generated)
    return qs.prefetch_related(_issuers()).order_by("key")


def regulation_jurisdictions() -> list[str]:
    return list(
        Regulation.objects.order_by("jurisdiction")
        .values_list("jurisdiction", flat=True)
        .distinct()
    )


def regulation_tracker(*, limit: int = 6) -> QuerySet[Regulation]:
    """Regulations with the most recent milestone or event first (undated ones left
    out). A month or year sorts as its first day: "July 2021" before 2 July 2021."""
    return (
        with_latest_date(Regulation.objects.all())
        .filter(latest_on__isnull=False)
        .order_by("-latest_on", "key")[:limit]
    )


def regulation_totals() -> dict[str, int]:
    return Regulation.objects.aggregate(
        total=Count("id"),
        generated=Count("id", filter=Q(generated=True)),
        in_effect=Count("id", filter=stage_q(Stage.EFFECTIVE) & Q(expired=False)),
    )


def confirmed_links() -> QuerySet[ProposalLink]:
    """The public links: confirmed, to a proposal the public may see."""
    return ProposalLink.objects.filter(
        visibility.proposals_q(None, path="proposal"), status=LinkStatus.CONFIRMED
    )


def newest_texts(regulation_ids) -> dict[int, list[Provision]]:
    """Each regulation's newest version's provisions, in order (one statement): the
    text that stands for the regulation where one is compared or searched. A
    regulation without versions has no entry. Earlier versions' texts (drafts) are
    not read."""
    newest = (
        RegulationVersion.objects.filter(regulation_id=OuterRef("version__regulation_id"))
        .order_by("-date", "-id")
        .values("id")[:1]
    )
    texts: dict[int, list[Provision]] = {}
    for p in (
        Provision.objects.filter(version__regulation__in=list(regulation_ids))
        .filter(version_id=Subquery(newest))
        .select_related("version")
        .order_by("version_id", "position")
    ):
        texts.setdefault(p.version.regulation_id, []).append(p)
    return texts


def _versions() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=RegulationVersion.objects.select_related("issuer")
        .annotate(provision_count=Count("provisions"))
        .order_by("date", "id"),
    )


def regulation_detail(*, key: str) -> Regulation:
    """One regulation with its issuers, events, versions, citations and the
    proposals that asked for it (confirmed links to public proposals, as
    ``asked_by``)."""
    asked = (
        confirmed_links()
        .select_related("proposal__session__body", "proposal__kind", "reply")
        .order_by("-score", "proposal__key")
    )
    return Regulation.objects.prefetch_related(
        _issuers(),
        Prefetch("proposal_links", queryset=asked, to_attr="asked_by"),
        Prefetch("events", queryset=RegulationEvent.objects.order_by("date", "id")),
        _versions(),
        _cited(),
    ).get(key=key)


def regulations_issued_by(*, organization: Organization) -> QuerySet[Regulation]:
    return with_latest_date(organization.issued.all()).order_by("key")


def version_detail(*, key: str, version_id: int) -> RegulationVersion:
    """A version with its regulation, issuer, citations and provisions in order
    (``provision_list``). Raises ``RegulationVersion.DoesNotExist``."""
    return (
        RegulationVersion.objects.select_related("regulation", "issuer")
        .prefetch_related(
            Prefetch(
                "provisions",
                queryset=Provision.objects.order_by("position"),
                to_attr="provision_list",
            ),
            _cited(),
        )
        .get(regulation__key=key, id=version_id)
    )


@dataclass
class ProvisionNode:
    provision: Provision
    children: list[ProvisionNode] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return diff.anchor_of(self.provision)


def provision_tree(provisions: list[Provision]) -> list[ProvisionNode]:
    """Provisions (in position order) as chapters > articles > paragraphs."""
    nodes = {p.id: ProvisionNode(p) for p in provisions}
    roots = []
    for p in provisions:
        parent = nodes.get(p.parent_id)
        (parent.children if parent else roots).append(nodes[p.id])
    return roots


def version_comparison(*, old: RegulationVersion, new: RegulationVersion) -> diff.Comparison:
    """Two versions (from ``version_detail``) compared article by article."""
    return diff.compare(diff.articles_of(old.provision_list), diff.articles_of(new.provision_list))


def proposal_outcomes(*, proposal) -> list[ProposalLink]:
    """What came of a proposal: its confirmed links, with the regulations."""
    return list(
        ProposalLink.objects.filter(proposal=proposal, status=LinkStatus.CONFIRMED)
        .select_related("regulation")
        .order_by("-score", "regulation__key")
    )


def member_outcomes(*, member) -> list[ProposalLink]:
    """Regulations that came of public proposals the member signed (confirmed links)."""
    return list(
        confirmed_links()
        .filter(proposal__signers__member=member)
        .select_related("regulation", "proposal__session__body")
        .order_by("regulation__key", "proposal__key")
        .distinct()
    )


def suggested_links(*, proposal) -> list[ProposalLink]:
    """Links waiting for the office of the proposal's body, best first."""
    return list(
        ProposalLink.objects.filter(proposal=proposal, status=LinkStatus.SUGGESTED)
        .select_related("regulation", "reply")
        .order_by("-score", "regulation__key")
    )


@dataclass
class TimelineEntry:
    """One dated step in a regulation's life: a milestone or an event."""

    date: dt.date
    label: str  # the stage's or the event kind's label
    stage: str = ""  # Stage value, for milestones
    event: RegulationEvent | None = None
    citations: list[Citation] = field(default_factory=list)
    precision: str = DatePrecision.DAY
    version: RegulationVersion | None = None

    @property
    def is_milestone(self) -> bool:
        return bool(self.stage)


def regulation_timeline(*, regulation: Regulation) -> list[TimelineEntry]:
    """Milestones, events and versions sorted by date, each with the citations
    supporting it.

    A citation supports a milestone when its ``field`` names the milestone's date
    field, and the events when its field is ``events``. Uses the prefetched
    citations, events and versions of ``regulation_detail`` (no queries).
    """
    by_field: dict[str, list[Citation]] = {}
    for citation in regulation.citations.all():
        by_field.setdefault(citation.field, []).append(citation)
    entries = [
        TimelineEntry(
            date=date,
            label=str(stage.label),
            stage=stage.value,
            citations=by_field.get(STAGE_FIELD[stage.value], []),
            precision=regulation.precision_of(STAGE_FIELD[stage.value]),
        )
        for stage, date in regulation.milestones()
    ]
    for event in regulation.events.all():
        entries.append(
            TimelineEntry(
                date=event.date,
                label=str(event.get_kind_display()),
                event=event,
                citations=by_field.get("events", []),
                precision=event.date_precision,
            )
        )
    for version in regulation.versions.all():
        entries.append(
            TimelineEntry(
                date=version.date,
                label=str(version.label),
                version=version,
                precision=version.date_precision,
            )
        )
    # Stable: on the same day, milestones keep their order and come before events.
    return sorted(entries, key=lambda e: e.date)


def timeline_fields() -> set[str]:
    """Citation fields shown on the timeline rather than in the general list."""
    return set(MILESTONE_FIELDS) | {"events"}
