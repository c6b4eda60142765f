"""Commitments found in replies, their review by the office and their outcome."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import DuePrecision, Outcome, Review


class Commitment(models.Model):
    """One sentence of a reply that promises action, with what the record shows of it.

    The sentence is kept as it stands in the reply (``language`` says which text
    of the reply it is from), so a reader can check it against the reply. A
    decision by the office (``review``) is audited; re-extraction after an edit
    of the reply keeps decided rows and replaces undecided ones.
    """

    reply = models.ForeignKey(
        "proposals.Reply", on_delete=models.CASCADE, related_name="commitments"
    )
    position = models.PositiveIntegerField(help_text=_("The sentence's place in the reply."))
    language = models.CharField(max_length=5, help_text=_("zh or en: the reply text it is in."))
    sentence = models.TextField()
    confidence = models.FloatField()
    reasons = models.JSONField(default=list, blank=True)
    extractor = models.CharField(max_length=20, help_text=_("Version of the rules that found it."))
    due_on = models.DateField(null=True, blank=True)
    due_precision = models.CharField(max_length=5, choices=DuePrecision.choices, blank=True)
    plan = models.CharField(max_length=200, blank=True)
    review = models.CharField(
        max_length=10, choices=Review.choices, default=Review.SUGGESTED, db_index=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=10,
        choices=Outcome.choices,
        default=Outcome.OPEN,
        help_text=Outcome.help_text(),
        db_index=True,
    )
    outcome_on = models.DateField(null=True, blank=True)
    # SET_NULL: evidence that disappears sends the commitment back to open or
    # lapsed on the next refresh rather than deleting it.
    kept_by_regulation = models.ForeignKey(
        "laws.Regulation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kept_by_reply = models.ForeignKey(
        "proposals.Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["reply", "language", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reply", "language", "position"], name="commitment_once_per_sentence"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1),
                name="commitment_confidence_is_a_probability",
            ),
        ]

    def __str__(self) -> str:
        return self.sentence[:60]
