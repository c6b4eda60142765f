"""Background jobs of the API: rendering the stored public documents of changed
proposals, rebuilding bulk dumps after the records they hold change, and pruning
old Idempotency-Key records. The subscribers are connected in ApiConfig.ready()
to the change stream (core.events); the pruning is a daily job of core.schedule.

Right after a writer's commit the documents its change touches are forgotten
(reads render until they are back); when the worker delivers the change they are
forgotten again and rendered, and the dumps holding the records are rebuilt:
after LIANGHUI_DUMPS_DEBOUNCE seconds, or within REMOVAL_DEBOUNCE when a record
left the public (unpublished or deleted)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.tasks import default_task_backend, task
from django.utils import timezone

from lianghui.api.bulk import dumps
from lianghui.api.read import public
from lianghui.api.tokens import idempotency

PENDING = "lianghui:api:dump-pending:{}"
URGENT = "lianghui:api:dump-urgent:{}"
REMOVAL_DEBOUNCE = 15  # seconds: removals reach the dumps within a minute
ID_CHUNK = 5000
# Records of these types are in the reference dump.
REFERENCE_TYPES = dumps.REFERENCE_TYPES
REGULATION_TYPES = ["regulation"]


@task
def build_session_dump(session_key: str) -> dict:
    """Rebuild one session's dump; returns its file names and row counts."""
    cache.delete_many([PENDING.format(session_key), URGENT.format(session_key)])
    manifest = dumps.build_session(session_key)
    return {f["name"]: f["rows"] for f in manifest["files"]}


@task
def build_shared_dump(name: str) -> dict:
    """Rebuild the reference or regulations dump; returns file names and row counts."""
    build = dumps.SHARED
    cache.delete_many([PENDING.format(name), URGENT.format(name)])
    manifest = build[name]()
    return {f["name"]: f["rows"] for f in manifest["files"]}


@task(priority=50)
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


def forget_documents(label: str, ids: set[int]) -> None:
    """Right after the writer's commit: delete the touched documents at once
    (reads render until they are back)."""
    touched = public.affected(label, ids)
    if touched:
        public.forget(touched)


def on_documents_changed(label: str, ids: set[int]) -> None:
    """On delivery: delete the touched documents (again, in case the writer died
    first), then have the worker render them."""
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


def _enqueue_once(job, name: str, *, urgent: bool = False) -> None:
    """Enqueue ``job(name)`` DEBOUNCE seconds from now (REMOVAL_DEBOUNCE when
    ``urgent``) unless such a rebuild is already waiting (the pending mark lasts as
    long as the wait, so a change after the rebuild started enqueues a new one)."""
    seconds = settings.LIANGHUI_DUMPS_DEBOUNCE
    mark = PENDING
    if urgent and seconds > REMOVAL_DEBOUNCE:
        seconds, mark = REMOVAL_DEBOUNCE, URGENT
    delay = dt.timedelta(seconds=seconds)
    if cache.add(mark.format(name), 1, timeout=max(delay.total_seconds(), 1)):
        job.using(run_after=timezone.now() + delay).enqueue(name)


def _all_sessions() -> list[str]:
    from lianghui.proposals.models import Session

    return list(Session.objects.order_by("key").values_list("key", flat=True))


def on_proposals_changed(label: str, ids: set[int]) -> None:
    """One rebuild per touched session, and of the regulations dump when a touched
    proposal is related to a regulation (it lists the published ones). A proposal
    that left the public has its session rebuilt soon; a deleted one (its session
    is no longer known) has every session's dump rebuilt soon, and the regulations'."""
    if not _debouncing():
        return
    from lianghui.proposals.models import Proposal

    ids = list(ids)
    keys: set[str] = set()
    urgent: set[str] = set()
    related = some_deleted = False
    for start in range(0, len(ids), ID_CHUNK):
        chunk = Proposal.objects.filter(id__in=ids[start : start + ID_CHUNK])
        rows = list(chunk.values_list("id", "session__key", "published"))
        keys.update(key for _pk, key, _pub in rows)
        urgent.update(key for _pk, key, published in rows if not published)
        some_deleted = some_deleted or len(rows) < len(ids[start : start + ID_CHUNK])
        related = related or chunk.filter(regulations__isnull=False).exists()
    if some_deleted:  # some were deleted
        urgent.update(_all_sessions())
        _enqueue_once(build_shared_dump, dumps.REGULATIONS, urgent=True)
    for key in sorted(keys - urgent):
        _enqueue_once(build_session_dump, key)
    for key in sorted(urgent):
        _enqueue_once(build_session_dump, key, urgent=True)
    if related:
        _enqueue_once(build_shared_dump, dumps.REGULATIONS)


def _rebuild_soon_where_withdrawn(model, shown: str, session: str, ids: set[int]) -> None:
    """The sessions of those of ``ids`` (records of ``model``) no longer shown (their
    ``shown`` field false, or deleted: then every session) have their dumps rebuilt
    within the removals' wait; ``session`` is the path to their session's key."""
    ids = list(ids)
    urgent: set[str] = set()
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start : start + ID_CHUNK]
        rows = list(model.objects.filter(id__in=chunk).values_list(shown, session))
        urgent.update(key for is_shown, key in rows if not is_shown)
        if len(rows) < len(chunk):
            urgent.update(_all_sessions())
    for key in sorted(urgent):
        _enqueue_once(build_session_dump, key, urgent=True)


def on_replies_changed(label: str, ids: set[int]) -> None:
    """A reply withdrawn (unpublished, or deleted) leaves its session's dump soon
    (edits and additions come with the proposal's own change)."""
    if _debouncing():
        from lianghui.proposals.models import Reply

        _rebuild_soon_where_withdrawn(Reply, "published", "assignment__proposal__session__key", ids)


def on_feedback_changed(label: str, ids: set[int]) -> None:
    """A proposer's comment made private (or a feedback deleted) leaves its session's
    dump soon, as a withdrawn reply does (other edits come with the proposal's change)."""
    if _debouncing():
        from lianghui.proposals.models import Feedback

        _rebuild_soon_where_withdrawn(
            Feedback, "comment_public", "reply__assignment__proposal__session__key", ids
        )


def on_reference_changed(label: str, ids: set[int]) -> None:
    if _debouncing():
        _enqueue_once(build_shared_dump, dumps.REFERENCE)


def on_regulations_changed(label: str, ids: set[int]) -> None:
    if _debouncing():
        _enqueue_once(build_shared_dump, dumps.REGULATIONS)


def on_consultations_changed(label: str, ids: set[int]) -> None:
    """Every comment's change reports its consultation's: a withdrawal, a hidden
    comment or a published response reaches the consultations dump soon."""
    if _debouncing():
        _enqueue_once(build_shared_dump, dumps.CONSULTATIONS, urgent=True)


def labels(types: list[str]) -> list[str]:
    """Model labels ("app.Model") of these record types, as core.events names them."""
    from lianghui.exchange.schema import SPECS

    return [SPECS[name].model._meta.label for name in types]


def connect() -> None:
    from lianghui.core import events, verify

    verify.register("api-documents", public.drift, public.repair)
    verify.register("dumps", dump_drift, dump_repair)

    for label in DOCUMENT_LABELS:
        events.subscribe(label, on_documents_changed)
        events.subscribe(label, forget_documents, at_commit=True)
    events.subscribe("proposals.Proposal", on_proposals_changed)
    events.subscribe("proposals.Reply", on_replies_changed)
    events.subscribe("proposals.Feedback", on_feedback_changed)
    for label in labels(REFERENCE_TYPES):
        events.subscribe(label, on_reference_changed)
    for label in labels(REGULATION_TYPES):
        events.subscribe(label, on_regulations_changed)
    events.subscribe("consultations.Consultation", on_consultations_changed)


# --- drift of the bulk dumps (`lianghui verify`) ------------------------------------------------


def _dump_keys(name: str) -> list[str] | None:
    """The JSON lines of a built dump, or None when it is not built."""
    path = dumps.dumps_dir() / name / dumps.RECORDS
    if not path.is_file():
        return None
    with open(path, encoding="utf-8") as handle:
        return [line.rstrip("\n") for line in handle]


def dump_drift():
    """Built dumps whose records differ from what a build would write now: by
    dump, with the records missing, extra or changed (a dump is rebuilt whole).
    Dumps never built are not drift; a dump of a session that is gone is."""
    import json

    from lianghui.core.verify import Drift
    from lianghui.exchange.exporter import dumps as as_line
    from lianghui.proposals.models import Session

    found = []
    built = {m["dump"] for m in dumps.manifests()}
    sessions = {s.key: s for s in Session.objects.select_related("body")}
    for name in sorted(built):
        if name in dumps.SHARED_RECORDS:
            records = dumps.SHARED_RECORDS[name]()
        elif name in sessions:
            records = dumps.session_records(sessions[name])
        else:
            found.append(Drift("dumps", name, "extra: no such session", (name,)))
            continue
        want = {}
        for _type, rec in records:
            want[f"{rec.get('type', _type)}:{rec['key']}"] = as_line(rec)
        have = {}
        for line in _dump_keys(name) or ():
            if line:
                rec = json.loads(line)
                have[f"{rec.get('type')}:{rec['key']}"] = line
        for key in sorted(want.keys() - have.keys()):
            found.append(Drift("dumps", f"{name}: {key}", "missing", (name,)))
        for key in sorted(have.keys() - want.keys()):
            found.append(Drift("dumps", f"{name}: {key}", "extra: not public", (name,)))
        for key in sorted(want.keys() & have.keys()):
            if want[key] != have[key]:
                found.append(Drift("dumps", f"{name}: {key}", "stale", (name,)))
    return found


def dump_repair(drifts) -> int:
    """Rebuild the drifted dumps (and remove those of sessions gone)."""
    import shutil

    from lianghui.proposals.models import Session

    names = {d.target[0] for d in drifts}
    sessions = set(Session.objects.filter(key__in=names).values_list("key", flat=True))
    for name in sorted(names):
        if name in dumps.SHARED:
            dumps.SHARED[name]()
        elif name in sessions:
            dumps.build_session(name)
        else:
            shutil.rmtree(dumps.dumps_dir() / name, ignore_errors=True)
    return len(names)
