"""A session's highlights: generated items that staff edit, reorder, remove, publish."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lianghui.core.models import Bilingual

from .enums import DigestStatus, Section


class Digest(models.Model):
    session = models.OneToOneField(
        "proposals.Session", on_delete=models.CASCADE, related_name="digest"
    )
    status = models.CharField(
        max_length=10, choices=DigestStatus.choices, default=DigestStatus.DRAFT
    )
    generator = models.CharField(max_length=20, help_text=_("Version of the rules that chose."))
    generated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"digest of {self.session_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("digests:digest", args=[self.session.key])


class DigestItem(Bilingual, models.Model):
    """One highlight. ``generated`` says the generator proposed it; ``changed`` that a
    person edited or moved it since (their words are then shown, and the generated
    ones kept in ``generated_text``); a removed item stays, hidden, so the record
    shows what staff took out."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(max_length=10, choices=Section.choices)
    position = models.PositiveIntegerField()
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "proposals.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(null=True, blank=True)
    title_zh = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    text_zh = models.TextField(blank=True)
    text_en = models.TextField(blank=True)
    reason_zh = models.TextField(blank=True, help_text=_("Why the item was chosen."))
    reason_en = models.TextField(blank=True)
    related = models.JSONField(
        default=list, blank=True, help_text=_("Keys of representative proposals.")
    )
    generated = models.BooleanField(default=True)
    changed = models.BooleanField(default=False)
    removed = models.BooleanField(default=False)
    generated_text = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["digest", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_zh="", title_en=""), name="digest_item_has_a_title"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def text(self) -> str:
        return self.localized("text")

    @property
    def reason(self) -> str:
        return self.localized("reason")
