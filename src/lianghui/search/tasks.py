"""Keeping the index current from the change stream (core.events).

Right after a writer's commit, documents of records that are no longer public
(unpublished, deleted, a reply withdrawn) are dropped at once, in the writer's
process: a removal must not wait for the worker. When the worker delivers the
change, this task rebuilds the documents of every changed record (additions and
edits, and removals again in case the writer died before dropping them)."""

from __future__ import annotations

from django.tasks import task

from . import registry, semantic, services, similar, similar_drift
from .enums import DocType

# Removals dropped in the writer's process only for commits touching at most this
# many records: an import's hundred thousand rows wait for the worker.
AT_COMMIT_LIMIT = 2000


@task(priority=50)
def reindex_records(label: str, ids: list[int]) -> int:
    written = services.index_records(label=label, ids=ids)
    if semantic.model() is not None:
        embed_records.enqueue(label, ids)
    return written


# Embedding waits behind the index (the records are searchable by their words
# first) and the fill behind a record's own change.
@task(priority=10)
def embed_records(label: str, ids: list[int]) -> int:
    """Embed again the records whose text changed (after the index has them)."""
    return semantic.refresh(label=label, ids=ids)


@task(priority=-10)
def fill_vectors() -> int:
    """Embed a batch of indexed records without a vector, then queue the next."""
    done, more = semantic.fill()
    if more:
        fill_vectors.enqueue()
    return done


def start_filling() -> None:
    """After a rebuild's commit: embed what the index holds, in the background."""
    if semantic.model() is not None:
        fill_vectors.enqueue()


# After the index: the words of a proposal's similar list are weighed by the index.
@task(priority=40)
def refresh_similar(ids: list[int]) -> int:
    return similar.refresh(ids=ids)


def on_records_changed(label: str, ids: set[int]) -> None:
    """core.events subscriber, on delivery: rebuild these records' documents."""
    reindex_records.enqueue(label, sorted(ids))


def on_proposals_changed(label: str, ids: set[int]) -> None:
    """core.events subscriber, on delivery: find these proposals' similar ones again."""
    refresh_similar.enqueue(sorted(ids))


def drop_hidden(label: str, ids: set[int]) -> None:
    """core.events subscriber, right after the commit: drop what is no longer public."""
    if len(ids) <= AT_COMMIT_LIMIT:
        services.remove_hidden(label=label, ids=ids)


def forget_pages_naming(label: str, ids: set[int]) -> None:
    """core.events subscriber, right after the commit: a proposal that left the
    public leaves the cached pages of those whose similar lists name it at once."""
    if len(ids) <= AT_COMMIT_LIMIT:
        similar.forget_pages_naming(ids)


def connect() -> None:
    from lianghui.core import events, verify

    verify.register("search", services.drift, services.repair)
    # After the index's: the lists are found in the index.
    verify.register(similar_drift.CHANNEL, similar_drift.drift, similar_drift.repair)

    for label in services.indexed_labels():
        events.subscribe(label, on_records_changed)
    proposals = registry.get(DocType.PROPOSAL)
    if proposals is not None:
        events.subscribe(proposals.model, on_proposals_changed)
        events.subscribe(proposals.model, forget_pages_naming, at_commit=True)
    for label in services.removable_labels():
        events.subscribe(label, drop_hidden, at_commit=True)
