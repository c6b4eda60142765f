"""Read-side functions for regulations and their timelines.

Keyword-only arguments; querysets come back with their relations selected or
prefetched so a page runs a fixed number of queries. Lookups by key raise
``Regulation.DoesNotExist``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from lianghui.core.models import Citation
from lianghui.people.models import Organization
from lianghui.proposals import visibility

from .enums import Stage
from .models import MILESTONE_FIELDS, MILESTONES, Regulation, RegulationEvent

STAGE_FIELD = {stage.value: name for stage, name in MILESTONES}
# The furthest milestone's date is the latest one (the database keeps them in order).
_LATEST_MILESTONE = Coalesce(*[F(name) for name in reversed(MILESTONE_FIELDS)])


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
    """Regulations with the most recent milestone first (undated ones left out)."""
    return (
        Regulation.objects.annotate(latest_on=_LATEST_MILESTONE)
        .filter(latest_on__isnull=False)
        .order_by("-latest_on", "key")[:limit]
    )


def regulation_totals() -> dict[str, int]:
    return Regulation.objects.aggregate(
        total=Count("id"),
        generated=Count("id", filter=Q(generated=True)),
        in_effect=Count("id", filter=stage_q(Stage.EFFECTIVE) & Q(expired=False)),
    )


def regulation_detail(*, key: str) -> Regulation:
    related = visibility.public_proposals().select_related("session__body", "kind").order_by("key")
    return Regulation.objects.prefetch_related(
        _issuers(),
        Prefetch("related_proposals", queryset=related),
        Prefetch("events", queryset=RegulationEvent.objects.order_by("date", "id")),
        _cited(),
    ).get(key=key)


def regulations_issued_by(*, organization: Organization) -> QuerySet[Regulation]:
    return organization.issued.annotate(latest_on=_LATEST_MILESTONE).order_by("key")


@dataclass
class TimelineEntry:
    """One dated step in a regulation's life: a milestone or an event."""

    date: dt.date
    label: str  # the stage's or the event kind's label
    stage: str = ""  # Stage value, for milestones
    event: RegulationEvent | None = None
    citations: list[Citation] = field(default_factory=list)

    @property
    def is_milestone(self) -> bool:
        return bool(self.stage)


def regulation_timeline(*, regulation: Regulation) -> list[TimelineEntry]:
    """Milestones and events sorted by date, each with the citations supporting it.

    A citation supports a milestone when its ``field`` names the milestone's date
    field, and the events when its field is ``events``. Uses the prefetched
    citations and events of ``regulation_detail`` (no queries).
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
            )
        )
    # Stable: on the same day, milestones keep their order and come before events.
    return sorted(entries, key=lambda e: e.date)


def timeline_fields() -> set[str]:
    """Citation fields shown on the timeline rather than in the general list."""
    return set(MILESTONE_FIELDS) | {"events"}
