"""In-app notifications, one row per recipient and event."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianghui.core.models import Bilingual

from .enums import Kind


class Notification(Bilingual, models.Model):
    """What happened to a proposal, told to one person, with what comes next.

    The text is rendered when the notification is made, in both languages
    (``text_zh``, ``text_en``): the desk shows the reader's language, the email
    the recipient's (`tasks.language_of`). ``params`` keeps the structured facts
    the text was made from, for API clients that word it themselves."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, help_text=Kind.help_text())
    proposal = models.ForeignKey(
        "proposals.Proposal", on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(
        max_length=40,
        help_text=_("The event it comes from: the audit entry of the change (audit:<id>)."),
    )
    params = models.JSONField(default=dict, blank=True)
    text_zh = models.TextField()
    text_en = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Email: claimed (mail_state "sending") by one worker with a conditional update,
    # then "sent" or "skipped" (no consent, no address); "" until a worker looks.
    mail_state = models.CharField(max_length=8, blank=True, default="")
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # Producing an event twice (a redelivered change) makes nothing new.
            models.UniqueConstraint(fields=["user", "event"], name="notify_once_per_event")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.event}"

    @property
    def text(self) -> str:
        return self.localized("text")

    @property
    def unread(self) -> bool:
        return self.read_at is None
