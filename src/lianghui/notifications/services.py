"""Writes on a person's notifications: marking them read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from .models import Notification


@transaction.atomic
def notification_mark_read(*, user, ids=None) -> int:
    """Mark the user's notifications read (those in ``ids``, or all); returns how
    many were unread. Another person's ids are ignored, not an error: nothing of
    theirs is changed or revealed."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
