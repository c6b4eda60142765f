"""Members, organizations (including agencies and member groups), affiliations."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianghui.core.links import record_url
from lianghui.core.models import Bilingual, Citation, TimeStamped

from .enums import AgencyLevel, Gender, OrganizationKind, Sector


class Organization(Bilingual, TimeStamped):
    key = models.SlugField(max_length=120, unique=True)
    name_zh = models.CharField(max_length=300, blank=True)
    name_en = models.CharField(max_length=300, blank=True)
    short_name_en = models.CharField(max_length=100, blank=True)
    kind = models.CharField(
        max_length=20, choices=OrganizationKind.choices, help_text=OrganizationKind.help_text()
    )
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    # PROTECT: deleting a ministry must not silently orphan its bureaus.
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    level = models.CharField(max_length=20, choices=AgencyLevel.choices, blank=True)
    responsibilities = models.TextField(
        blank=True, help_text=_("An agency's remit; also used to route proposals to it.")
    )
    # PROTECT: a delegation or sector group belongs to its body.
    body = models.ForeignKey(
        "proposals.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
    )
    # The bodies an agency handles proposals of, or a committee supervises for; an
    # organization listing several is shared by them. Every pick list of a body (desk
    # forms, filters, API, routing) offers only the agencies and committees serving it.
    bodies = models.ManyToManyField(
        "proposals.Body",
        blank=True,
        related_name="served_by",
        help_text=_("Agencies and committees: the bodies whose proposals they handle."),
    )
    # An agency handles proposals only while it exists: the demo never assigns a 2021
    # proposal to an administration set up in 2023.
    founded_on = models.DateField(
        null=True, blank=True, help_text=_("When it was set up (for agencies: may handle from).")
    )
    dissolved_on = models.DateField(
        null=True, blank=True, help_text=_("When it was dissolved or merged into another.")
    )
    generated = models.BooleanField(default=False)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["kind", "key"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_zh="", name_en=""), name="organization_has_a_name"
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="organization_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(founded_on__isnull=True)
                | Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=F("founded_on")),
                name="organization_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def is_agency(self) -> bool:
        return self.kind == OrganizationKind.AGENCY

    def get_absolute_url(self) -> str:
        return record_url("portal:organization", self.key)

    def exists_on(self, day) -> bool:
        return (self.founded_on is None or self.founded_on <= day) and (
            self.dissolved_on is None or day < self.dissolved_on
        )


class Member(Bilingual, TimeStamped):
    """A person who is or was a deputy or member of a body."""

    key = models.SlugField(max_length=120, unique=True)
    name_zh = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    bio_zh = models.TextField(blank=True)
    bio_en = models.TextField(blank=True)
    generated = models.BooleanField(default=False)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_zh="", name_en=""), name="member_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return record_url("portal:member", self.key)


class YearSpan(models.Model):
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        abstract = True


def span_in_order(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(start_year__isnull=True)
        | Q(end_year__isnull=True)
        | Q(end_year__gte=F("start_year")),
        name=name,
    )


class Membership(YearSpan):
    """A member's seat in a body, in a delegation or sector group, over years."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    # PROTECT: bodies and groups are reference data.
    body = models.ForeignKey("proposals.Body", on_delete=models.PROTECT, related_name="memberships")
    group = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="seats"
    )
    role = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["member", "start_year", "id"]
        constraints = [span_in_order("membership_years_in_order")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.body}"


class OrganizationSector(YearSpan):
    """A further sector an organization works in, over years (Xiaomi: cars since 2021),
    beside its main ``sector``, which holds for its whole life."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sectors")
    sector = models.CharField(max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["organization", "start_year", "id"]
        constraints = [span_in_order("organization_sector_years_in_order")]

    def __str__(self) -> str:
        return f"{self.organization}: {self.sector}"


class Affiliation(YearSpan):
    """A member's role in an organization over years (e.g. CEO of Tencent)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="affiliations")
    # PROTECT: an organization with people's affiliations is history, not clutter.
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="affiliations"
    )
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["member", "start_year", "id"]
        constraints = [span_in_order("affiliation_years_in_order")]

    def __str__(self) -> str:
        return f"{self.member}: {self.role} @ {self.organization}"
