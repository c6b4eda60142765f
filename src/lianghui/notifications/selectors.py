"""Reads of a person's notifications (only ever their own)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notifications_of(*, user) -> QuerySet[Notification]:
    """The user's notifications, newest first, with what a list shows."""
    return Notification.objects.filter(user=user).select_related("proposal")


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
