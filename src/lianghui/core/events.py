""" "These records changed": published once per transaction, after it commits.

Writers (the audit log, which every service writes; the importer) call
`changed`; other apps subscribe in their AppConfig.ready(), e.g. the search
index or the bulk-dump builder. Subscribers get the model label and the set of
ids; they should enqueue work (a task) rather than do it inline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction

Subscriber = Callable[[str, set[int]], None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
_ATTR = "_lianghui_changed"
ANY = "*"  # subscribers to every label are called once per commit, with label "*"


_label_subscribers: list[Callable[[set[str]], None]] = []


def subscribe_labels(fn: Callable[[set[str]], None]) -> None:
    """Call fn(labels) once after each commit that changed records, with the
    labels of every kind of record it changed."""
    if fn not in _label_subscribers:
        _label_subscribers.append(fn)


def subscribe(model_label: str, fn: Subscriber) -> None:
    """Call fn(model_label, ids) after each commit that changed such records."""
    if fn not in _subscribers[model_label]:
        _subscribers[model_label].append(fn)


def changed(model_label: str, ids: Iterable[int]) -> None:
    if not _subscribers.get(model_label) and not _subscribers.get(ANY) and not _label_subscribers:
        return
    conn = transaction.get_connection()
    state = getattr(conn, _ATTR, None)
    # A rolled-back transaction drops its on-commit callbacks silently: start afresh
    # when ours is no longer queued.
    if state is None or not any(f is state[1] for _s, f, *_r in conn.run_on_commit):
        pending: dict[str, set[int]] = defaultdict(set)

        def flush() -> None:
            if getattr(conn, _ATTR, (None,))[0] is pending:
                delattr(conn, _ATTR)
            _flush(pending)

        pending[model_label].update(ids)
        setattr(conn, _ATTR, (pending, flush))
        transaction.on_commit(flush)  # outside a transaction this runs at once
        return
    state[0][model_label].update(ids)


def _flush(pending: dict[str, set[int]]) -> None:
    for label, ids in pending.items():
        for fn in _subscribers.get(label, ()):
            fn(label, set(ids))
    for fn in _label_subscribers:
        fn(set(pending))
    everything = set().union(*pending.values()) if pending else set()
    for fn in _subscribers.get(ANY, ()):
        fn(ANY, everything)
