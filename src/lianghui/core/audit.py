"""Writing the audit log. Services call `record` for every state change and
every edited field; the entries are written in the service's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from . import events
from .models import AuditEntry

# The change-stream label under which each `record` call reports its first entry's
# id: one event per call, however many fields it changed.
EVENT = "core.AuditEntry"


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return getattr(value, "key", None) or str(value)
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(_jsonable(v)) for v in value)
    return value


def record(
    *,
    actor,
    root: models.Model,
    action: str,
    changes: dict[str, tuple[Any, Any]] | None = None,
    target: str = "",
    public: bool = False,
    at: dt.datetime | None = None,
) -> list[AuditEntry]:
    """One entry per changed field (or one for the action when nothing changed)."""
    at = at or timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None
    base = {
        "at": at,
        "actor": user,
        "actor_label": user.get_username() if user else "",
        "content_type": ContentType.objects.get_for_model(type(root)),
        "object_id": root.pk,
        "action": action,
        "target": target,
        "public": public,
    }
    items = [(f, b, a) for f, (b, a) in (changes or {}).items() if b != a]
    entries = [
        AuditEntry(**base, field=f, before=_jsonable(b), after=_jsonable(a)) for f, b, a in items
    ] or [AuditEntry(**base)]
    entries = AuditEntry.objects.bulk_create(entries)
    # The entry is an event others act on after the commit (notifications): it joins
    # the change stream with its record, in the same outbox insert. Bulk writers (the
    # importer, the demo) write history, not news: their entries are no events.
    reported = {root._meta.label: [root.pk]}
    if not events.in_bulk():
        reported[EVENT] = [entries[0].pk]
    events.changed_many(reported)
    return entries


def history(root: models.Model, *, public_only: bool = False):
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(root)), object_id=root.pk
    ).select_related("actor")
    return entries.filter(public=True) if public_only else entries
