"""Published proposals rendered ahead of time for anonymous API reads.

Rendering a page of proposals through the ORM and the serializer costs about
20 ms of Python; reading stored JSON costs one query. `PublicProposal` holds,
for every proposal the public may see, the document the detail returns and the
one a list row returns, both made by the API's own serializer, so the stored
text is exactly what the rendering path would answer (a test compares them).

Kept current by "records changed" events (`api/tasks.py`): once a writer commits,
the documents its change touches are deleted at once (`forget`), then rendered
again by the worker (`refresh`). A read that finds no document renders as
before, so a stale document is never served and a missing one only costs time.
Nothing else may be shown in the documents than what `affected` can trace back
to the proposals; see its docstring.

`lianghui api documents` renders the missing ones (after a migration or a
restore), or all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from rest_framework.renderers import JSONRenderer

from lianghui.api.models import PublicProposal
from lianghui.api.read.keys import Positions
from lianghui.api.read.serializers import ProposalSerializer
from lianghui.proposals import visibility
from lianghui.proposals.models import Assignment, Feedback, Proposal, Reply, Session
from lianghui.proposals.selectors import ProposalFilters, filter_proposals, matching_proposals

CHUNK = 500
DOCUMENTS_LOCK = 0x5EA2C402
AFFECTED_CHUNK = 5000
# What the detail shows by default (every optional section) and what a list row
# leaves out.
ALL_SECTIONS = ("text", "signers", "review", "assignments", "regulations", "sources")
LIST_ONLY_DROPS = frozenset(
    f for section in ALL_SECTIONS for f in ProposalSerializer.OPTIONAL[section]
)
# Links are stored as paths; `absolute` puts the request's scheme and host in front.
URL_FIELD = '"url":"/api/v1/proposals/'
_render = JSONRenderer().render


def _chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


# --- rendering (writes) ------------------------------------------------------------------------


def _documents(ids: list[int]) -> Iterator[PublicProposal]:
    """Documents of those of ``ids`` the public may see, as the anonymous API shows
    them: the policy (proposals/visibility.py) decides what for the anonymous
    viewer, through the API's selectors and serializer (published replies; the
    rating, and the comment only where the proposer published it)."""
    from lianghui.api.read.selectors import proposal_list, with_proposal_includes

    include = set(ALL_SECTIONS)
    rows = list(
        with_proposal_includes(proposal_list(viewer=None), include, viewer=None).filter(pk__in=ids)
    )
    if not rows:
        return
    context = {
        "include": include,
        "viewer": None,
        "positions": Positions(p.pk for p in rows),
        "proposal_keys": {a.pk: p.key for p in rows for a in p.assignments.all()},
    }
    data = ProposalSerializer(rows, many=True, context=context).data
    for p, full in zip(rows, data, strict=True):
        listed = {k: v for k, v in full.items() if k not in LIST_ONLY_DROPS}
        related = [f"reg:{r}" for r in full["regulations"]]
        related += [f"src:{s['source']}" for s in full["sources"]]
        yield PublicProposal(
            proposal_id=p.pk,
            listed=_render(listed).decode(),
            full=_render(full).decode(),
            related=f" {' '.join(related)} " if related else "",
        )


@transaction.atomic
def refresh(ids: Iterable[int]) -> int:
    """Render again the documents of these proposals (dropping those no longer
    public). Returns how many were written."""
    if connection.vendor == "postgresql":
        # Two workers rendering the same proposal would both insert its row.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DOCUMENTS_LOCK])
    written = 0
    for chunk in _chunks(sorted(set(ids))):
        PublicProposal.objects.filter(proposal_id__in=chunk).delete()
        written += len(PublicProposal.objects.bulk_create(_documents(chunk)))
    return written


def forget(ids: Iterable[int]) -> None:
    """Delete these proposals' documents, so reads render until `refresh` runs."""
    for chunk in _chunks(sorted(set(ids)), 5000):
        PublicProposal.objects.filter(proposal_id__in=chunk).delete()


def render_all(
    *, missing_only: bool = False, progress: Callable[[int, int], None] | None = None
) -> int:
    """Render every public proposal's documents (or only those without one)."""
    from lianghui.api.read.selectors import proposal_list

    ids = proposal_list(viewer=None).order_by("pk")
    if missing_only:
        ids = ids.filter(public_document__isnull=True)
    ids = list(ids.values_list("pk", flat=True))
    written = 0
    for chunk in _chunks(ids, 5000):
        written += refresh(chunk)
        if progress:
            progress(written, len(ids))
    return written


def affected(label: str, ids: Iterable[int]) -> set[int]:
    """The proposals whose documents a committed change to these records touches.

    A document shows the proposal's own fields, signers, review, topics,
    assignments, replies and feedback (writers report those as changes to the
    proposal, or to the reply), plus the keys of related regulations and the
    sources cited (with their titles and links), and the key of the proposal it
    was merged into while that one is public. Keys of sessions, kinds,
    topics, members and agencies never change, so their records are not traced.
    """
    found: set[int] = set()
    # In chunks: an import reports every row it wrote, more than a query may name.
    for chunk in _chunks(sorted(set(ids)), AFFECTED_CHUNK):
        found |= _affected(label, chunk)
    return found


def _affected(label: str, ids: list[int]) -> set[int]:
    if label == "proposals.Proposal":
        # A merged proposal shows its target's key only while the target is public;
        # the target's page lists what was merged into it.
        merged = Proposal.objects.filter(merged_into__in=ids).values_list("pk", flat=True)
        targets = Proposal.objects.filter(pk__in=ids, merged_into__isnull=False)
        return set(ids) | set(merged) | set(targets.values_list("merged_into", flat=True))
    if label == "proposals.Reply":
        qs = Reply.objects.filter(pk__in=ids).values_list("assignment__proposal_id", flat=True)
    elif label == "proposals.Assignment":
        qs = Assignment.objects.filter(pk__in=ids).values_list("proposal_id", flat=True)
    elif label == "proposals.Feedback":
        qs = Feedback.objects.filter(pk__in=ids).values_list(
            "reply__assignment__proposal_id", flat=True
        )
    elif label in {"laws.Regulation", "core.Source"}:
        return _related(label, ids)
    else:
        return set()
    return set(qs)


def _related(label: str, ids: list[int]) -> set[int]:
    """Proposals linked to these regulations or citing these sources now, and
    those whose documents showed them (a link removed since)."""
    from lianghui.core.models import Citation, Source
    from lianghui.laws.models import Regulation

    if label == "laws.Regulation":
        keys = list(Regulation.objects.filter(pk__in=ids).values_list("key", flat=True))
        now = Proposal.objects.filter(regulations__in=ids).values_list("pk", flat=True)
        tag = "reg"
    else:
        keys = list(Source.objects.filter(pk__in=ids).values_list("key", flat=True))
        now = Citation.objects.filter(
            source_id__in=ids, content_type=ContentType.objects.get_for_model(Proposal)
        ).values_list("object_id", flat=True)
        tag = "src"
    found = set(now)
    for key in keys:
        shown = PublicProposal.objects.filter(related__contains=f" {tag}:{key} ")
        found.update(shown.values_list("proposal_id", flat=True))
    return found


# --- reading -----------------------------------------------------------------------------------


def absolute(document: str, base: str) -> str:
    """A stored document with its link made absolute (``base``: scheme and host)."""
    return document.replace(URL_FIELD, f'"url":"{base}/api/v1/proposals/', 1)


def _by_key(columns: str, key: str) -> tuple | None:
    """Columns of the stored document of the public proposal with this key."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {PublicProposal._meta.db_table} d"
            f" JOIN {Proposal._meta.db_table} p ON p.id = d.proposal_id WHERE p.key = %s",
            [key],
        )
        return cursor.fetchone()


def detail(key: str) -> str | None:
    """The stored detail document of the public proposal with this key, if any."""
    row = _by_key("d.full", key)
    return row[0] if row else None


def listed(
    filters: ProposalFilters, *, after: str | None, limit: int, query: str = ""
) -> list[tuple[str, str]] | None:
    """(key, stored list document) of the first ``limit`` public proposals past
    ``after`` in key order, filtered (and searched) as the rendering path does;
    None when one of them has no document yet (the caller renders)."""
    session_id = None
    if filters.session:
        session_id = _session_id(filters.session)
        if session_id is None:
            return []
    if query:
        found = _query(filters, session_id, after, None).filter(matching_proposals(query))
        rows = list(found[:limit])
        return None if any(doc is None for _key, doc in rows) else rows
    rows = list(_query(filters, session_id, after, limit))
    if any(doc is None for _key, doc in rows):
        return None
    return rows


def _query(filters: ProposalFilters, session_id, after, limit: int | None):
    qs = filter_proposals(visibility.public_proposals(), filters, session_id=session_id)
    if after is not None:
        qs = qs.filter(key__gt=after)
    qs = qs.order_by("key").values_list("key", "public_document__listed")
    return qs if limit is None else qs[:limit]


def _session_id(key: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Session._meta.db_table} WHERE key = %s", [key])
        row = cursor.fetchone()
    return row[0] if row else None


# --- drift (`lianghui verify`) -----------------------------------------------------------------


def drift(*, render: bool = True):
    """Stored documents that differ from the records: a document of a proposal the
    public may not see ("extra"), a public proposal without one ("missing": reads
    render it, slower), and, with ``render``, a document that is not what the
    serializer makes of the record now ("stale")."""
    from lianghui.api.read.selectors import proposal_list
    from lianghui.core.verify import Drift

    public = dict(proposal_list(viewer=None).values_list("pk", "key"))
    stored = set(PublicProposal.objects.values_list("proposal_id", flat=True))
    keys = dict(
        Proposal.objects.filter(pk__in=list(stored - public.keys())).values_list("pk", "key")
    )
    found = [
        Drift(
            "api-documents",
            f"proposals.Proposal:{pk} ({keys.get(pk, '?')})",
            "extra: not public",
            (pk,),
        )
        for pk in sorted(stored - public.keys())
    ]
    found += [
        Drift("api-documents", f"proposals.Proposal:{pk} ({public[pk]})", "missing", (pk,))
        for pk in sorted(public.keys() - stored)
    ]
    if render:
        for chunk in _chunks(sorted(stored & public.keys())):
            now = {d.proposal_id: d.full for d in _documents(chunk)}
            kept = dict(
                PublicProposal.objects.filter(proposal_id__in=chunk).values_list(
                    "proposal_id", "full"
                )
            )
            found += [
                Drift("api-documents", f"proposals.Proposal:{pk} ({public[pk]})", "stale", (pk,))
                for pk in chunk
                if kept.get(pk) != now.get(pk)
            ]
    return found


def repair(drifts) -> int:
    """Render again (or drop) the drifted documents; returns how many proposals."""
    ids = {d.target[0] for d in drifts}
    refresh(ids)
    return len(ids)
