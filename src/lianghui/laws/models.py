"""Regulations and their dated milestones and events."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianghui.core.links import record_url
from lianghui.core.models import Bilingual, Citation, TimeStamped

from .enums import (
    DatePrecision,
    EventKind,
    LinkStatus,
    ProvisionKind,
    RegulationKind,
    Stage,
    VersionKind,
)

# Milestone fields in the order a regulation passes them; the database refuses
# a later milestone dated before an earlier one.
MILESTONES = [
    (Stage.DRAFTED, "drafted_on"),
    (Stage.COMMENT_OPENS, "comment_opens_on"),
    (Stage.COMMENT_CLOSES, "comment_closes_on"),
    (Stage.ADOPTED, "adopted_on"),
    (Stage.PUBLISHED, "published_on"),
    (Stage.EFFECTIVE, "effective_on"),
    (Stage.REPEALED, "repealed_on"),
]
MILESTONE_FIELDS = [f for _s, f in MILESTONES]
# Each milestone date says how much of it the source states ("July 2021" is a
# month): drafted_on -> drafted_precision.
PRECISION_FIELD = {f: f.removesuffix("_on") + "_precision" for f in MILESTONE_FIELDS}
# Pairs checked in the database. Publication can precede or follow adoption by
# the same day only in practice, so adopted ≤ published ≤ effective holds; a
# draft may be released long before comments open, so each pair is checked.
ORDERED_PAIRS = [
    ("drafted_on", "comment_opens_on"),
    ("comment_opens_on", "comment_closes_on"),
    ("drafted_on", "adopted_on"),
    ("comment_closes_on", "adopted_on"),
    ("adopted_on", "published_on"),
    ("published_on", "effective_on"),
    ("adopted_on", "effective_on"),
    ("effective_on", "repealed_on"),
    ("published_on", "repealed_on"),
]


def precision_q(date_field: str, precision_field: str) -> Q:
    """A date stored as the first day of the month or year its precision names."""
    return (
        Q(**{precision_field: DatePrecision.DAY})
        | Q(**{precision_field: DatePrecision.MONTH, f"{date_field}__day": 1})
        | Q(
            **{
                precision_field: DatePrecision.YEAR,
                f"{date_field}__day": 1,
                f"{date_field}__month": 1,
            }
        )
        | Q(**{f"{date_field}__isnull": True})
    )


def _precision_field() -> models.CharField:
    return models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)


def _in_order(earlier: str, later: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=f"regulation_{earlier}_before_{later}",
    )


class Regulation(Bilingual, TimeStamped):
    key = models.SlugField(max_length=160, unique=True)
    title_zh = models.CharField(max_length=500, blank=True)
    title_en = models.CharField(max_length=500, blank=True)
    short_name_en = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=30, choices=RegulationKind.choices)
    jurisdiction = models.CharField(max_length=100, default="PRC")
    category = models.CharField(max_length=100, blank=True)
    document_number = models.CharField(max_length=100, blank=True)
    summary_zh = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    drafted_on = models.DateField(null=True, blank=True)
    comment_opens_on = models.DateField(null=True, blank=True)
    comment_closes_on = models.DateField(null=True, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    repealed_on = models.DateField(null=True, blank=True)
    drafted_precision = _precision_field()
    comment_opens_precision = _precision_field()
    comment_closes_precision = _precision_field()
    adopted_precision = _precision_field()
    published_precision = _precision_field()
    effective_precision = _precision_field()
    repealed_precision = _precision_field()
    expired = models.BooleanField(
        default=False, help_text=_("No longer in force (the repeal date may be unknown).")
    )
    issuers = models.ManyToManyField("people.Organization", blank=True, related_name="issued")
    related_proposals = models.ManyToManyField(
        "proposals.Proposal", blank=True, related_name="regulations"
    )
    generated = models.BooleanField(default=False)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["key"]
        indexes = [models.Index(fields=["kind", "published_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_zh="", title_en=""), name="regulation_has_a_title"
            ),
            *[_in_order(a, b) for a, b in ORDERED_PAIRS],
            *[
                models.CheckConstraint(
                    condition=precision_q(f, p), name=f"regulation_{f}_matches_precision"
                )
                for f, p in PRECISION_FIELD.items()
            ],
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return record_url("portal:regulation", self.key)

    def milestones(self) -> list[tuple[Stage, object]]:
        return [(stage, getattr(self, f)) for stage, f in MILESTONES if getattr(self, f)]

    def dated_milestones(self) -> list[tuple[Stage, object, str]]:
        """Milestones reached, each with its date and that date's precision."""
        return [
            (stage, getattr(self, f), getattr(self, PRECISION_FIELD[f]))
            for stage, f in MILESTONES
            if getattr(self, f)
        ]

    def precision_of(self, date_field: str) -> str:
        return getattr(self, PRECISION_FIELD[date_field])

    @property
    def latest_precision(self) -> str:
        """The precision of ``latest_on`` (annotated by ``selectors.with_latest_date``)."""
        event_on = getattr(self, "event_on", None)
        milestone_on = getattr(self, "milestone_on", None)
        if event_on and (not milestone_on or event_on > milestone_on):
            return self.event_precision
        return getattr(self, "milestone_precision", DatePrecision.DAY)

    @property
    def stage(self) -> Stage | None:
        """The furthest milestone reached."""
        reached = self.milestones()
        return reached[-1][0] if reached else None


class RegulationEvent(Bilingual, models.Model):
    """A dated event outside the milestones: an amendment, a reading, a revised draft."""

    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    date_precision = _precision_field()
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    note_zh = models.CharField(max_length=500, blank=True)
    note_en = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["regulation", "date", "id"]
        verbose_name = _("regulation event")
        constraints = [
            models.CheckConstraint(
                condition=precision_q("date", "date_precision"),
                name="regulation_event_date_matches_precision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"

    @property
    def note(self) -> str:
        return self.localized("note")


class RegulationVersion(Bilingual, TimeStamped):
    """One text of a regulation: a draft for comment, a revised draft, the final text.

    ``date`` is stored as the first day of what the source states and
    ``date_precision`` says how much of it is known, so "July 2021" sorts before
    "August 2021" and still shows as a month.
    """

    regulation = models.ForeignKey(Regulation, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=20, choices=VersionKind.choices)
    label_zh = models.CharField(max_length=200, blank=True)
    label_en = models.CharField(max_length=200, blank=True)
    date = models.DateField()
    date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    issuer = models.ForeignKey(
        "people.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulation_versions",
    )
    source_url = models.URLField(max_length=500, blank=True)
    generated = models.BooleanField(
        default=False, help_text=_("Text written for the demo, not quoted from a source.")
    )
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["regulation", "date", "id"]
        verbose_name = _("regulation version")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(date_precision="day")
                    | Q(date_precision="month", date__day=1)
                    | Q(date_precision="year", date__day=1, date__month=1)
                ),
                name="regulation_version_date_matches_precision",
            )
        ]

    def __str__(self) -> str:
        return f"{self.regulation.key} {self.kind} {self.date}"

    def get_absolute_url(self) -> str:
        return reverse("portal:regulation-version", args=[self.regulation.key, self.pk])

    @property
    def label(self) -> str:
        return self.localized("label") or VersionKind(self.kind).label


class Provision(Bilingual, models.Model):
    """A unit of a version's text: a chapter, an article, a paragraph.

    ``number`` is the label the text gives ("第三条", "Article 3"); ``position``
    orders units within the version. Articles are matched across versions by
    their text, not their number, since a revision renumbers them.
    """

    version = models.ForeignKey(
        RegulationVersion, on_delete=models.CASCADE, related_name="provisions"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=ProvisionKind.choices)
    number = models.CharField(max_length=40, blank=True)
    heading_zh = models.CharField(max_length=300, blank=True)
    heading_en = models.CharField(max_length=300, blank=True)
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("provision")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="provision_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number or self.kind} ({self.version_id})"

    @property
    def heading(self) -> str:
        return self.localized("heading")

    @property
    def text(self) -> str:
        return self.localized("text")


class ProposalLink(models.Model):
    """A proposal (or one of its replies) that asked for a regulation.

    Suggested by text similarity with the passages and terms both share, then
    confirmed or rejected by the office of the proposal's body; only confirmed
    links are public. ``Regulation.related_proposals`` mirrors the confirmed
    ones (kept in step by ``laws.services``).
    """

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="proposal_links"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="regulation_links"
    )
    reply = models.ForeignKey(
        "proposals.Reply",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulation_links",
        help_text=_("The reply whose text the regulation shares most, when it is a reply."),
    )
    status = models.CharField(
        max_length=10, choices=LinkStatus.choices, default=LinkStatus.SUGGESTED
    )
    score = models.FloatField(null=True, blank=True)
    shared_passages = models.JSONField(default=list, blank=True)
    shared_terms = models.JSONField(default=list, blank=True)
    # SET_NULL: a decision stays on record when its author's account goes.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="regulation_link_decisions",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["regulation", "-score", "id"]
        verbose_name = _("proposal–regulation link")
        constraints = [
            models.UniqueConstraint(fields=["regulation", "proposal"], name="proposal_link_unique")
        ]
        indexes = [models.Index(fields=["proposal", "status"])]

    def __str__(self) -> str:
        return f"{self.proposal_id} → {self.regulation_id} ({self.status})"
