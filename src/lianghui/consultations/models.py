"""Public consultations on draft texts, their comments, themes and the response."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianghui.core.models import Bilingual, TimeStamped

from .enums import Capacity, CommentStatus, HideReason, ThemeAction, ThemeStatus


class Consultation(Bilingual, TimeStamped):
    """A comment window on one draft version of a regulation."""

    key = models.SlugField(max_length=160, unique=True)
    # PROTECT: comments are about this text; a version under consultation stays.
    version = models.ForeignKey(
        "laws.RegulationVersion", on_delete=models.PROTECT, related_name="consultations"
    )
    title_zh = models.CharField(max_length=500, blank=True)
    title_en = models.CharField(max_length=500, blank=True)
    opens_on = models.DateField(help_text=_("First day comments are taken."))
    closes_on = models.DateField(help_text=_("Last day comments are taken (inclusive)."))
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the window was closed, if before its last day.")
    )
    # PROTECT: who ran a consultation is part of its record.
    run_by = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text=_("The body that runs the consultation and answers it."),
    )
    # PROTECT: the office of this body moderates the comments.
    body = models.ForeignKey(
        "proposals.Body",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        help_text=_("The body whose office moderates comments; empty: administrators only."),
    )
    use_of_comments_zh = models.TextField(blank=True)
    use_of_comments_en = models.TextField(
        blank=True, help_text=_("How comments are used, as the body states it.")
    )
    themes_enabled = models.BooleanField(
        default=True, help_text=_("Let the platform propose themes of the comments.")
    )
    generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opens_on", "key"]
        verbose_name = _("consultation")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="consultation_closes_after_opens"
            )
        ]

    def __str__(self) -> str:
        return self.title or self.key

    @property
    def title(self) -> str:
        return self.localized("title") or self.version.regulation.title

    @property
    def use_of_comments(self) -> str:
        return self.localized("use_of_comments")

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.key])

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        today = timezone.localdate(now)
        if self.closed_at and self.closed_at <= now:
            return False
        return self.opens_on <= today <= self.closes_on

    def has_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.closed_at and self.closed_at <= now) or (
            timezone.localdate(now) > self.closes_on
        )


class Theme(Bilingual, TimeStamped):
    """A theme of the comments: proposed by the platform, checked by staff."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="themes")
    label_zh = models.CharField(max_length=200, blank=True)
    label_en = models.CharField(max_length=200, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(
        default=dict, blank=True, help_text=_("Why the platform proposed it: terms and scores.")
    )
    quotes = models.JSONField(
        default=list, blank=True, help_text=_("Ids of the comments that represent it best.")
    )
    status = models.CharField(
        max_length=10,
        choices=ThemeStatus.choices,
        default=ThemeStatus.PROPOSED,
        help_text=ThemeStatus.help_text(),
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    model_version = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["consultation", "id"]
        verbose_name = _("comment theme")

    def __str__(self) -> str:
        return self.label or f"#{self.pk}"

    @property
    def label(self) -> str:
        return self.localized("label")


class Comment(TimeStamped):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    # PROTECT: the text commented on stays while comments refer to it.
    provision = models.ForeignKey(
        "laws.Provision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        help_text=_("The article commented on; empty: the whole draft."),
    )
    # CASCADE: a comment is its author's own speech and goes with their account.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consultation_comments",
    )
    capacity = models.CharField(
        max_length=12, choices=Capacity.choices, help_text=Capacity.help_text()
    )
    organization_name = models.CharField(
        max_length=300, blank=True, help_text=_("The organization the author speaks for, if any.")
    )
    text = models.TextField()
    status = models.CharField(
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        help_text=CommentStatus.help_text(),
    )
    hide_reason = models.CharField(max_length=20, choices=HideReason.choices, blank=True)
    moderation_note = models.CharField(max_length=500, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderated_comments",
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    campaign = models.CharField(
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("Comments with identical or near-identical text share this key."),
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments"
    )
    generated = models.BooleanField(
        default=False, help_text=_("Written for the demo, not by a person.")
    )

    class Meta:
        ordering = ["consultation", "created_at", "id"]
        verbose_name = _("consultation comment")
        indexes = [models.Index(fields=["consultation", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="hidden", hide_reason__gt="") | ~Q(status="hidden"),
                name="hidden_comment_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "withdrawn"]) | Q(moderated_at__isnull=False),
                name="moderated_comment_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation.key} #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.consultation.get_absolute_url()}#comment-{self.pk}"


class ThemeDecision(models.Model):
    """One decision on themes: written only by `services`, never changed."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="theme_decisions"
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    action = models.CharField(max_length=10, choices=ThemeAction.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # SET_NULL: a decision stays on record when its author's account goes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="theme_decisions",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consultation", "at", "id"]
        verbose_name = _("theme decision")

    def __str__(self) -> str:
        return f"{self.action} {self.theme_id}"


class Response(Bilingual, TimeStamped):
    """What the body heard and what it changed, published after the window."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="response"
    )
    # PROTECT: the response compares the draft with this text.
    final_version = models.ForeignKey(
        "laws.RegulationVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )
    summary_zh = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
    )

    class Meta:
        verbose_name = _("consultation response")

    def __str__(self) -> str:
        return f"{self.consultation.key} response"

    @property
    def summary(self) -> str:
        return self.localized("summary")


class ResponseChange(Bilingual, models.Model):
    """One change between draft and final, with the comments that asked for it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="changes")
    position = models.PositiveIntegerField(default=0)
    draft_provision = models.ForeignKey(
        "laws.Provision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    final_provision = models.ForeignKey(
        "laws.Provision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    comments = models.ManyToManyField(Comment, blank=True, related_name="response_changes")
    themes = models.ManyToManyField(Theme, blank=True, related_name="response_changes")

    class Meta:
        ordering = ["response", "position", "id"]
        verbose_name = _("change made after comments")

    def __str__(self) -> str:
        return f"{self.response_id}.{self.position}"

    @property
    def text(self) -> str:
        return self.localized("text")
