"""The one search: ``search(query=..., filters=..., viewer=..., page=..., sort=...)``.

It serves the search page, and is meant for the API, feeds and alerts alike. It
reads the side table SearchDocument (see models.py) with hand-written SQL for
the full-text part: FTS5 ``MATCH`` and ``bm25`` on SQLite, ``@@`` and
``ts_rank`` on PostgreSQL. Whatever the query string, it returns results and
messages, never an exception: the parser is tolerant, and a database error is
turned into a message.

The index holds public records only, so every viewer sees the same results;
``viewer`` is accepted so callers need not change when staff searches are added.

Queries per call: one for the totals and the single-valued facets (grouped in one
pass), one for the multi-valued facets (topics, agencies, groups, categories),
one for the page's rows, and one or two for the labels of organizations and
members named in facets or filters. Reference labels (bodies, sessions, kinds,
topics) come from ``reference_labels()`` — four small queries a caller may reuse.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field, fields, replace

from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lianghui.laws.enums import Stage
from lianghui.people.models import Member, Organization
from lianghui.proposals.enums import ReplyCategory, Status
from lianghui.proposals.models import Body, ProposalKind, Session, Topic

from .enums import DocType, Sort, TagFacet
from .models import SearchDocument
from .query import ParsedQuery, parse, to_fts5, to_tsquery
from .snippets import highlight

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGES = 100  # deep pages cost more than anyone reads; narrow the search instead
FACET_LIMIT = 12

DOC = SearchDocument._meta.db_table
TAG = "search_searchtag"
COLUMNS = [f.column for f in SearchDocument._meta.concrete_fields]
SELECT = ", ".join(f"d.{c}" for c in COLUMNS)


@dataclass(frozen=True)
class SearchFilters:
    """What the results are narrowed to; empty means any. Values are keys or enum
    values, as in the query string of the search page."""

    type: str = ""  # a DocType value
    body: str = ""  # body key
    session: str = ""  # session key
    year: int | None = None
    kind: str = ""  # proposal kind key
    status: str = ""  # a proposal Status or a regulation Stage value
    topic: str = ""  # topic key
    agency: str = ""  # organization key: assigned to, replied by, or issued by
    category: str = ""  # reply category A/B/C
    member: str = ""  # member key: signed by
    group: str = ""  # delegation or sector group key
    key: bool | None = None  # key proposals only (True) or none of them (False)
    generated: bool | None = None  # demo data only (True) or real records only (False)
    since: dt.date | None = None  # records dated on or after this day (digests)
    until: dt.date | None = None  # records dated before this day

    def active(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) not in ("", None)
        }


COLUMN_FILTERS = {
    "type": "doc_type",
    "body": "body",
    "session": "session",
    "year": "year",
    "kind": "proposal_kind",
    "status": "status",
    "key": "is_key",
    "generated": "generated",
}
TAG_FILTERS = {
    "topic": TagFacet.TOPIC,
    "agency": TagFacet.AGENCY,
    "category": TagFacet.CATEGORY,
    "member": TagFacet.MEMBER,
    "group": TagFacet.GROUP,
}
FACET_ORDER = [
    ("type", gettext_lazy("Type of record")),
    ("body", gettext_lazy("Body")),
    ("year", gettext_lazy("Year")),
    ("session", gettext_lazy("Session")),
    ("kind", gettext_lazy("Kind of proposal")),
    ("status", gettext_lazy("Status or stage")),
    ("topic", gettext_lazy("Topic")),
    ("agency", gettext_lazy("Agency")),
    ("group", gettext_lazy("Delegation or sector")),
    ("category", gettext_lazy("Reply category")),
    ("key", gettext_lazy("Key proposals")),
    ("generated", gettext_lazy("Origin")),
]
STATUS_LABELS = {**dict(Status.choices), **dict(Stage.choices)}


@dataclass
class Labels:
    """Names of reference records, for facets and filter options."""

    bodies: dict[str, Body]
    sessions: dict[str, Session]
    kinds: dict[str, ProposalKind]
    topics: dict[str, Topic]


def reference_labels() -> Labels:
    return Labels(
        bodies={b.key: b for b in Body.objects.order_by("key")},
        sessions={
            s.key: s for s in Session.objects.select_related("body").order_by("-year", "body__key")
        },
        kinds={k.key: k for k in ProposalKind.objects.select_related("body").order_by("key")},
        topics={t.key: t for t in Topic.objects.order_by("key")},
    )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]
    more: int = 0  # values left out


@dataclass
class Hit:
    doc: SearchDocument
    url: str
    type_label: str
    title: object  # SafeString, highlighted
    title_lang: str
    context: str
    snippet: object  # SafeString, highlighted
    snippet_lang: str
    status_label: str


@dataclass
class SearchResults:
    query: ParsedQuery
    filters: SearchFilters
    sort: str
    total: int
    page: Page
    facets: list[Facet] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    failed: bool = False

    @property
    def hits(self) -> list[Hit]:
        return list(self.page.object_list)


# ---------------------------------------------------------------------------
# SQL


def _match(q: ParsedQuery) -> tuple[str, list, str, str]:
    """(WHERE fragment, params, positive expression, vendor) for the query's text."""
    vendor = connection.vendor
    if q.is_empty:
        return "", [], "", vendor
    if vendor == "postgresql":
        pos, neg = to_tsquery(q)
        expr = f"({pos}) & !{neg}" if pos and neg else pos or f"!{neg}"
        return "d.vector @@ to_tsquery('simple', %s)", [expr], expr, vendor
    pos, neg = to_fts5(q)
    fts = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
    if pos:
        expr = f"{pos} NOT {neg}" if neg else pos
        return f"d.id IN ({fts})", [expr], expr, vendor
    return f"d.id NOT IN ({fts})", [neg], "", vendor


def _filter_sql(f: SearchFilters) -> tuple[list[str], list]:
    conds, params = [], []
    for name, column in COLUMN_FILTERS.items():
        value = getattr(f, name)
        if value not in ("", None):
            conds.append(f"d.{column} = %s")
            params.append(value)
    if f.since:
        conds.append("d.date >= %s")
        params.append(f.since)
    if f.until:
        conds.append("d.date < %s")
        params.append(f.until)
    for name, facet in TAG_FILTERS.items():
        value = getattr(f, name)
        if value:
            conds.append(f"d.id IN (SELECT document_id FROM {TAG} WHERE facet = %s AND value = %s)")
            params += [str(facet), value]
    return conds, params


def _where(conds: list[str]) -> str:
    return (" WHERE " + " AND ".join(conds)) if conds else ""


class _Rows:
    """The matching documents in order, sliced by the paginator (one query a slice)."""

    def __init__(self, *, q, f, sort, total, labels, orgs):
        self.q, self.f, self.sort, self.total = q, f, sort, total
        self.labels, self.orgs = labels, orgs

    def count(self) -> int:
        return min(self.total, PER_PAGE * MAX_PAGES)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, s: slice) -> list[Hit]:
        limit, offset = s.stop - s.start, s.start
        if limit <= 0 or offset >= self.total:
            return []
        conds, params = _filter_sql(self.f)
        match_sql, match_params, expr, vendor = _match(self.q)
        relevance = self.sort == Sort.RELEVANCE and expr
        if relevance and vendor == "sqlite":
            sql = (
                f"SELECT {SELECT} FROM search_fts JOIN {DOC} d ON d.id = search_fts.rowid"
                f"{_where(['search_fts MATCH %s', *conds])}"
                " ORDER BY bm25(search_fts, 4.0, 1.0), d.id LIMIT %s OFFSET %s"
            )
            params = [expr, *params, limit, offset]
        elif relevance:
            sql = (
                f"SELECT {SELECT} FROM {DOC} d{_where([match_sql, *conds])}"
                " ORDER BY ts_rank(d.vector, to_tsquery('simple', %s)) DESC, d.id"
                " LIMIT %s OFFSET %s"
            )
            params = [*match_params, *params, expr, limit, offset]
        else:
            direction = "ASC" if self.sort == Sort.OLDEST else "DESC"
            where = _where([c for c in [match_sql, *conds] if c])
            sql = (
                f"SELECT {SELECT} FROM {DOC} d{where}"
                f" ORDER BY d.date {direction} NULLS LAST, d.id {direction} LIMIT %s OFFSET %s"
            )
            params = [*match_params, *params, limit, offset]
        docs = list(SearchDocument.objects.raw(sql, params))
        tokens = self.q.positive_tokens
        return [_hit(doc, tokens) for doc in docs]


def _zh() -> bool:
    return (get_language() or "en").startswith("zh")


def _pick(zh: str, en: str) -> tuple[str, str]:
    if _zh():
        return (zh, "zh-Hans") if zh else (en, "en")
    return (en, "en") if en else (zh, "zh-Hans")


def _url(doc: SearchDocument) -> str:
    if doc.doc_type == DocType.REPLY:
        return reverse("portal:proposal", args=[doc.key]) + f"#reply-{doc.object_id}"
    name = {
        DocType.PROPOSAL: "portal:proposal",
        DocType.MEMBER: "portal:member",
        DocType.ORGANIZATION: "portal:organization",
        DocType.REGULATION: "portal:regulation",
    }[doc.doc_type]
    return reverse(name, args=[doc.key])


def _hit(doc: SearchDocument, tokens: list[str]) -> Hit:
    title, title_lang = _pick(doc.title_zh, doc.title_en)
    zh_first = _zh()
    texts = [(doc.text_zh, "zh-Hans"), (doc.text_en, "en")]
    if not zh_first:
        texts.reverse()
    from .snippets import matches

    snippet, snippet_lang = next(
        ((t, lang) for t, lang in texts if t and matches(t, tokens)),
        next(((t, lang) for t, lang in texts if t), ("", "")),
    )
    context, _lang = _pick(doc.context_zh, doc.context_en)
    return Hit(
        doc=doc,
        url=_url(doc),
        type_label=str(DocType(doc.doc_type).label),
        title=highlight(title, tokens),
        title_lang=title_lang,
        context=context,
        snippet=highlight(snippet, tokens, window=200) if snippet else "",
        snippet_lang=snippet_lang,
        status_label=str(STATUS_LABELS.get(doc.status, "")),
    )


# ---------------------------------------------------------------------------
# Facets


def _facets(conds, params, f: SearchFilters, labels: Labels):
    """(total, facets, organization keys to name) in two queries."""
    group_cols = [
        "doc_type",
        "body",
        "session",
        "year",
        "proposal_kind",
        "status",
        "is_key",
        "generated",
    ]
    cols = ", ".join(f"d.{c}" for c in group_cols)
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols}, COUNT(*) FROM {DOC} d{_where(conds)} GROUP BY {cols}", params)
        rows = cur.fetchall()
    counts: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for *values, n in rows:
        total += n
        for name, value in zip(
            ["type", "body", "session", "year", "kind", "status", "key", "generated"],
            values,
            strict=True,
        ):
            if name in ("key", "generated"):
                counts[name]["1" if value else "0"] += n
            elif value not in ("", None):
                counts[name][str(value)] += n
    if total:
        facet_names = [
            str(v) for v in (TagFacet.TOPIC, TagFacet.AGENCY, TagFacet.GROUP, TagFacet.CATEGORY)
        ]
        marks = ", ".join(["%s"] * len(facet_names))
        with connection.cursor() as cur:
            cur.execute(
                f"SELECT t.facet, t.value, COUNT(*) FROM {TAG} t WHERE t.facet IN ({marks})"
                f" AND t.document_id IN (SELECT d.id FROM {DOC} d{_where(conds)})"
                " GROUP BY t.facet, t.value",
                [*facet_names, *params],
            )
            for facet, value, n in cur.fetchall():
                counts[facet][value] = n
    return total, counts


def _build_facets(counts, f: SearchFilters, labels: Labels, orgs: dict[str, str]) -> list[Facet]:
    def name_of(facet: str, value: str) -> str:
        if facet == "type":
            return str(DocType(value).label) if value in DocType.values else value
        if facet == "body":
            b = labels.bodies.get(value)
            return (
                (b.short_name_en if not _zh() and b and b.short_name_en else str(b)) if b else value
            )
        if facet == "session":
            s = labels.sessions.get(value)
            return s.name if s else value
        if facet == "kind":
            k = labels.kinds.get(value)
            return f"{k.body} · {k.name}" if k else value
        if facet == "status":
            return str(STATUS_LABELS.get(value, value))
        if facet == "topic":
            t = labels.topics.get(value)
            return t.name if t else value
        if facet in ("agency", "group"):
            return orgs.get(value, value)
        if facet == "category":
            return str(ReplyCategory(value).label) if value in ReplyCategory.values else value
        if facet == "key":
            return _("Key proposals") if value == "1" else _("Other records")
        if facet == "generated":
            return _("Generated demo data") if value == "1" else _("Real records (cited)")
        return value

    out = []
    for name, label in FACET_ORDER:
        c = counts.get(name)
        if not c:
            continue
        current = getattr(f, name)
        if isinstance(current, bool):
            current = "1" if current else "0"
        current = "" if current is None else str(current)
        if name == "year":
            items = sorted(c.items(), key=lambda kv: kv[0], reverse=True)
        else:
            items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = items[:FACET_LIMIT]
        if current and all(v != current for v, _n in shown):
            shown += [(v, n) for v, n in items if v == current]
        values = [FacetValue(v, name_of(name, v), n, v == current) for v, n in shown]
        if name == "key" and "1" not in c:
            continue
        out.append(Facet(name, str(label), values, max(0, len(items) - len(shown))))
    return out


def _org_names(keys: set[str]) -> dict[str, str]:
    if not keys:
        return {}
    return {o.key: o.name for o in Organization.objects.filter(key__in=keys)}


# ---------------------------------------------------------------------------


def search(
    *,
    query: str = "",
    filters: SearchFilters | None = None,
    viewer=None,
    page: int | str | None = 1,
    sort: str = "",
    labels: Labels | None = None,
    with_facets: bool = True,
) -> SearchResults:
    """Search every public record. ``sort`` is a Sort value; empty means relevance
    when there are words to rank by, else newest first. ``page`` is forgiving:
    anything but a valid page number gives the first or last page."""
    del viewer  # the index is public: everyone sees the same results
    f = filters or SearchFilters()
    q = parse(query)
    messages = list(q.messages)
    if sort not in Sort.values:
        sort = ""
    if not sort or (sort == Sort.RELEVANCE and not q.must):
        sort = Sort.RELEVANCE if q.must else Sort.NEWEST
    labels = labels or reference_labels()
    conds, params = _filter_sql(f)
    match_sql, match_params, _expr, _vendor = _match(q)
    all_conds = ([match_sql] if match_sql else []) + conds
    all_params = match_params + params
    failed = False
    # Inside a caller's transaction a failed statement would poison it (PostgreSQL):
    # run in a savepoint there. Outside one, no transaction at all: on SQLite an
    # atomic block would take the write lock (BEGIN IMMEDIATE) for a read.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard:
            total, counts = _facets(all_conds, all_params, f, labels)
            org_keys = {
                v
                for name in ("agency", "group")
                for v, _n in counts.get(name, Counter()).most_common(FACET_LIMIT)
            } | {v for v in (f.agency, f.group) if v}
            orgs = _org_names(org_keys)
            rows = _Rows(q=q, f=f, sort=sort, total=total, labels=labels, orgs=orgs)
            current = Paginator(rows, PER_PAGE).get_page(page)
            current.object_list = list(current.object_list)
    except DatabaseError:
        logger.exception("search failed for %r", query[:200])
        failed = True
        messages.append(_("This search could not be run. Try fewer or simpler words."))
        total, counts, orgs = 0, {}, {}
        current = Paginator([], PER_PAGE).get_page(1)
    if total > PER_PAGE * MAX_PAGES:
        messages.append(
            _("Only the first %(n)d results can be paged through; narrow the search to see more.")
            % {"n": PER_PAGE * MAX_PAGES}
        )
    facets = _build_facets(counts, f, labels, orgs) if with_facets else []
    return SearchResults(
        query=q,
        filters=f,
        sort=sort,
        total=total,
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


def matching_object_ids(*, query: str, doc_type: str = DocType.PROPOSAL):
    """Ids of the public records of one type matching ``query``, as a subquery for
    ``queryset.filter(id__in=...)`` (for the API's filters); all of them when the
    query has no words."""
    q = parse(query)
    docs = SearchDocument.objects.filter(doc_type=doc_type)
    if q.is_empty:
        return docs.values("object_id")
    if connection.vendor == "postgresql":
        pos, neg = to_tsquery(q)
        expr = f"({pos}) & !{neg}" if pos and neg else pos or f"!{neg}"
        hits = RawSQL(f"SELECT id FROM {DOC} WHERE vector @@ to_tsquery('simple', %s)", [expr])
        return docs.filter(id__in=hits).values("object_id")
    pos, neg = to_fts5(q)
    fts = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
    if pos:
        expr = f"{pos} NOT {neg}" if neg else pos
        return docs.filter(id__in=RawSQL(fts, [expr])).values("object_id")
    return docs.exclude(id__in=RawSQL(fts, [neg])).values("object_id")
