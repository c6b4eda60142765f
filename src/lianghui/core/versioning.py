"""The data version: a counter bumped after every commit that changed records.

The change stream (`events`) calls `bump` once after each committed transaction
that changed records, whatever wrote it (services, the admin, a shell, an
import), and again when the worker has delivered the change (so a writer that
died right after its commit still invalidates); readers build cache keys with
`current()`.
One indexed single-row read per request is far cheaper than the pages it saves,
and it is right across processes, where a per-process cache alone would not be.
"""

from __future__ import annotations

import hashlib

from django.core.cache import caches
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import translation

from .models import DataVersion

ROW = 1
# A second counter, moved only by changes to records other than proposals and
# their parts (bumped by the portal's subscriber): pages keyed by a proposal's
# own stamp and this survive the changes to other proposals.
REFERENCE = 2


def current(row: int = ROW) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {DataVersion._meta.db_table} WHERE id = %s", [row])
        found = cursor.fetchone()
    return found[0] if found else 0


def bump(_label: str = "", _ids: object = None, *, row: int = ROW) -> None:
    try:
        updated = DataVersion.objects.filter(pk=row).update(value=F("value") + 1)
        if not updated:
            DataVersion.objects.get_or_create(pk=row, defaults={"value": 1})
    except DatabaseError:
        # Before migrations (or in a read-only replica) there is nothing to invalidate.
        pass


def cache_key(prefix: str, request, *parts: object, version: object = None) -> str:
    """A key for one public response: path, query, language and the data version
    (or ``version``, a stamp the caller read that moves when the response would)."""
    raw = "|".join(
        [
            request.path,
            request.META.get("QUERY_STRING", ""),
            translation.get_language() or "",
            *(str(p) for p in parts),
        ]
    )
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"{prefix}:{current() if version is None else version}:{digest}"


def response_cache():
    return caches["default"]
