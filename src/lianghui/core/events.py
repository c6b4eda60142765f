"""The change stream: "these records changed", recorded in the writer's transaction.

Every write path reports here, whatever wrote it: services (through the audit
log), the admin, a model's ``save()``/``delete()`` in a shell, queryset deletes
and their cascades (model signals, connected once in `connect_signals` for the
records that derived copies are made from), and bulk writers (the importer, the
demo), which call `changed` themselves inside `bulk()`.

Each report is written to the outbox (`core.Change`) in the writer's transaction,
so a committed change is never lost, even if the process dies right after the
commit. Two kinds of subscribers follow it:

- ``subscribe(label, fn)``: called with the model label and the set of ids when
  the outbox is delivered (`deliver`): by the worker within a few seconds of the
  commit, or at once after the commit when background jobs run inline (tests,
  LIANGHUI_TASKS_IMMEDIATE). They should enqueue work rather than do it inline.
- ``subscribe(label, fn, at_commit=True)``: called in the writer's process right
  after its commit, for cheap invalidation (forgetting a stored document,
  dropping an unpublished record from the index). Not called again on delivery:
  the delivered subscribers must do the whole job themselves.

Label subscribers (``subscribe_labels``) and ``ANY`` subscribers are called both
after the commit and on delivery, so they must be cheap and idempotent (the data
version's bump is one).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import OperationalError, transaction

logger = logging.getLogger(__name__)

Subscriber = Callable[[str, set[int]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_at_commit: dict[str, list[Subscriber]] = defaultdict(list)
_label_subscribers: list[Callable[[set[str]], None]] = []
_ATTR = "_lianghui_changed"
ANY = "*"  # subscribers to every label are called with label "*" and every id
ROW_IDS = 5000  # ids per outbox row: a 150,000-row import writes 30 rows, not 150,000
DELIVER_ROWS = 1000  # outbox rows claimed at a time (their ids are merged: one rebuild each)


def subscribe_labels(fn: Callable[[set[str]], None]) -> None:
    """Call fn(labels) after each commit that changed records (and again when
    its changes are delivered), with the labels of every kind of record it changed."""
    if fn not in _label_subscribers:
        _label_subscribers.append(fn)


def subscribe(model_label: str, fn: Subscriber, *, at_commit: bool = False) -> None:
    registry = _at_commit if at_commit else _subscribers
    if fn not in registry[model_label]:
        registry[model_label].append(fn)


# --- writing ---------------------------------------------------------------------------


class _State:
    """What one transaction (on one connection) has reported so far."""

    def __init__(self, conn) -> None:
        self.pending: dict[str, set[int]] = defaultdict(set)
        # (label, id) -> the savepoints open when its outbox row was written: the
        # row is still there as long as they are (a rolled-back savepoint took it).
        self.written: dict[tuple[str, int], tuple[str, ...]] = {}
        self.bulk: dict[str, set[int]] | None = None

        def flush() -> None:
            if getattr(conn, _ATTR, None) is self:
                delattr(conn, _ATTR)
            _after_commit(self.pending)

        self.flush = flush


def _state() -> _State:
    conn = transaction.get_connection()
    state = getattr(conn, _ATTR, None)
    # A rolled-back transaction drops its on-commit callbacks silently: start afresh
    # when ours is no longer queued.
    if state is None or not any(f is state.flush for _s, f, *_r in conn.run_on_commit):
        state = _State(conn)
        setattr(conn, _ATTR, state)
        transaction.on_commit(state.flush)  # outside a transaction this runs at once
    return state


def changed(model_label: str, ids: Iterable[int]) -> None:
    """Record that these records changed (or were deleted), in the current transaction."""
    changed_many({model_label: ids})


def changed_many(records: dict[str, Iterable[int]]) -> None:
    """`changed` for several labels at once, written to the outbox in one insert."""
    records = {label: {int(i) for i in ids if i is not None} for label, ids in records.items()}
    records = {label: ids for label, ids in records.items() if ids}
    if not records:
        return
    if not transaction.get_connection().in_atomic_block:
        # Autocommit (a shell's save()): the outbox row first, then the delivery.
        with transaction.atomic():
            changed_many(records)
        return
    state = _state()
    new: dict[str, list[int]] = {}
    for model_label, ids in records.items():
        state.pending[model_label].update(ids)
        if state.bulk is not None:
            state.bulk[model_label].update(ids)
            continue
        open_now = tuple(transaction.get_connection().savepoint_ids)
        for i in ids:
            mark = state.written.get((model_label, i))
            if mark is None or open_now[: len(mark)] != mark:
                new.setdefault(model_label, []).append(i)
                state.written[(model_label, i)] = open_now
    _write(new)


def _write(records: dict[str, Iterable[int]]) -> None:
    from .models import Change

    rows = []
    for label, ids in records.items():
        ordered = sorted(ids)
        rows += [
            Change(label=label, ids=ordered[s : s + ROW_IDS])
            for s in range(0, len(ordered), ROW_IDS)
        ]
    if rows:
        Change.objects.bulk_create(rows)


@contextmanager
def bulk() -> Iterator[None]:
    """For writers that report every record they change themselves (the importer,
    the demo): model signals inside are not recorded, and the reports go to the
    outbox in a few rows when the block ends (inside the caller's transaction)."""
    with transaction.atomic():
        state = _state()
        if state.bulk is not None:  # already inside one
            yield
            return
        state.bulk = defaultdict(set)
        try:
            yield
            _write(state.bulk)
        finally:
            state.bulk = None


def _quiet() -> bool:
    state = getattr(transaction.get_connection(), _ATTR, None)
    return state is not None and state.bulk is not None


def in_bulk() -> bool:
    """Whether the current write is inside `bulk()` (an import, the demo)."""
    return _quiet()


# --- delivering ------------------------------------------------------------------------


def _after_commit(pending: dict[str, set[int]]) -> None:
    for label, ids in pending.items():
        for fn in _at_commit.get(label, ()):
            _safely(fn, label, set(ids))
    _everything(pending)
    from django.tasks import default_task_backend

    if not default_task_backend.supports_defer:
        # Jobs run inline (tests, one-off commands): so does the delivery. Otherwise
        # the worker delivers within a few seconds.
        deliver(announced=set(pending), strict=True)


def _everything(pending: dict[str, set[int]]) -> None:
    for fn in _label_subscribers:
        _safely(fn, set(pending))
    everything = set().union(*pending.values()) if pending else set()
    for fn in _subscribers.get(ANY, ()):
        _safely(fn, ANY, everything)


def _safely(fn, *args) -> None:
    # A subscriber's failure after the commit must not fail the write that already
    # committed; the outbox and `lianghui verify` catch what it missed.
    try:
        fn(*args)
    except Exception:
        logger.exception("change subscriber %r failed", fn)


def pending_count() -> int:
    from .models import Change

    return Change.objects.count()


_poisoned: set[int] = set()  # rows whose delivery failed in this process


def deliver(
    *,
    limit: int = DELIVER_ROWS,
    announced: frozenset[str] | set[str] = frozenset(),
    strict: bool = False,
) -> int:
    """Hand the oldest outbox rows to the subscribers, then delete them, in one
    transaction (a failure leaves them for the next round). Safe beside another
    worker doing the same: rows are claimed with a lock (PostgreSQL skips locked
    rows; SQLite takes the write lock first). Label and ANY subscribers are called
    for the labels delivered, except those ``announced`` already after the commit.

    When a batch fails, its rows are tried one by one; a row that fails alone is
    logged and passed over by this process (it stays in the outbox, where
    `lianghui verify` counts it, and a restarted worker tries it again), so one
    bad row does not hold back the changes after it (``strict``: the failure is
    raised instead, as when jobs run inline). Returns the rows delivered."""
    from django_tasks_db.utils import is_locked_database_exception

    try:
        merged, claimed = _deliver(limit=limit)
    except OperationalError as error:
        if is_locked_database_exception(error):
            return 0  # another writer holds SQLite's lock: next round
        raise
    except Exception:
        if strict or limit == 1:
            raise
        logger.exception("delivering recorded changes failed; trying them one by one")
        done = 0
        while True:
            before = len(_poisoned)
            try:
                one = deliver(limit=1, announced=announced)
            except Exception:
                logger.exception("a recorded change could not be delivered")
                if len(_poisoned) == before:
                    return done  # not a row's fault (the database?): next round
                continue
            if not one:
                return done
            done += one
    # Labels the writer's process already announced after its commit are not again.
    rest = {label: ids for label, ids in merged.items() if label not in announced}
    if rest:
        _everything(rest)
    return claimed


def _deliver(*, limit: int) -> tuple[dict[str, set[int]], int]:
    from django_tasks_db.utils import exclusive_transaction

    from .models import Change

    merged: dict[str, set[int]] = defaultdict(set)
    with exclusive_transaction():
        claimed = list(
            Change.objects.select_for_update(skip_locked=True)
            .exclude(id__in=sorted(_poisoned))
            .order_by("id")
            .values_list("id", "label", "ids")[:limit]
        )
        if not claimed:
            return merged, 0
        for _pk, label, ids in claimed:
            merged[label].update(ids)
        try:
            for label, ids in merged.items():
                for fn in _subscribers.get(label, ()):
                    fn(label, set(ids))
        except Exception:
            if len(claimed) == 1:
                _poisoned.add(claimed[0][0])
            raise
        Change.objects.filter(id__in=[pk for pk, _l, _i in claimed]).delete()
    return merged, len(claimed)


def deliver_all() -> int:
    """Deliver until the outbox is empty (of rows that can be delivered); returns
    the rows delivered."""
    total = 0
    while True:
        done = deliver()
        total += done
        if not done:
            return total


# --- model signals ---------------------------------------------------------------------

# What a change to each kind of record touches, as (label, path to the id): the
# derived copies are made per proposal, member, organization, regulation, source
# and reference record, so a reply's change is reported as its proposal's too.
# Paths are resolved when the signal fires (for a delete, before the parent goes).
TRACKED: dict[str, list[tuple[str, str]]] = {
    "proposals.Proposal": [("proposals.Proposal", "pk")],
    "proposals.Signer": [("proposals.Proposal", "proposal_id")],
    "proposals.Review": [("proposals.Proposal", "proposal_id")],
    "proposals.Assignment": [
        ("proposals.Assignment", "pk"),
        ("proposals.Proposal", "proposal_id"),
    ],
    "proposals.Reply": [
        ("proposals.Reply", "pk"),
        ("proposals.Proposal", "assignment.proposal_id"),
    ],
    "proposals.Feedback": [
        ("proposals.Feedback", "pk"),
        ("proposals.Proposal", "reply.assignment.proposal_id"),
    ],
    # A statement shows beside its interest flag on the proposal and member pages.
    "insights.InterestStatement": [
        ("proposals.Proposal", "proposal_id"),
        ("people.Member", "member_id"),
    ],
    "proposals.Body": [("proposals.Body", "pk")],
    "proposals.ProposalKind": [("proposals.ProposalKind", "pk")],
    "proposals.Session": [("proposals.Session", "pk")],
    "proposals.Topic": [("proposals.Topic", "pk")],
    "people.Member": [("people.Member", "pk")],
    "people.Membership": [("people.Member", "member_id")],
    "people.Affiliation": [("people.Member", "member_id")],
    "people.Organization": [("people.Organization", "pk")],
    "laws.Regulation": [("laws.Regulation", "pk")],
    "laws.RegulationEvent": [("laws.Regulation", "regulation_id")],
    # A version's text shows on its own page and in the regulation's API detail.
    "laws.RegulationVersion": [("laws.Regulation", "regulation_id")],
    "laws.Provision": [("laws.Regulation", "version.regulation_id")],
    # A link's passages and shared terms show on both records' pages.
    "laws.ProposalLink": [
        ("laws.Regulation", "regulation_id"),
        ("proposals.Proposal", "proposal_id"),
    ],
    # A body's terms label every page of its records.
    "proposals.Term": [("proposals.Body", "body_id")],
    "people.OrganizationSector": [("people.Organization", "organization_id")],
    "consultations.ThemeDecision": [("consultations.Consultation", "consultation_id")],
    # Written by the extractor in the worker after its reply's change: the lists
    # kept of them follow that commit, not the reply's.
    "commitments.Commitment": [("commitments.Commitment", "pk")],
    # A session's highlights, public once published.
    "digests.Digest": [("digests.Digest", "pk")],
    "digests.DigestItem": [("digests.Digest", "digest_id")],
    "consultations.Consultation": [("consultations.Consultation", "pk")],
    "consultations.Comment": [
        ("consultations.Comment", "pk"),
        ("consultations.Consultation", "consultation_id"),
    ],
    "consultations.Theme": [("consultations.Consultation", "consultation_id")],
    "consultations.Response": [("consultations.Consultation", "consultation_id")],
    "consultations.ResponseChange": [("consultations.Consultation", "response.consultation_id")],
    "core.Source": [("core.Source", "pk")],
    "core.Citation": [("core.Source", "source_id"), ("", "object_id")],
}
# The project's other models, and why a change to one needs no report: each model
# is in TRACKED or here (a test holds it), so a new one is not forgotten.
UNTRACKED: dict[str, str] = {
    "core.AuditEntry": "audit.record reports each entry itself (audit.EVENT), in its insert",
    "core.Change": "the change stream's own outbox",
    "core.DataVersion": "the counters the change stream moves",
    "core.RecordVersion": "the counters the change stream moves",
    "core.ScheduledRun": "the worker's schedule",
    "core.WorkerBeat": "the worker's heartbeat",
    "search.SearchDocument": "derived: the index",
    "search.SearchTag": "derived: the index",
    "search.SimilarList": "derived: made from the index",
    "search.DocumentVector": "derived: made from the index",
    "api.PublicProposal": "derived: the stored API documents",
    "api.Token": "private to its owner; no public copy",
    "api.IdempotentRequest": "private: the API's replay log",
    "accounts.Profile": "private to its owner; no public copy",
    "accounts.MailConsent": "private to its owner; no public copy",
    "accounts.Personalisation": "private to its owner; no public copy",
    "following.Follow": "private to its owner; no public copy",
    "following.DigestSetting": "private to its owner; no public copy",
    "notifications.Notification": "private to its owner; no public copy",
    "proposals.ReplyDraft": "private to the agency until it is sent as a reply",
    # Due dates are worked out when an assignment is made and stored with it.
    "proposals.HolidayCalendar": "due dates are stored on assignments when made",
    "proposals.CalendarDay": "due dates are stored on assignments when made",
    "insights.SuggestionDecision": "decided on the office's desk, whose audit reports it",
    "insights.SentenceMatch": "derived, for the office's duplicate panel",
}
# Many-to-many fields whose links show in derived copies: (model, field) -> whether
# the other side's records are touched too.
TRACKED_M2M: dict[tuple[str, str], bool] = {
    ("proposals.Proposal", "topics"): False,
    ("laws.Regulation", "related_proposals"): True,
    ("laws.Regulation", "issuers"): False,
}


def _resolve(instance, path: str):
    value = instance
    try:
        for attr in path.split("."):
            value = getattr(value, attr)
    except Exception:  # a parent already gone (its own report covers it)
        return None
    return value


def _report(instance) -> None:
    if _quiet():
        return
    label = instance._meta.label
    for target, path in TRACKED.get(label, ()):
        if not target:  # a citation: the cited record's own label
            from django.contrib.contenttypes.models import ContentType

            model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
            if model is None or model._meta.label not in TRACKED:
                continue
            target = model._meta.label
        found = _resolve(instance, path)
        if found is not None:
            changed(target, [found])


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # loaddata reports nothing; the importer reports its own writes
        _report(instance)


def _deleted(sender, instance, **kwargs) -> None:
    _report(instance)


def _m2m_handler(model_label: str, both: bool):
    def handler(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
        if _quiet() or action not in ("post_add", "post_remove", "pre_clear"):
            return
        if pk_set is None:  # a clear: the links about to go
            pk_set = set(
                sender.objects.filter(**{_through_fk(sender, instance): instance.pk}).values_list(
                    _through_fk(sender, instance, other=True), flat=True
                )
            )
        if reverse:  # instance is on the other side; pk_set are the tracked records
            changed(model_label, pk_set)
            if both:
                changed(instance._meta.label, [instance.pk])
        else:
            changed(model_label, [instance.pk])
            if both:
                changed(model._meta.label, pk_set)

    return handler


def _through_fk(through, instance, *, other: bool = False) -> str:
    """The through model's field pointing at ``instance``'s model (or the other one)."""
    fks = [f for f in through._meta.fields if f.is_relation and f.related_model is not None]
    for f in fks:
        mine = isinstance(instance, f.related_model)
        if mine != other:
            return f.attname
    return fks[0].attname


_connected = False


def connect_signals() -> None:
    """Connect the model signals once (called from CoreConfig.ready)."""
    global _connected
    if _connected:
        return
    from django.apps import apps
    from django.db.models import signals

    for label in TRACKED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        signals.post_save.connect(_saved, sender=model, dispatch_uid=f"events-save-{label}")
        signals.post_delete.connect(_deleted, sender=model, dispatch_uid=f"events-del-{label}")
    for (label, field), both in TRACKED_M2M.items():
        try:
            through = getattr(apps.get_model(label), field).through
        except (LookupError, AttributeError):
            continue
        signals.m2m_changed.connect(
            _m2m_handler(label, both), sender=through, dispatch_uid=f"events-m2m-{label}.{field}"
        )
    _connected = True
