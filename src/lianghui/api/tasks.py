"""Background jobs of the API: rebuilding a session's bulk dump after its
proposals change. Subscribed in ApiConfig.ready() to "records changed"."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.tasks import default_task_backend, task
from django.utils import timezone

from . import dumps

PENDING = "lianghui:api:dump-pending:{}"
ID_CHUNK = 5000


@task
def build_session_dump(session_key: str) -> dict:
    """Rebuild one session's dump; returns its file names and row counts."""
    cache.delete(PENDING.format(session_key))
    manifest = dumps.build_session(session_key)
    return {f["name"]: f["rows"] for f in manifest["files"]}


def on_proposals_changed(label: str, ids: set[int]) -> None:
    """Enqueue one dump rebuild per touched session, DEBOUNCE seconds later; a
    session already waiting for its rebuild is not enqueued again (the pending
    mark lasts as long as the wait, so a change after it enqueues a new build).

    Debouncing needs a queue that runs jobs later (the database queue of
    `lianghui worker`); with an immediate backend (tests, LIANGHUI_TASKS_IMMEDIATE)
    nothing is enqueued and dumps are rebuilt by `lianghui dumps build`.
    """
    if not settings.LIANGHUI_DUMPS_AUTO or not default_task_backend.supports_defer:
        return
    from lianghui.proposals.models import Proposal

    ids = list(ids)
    keys: set[str] = set()
    for start in range(0, len(ids), ID_CHUNK):
        keys.update(
            Proposal.objects.filter(id__in=ids[start : start + ID_CHUNK])
            .values_list("session__key", flat=True)
            .distinct()
        )
    delay = dt.timedelta(seconds=settings.LIANGHUI_DUMPS_DEBOUNCE)
    for key in sorted(keys):
        if cache.add(PENDING.format(key), 1, timeout=delay.total_seconds()):
            build_session_dump.using(run_after=timezone.now() + delay).enqueue(key)
