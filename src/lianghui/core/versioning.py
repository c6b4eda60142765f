"""The data version, and per-record versions: counters that cached copies are keyed by.

The data version is bumped after every commit that changed records.

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
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import translation

from .models import DataVersion, RecordVersion

ROW = 1
# A second counter, moved only by changes to records other than proposals and
# their parts (bumped by proposals/stamps.py): pages keyed by a proposal's
# own stamp and this survive the changes to other proposals.
REFERENCE = 2
RECORD_CHUNK = 500  # records per upsert: well under either database's parameter limit


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


def bump_records(label: str, ids) -> None:
    """Move the versions of these records (a change that shows on their own pages).
    One statement per chunk, an upsert on both databases; safe to repeat (the change
    stream calls it after the commit and again on delivery)."""
    ids = sorted({int(i) for i in ids})
    table = RecordVersion._meta.db_table
    try:
        with connection.cursor() as cursor:
            for start in range(0, len(ids), RECORD_CHUNK):
                chunk = ids[start : start + RECORD_CHUNK]
                rows = ", ".join(["(%s, %s, 1)"] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} (label, record_id, value) VALUES {rows}"
                    f" ON CONFLICT (label, record_id) DO UPDATE SET value = {table}.value + 1",
                    [x for i in chunk for x in (label, i)],
                )
    except DatabaseError:
        pass  # before migrations there is nothing to invalidate


def record_stamp(model, key: str) -> str | None:
    """A stamp for the public views of the record of ``model`` with this key: its
    own version and the reference version (changes to records it only names), in
    one query. None when there is no such record (nothing worth caching)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.id, v.value, d.value FROM {table} r"
            f" LEFT JOIN {RecordVersion._meta.db_table} v"
            "  ON v.label = %s AND v.record_id = r.id"
            f" LEFT JOIN {DataVersion._meta.db_table} d ON d.id = %s"
            " WHERE r.key = %s",
            [model._meta.label, REFERENCE, key],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    return f"{row[0]}-{row[1] or 0}.{row[2] or 0}"


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


def response_cache_stores() -> bool:
    """Whether the response cache keeps anything: not when it is configured off
    (``LIANGHUI_CACHE_URL=dummy://``), where reading a stamp to key a lookup that
    always misses would be a query for nothing."""
    return not isinstance(response_cache(), DummyCache)
