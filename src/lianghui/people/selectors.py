"""Read-side functions for members and organizations.

Keyword-only arguments; querysets come back with their relations selected or
prefetched so a page runs a fixed number of queries. Lookups by key raise the
model's ``DoesNotExist``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from lianghui.core.models import Citation

from .enums import OrganizationKind
from .models import Affiliation, Member, Membership, Organization


def _cited() -> Prefetch:
    return Prefetch(
        "citations",
        queryset=Citation.objects.select_related("source").order_by("source__key", "field", "id"),
    )


def _memberships() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("body", "group").order_by(
            "start_year", "body__key", "id"
        ),
    )


def _affiliations(*, sectors: bool = False) -> Prefetch:
    """A member's affiliations; with ``sectors``, each organization's further sectors
    too (one query more), which the member's interest flags read."""
    queryset = Affiliation.objects.select_related("organization").order_by("start_year", "id")
    if sectors:
        queryset = queryset.prefetch_related("organization__sectors")
    return Prefetch("affiliations", queryset=queryset)


# ---------------------------------------------------------------------------
# Members


@dataclass(frozen=True)
class MemberFilters:
    body: str = ""  # body key: members with a seat in it
    organization: str = ""  # organization key: affiliated with it or seated in it as a group
    generated: bool | None = None


def member_search(*, query: str = "", filters: MemberFilters | None = None) -> QuerySet[Member]:
    """Members by name, with seats and affiliations prefetched and ``proposal_count``."""
    f = filters or MemberFilters()
    qs = Member.objects.all()
    if query:
        qs = qs.filter(Q(name_zh__icontains=query) | Q(name_en__icontains=query))
    if f.body:
        qs = qs.filter(id__in=Membership.objects.filter(body__key=f.body).values("member_id"))
    if f.organization:
        qs = qs.filter(
            Q(
                id__in=Affiliation.objects.filter(organization__key=f.organization).values(
                    "member_id"
                )
            )
            | Q(id__in=Membership.objects.filter(group__key=f.organization).values("member_id"))
        )
    if f.generated is not None:
        qs = qs.filter(generated=f.generated)
    return (
        qs.annotate(proposal_count=Count("signed", filter=Q(signed__proposal__published=True)))
        .prefetch_related(_memberships(), _affiliations())
        .order_by("key")
    )


def member_detail(*, key: str) -> Member:
    return Member.objects.prefetch_related(
        _memberships(), _affiliations(sectors=True), _cited()
    ).get(key=key)


def people_totals() -> dict[str, int]:
    members = Member.objects.aggregate(
        members=Count("id"), generated_members=Count("id", filter=Q(generated=True))
    )
    organizations = Organization.objects.aggregate(
        organizations=Count("id"),
        agencies=Count("id", filter=Q(kind=OrganizationKind.AGENCY)),
    )
    return members | organizations


# ---------------------------------------------------------------------------
# Organizations


@dataclass(frozen=True)
class OrganizationFilters:
    kind: str = ""  # an OrganizationKind value
    sector: str = ""  # a Sector value
    generated: bool | None = None


def organization_search(
    *, query: str = "", filters: OrganizationFilters | None = None
) -> QuerySet[Organization]:
    f = filters or OrganizationFilters()
    qs = Organization.objects.all()
    if query:
        qs = qs.filter(
            Q(name_zh__icontains=query)
            | Q(name_en__icontains=query)
            | Q(short_name_en__icontains=query)
        )
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.sector:
        qs = qs.filter(sector=f.sector)
    if f.generated is not None:
        qs = qs.filter(generated=f.generated)
    return qs.select_related("parent", "body").order_by("key")


def organization_detail(*, key: str) -> Organization:
    return (
        Organization.objects.select_related("parent", "body")
        .prefetch_related(
            Prefetch("children", queryset=Organization.objects.order_by("key")),
            # The bodies an agency serves: its figures are laid out in their words.
            "bodies",
            _cited(),
        )
        .get(key=key)
    )


def organization_lookup(*, key: str) -> Organization | None:
    """The organization with this key, or None (for validating a filter value)."""
    return Organization.objects.filter(key=key).first()


def member_lookup(*, key: str) -> Member | None:
    return Member.objects.filter(key=key).first()


def organization_affiliations(*, organization: Organization) -> QuerySet[Affiliation]:
    """People affiliated with the organization, most recent start first."""
    return (
        Affiliation.objects.filter(organization=organization)
        .select_related("member")
        .order_by("member__key", "start_year", "id")
    )


def organization_seats(*, organization: Organization) -> QuerySet[Membership]:
    """Seats held in the organization as a delegation or sector group."""
    return (
        Membership.objects.filter(group=organization)
        .select_related("member", "body")
        .order_by("member__key", "start_year", "id")
    )
