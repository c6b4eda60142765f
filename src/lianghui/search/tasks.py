"""Keeping the index current: "records changed" events enqueue this task with
the changed ids; it runs in the worker (immediately in tests)."""

from __future__ import annotations

from django.tasks import task

from . import services


@task
def reindex_records(label: str, ids: list[int]) -> int:
    return services.index_records(label=label, ids=ids)


def on_records_changed(label: str, ids: set[int]) -> None:
    """core.events subscriber: runs after the writer's transaction commits."""
    reindex_records.enqueue(label, sorted(ids))


def connect() -> None:
    from lianghui.core import events

    for label in services.INDEXED_LABELS:
        events.subscribe(label, on_records_changed)
