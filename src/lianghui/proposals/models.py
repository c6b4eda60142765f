"""Bodies, sessions, proposals and their handling: review, assignment, reply, feedback."""

import datetime as dt

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianghui.core.links import record_url
from lianghui.core.models import Bilingual, Citation, Language, TimeStamped

from .enums import (
    AssignmentRole,
    BodyKind,
    CalendarDayKind,
    DeadlineUnit,
    ReviewDecision,
    SignerRole,
    Status,
    VocabularyKind,
)


def validate_month_day(value: str) -> None:
    """A day of the year written MM-DD (29 February allowed: in other years, the 28th)."""
    try:
        if len(value) != 5 or value[2] != "-":
            raise ValueError(value)
        dt.date(2024, int(value[:2]), int(value[3:]))
    except ValueError:
        raise ValidationError(
            _("%(value)s is not a day of the year written MM-DD, such as 11-30."),
            params={"value": value},
        ) from None


class HolidayCalendar(Bilingual, models.Model):
    """Which days are not worked besides weekends, and which weekend days are: the
    calendar that working-day deadlines count with (a body names its own)."""

    key = models.SlugField(max_length=60, unique=True)
    name_zh = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.localized("name") or self.key


class CalendarDay(Bilingual, models.Model):
    """A holiday, or a make-up working day (a weekend day worked in exchange)."""

    calendar = models.ForeignKey(HolidayCalendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField()
    kind = models.CharField(
        max_length=20, choices=CalendarDayKind.choices, help_text=CalendarDayKind.help_text()
    )
    name_zh = models.CharField(max_length=100, blank=True)
    name_en = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_entry_per_calendar_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


def _vocabulary():
    from . import vocabulary  # it reads these models

    return vocabulary


class Body(Bilingual, TimeStamped):
    key = models.SlugField(max_length=60, unique=True)
    name_zh = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    short_name_zh = models.CharField(max_length=20, blank=True)
    short_name_en = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=BodyKind.choices, default=BodyKind.CONGRESS)
    jurisdiction = models.CharField(max_length=100, blank=True)
    # The reply deadline, counted from the day of assignment: deadline_count units,
    # and no later than the next deadline_by (MM-DD) when one is set.
    deadline_unit = models.CharField(
        max_length=20,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.MONTHS,
        help_text=DeadlineUnit.help_text(_("What the reply deadline counts.")),
    )
    deadline_count = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("How many days or months an agency has to reply."),
    )
    deadline_by = models.CharField(
        max_length=5,
        blank=True,
        validators=[validate_month_day],
        help_text=_(
            "Optional day of the year (MM-DD) by which replies are due at the latest:"
            " the earlier of this day and the count applies."
        ),
    )
    # PROTECT: a calendar in use decides deadlines; remove it from the body first.
    calendar = models.ForeignKey(
        HolidayCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        help_text=_("Holidays and make-up working days; without one, only weekends are off."),
    )
    language = models.CharField(
        max_length=8,
        choices=Language.choices,
        default=Language.ZH_HANS,
        help_text=_("The body's working language: its records are written in it unless told."),
    )
    # Slugs of the topic schemes the body files its proposals under (Topic.scheme); a
    # scheme listed by several bodies is shared by them. Its pick lists offer only these.
    topic_schemes = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Keys of the topic schemes this body uses (a list, e.g. tech)."),
    )
    suggestions_enabled = models.BooleanField(
        default=True,
        help_text=_("Show machine suggestions (topics, agencies, duplicates) to the office."),
    )
    # Keys of the public register's algorithms (insights.algorithms) switched off
    # for this body; each function asks `algorithms.enabled(key, body)` where it runs.
    algorithms_off = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Keys of automated functions switched off for this body (see the register of"
            " algorithms), e.g. interest_flags."
        ),
    )
    description_zh = models.TextField(
        blank=True, help_text=_("What the body is and what it receives, for the home page.")
    )
    description_en = models.TextField(blank=True)
    # A body invented to demonstrate the software: every page of it says so.
    generated = models.BooleanField(default=False)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["key"]
        verbose_name_plural = "bodies"
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline_count__gt=0), name="body_deadline_count_positive"
            )
        ]

    def __str__(self) -> str:
        # The short name in the reader's language: 全国人大 in Chinese, NPC in English.
        return self.localized("short_name") or self.name

    def clean(self) -> None:
        # A typed key that names no function would switch nothing off, silently.
        from lianghui.insights import algorithms

        off = self.algorithms_off
        if off in (None, ""):
            self.algorithms_off = []
            return
        if not isinstance(off, list) or not all(isinstance(k, str) for k in off):
            raise ValidationError({"algorithms_off": _("algorithms_off must be a list of keys.")})
        unknown = algorithms.unknown_off_keys(off)
        if unknown:
            raise ValidationError(
                {
                    "algorithms_off": _(
                        "algorithms_off names no function that can be switched off per body:"
                        " %(unknown)s. The keys are: %(valid)s."
                    )
                    % {
                        "unknown": ", ".join(unknown),
                        "valid": ", ".join(algorithms.switchable_keys()),
                    }
                }
            )

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def description(self) -> str:
        return self.localized("description")


class Term(Bilingual, models.Model):
    """One word of a body's vocabulary: a reply category, a level of its satisfaction
    scale, a handling role, a review outcome or a reason for not filing. Records store
    the code; the body's terms give the choices, the validation and the labels
    (proposals.vocabulary). A body without terms of a vocabulary has none of it."""

    # CASCADE: a body's vocabulary is part of the body's configuration.
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="terms")
    vocabulary = models.CharField(
        max_length=20, choices=VocabularyKind.choices, help_text=VocabularyKind.help_text()
    )
    code = models.CharField(max_length=30, help_text=_("What records store."))
    label_zh = models.CharField(max_length=100, blank=True)
    label_en = models.CharField(max_length=100, blank=True)
    description_zh = models.CharField(max_length=300, blank=True)
    description_en = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["body", "vocabulary", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "vocabulary", "code"], name="term_code_per_vocabulary"
            ),
            models.CheckConstraint(condition=~Q(label_zh="", label_en=""), name="term_has_a_label"),
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.vocabulary}: {self.code}"

    def clean(self) -> None:
        # Roles and outcomes are workflow states: a body names them, it does not invent them.
        closed = _vocabulary().CLOSED.get(self.vocabulary)
        if closed and self.code not in closed[0]:
            raise ValidationError(
                {"code": _("One of: %(codes)s.") % {"codes": ", ".join(sorted(closed[0]))}}
            )

    @property
    def label(self) -> str:
        return self.localized("label")

    @property
    def description(self) -> str:
        return self.localized("description")


class ProposalKind(Bilingual, models.Model):
    """A kind of proposal a body accepts (motion, suggestion, proposal, question...)."""

    key = models.SlugField(max_length=60, unique=True)
    # PROTECT: kinds are reference data of their body.
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="kinds")
    code = models.SlugField(max_length=40)
    name_zh = models.CharField(max_length=100, blank=True)
    name_en = models.CharField(max_length=100, blank=True)
    # A kind with its own rule replaces the body's whole (unit, count and fixed day);
    # the body's calendar applies either way.
    deadline_unit = models.CharField(
        max_length=20,
        choices=DeadlineUnit.choices,
        blank=True,
        help_text=_("Overrides the body's reply deadline when set (with a count)."),
    )
    deadline_count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    deadline_by = models.CharField(max_length=5, blank=True, validators=[validate_month_day])
    min_cosigners = models.PositiveSmallIntegerField(
        default=0, help_text=_("Co-signers a submission of this kind needs.")
    )
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["key"]
        # isnull=False spelled out: a CHECK on NULL > 0 is unknown, which passes.
        constraints = [
            models.UniqueConstraint(fields=["body", "code"], name="kind_code_per_body"),
            models.CheckConstraint(
                condition=(Q(deadline_unit="") & Q(deadline_count__isnull=True))
                | (
                    ~Q(deadline_unit="") & Q(deadline_count__isnull=False) & Q(deadline_count__gt=0)
                ),
                name="kind_deadline_unit_with_count",
            ),
        ]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")

    def clean(self) -> None:
        if bool(self.deadline_unit) != (self.deadline_count is not None):
            raise ValidationError(
                {"deadline_count": _("Give both the unit and the count, or neither.")}
            )
        if self.deadline_by and not self.deadline_unit:
            raise ValidationError({"deadline_by": _("A fixed day needs the kind's own rule.")})


class Session(Bilingual, TimeStamped):
    key = models.SlugField(max_length=60, unique=True)
    # PROTECT: a body's sessions are its history.
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sessions")
    term = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    opens_on = models.DateField(null=True, blank=True)
    closes_on = models.DateField(null=True, blank=True)
    name_zh = models.CharField(max_length=200, blank=True)
    name_en = models.CharField(max_length=200, blank=True)
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["-year", "body__key"]
        constraints = [
            models.UniqueConstraint(fields=["body", "term", "number"], name="session_per_term"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="session_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.body} {self.year}"

    @property
    def name(self) -> str:
        return self.localized("name")

    def get_absolute_url(self) -> str:
        return record_url("portal:session", self.key)


class Topic(Bilingual, models.Model):
    key = models.SlugField(max_length=60, unique=True)
    scheme = models.SlugField(max_length=40, default="tech")
    name_zh = models.CharField(max_length=100, blank=True)
    name_en = models.CharField(max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.localized("name")

    @property
    def name(self) -> str:
        return self.localized("name")


class Proposal(Bilingual, TimeStamped):
    key = models.SlugField(max_length=120, unique=True)
    # PROTECT on session and kind: a proposal must never lose its context.
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="proposals")
    kind = models.ForeignKey(ProposalKind, on_delete=models.PROTECT, related_name="proposals")
    number = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("The body's own number; unique per session and kind."),
    )
    original_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    title_zh = models.CharField(max_length=500, blank=True)
    title_en = models.CharField(max_length=500, blank=True)
    summary_zh = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, help_text=Status.help_text()
    )
    published = models.BooleanField(
        default=False,
        help_text=_("Visible to the public. The office publishes a proposal when it files it."),
    )
    is_key = models.BooleanField(
        default=False, help_text=_("Selected for key supervision (重点督办).")
    )
    key_supervisor = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised",
        help_text=_("The committee or leader supervising it, for key proposals."),
    )
    generated = models.BooleanField(
        default=False, help_text=_("Made by the demo generator, not a real proposal.")
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="proposals")
    citations = GenericRelation(Citation)

    class Meta:
        ordering = ["-submitted_on", "key"]
        indexes = [
            models.Index(fields=["session", "status"]),
            # PostgreSQL also gets (submitted_on DESC NULLS LAST, key), matching the
            # lists' order (migration 0002); SQLite cannot index NULLS LAST but puts
            # NULLs last in a descending sort anyway.
            models.Index(fields=["-submitted_on", "key"]),
            # The API's lists: a session's proposals by key (its cursor order). Not
            # (session, published, key): Django writes `WHERE published`, which SQLite
            # cannot match to an index column, so it sorted the session's rows.
            models.Index(fields=["session", "key"], name="proposal_session_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "number"],
                condition=~Q(number=""),
                name="proposal_number_per_session_and_kind",
            ),
            models.CheckConstraint(
                condition=~Q(title_zh="", title_en=""), name="proposal_has_a_title"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="proposal_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.localized("title")

    def get_status_display(self) -> str:
        # A review outcome by the body's name for it ("Tabled", not "Filed").
        vocabulary = _vocabulary()
        return vocabulary.outcome_name(vocabulary.body_of(self), self.status)

    def get_absolute_url(self) -> str:
        return record_url("portal:proposal", self.key)


class Signer(models.Model):
    """A proposer: the lead (one per proposal) or a co-signer; a member or a group."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="signers")
    member = models.ForeignKey(
        "people.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="signed"
    )
    group = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed",
    )
    role = models.CharField(max_length=10, choices=SignerRole.choices, default=SignerRole.LEAD)
    position = models.PositiveSmallIntegerField(default=0)
    confirmed = models.BooleanField(default=True)

    class Meta:
        ordering = ["proposal", "position"]
        indexes = [models.Index(fields=["member", "proposal"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True) ^ Q(group__isnull=True),
                name="signer_is_member_or_group",
            ),
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(role="lead"), name="one_lead_proposer"
            ),
            models.UniqueConstraint(fields=["proposal", "member"], name="member_signs_once"),
            models.UniqueConstraint(fields=["proposal", "group"], name="group_signs_once"),
        ]

    def __str__(self) -> str:
        return f"{self.signatory} ({self.role})"

    @property
    def signatory(self):
        return self.member or self.group


class Review(models.Model):
    """The office's filing decision on a proposal."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="review")
    decision = models.CharField(max_length=20, choices=ReviewDecision.choices)
    # The body's vocabulary (proposals.vocabulary) names and checks the reason.
    reason = models.CharField(max_length=30, blank=True)
    note = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="not_filed") | ~Q(reason=""),
                name="not_filed_needs_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.decision}"

    # Labels are the body's words (proposals.vocabulary), not the defaults.
    def get_decision_display(self) -> str:
        return _vocabulary().of_proposal(self.proposal, "outcome", self.decision)

    def get_reason_display(self) -> str:
        return _vocabulary().of_proposal(self.proposal, "not_filed_reason", self.reason)


class Assignment(models.Model):
    """A proposal routed to an agency in a role, with its deadline."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    # PROTECT: an agency with assignments is part of the record.
    agency = models.ForeignKey(
        "people.Organization", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(
        max_length=10, choices=AssignmentRole.choices, help_text=AssignmentRole.help_text()
    )
    assigned_on = models.DateField()
    due_on = models.DateField()
    # The rule that produced due_on, kept so the date can be explained as it was
    # set, whatever the body's rule later becomes; empty when a person chose the date.
    due_unit = models.CharField(max_length=20, choices=DeadlineUnit.choices, blank=True)
    due_count = models.PositiveSmallIntegerField(null=True, blank=True)
    due_from = models.DateField(
        null=True, blank=True, help_text=_("The day the rule counts from (assignment, reopening).")
    )
    due_by = models.DateField(
        null=True, blank=True, help_text=_("The rule's fixed latest day, when it has one.")
    )
    # SET_NULL: the earlier assignment only goes when a whole proposal's handling is
    # replaced (a corrected re-import); the new assignment must survive that.
    transferred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="transfers"
    )
    active = models.BooleanField(
        default=True, help_text=_("False once transferred to another agency.")
    )
    transfer_requested_on = models.DateField(
        null=True, blank=True, help_text=_("The agency asked the office to reassign it.")
    )
    transfer_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["proposal", "assigned_on", "id"]
        indexes = [models.Index(fields=["agency", "active", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("assigned_on")), name="due_after_assigned"
            ),
            models.CheckConstraint(
                condition=(Q(due_unit="") & Q(due_count__isnull=True) & Q(due_from__isnull=True))
                | (
                    ~Q(due_unit="")
                    & Q(due_count__isnull=False)
                    & Q(due_count__gt=0)
                    & Q(due_from__isnull=False)
                ),
                name="due_rule_complete",
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(role="lead", active=True),
                name="one_active_lead_agency",
            ),
            models.UniqueConstraint(
                fields=["proposal", "agency"],
                condition=Q(active=True),
                name="agency_assigned_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} -> {self.agency_id} ({self.role})"

    @property
    def due_rule(self) -> str:
        """How due_on was set, in words ("5 working days from 3 March 2026")."""
        from .deadlines import explain  # deadlines reads these models

        return explain(self)

    def get_role_display(self) -> str:
        return _vocabulary().of_proposal(self.proposal, "handling_role", self.role)


class Reply(Bilingual, models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    category = models.CharField(
        max_length=30,
        blank=True,
        help_text=_(
            "A code of the body's reply categories (by default A, B or C); empty when "
            "the body has none."
        ),
    )
    replied_on = models.DateField()
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["assignment", "replied_on", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.category} on {self.replied_on}"

    def get_category_display(self) -> str:
        return _vocabulary().of_proposal(self.assignment.proposal, "reply_category", self.category)


class Feedback(models.Model):
    """The proposer's rating of a reply."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="feedback")
    rating = models.CharField(
        max_length=30,
        help_text=_(
            "A code of the body's satisfaction scale (by default satisfied, "
            "basically_satisfied or unsatisfied)."
        ),
    )
    comment = models.TextField(blank=True)
    comment_public = models.BooleanField(
        default=False,
        help_text=_(
            "The proposer chose to publish the comment; otherwise only those handling "
            "the reply read it. The rating is public either way."
        ),
    )
    given_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.reply_id}: {self.rating}"

    def get_rating_display(self) -> str:
        proposal = self.reply.assignment.proposal
        return _vocabulary().of_proposal(proposal, "satisfaction", self.rating)


class ReplyDraft(models.Model):
    """An agency's reply being written: saved, not yet sent (one per assignment)."""

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="reply_draft"
    )
    category = models.CharField(max_length=30, blank=True)
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    # SET_NULL: a draft outlives its author's account.
    updated_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"draft reply for {self.assignment_id}"
