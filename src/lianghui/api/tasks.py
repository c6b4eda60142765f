"""Background jobs of the API: rendering the stored public documents of changed
proposals, rebuilding bulk dumps after the records they hold change, and pruning
old Idempotency-Key records. The subscribers are connected in ApiConfig.ready()
to "records changed" (core.events); the pruning is a daily job of core.schedule."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.tasks import default_task_backend, task
from django.utils import timezone

from . import dumps, idempotency, public

PENDING = "lianghui:api:dump-pending:{}"
ID_CHUNK = 5000
# Records of these types are in the reference dump.
REFERENCE_TYPES = dumps.REFERENCE_TYPES
REGULATION_TYPES = ["regulation"]


@task
def build_session_dump(session_key: str) -> dict:
    """Rebuild one session's dump; returns its file names and row counts."""
    cache.delete(PENDING.format(session_key))
    manifest = dumps.build_session(session_key)
    return {f["name"]: f["rows"] for f in manifest["files"]}


@task
def build_shared_dump(name: str) -> dict:
    """Rebuild the reference or regulations dump; returns file names and row counts."""
    build = {dumps.REFERENCE: dumps.build_reference, dumps.REGULATIONS: dumps.build_regulations}
    cache.delete(PENDING.format(name))
    manifest = build[name]()
    return {f["name"]: f["rows"] for f in manifest["files"]}


@task
def render_public_documents(ids: list[int]) -> int:
    """Render the stored public documents of these proposals; returns how many."""
    return public.refresh(ids)


# Records whose changes can show in a proposal's public document (public.affected).
DOCUMENT_LABELS = [
    "proposals.Proposal",
    "proposals.Assignment",
    "proposals.Reply",
    "proposals.Feedback",
    "laws.Regulation",
    "core.Source",
]


def on_documents_changed(label: str, ids: set[int]) -> None:
    """After the writer's commit: delete the touched documents at once (reads
    render until they are back), then have the worker render them."""
    touched = public.affected(label, ids)
    if touched:
        public.forget(touched)
        render_public_documents.enqueue(sorted(touched))


@task
def prune_idempotency_keys() -> int:
    """Forget Idempotency-Key records older than a day; returns how many."""
    return idempotency.prune()


def _debouncing() -> bool:
    """Debouncing needs a queue that runs jobs later (the database queue of
    `lianghui worker`); with an immediate backend (tests, LIANGHUI_TASKS_IMMEDIATE)
    nothing is enqueued and dumps are rebuilt by `lianghui dumps build`."""
    return settings.LIANGHUI_DUMPS_AUTO and default_task_backend.supports_defer


def _enqueue_once(job, name: str) -> None:
    """Enqueue ``job(name)`` DEBOUNCE seconds from now unless it is already waiting
    (the pending mark lasts as long as the wait, so a change after the rebuild
    started enqueues a new one)."""
    delay = dt.timedelta(seconds=settings.LIANGHUI_DUMPS_DEBOUNCE)
    if cache.add(PENDING.format(name), 1, timeout=delay.total_seconds()):
        job.using(run_after=timezone.now() + delay).enqueue(name)


def on_proposals_changed(label: str, ids: set[int]) -> None:
    """One rebuild per touched session, and of the regulations dump when a touched
    proposal is related to a regulation (it lists the published ones)."""
    if not _debouncing():
        return
    from lianghui.proposals.models import Proposal

    ids = list(ids)
    keys: set[str] = set()
    related = False
    for start in range(0, len(ids), ID_CHUNK):
        chunk = Proposal.objects.filter(id__in=ids[start : start + ID_CHUNK])
        keys.update(chunk.values_list("session__key", flat=True).distinct())
        related = related or chunk.filter(regulations__isnull=False).exists()
    for key in sorted(keys):
        _enqueue_once(build_session_dump, key)
    if related:
        _enqueue_once(build_shared_dump, dumps.REGULATIONS)


def on_reference_changed(label: str, ids: set[int]) -> None:
    if _debouncing():
        _enqueue_once(build_shared_dump, dumps.REFERENCE)


def on_regulations_changed(label: str, ids: set[int]) -> None:
    if _debouncing():
        _enqueue_once(build_shared_dump, dumps.REGULATIONS)


def labels(types: list[str]) -> list[str]:
    """Model labels ("app.Model") of these record types, as core.events names them."""
    from lianghui.exchange.schema import SPECS

    return [SPECS[name].model._meta.label for name in types]


def connect() -> None:
    from lianghui.core import events

    for label in DOCUMENT_LABELS:
        events.subscribe(label, on_documents_changed)
    events.subscribe("proposals.Proposal", on_proposals_changed)
    for label in labels(REFERENCE_TYPES):
        events.subscribe(label, on_reference_changed)
    for label in labels(REGULATION_TYPES):
        events.subscribe(label, on_regulations_changed)
