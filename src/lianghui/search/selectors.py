"""The one search: ``search(query=..., filters=..., viewer=..., page=..., sort=...)``.

It serves the search page, and is meant for the API, feeds and alerts alike. It
reads the side table SearchDocument (see models.py) with hand-written SQL for
the full-text part: FTS5 ``MATCH`` and ``bm25`` on SQLite, ``@@`` and
``ts_rank`` on PostgreSQL. Whatever the query string, it returns results and
messages, never an exception: the parser is tolerant, and a database error is
turned into a message.

Search is a public channel: every viewer, signed in or not, sees what the
public may see (the visibility policy, proposals/visibility.py). The index is
meant to hold only that; the records shown are checked against the policy as
they are read (``public_documents``), so a row the index still holds after its
record was unpublished or deleted is never shown, only counted until the
index catches up. ``viewer`` is accepted so callers need not change when staff
searches are added.

Queries per call: one for the totals and the single-valued facets (grouped in one
pass), one for the multi-valued facets (topics, agencies, groups, categories),
one for the page's rows, and one or two for the labels of organizations and
members named in facets or filters. Reference labels (bodies, sessions, kinds,
topics) come from ``reference_labels()`` — four small queries a caller may reuse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, fields, replace

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from lianghui.core import versioning
from lianghui.laws.enums import Stage
from lianghui.people.models import Member, Organization
from lianghui.proposals import visibility, vocabulary
from lianghui.proposals.enums import Status
from lianghui.proposals.models import Body, ProposalKind, Session, Topic

from . import filtertokens
from .enums import DocType, Sort
from .models import SearchDocument
from .query import ParsedQuery, atom_lexemes, parse, to_fts5, to_tsquery
from .snippets import highlight

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGES = 100  # deep pages cost more than anyone reads; narrow the search instead
# Results counted exactly up to here (beyond: "2,000+"): as many as can be paged
# through. Counting, ranking and facet-counting cost grow with it.
CAP = PER_PAGE * MAX_PAGES
FACET_LIMIT = 12

DOC = SearchDocument._meta.db_table
PG_MATCH = "d.vector @@ to_tsquery('simple', %s)"


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
    at_least: bool = False  # counted among the first CAP results only: a lower bound


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
    capped: bool = False  # more than ``total`` results: shown as "2,000+"

    @property
    def hits(self) -> list[Hit]:
        return list(self.page.object_list)


# ---------------------------------------------------------------------------
# SQL
#
# One full-text lookup finds the matches with their filters applied (filters are
# index words, see filtertokens.py), newest index rows first, at most CAP + 1 of
# them: their count is the total (exact up to CAP), their filter tokens give the
# facet counts, and their rank or date gives the order of the results. Above CAP
# the total reads "2,000+", facet counts are those of the CAP newest matches
# (each a lower bound, shown with "+"), relevance ranks those CAP candidates, and
# a date order is still exact (one more query for the page).


def _fts5_expr(q: ParsedQuery, f: SearchFilters) -> str:
    pos, neg = to_fts5(q)
    toks = _filter_tokens(f)
    positives = []
    if toks:
        positives.append("filter_tokens : (" + " AND ".join(toks) + ")")
    if pos:
        positives.append("{title_tokens text_tokens} : (" + pos + ")")
    if not positives:
        positives.append(f"filter_tokens : {filtertokens.ALL}")
    expr = "(" + ") AND (".join(positives) + ")"
    if neg:
        expr += " NOT ({title_tokens text_tokens} : (" + neg + "))"
    return expr


def _ts_expr(q: ParsedQuery, f: SearchFilters) -> tuple[str, str]:
    """(whole tsquery text, the words' part for ranking)."""
    # No weight marks (":AB"): they would make the GIN index recheck every row,
    # and the filter tokens' shape (f<name>x<hex>) is not a word anyone types.
    pos, neg = to_tsquery(q)
    toks = _filter_tokens(f)
    positives = [f"'{t}'" for t in toks]
    if pos:
        positives.append(f"({pos})")
    if not positives:
        positives.append(f"'{filtertokens.ALL}'")
    expr = " & ".join(positives)
    if neg:
        expr += f" & !{neg}"
    return expr, to_tsquery(q, pairs=False)[0]


def _filter_tokens(f: SearchFilters) -> list[str]:
    return [
        filtertokens.token(name, getattr(f, name))
        for name in filtertokens.NAMES
        if getattr(f, name) not in ("", None)
    ]


def _date_conds(f: SearchFilters) -> tuple[list[str], list]:
    conds, params = [], []
    if f.since:
        conds.append("d.date >= %s")
        params.append(f.since)
    if f.until:
        conds.append("d.date < %s")
        params.append(f.until)
    return conds, params


def _where(conds: list[str]) -> str:
    return (" WHERE " + " AND ".join(conds)) if conds else ""


def _candidates(q: ParsedQuery, f: SearchFilters, *, ranked: bool, limit: int) -> list[tuple]:
    """(id, date, filter tokens, rank) of the newest ``limit`` matching documents;
    a lower rank is better."""
    conds, params = _date_conds(f)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            return _pg_candidates(cur, q, f, ranked=ranked, limit=limit)
        rank = "bm25(search_fts, 4.0, 1.0, 0.0)" if ranked and q.must else "0"
        # The date as ISO text (it sorts the same): parsing 2,000 dates cost more
        # than the rest of reading the rows.
        cur.execute(
            f"SELECT d.id, d.date || '', d.filter_tokens, {rank}"
            f" FROM search_fts JOIN {DOC} d ON d.id = search_fts.rowid"
            f"{_where(['search_fts MATCH %s', *conds])}"
            " ORDER BY search_fts.rowid DESC LIMIT %s",
            [_fts5_expr(q, f), *params, limit],
        )
        return cur.fetchall()


# A row checked by the walk costs this many rows of the bitmap (see _pg_order).
WALK_COST = 1.4
# The span of newest ids looked in first, as a multiple of the span expected to
# hold the matches still needed (see _pg_candidates).
FLOOR_MARGIN = 2.0
WINDOWS = 4  # spans looked in before the rest is searched whole
# Above this share of the documents the walk is cheaper than spans: each span
# builds the GIN bitmap of every match (about 0.16 us a match), and the walk finds
# its CAP matches within a few thousand rows.
SPANS_UP_TO = 0.25


def _pg_candidates(cur, q: ParsedQuery, f: SearchFilters, *, ranked: bool, limit: int):
    """PostgreSQL's newest ``limit`` matches. Finding them takes a look at every
    match (the GIN bitmap knows no order) or a walk down the newest rows checking
    each (see _pg_order). When many match, both are spared by looking in spans of
    ids, newest first: a span should hold FLOOR_MARGIN times the matches still
    needed (by the estimated share of matches at first, then by the share found
    in the last span), and PostgreSQL takes the bitmap of its ids and the GIN
    bitmap together (a word in 28,000 documents: 24 ms instead of 69). After
    WINDOWS spans, or at the lowest id, the rest is searched whole. Matches more
    common than SPANS_UP_TO take the walk, and filters tied to dates (a year, a
    session, a range) bunch the matches where spans would miss them: those are
    searched whole at once."""
    expr, words = _ts_expr(q, f)
    conds, params = _date_conds(f)
    documents = _documents_count(cur)
    matches = _matches(cur, q, f, max(documents, 1.0))
    bunched = bool(f.year or f.session or f.since or f.until)
    rows: list[tuple] = []
    if not bunched and FLOOR_MARGIN * limit < matches < SPANS_UP_TO * documents:
        cur.execute(f"SELECT min(id), max(id) FROM {DOC}")
        lowest, highest = cur.fetchone()
        below = (highest or 0) + 1
        share = matches / max(documents, 1.0)
        for _window in range(WINDOWS):
            span = int(FLOOR_MARGIN * (limit - len(rows)) / share) + 1
            if below - span <= (lowest or 0):
                break
            window = [*conds, "d.id >= %s", "d.id < %s"]
            found = _pg_newest(
                cur,
                expr,
                words,
                window,
                [*params, below - span, below],
                order="d.id + 0",
                ranked=ranked,
                limit=limit - len(rows),
            )
            rows += found
            if len(rows) == limit:
                return rows
            below -= span
            share = max(len(found), 1) / span
        conds, params = [*conds, "d.id < %s"], [*params, below]
    order = _pg_order(matches, documents, long_phrase=_has_long_phrase(q))
    return rows + _pg_newest(
        cur, expr, words, conds, params, order=order, ranked=ranked, limit=limit - len(rows)
    )


def _pg_newest(cur, expr, words, conds, params, *, order, ranked, limit) -> list[tuple]:
    newest = (
        f"SELECT d.id, d.date, d.filter_tokens, d.vector FROM {DOC} d"
        f"{_where([PG_MATCH, *conds])} ORDER BY {order} DESC LIMIT %s"
    )
    # Ranked outside the LIMIT: in the same SELECT, ts_rank read the vector of
    # every match from TOAST (43,000 of them for 关键信息基础设施, 270 ms), not only
    # of the newest ``limit``.
    rank = "-ts_rank(c.vector, to_tsquery('simple', %s))" if ranked and words else "0"
    cur.execute(
        f"SELECT c.id, c.date, c.filter_tokens, {rank} FROM ({newest}) c",
        [*([words] if rank != "0" else []), expr, *params, limit],
    )
    return cur.fetchall()


def _has_long_phrase(q: ParsedQuery) -> bool:
    return any(len(atom) > 2 for clause in q.must for alt in clause for atom in alt)


def _pg_order(matches: float, documents: float, *, long_phrase: bool = False) -> str:
    """The newest-first key. "d.id" walks the primary key backwards, checking each
    row, and stops after CAP matches: the right plan when matches are very common.
    "d.id + 0" cannot use that index, so PostgreSQL takes the GIN bitmap of every
    match and sorts it. PostgreSQL picks the walk too often for words that are
    common but not very common, so the choice is made here from an estimate of
    the matches M among N documents (`_matches`). On the 150,000-proposal
    benchmark, with narrow rows (migration 0005), a row of the bitmap cost about
    2.3 us and a row checked by the walk about 3.3 us (it reads the row's vector
    from TOAST), and the walk checks about CAP * N / M rows: the bitmap is
    cheaper while M is below about sqrt(1.4 * CAP * N), some 28,000 of 273,000
    documents. (A word in 19,400 documents: 110 ms walking, 49 ms by the bitmap;
    one word in nearly every document: 10 ms walking, 580 ms by the bitmap.)
    A phrase of three or more tokens (checked on the positions of the rows
    holding its pairs) always takes the bitmap, which PostgreSQL replaces by a
    scan of the table when that is cheaper; a phrase's pair words are weighed
    like any word, and a two-token phrase (every Chinese compound: its parts) is
    its pair word, as cheap to check in the walk as one word."""
    if long_phrase:
        return "d.id + 0"
    return "d.id + 0" if matches * matches <= WALK_COST * CAP * documents else "d.id"


def _matches(cur, q: ParsedQuery, f: SearchFilters, documents: float) -> float:
    """Matches expected among ``documents``. The parts of one word (关键 信息 基础设施,
    自动 驾驶 自动驾驶) go together: such a word is as common as its rarest part,
    where the planner multiplies them as if independent and guesses far too few.
    Alternatives add up; separate words and filters are taken as independent."""
    share = 1.0
    for token in _filter_tokens(f):
        share *= min(_token_rows(cur, token) / documents, 1.0)
    for clause in q.must:
        rows = sum(
            min(_token_rows(cur, t) for atom in alt for t in atom_lexemes(atom)) for alt in clause
        )
        share *= min(rows / documents, 1.0)
    return share * documents


_planner_figures: dict[str, object] = {}
_planner_figures_until = [0.0]
PLANNER_FIGURES_KEPT = 50_000  # then all are read afresh (a few MB at most)
_UNKNOWN = object()


def _planner_figure(name: str, read: Callable[[], object]) -> object:
    """``read()``, a figure from the planner's statistics (or another that changes as
    slowly), kept per process for ten minutes (statistics change only with
    ANALYZE): a search asks for each once at most."""
    return _planner_figures_for([name], lambda names: {names[0]: read()})[name]


def _planner_figures_for(
    names: list[str], read: Callable[[list[str]], dict[str, object]]
) -> dict[str, object]:
    """The figures named, those not kept yet read together by ``read(missing)``."""
    now = time.monotonic()
    if now > _planner_figures_until[0] or len(_planner_figures) > PLANNER_FIGURES_KEPT:
        _planner_figures.clear()
        _planner_figures_until[0] = now + 600
    # Read into a dict of its own: another thread may clear the memo meanwhile.
    kept = {n: _planner_figures.get(n, _UNKNOWN) for n in names}
    found = {n: v for n, v in kept.items() if v is not _UNKNOWN}
    missing = [n for n in names if n not in found]
    if missing:
        fresh = read(missing)
        _planner_figures.update(fresh)
        found.update(fresh)
    return found


def forget_planner_figures() -> None:
    """After a rebuild (and its ANALYZE): read the figures afresh."""
    _planner_figures.clear()


def _documents_count(cur) -> float:
    def read():
        cur.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [DOC])
        return float(cur.fetchone()[0])

    return _planner_figure("documents", read)


# The planner's own guess for a word its statistics do not list (ts_selfuncs.c).
DEFAULT_WORD_SHARE = 0.005


def _word_shares(cur) -> tuple[dict[str, float], float]:
    """(share of documents holding each of the most common index words, the share
    taken for any other word), from ANALYZE's statistics of the vector column:
    what the planner reads for a one-word query, in one query for every word."""

    def read():
        cur.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = %s AND attname = 'vector'",
            [DOC],
        )
        row = cur.fetchone()
        if not row or not row[0]:
            return {}, DEFAULT_WORD_SHARE
        words, shares = row
        # After one share per word come the least and the greatest of them.
        return dict(zip(words, shares, strict=False)), min(
            shares[len(words)] / 2, DEFAULT_WORD_SHARE
        )

    return _planner_figure("shares", read)


def word_shares(tokens: list[str]) -> dict[str, float]:
    """PostgreSQL: the planner's estimate of the share of documents holding each token."""
    with connection.cursor() as cur:
        common, rare = _word_shares(cur)
    return {t: common.get(t, rare) for t in tokens}


def indexed_documents() -> float:
    """How many documents the index holds, kept per process with the planner's
    figures (PostgreSQL's is the planner's own; counting on SQLite costs more than
    a search's other lookups, and no weight built on it needs the exact figure)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            return _documents_count(cur)

        def read():
            cur.execute(f"SELECT count(*) FROM {DOC}")
            return float(cur.fetchone()[0])

        return _planner_figure("indexed documents", read)


def _token_rows(cur, token: str) -> float:
    """The planner's estimate of the documents holding ``token``."""
    common, rare = _word_shares(cur)
    return common.get(token, rare) * _documents_count(cur)


def _by_date(q: ParsedQuery, f: SearchFilters, *, newest: bool, limit: int, offset: int):
    """Ids of one page of all the matches in date order (when there are too many
    to sort in memory)."""
    direction = "DESC" if newest else "ASC"
    conds, params = _date_conds(f)
    order = f" ORDER BY d.date {direction} NULLS LAST, d.id {direction} LIMIT %s OFFSET %s"
    # Filters tied to dates (year, session, a range) bunch the matches in a few
    # years that a walk down the date index may reach only late.
    bunched = bool(f.year or f.session or f.since or f.until)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            expr, _words = _ts_expr(q, f)
            if bunched:  # "+ 0": not the index's order, so the GIN bitmap and a sort
                order = order.replace("d.date", "(d.date + 0)", 1)
            cur.execute(
                f"SELECT d.id FROM {DOC} d{_where([PG_MATCH, *conds])}{order}",
                [expr, *params, limit, offset],
            )
        else:
            # Walk the date index and probe FTS5 for each row (rowid = d.id): with
            # this many matches spread over the years the page fills after a few
            # hundred probes, where "d.id IN (matches)" would first gather every
            # match. Bunched matches are gathered instead.
            if bunched:
                probe = "d.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)"
            else:
                probe = (
                    "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s"
                    " AND search_fts.rowid = d.id)"
                )
            cur.execute(
                f"SELECT d.id FROM {DOC} d{_where([probe, *conds])}{order}",
                [_fts5_expr(q, f), *params, limit, offset],
            )
        return [row[0] for row in cur.fetchall()]


def _order(rows: list[tuple], sort: str) -> list[int]:
    if sort == Sort.RELEVANCE:
        return [r[0] for r in sorted(rows, key=lambda r: (r[3], r[0]))]
    newest = sort != Sort.OLDEST
    dated = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r[0]))
    undated = sorted((r for r in rows if r[1] is None), key=lambda r: r[0])
    if newest:
        dated.reverse()
        undated.reverse()
    return [r[0] for r in dated + undated]


def _count_facets(rows: list[tuple]) -> dict[str, Counter]:
    # One join and split: a generator over each row's words was most of the time.
    tokens = Counter(" ".join(r[2] for r in rows).split())
    counts: dict[str, Counter] = defaultdict(Counter)
    for tok, n in tokens.items():
        decoded = filtertokens.decode(tok)
        if decoded and decoded[0] != "member":
            counts[decoded[0]][decoded[1]] += n
    return counts


def public_documents() -> Q:
    """Index rows whose record the public may see now, by the visibility policy:
    public proposals and replies, and every member, organization and regulation."""
    proposal = visibility.public_proposals().filter(pk=OuterRef("object_id"))
    reply = visibility.public_replies().filter(pk=OuterRef("object_id"))
    return (
        Q(Exists(proposal), doc_type=DocType.PROPOSAL)
        | Q(Exists(reply), doc_type=DocType.REPLY)
        | ~Q(doc_type__in=[DocType.PROPOSAL, DocType.REPLY])
    )


def _documents(ids: list[int]) -> list[SearchDocument]:
    if not ids:
        return []
    by_id = SearchDocument.objects.filter(public_documents()).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def _hits(docs: list[SearchDocument], tokens: list[str]) -> list[Hit]:
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


def _build_facets(
    counts, f: SearchFilters, labels: Labels, orgs: dict[str, str], *, capped: bool = False
) -> list[Facet]:
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
            return dict(vocabulary.all_choices(vocabulary.REPLY_CATEGORY)).get(value, value)
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
        values = [FacetValue(v, name_of(name, v), n, v == current, capped) for v, n in shown]
        if name == "key" and "1" not in c:
            continue
        out.append(Facet(name, str(label), values, max(0, len(items) - len(shown))))
    return out


def _org_names(keys: set[str]) -> dict[str, str]:
    if not keys:
        return {}
    return {o.key: o.name for o in Organization.objects.filter(key__in=keys)}


# ---------------------------------------------------------------------------


def _cache_seconds() -> int:
    """How long a search's results are kept (0: not at all). Keyed by the data
    version, so this bounds memory, not staleness."""
    default = os.environ.get("LIANGHUI_SEARCH_CACHE_SECONDS", "600")
    return int(getattr(settings, "LIANGHUI_SEARCH_CACHE_SECONDS", default))


def _cache_key(q: ParsedQuery, f: SearchFilters, sort: str, page, cap, with_facets) -> str:
    raw = repr((connection.vendor, q.must, q.must_not, f, sort, page, cap, with_facets, PER_PAGE))
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"search:{versioning.current()}:{digest}"


@dataclass
class _Found:
    """What a search found, before labels and highlighting (which depend on the
    language): kept in the cache as it is."""

    total: int
    capped: bool
    counts: dict[str, Counter]
    page_number: int
    docs: list[SearchDocument]
    orgs: dict[str, Organization]


def _find(q, f, sort, page, *, cap, with_facets) -> _Found:
    ranked = sort == Sort.RELEVANCE
    rows = _candidates(q, f, ranked=ranked, limit=cap + 1 if cap else 10**9)
    capped = bool(cap) and len(rows) > cap
    if capped:
        rows = rows[:cap]
    total = len(rows)
    counts = _count_facets(rows) if with_facets else {}
    paginator = Paginator(range(min(total, PER_PAGE * MAX_PAGES)), PER_PAGE)
    current = paginator.get_page(page)
    start, stop = current.start_index() - 1, current.end_index()
    if capped and not ranked:
        # The newest CAP index rows are not the newest records: ask the database.
        ids = _by_date(q, f, newest=sort != Sort.OLDEST, limit=stop - start, offset=start)
    else:
        ids = _order(rows, sort)[start:stop] if stop > start else []
    org_keys = {
        v
        for name in ("agency", "group")
        for v, _n in sorted(counts.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))[
            :FACET_LIMIT
        ]
    } | {v for v in (f.agency, f.group) if v}
    orgs = {o.key: o for o in Organization.objects.filter(key__in=org_keys)} if org_keys else {}
    return _Found(total, capped, counts, current.number, _documents(ids), orgs)


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
    current.object_list = _hits(found.docs, q.positive_tokens)
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
    facets = (
        _build_facets(found.counts, f, labels, orgs, capped=found.capped) if with_facets else []
    )
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
    match ``query`` (all of them when the query has no words). For the API, which
    pages through every match in key order.

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
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            expr, _words = _ts_expr(q, f)
            cur.execute(f"SELECT d.id FROM {DOC} d WHERE {PG_MATCH} LIMIT %s", [expr, CAP + 1])
            probe = PG_MATCH
        else:
            expr = _fts5_expr(q, f)
            cur.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s", [expr, CAP + 1]
            )
            probe = "EXISTS (SELECT 1 FROM search_fts WHERE search_fts MATCH %s AND rowid = d.id)"
        ids = [row[0] for row in cur.fetchall()]
    if len(ids) <= CAP:
        return Q(pk__in=docs.filter(id__in=ids).values("object_id"))
    outer = f"{model._meta.db_table}.{model._meta.pk.column}"
    probe = f"SELECT 1 FROM {DOC} d WHERE d.doc_type = %s AND d.object_id = {outer} AND {probe}"
    # PostgreSQL would turn EXISTS into a join from every match; a scalar subquery
    # with LIMIT stays a per-row check.
    check = (
        f"({probe} LIMIT 1) IS NOT NULL"
        if connection.vendor == "postgresql"
        else f"EXISTS ({probe})"
    )
    condition = RawSQL(check, [doc_type, expr], output_field=BooleanField())
    return Q(condition)
