"""What a registered user follows, and how often they want an email about it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import Digest, Target


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target = models.CharField(max_length=12, choices=Target.choices, help_text=Target.help_text())
    key = models.CharField(
        max_length=500,
        help_text=_("The record's key; for a saved search, its query string (q=...&topic=...)."),
    )
    label = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target", "label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "target", "key"], name="follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.target}:{self.key}"


class DigestSetting(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_setting"
    )
    frequency = models.CharField(max_length=10, choices=Digest.choices, default=Digest.WEEKLY)
    last_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"
