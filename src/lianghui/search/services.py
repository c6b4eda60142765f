"""Writing the search index: build the documents of changed records and swap them
in. Called by the task that follows "records changed" events, and by
`lianghui search reindex` for a full rebuild.

Only what the public may see is indexed (the visibility policy,
proposals/visibility.py): public proposals, their published replies, members,
organizations and regulations. An unpublished (or deleted)
record's documents are removed when it changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import import_module

from django.db import connection, transaction
from django.db.models import Prefetch

from lianghui.core import versioning
from lianghui.laws.models import MILESTONE_FIELDS, Regulation
from lianghui.people.models import Affiliation, Member, Membership, Organization
from lianghui.proposals import visibility
from lianghui.proposals.models import Assignment, Proposal, Reply, Signer

from . import filtertokens
from .enums import DocType, TagFacet
from .models import SearchDocument, SearchTag
from .selectors import forget_planner_figures
from .text import index_tokens, pair_tokens

# The full-text triggers as the latest migration made them (remade after a rebuild).
FULLTEXT = import_module("lianghui.search.migrations.0003_filter_tokens")

BATCH = 1000
SNIPPET_SOURCE = 1000  # characters of text kept for snippets

PROPOSAL = "proposals.Proposal"
MEMBER = "people.Member"
ORGANIZATION = "people.Organization"
REGULATION = "laws.Regulation"
REPLY = "proposals.Reply"
INDEXED_LABELS = (PROPOSAL, MEMBER, ORGANIZATION, REGULATION)
# Labels whose records can leave the index on their own (a reply unpublished).
REMOVABLE_LABELS = (*INDEXED_LABELS, REPLY)


@dataclass
class Doc:
    fields: dict
    tags: list[tuple[str, str]] = field(default_factory=list)


def _join(*parts: str) -> str:
    return "\n".join(p for p in parts if p)


def _snip(text: str) -> str:
    return (text or "")[:SNIPPET_SOURCE]


# ---------------------------------------------------------------------------
# Builders: records -> documents (a fixed number of queries per batch)


def _proposal_docs(ids: list[int]) -> Iterator[Doc]:
    replies = Reply.objects.filter(visibility.replies_shown_q(None)).order_by("replied_on", "id")
    proposals = (
        visibility.public_proposals()
        .filter(id__in=ids)
        .select_related("session__body", "kind")
        .prefetch_related(
            "topics",
            Prefetch("signers", queryset=Signer.objects.select_related("member", "group")),
            Prefetch(
                "signers__member__memberships",
                queryset=Membership.objects.select_related("group"),
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("agency").prefetch_related(
                    Prefetch("replies", queryset=replies)
                ),
            ),
        )
    )
    for p in proposals:
        session = p.session
        topics = list(p.topics.all())
        signers = list(p.signers.all())
        assignments = list(p.assignments.all())
        tags = [(TagFacet.TOPIC, t.key) for t in topics]
        names = []
        groups: set[str] = set()
        for s in signers:
            if s.member_id:
                tags.append((TagFacet.MEMBER, s.member.key))
                names += [s.member.name_zh, s.member.name_en]
                groups |= {
                    m.group.key
                    for m in s.member.memberships.all()
                    if m.group_id and m.body_id == session.body_id
                }
            else:
                groups.add(s.group.key)
                names += [s.group.name_zh, s.group.name_en]
        tags += [(TagFacet.GROUP, g) for g in sorted(groups)]
        agencies = sorted({a.agency.key for a in assignments})
        tags += [(TagFacet.AGENCY, a) for a in agencies]
        all_replies = [(a, r) for a in assignments for r in a.replies.all()]
        tags += [(TagFacet.CATEGORY, c) for c in sorted({r.category for _a, r in all_replies})]
        common = {
            "key": p.key,
            "body": session.body.key,
            "session": session.key,
            "year": session.year,
            "proposal_kind": p.kind.key,
            "status": p.status,
            "is_key": p.is_key,
            "generated": p.generated,
        }
        topic_names = [n for t in topics for n in (t.name_zh, t.name_en)]
        leads = [s.signatory for s in signers if s.role == "lead"]
        yield Doc(
            {
                **common,
                "doc_type": DocType.PROPOSAL,
                "object_id": p.id,
                "title_zh": p.title_zh,
                "title_en": p.title_en,
                "context_zh": "、".join(x.name_zh or x.name_en for x in leads)[:300],
                "context_en": ", ".join(x.name_en or x.name_zh for x in leads)[:300],
                "text_zh": _snip(_join(p.summary_zh, p.text_zh)),
                "text_en": _snip(_join(p.summary_en, p.text_en)),
                "title_tokens": index_tokens(p.title_zh, p.title_en),
                "text_tokens": index_tokens(
                    p.summary_zh,
                    p.summary_en,
                    p.text_zh,
                    p.text_en,
                    p.number,
                    *names,
                    *topic_names,
                ),
                "date": p.submitted_on,
            },
            tags,
        )
        shared = [t for t in tags if t[0] in (TagFacet.TOPIC, TagFacet.MEMBER, TagFacet.GROUP)]
        for a, r in all_replies:
            yield Doc(
                {
                    **common,
                    "doc_type": DocType.REPLY,
                    "object_id": r.id,
                    "parent_id": p.id,
                    "title_zh": p.title_zh,
                    "title_en": p.title_en,
                    "context_zh": (a.agency.name_zh or a.agency.name_en)[:300],
                    "context_en": (a.agency.name_en or a.agency.name_zh)[:300],
                    "text_zh": _snip(r.text_zh),
                    "text_en": _snip(r.text_en),
                    "title_tokens": index_tokens(a.agency.name_zh, a.agency.name_en),
                    "text_tokens": index_tokens(r.text_zh, r.text_en, p.title_zh, p.title_en),
                    "date": r.replied_on,
                },
                [*shared, (TagFacet.AGENCY, a.agency.key), (TagFacet.CATEGORY, r.category)],
            )


def _member_docs(ids: list[int]) -> Iterator[Doc]:
    members = Member.objects.filter(id__in=ids).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("body", "group").order_by(
                "start_year", "id"
            ),
        ),
        Prefetch("affiliations", queryset=Affiliation.objects.select_related("organization")),
    )
    for m in members:
        seats = list(m.memberships.all())
        affiliations = list(m.affiliations.all())
        words = []
        for s in seats:
            words += [s.role, s.body.name_zh, s.body.name_en]
            if s.group_id:
                words += [s.group.name_zh, s.group.name_en]
        for a in affiliations:
            words += [a.role, a.organization.name_zh, a.organization.name_en]
        groups = sorted({s.group.key for s in seats if s.group_id})
        seat = seats[-1] if seats else None
        where = (seat.group or seat.body) if seat else None
        yield Doc(
            {
                "doc_type": DocType.MEMBER,
                "object_id": m.id,
                "key": m.key,
                "title_zh": m.name_zh,
                "title_en": m.name_en,
                "context_zh": (where.name_zh or where.name_en)[:300] if where else "",
                "context_en": (where.name_en or where.name_zh)[:300] if where else "",
                "text_zh": _snip(m.bio_zh),
                "text_en": _snip(m.bio_en),
                "title_tokens": index_tokens(m.name_zh, m.name_en),
                "text_tokens": index_tokens(m.bio_zh, m.bio_en, *words),
                "body": seats[-1].body.key if seats else "",
                "generated": m.generated,
            },
            [(TagFacet.GROUP, g) for g in groups],
        )


def _organization_docs(ids: list[int]) -> Iterator[Doc]:
    for o in Organization.objects.filter(id__in=ids).select_related("body", "parent"):
        parent = [o.parent.name_zh, o.parent.name_en] if o.parent_id else []
        yield Doc(
            {
                "doc_type": DocType.ORGANIZATION,
                "object_id": o.id,
                "key": o.key,
                "title_zh": o.name_zh,
                "title_en": o.name_en or o.short_name_en,
                "context_zh": (o.parent.name_zh or o.parent.name_en) if o.parent_id else "",
                "context_en": (o.parent.name_en or o.parent.name_zh) if o.parent_id else "",
                "text_zh": _snip(o.responsibilities),
                "title_tokens": index_tokens(o.name_zh, o.name_en, o.short_name_en),
                "text_tokens": index_tokens(o.responsibilities, *parent),
                "body": o.body.key if o.body_id else "",
                "generated": o.generated,
            },
        )


def _regulation_docs(ids: list[int]) -> Iterator[Doc]:
    regulations = Regulation.objects.filter(id__in=ids).prefetch_related("issuers")
    for r in regulations:
        issuers = list(r.issuers.all())
        dates = [getattr(r, f) for f in MILESTONE_FIELDS if getattr(r, f)]
        latest = max(dates) if dates else None
        stage = r.stage
        yield Doc(
            {
                "doc_type": DocType.REGULATION,
                "object_id": r.id,
                "key": r.key,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "context_zh": "、".join(o.name_zh or o.name_en for o in issuers)[:300],
                "context_en": ", ".join(o.name_en or o.name_zh for o in issuers)[:300],
                "text_zh": _snip(r.summary_zh),
                "text_en": _snip(r.summary_en),
                "title_tokens": index_tokens(r.title_zh, r.title_en, r.short_name_en),
                "text_tokens": index_tokens(
                    r.summary_zh,
                    r.summary_en,
                    r.document_number,
                    r.category,
                    *[n for o in issuers for n in (o.name_zh, o.name_en)],
                ),
                "status": stage.value if stage else "",
                "year": latest.year if latest else None,
                "date": latest,
                "generated": r.generated,
            },
            [(TagFacet.AGENCY, o.key) for o in issuers],
        )


BUILDERS: dict[str, tuple[Callable[[list[int]], Iterator[Doc]], list[str]]] = {
    PROPOSAL: (_proposal_docs, [DocType.PROPOSAL]),
    MEMBER: (_member_docs, [DocType.MEMBER]),
    ORGANIZATION: (_organization_docs, [DocType.ORGANIZATION]),
    REGULATION: (_regulation_docs, [DocType.REGULATION]),
}
MODELS = {PROPOSAL: Proposal, MEMBER: Member, ORGANIZATION: Organization, REGULATION: Regulation}


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


def _remove(label: str, ids: list[int]) -> None:
    _builder, doc_types = BUILDERS[label]
    SearchDocument.objects.filter(doc_type__in=doc_types, object_id__in=ids).delete()
    if label == PROPOSAL:
        SearchDocument.objects.filter(doc_type=DocType.REPLY, parent_id__in=ids).delete()


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def public_ids(label: str, ids: Iterable[int]) -> set[int]:
    """Those of ``ids`` whose records the index holds documents of when current."""
    ids = sorted(set(ids))
    found: set[int] = set()
    for chunk in _chunks(ids):
        if label == PROPOSAL:
            qs = Proposal.objects.filter(id__in=chunk, published=True)
        elif label == REPLY:
            qs = Reply.objects.filter(
                id__in=chunk, published=True, assignment__proposal__published=True
            )
        elif label in MODELS:
            qs = MODELS[label].objects.filter(id__in=chunk)
        else:
            return found
        found.update(qs.values_list("id", flat=True))
    return found


def remove_hidden(*, label: str, ids: Iterable[int]) -> int:
    """Drop the documents of those of ``ids`` that are no longer public (unpublished
    or deleted), without building anything. Returns how many records were dropped."""
    ids = set(ids)
    hidden = sorted(ids - public_ids(label, ids))
    if not hidden:
        return 0
    for chunk in _chunks(hidden):
        if label == REPLY:
            SearchDocument.objects.filter(doc_type=DocType.REPLY, object_id__in=chunk).delete()
        else:
            _remove(label, chunk)
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
    if label not in BUILDERS:
        return 0
    lock_index()
    builder, _types = BUILDERS[label]
    written = 0
    for chunk in _chunks(sorted(set(ids))):
        _remove(label, chunk)
        written += _write(builder(chunk))
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
    for label, (builder, _types) in BUILDERS.items():
        ids = list(MODELS[label].objects.order_by("id").values_list("id", flat=True))
        done = 0
        written[label] = 0
        for chunk in _chunks(ids):
            written[label] += _write(builder(chunk))
            done += len(chunk)
            if progress:
                progress(label, done, len(ids))
        if progress and not ids:
            progress(label, 0, 0)
    _bulk_end()
    versioning.bump()
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
        else:
            # Fresh statistics: the planner's choice between the GIN index and an
            # ordered scan depends on how common each word is.
            cur.execute(f"ANALYZE {SearchDocument._meta.db_table}")
    forget_planner_figures()


# ---------------------------------------------------------------------------
# Drift: the index against the records (`lianghui verify`)

# Fields of a document compared with its record (besides being there at all).
COMPARED = {
    PROPOSAL: ("key", "status", "is_key", "title_zh", "title_en"),
    MEMBER: ("key", "title_zh", "title_en"),
    ORGANIZATION: ("key", "title_zh"),
    REGULATION: ("key", "title_zh", "title_en"),
}
DOC_LABEL = {
    DocType.PROPOSAL: PROPOSAL,
    DocType.MEMBER: MEMBER,
    DocType.ORGANIZATION: ORGANIZATION,
    DocType.REGULATION: REGULATION,
}


def _expected_fields(label: str, ids: list[int]) -> dict[int, tuple]:
    model = MODELS[label]
    if label == PROPOSAL:
        qs = model.objects.filter(id__in=ids, published=True).values_list(
            "id", "key", "status", "is_key", "title_zh", "title_en"
        )
    elif label == MEMBER:
        qs = model.objects.filter(id__in=ids).values_list("id", "key", "name_zh", "name_en")
    elif label == ORGANIZATION:
        qs = model.objects.filter(id__in=ids).values_list("id", "key", "name_zh")
    else:
        qs = model.objects.filter(id__in=ids).values_list("id", "key", "title_zh", "title_en")
    return {row[0]: tuple(row[1:]) for row in qs}


def drift():
    """What the index holds that the records do not say, by record: documents
    missing, documents of records not (or no longer) public, and documents whose
    compared fields differ from the record."""
    from lianghui.core.verify import Drift

    found = []
    for doc_type, label in DOC_LABEL.items():
        indexed = {
            row[0]: tuple(row[1:])
            for row in SearchDocument.objects.filter(doc_type=doc_type).values_list(
                "object_id", *COMPARED[label]
            )
        }
        ids = list(MODELS[label].objects.values_list("id", flat=True))
        existing = set(ids)
        expected: dict[int, tuple] = {}
        for chunk in _chunks(ids, 5000):
            expected.update(_expected_fields(label, chunk))
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
                    f
                    for f, a, b in zip(COMPARED[label], indexed[pk], expected[pk], strict=True)
                    if a != b
                ]
                problem = f"stale: {', '.join(fields)}"
                found.append(
                    Drift("search", f"{label}:{pk} ({expected[pk][0]})", problem, (label, pk))
                )
    # Replies: one document per published reply of a published proposal.
    indexed_replies = dict(
        SearchDocument.objects.filter(doc_type=DocType.REPLY).values_list("object_id", "parent_id")
    )
    expected_replies = dict(
        Reply.objects.filter(published=True, assignment__proposal__published=True).values_list(
            "id", "assignment__proposal_id"
        )
    )
    for pk in sorted(expected_replies.keys() - indexed_replies.keys()):
        parent = expected_replies[pk]
        found.append(Drift("search", f"{REPLY}:{pk}", "missing", (PROPOSAL, parent)))
    for pk in sorted(indexed_replies.keys() - expected_replies.keys()):
        parent = indexed_replies[pk]
        found.append(Drift("search", f"{REPLY}:{pk}", "extra: not public", (PROPOSAL, parent)))
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
