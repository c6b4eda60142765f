"""Writing the search index: build the documents of changed records and swap them
in. Called by the task that follows "records changed" events, and by
`lianghui search reindex` for a full rebuild.

What is indexed, and how, is declared by the apps that own the records
(registry.py). Only what the public may see is indexed (each type's ``public``,
from the visibility policy, proposals/visibility.py). An unpublished (or
deleted) record's documents are removed when it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import import_module

from django.db import connection, transaction

from lianghui.core import versioning

from . import filtertokens, registry
from .engine.common import forget_planner_figures
from .models import SearchDocument, SearchTag
from .registry import Doc, DocumentType
from .text import pair_tokens

# The full-text triggers as the latest migration made them (remade after a rebuild).
FULLTEXT = import_module("lianghui.search.migrations.0003_filter_tokens")

BATCH = 1000


def indexed_labels() -> list[str]:
    """Model labels whose changes rebuild documents."""
    return [t.model for t in registry.built()]


def removable_labels() -> list[str]:
    """Model labels whose records can leave the index on their own (a reply
    unpublished, as well as every record with documents of its own)."""
    return list(dict.fromkeys(t.model for t in registry.types()))


def _write(docs: Iterable[Doc]) -> int:
    docs = list(docs)
    objs = SearchDocument.objects.bulk_create(
        [
            SearchDocument(
                **d.fields,
                filter_tokens=filtertokens.for_document(d.fields, d.tags),
                pair_tokens=_pairs(d.fields),
            )
            for d in docs
        ]
    )
    tags = [
        SearchTag(document_id=obj.pk, facet=facet, value=value)
        for obj, d in zip(objs, docs, strict=True)
        for facet, value in d.tags
    ]
    SearchTag.objects.bulk_create(tags, batch_size=2000)
    return len(objs)


def _pairs(fields: dict) -> str:
    """PostgreSQL's phrase words (SQLite's FTS5 keeps positions of its own)."""
    if connection.vendor != "postgresql":
        return ""
    return pair_tokens(fields.get("title_tokens", ""), fields.get("text_tokens", ""))


def _remove(t: DocumentType, ids: list[int]) -> None:
    SearchDocument.objects.filter(doc_type=t.key, object_id__in=ids).delete()
    for child in registry.children(t):
        SearchDocument.objects.filter(doc_type=child.key, parent_id__in=ids).delete()


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _type_of(label: str) -> DocumentType | None:
    """The document type of a model label: the one with a builder first."""
    return registry.by_model(label) or next((t for t in registry.types() if t.model == label), None)


def public_ids(label: str, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` whose records the index holds documents of when current."""
    t = _type_of(label)
    found: set[int] = set()
    if t is None:
        return found
    for chunk in _chunks(sorted(set(ids))):
        found.update(t.public_records().filter(id__in=chunk).values_list("id", flat=True))
    return found


def remove_hidden(*, label: str, ids: Iterable[int]) -> int:
    """Drop the documents of those of ``ids`` that are no longer public (unpublished
    or deleted), without building anything. Returns how many records were dropped."""
    t = _type_of(label)
    if t is None:
        return 0
    ids = set(ids)
    hidden = sorted(ids - public_ids(label, ids))
    if not hidden:
        return 0
    for chunk in _chunks(hidden):
        _remove(t, chunk)
    versioning.bump()
    return len(hidden)


# Index writers take this lock (PostgreSQL; SQLite's writers queue at BEGIN):
# two workers rebuilding the same record at once would each delete the other's
# uncommitted nothing and then both insert its document.
INDEX_LOCK = 0x5EA2C401


def lock_index() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INDEX_LOCK])


@transaction.atomic
def index_records(*, label: str, ids: Iterable[int]) -> int:
    """Rebuild the documents of these records (removing those no longer public).
    Returns the number of documents written; labels not indexed are ignored."""
    t = registry.by_model(label)
    if t is None:
        return 0
    lock_index()
    written = 0
    for chunk in _chunks(sorted(set(ids))):
        _remove(t, chunk)
        written += _write(t.build(chunk))
    # The writer's commit bumped the data version before this task ran: bump it
    # again, with the new documents (last, to hold the version's row lock briefly),
    # so searches cached in between are not served again.
    versioning.bump()
    return written


@transaction.atomic
def rebuild(*, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
    """Drop the whole index and build it again, in one transaction (searches see
    the old index until it commits). ``progress(label, done, total)`` is called
    after each batch. Returns documents written per record type."""
    lock_index()
    _bulk_begin()
    written: dict[str, int] = {}
    for t in registry.built():
        label = t.model
        ids = list(t.model_class().objects.order_by("id").values_list("id", flat=True))
        done = 0
        written[label] = 0
        for chunk in _chunks(ids):
            written[label] += _write(t.build(chunk))
            done += len(chunk)
            if progress:
                progress(label, done, len(ids))
        if progress and not ids:
            progress(label, 0, 0)
    _bulk_end()
    versioning.bump()
    from .tasks import start_filling  # the tasks module imports this one

    transaction.on_commit(start_filling)
    return written


def _bulk_begin() -> None:
    """Empty the index. On SQLite the full-text triggers go for the rebuild (they
    are made again at the end, in the same transaction, so readers never see them
    missing): keeping FTS5 in step row by row costs more than indexing once."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for trigger in ("search_fts_insert", "search_fts_delete", "search_fts_update"):
                cur.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        # PostgreSQL keeps its GIN index: dropping it would lock searches out until
        # the commit.
        cur.execute(f"DELETE FROM {SearchTag._meta.db_table}")
        cur.execute(f"DELETE FROM {SearchDocument._meta.db_table}")


def _bulk_end() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            for sql in FULLTEXT.SQLITE_TRIGGERS:
                cur.execute(sql)
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            # 'rebuild' leaves the index in many segments, each looked up for every
            # word of every search; merged into one, a word is one b-tree descent.
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        else:
            # Fresh statistics: the planner's choice between the GIN index and an
            # ordered scan depends on how common each word is.
            cur.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    forget_planner_figures()
    transaction.on_commit(tidy_after_rebuild)


def tidy_after_rebuild() -> None:
    """PostgreSQL, once the rebuild has committed (VACUUM cannot run in a
    transaction): the first search to read each freshly written row would
    otherwise look up its transaction's fate and write the answer back (hint
    bits), and would scan the GIN index's list of entries not yet merged: that
    was most of a search's time on its first run after a rebuild. VACUUM does
    both once, and marks the pages all-visible."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        for model in (SearchDocument, SearchTag):
            cur.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


# ---------------------------------------------------------------------------
# Drift: the index against the records (`lianghui verify`)


def _expected_fields(t: DocumentType, ids: list[int]) -> dict[int, tuple]:
    qs = t.public_records().filter(id__in=ids)
    rows = qs.values_list("id", *(record for _doc, record in t.compared))
    return {row[0]: tuple(row[1:]) for row in rows}


def drift():
    """What the index holds that the records do not say, by record: documents
    missing, documents of records not (or no longer) public, and documents whose
    compared fields differ from the record. Documents written with another
    type's (replies, with their proposal) are repaired through their parent."""
    from lianghui.core.verify import Drift

    found = []
    for t in registry.built():
        label = t.model
        compared = [doc for doc, _record in t.compared]
        indexed = {
            row[0]: tuple(row[1:])
            for row in SearchDocument.objects.filter(doc_type=t.key).values_list(
                "object_id", *compared
            )
        }
        ids = list(t.model_class().objects.values_list("id", flat=True))
        existing = set(ids)
        expected: dict[int, tuple] = {}
        for chunk in _chunks(ids, 5000):
            expected.update(_expected_fields(t, chunk))
        for pk in sorted(expected.keys() - indexed.keys()):
            found.append(
                Drift("search", f"{label}:{pk} ({expected[pk][0]})", "missing", (label, pk))
            )
        for pk in sorted(indexed.keys() - expected.keys()):
            why = "extra: deleted" if pk not in existing else "extra: not public"
            found.append(Drift("search", f"{label}:{pk} ({indexed[pk][0]})", why, (label, pk)))
        for pk in sorted(indexed.keys() & expected.keys()):
            if indexed[pk] != expected[pk]:
                fields = [
                    f for f, a, b in zip(compared, indexed[pk], expected[pk], strict=True) if a != b
                ]
                problem = f"stale: {', '.join(fields)}"
                found.append(
                    Drift("search", f"{label}:{pk} ({expected[pk][0]})", problem, (label, pk))
                )
        for child in registry.children(t):
            found += _child_drift(t, child)
    return found


def _child_drift(parent: DocumentType, child: DocumentType):
    """One document per public record of ``child``, under its parent's record."""
    from lianghui.core.verify import Drift

    indexed = dict(
        SearchDocument.objects.filter(doc_type=child.key).values_list("object_id", "parent_id")
    )
    expected = dict(child.public_records().values_list("id", child.parent_field))
    found = []
    for pk in sorted(expected.keys() - indexed.keys()):
        found.append(
            Drift("search", f"{child.model}:{pk}", "missing", (parent.model, expected[pk]))
        )
    for pk in sorted(indexed.keys() - expected.keys()):
        found.append(
            Drift("search", f"{child.model}:{pk}", "extra: not public", (parent.model, indexed[pk]))
        )
    return found


def repair(drifts) -> int:
    """Rebuild the documents of the drifted records; returns how many records."""
    by_label: dict[str, set[int]] = {}
    for d in drifts:
        label, pk = d.target
        by_label.setdefault(label, set()).add(pk)
    for label, ids in by_label.items():
        index_records(label=label, ids=ids)
    return sum(len(ids) for ids in by_label.values())
