"""Similar proposals: "more like this" over the search index.

What a proposal says (title, summary, text, topics; not who signed it) is cut
into index words, each weighed by how often the proposal uses it (a title word
counts double) and how rare it is among the indexed documents (tf × idf). The
``TERMS`` heaviest words are looked up in the index, the newest ``PER_WORD``
proposals holding each; a proposal's score is the sum of the weights of the
words it shares, and it is listed with those words: the reason it is shown.

How rare a word is comes from the index: on SQLite a count of its documents (up
to ``COUNTED``, and for a word that reaches it up to ``COMMON`` of them: FTS5
would read a common word's whole list to count it), kept per process for ten
minutes like the planner's figures; on PostgreSQL the planner's statistics of
the tsvector column (the shares ANALYZE keeps for the most common words, a
rarer word counting as half the least common of those, as the planner takes
it). Words in more than ``COMMON`` of the documents (and more than ``COUNTED``
of them: in a small index every word tells) are left out: they say little, and
on PostgreSQL their lists cost most.

FTS5's bm25 is not used to rank: it counts every document holding each word of
an OR of common words before ranking any (about 100 ms on the 150,000-proposal
benchmark), and PostgreSQL's ts_rank ignores rarity altogether.

Reads only the index's tables; the public records it returns are those the
index holds, so every viewer gets the same list.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, TextField
from django.db.models.expressions import RawSQL

from lianghui.core import versioning
from lianghui.core.links import record_url
from lianghui.core.prepared import Prepared

from . import engine, registry, semantic
from .engine.common import DOC, planner_figures_for
from .engine.postgres import PG_MATCH, ts_expr, word_shares
from .engine.sqlite import fts5_expr
from .enums import DocType
from .filters import SearchFilters
from .models import SearchDocument, SimilarList
from .query import ParsedQuery
from .registry import chunks
from .results import pick
from .selectors import public_documents
from .text import QUERY_STOPWORDS, has_cjk, index_tokens, stem

TERMS = 12  # words looked up: enough to tell subjects apart, few enough to stay fast
PER_WORD = 250  # newest proposals read per word (a rarer word's list is whole)
SHOWN = 5
STORED = 2 * SHOWN  # kept: some may leave the public record before the list is made again
REFRESH_BATCH = 500
# Beyond this many proposals at once (an import), neighbours' lists wait for
# `lianghui search similar --all`.
NEIGHBOURS_UP_TO = 200
MIN_SHARED = 2  # a single shared word is a coincidence more often than a likeness
LOOKED_UP = 40  # a text's most frequent words whose rarity is looked up
COUNTED = 1000  # SQLite: documents counted per word at first
COMMON = 0.2  # share of the documents above which a word is left out


@dataclass(frozen=True)
class SimilarProposal:
    key: str
    url: str
    title: str
    title_lang: str
    context: str
    shared: tuple[str, ...]  # the distinctive words it has in common, heaviest first
    by_meaning: bool = False  # close in meaning (search/semantic.py), few words shared


# English function words (stemmed as the index is): they say how, not what.
# Chinese ones come from the shipped list the insights use.
ENGLISH_FUNCTION_WORDS = frozenset(
    stem(w)
    for w in """a about above across after again against all almost also although always am
    among an and another any are around as ask at be been before being below
    between both but by can could did do does doing down during each either else
    enough even ever every few for from further get give given go had has have
    having he her here hers him his how however if in into is it its itself just
    least less like made make many may me might more most much must my near need
    neither never no nor not now of off often on once one only or other our out
    over own per put quite rather really said same see seem several shall she
    should since so some still such than that the their them then there these
    they this those though through thus to too toward under until up upon us very
    was want way we well were what when where whether which while who whom whose
    why will with within without would yet you your""".split()
)


@functools.cache
def _stop_words() -> frozenset[str]:
    from lianghui.insights.text import load_stop_words

    return QUERY_STOPWORDS | ENGLISH_FUNCTION_WORDS | load_stop_words()


def _worth_weighing(token: str) -> bool:
    if token in _stop_words() or token.isdigit():
        return False
    return len(token) >= (2 if has_cjk(token) else 3)


def distinctive_terms(title_tokens: str, text_tokens: str, *, n: int = TERMS) -> dict[str, float]:
    """The ``n`` words of a text that say most about it, heaviest first, with their
    weights (tf × idf). Only the ``LOOKED_UP`` most frequent words are looked up in
    the index: a word used once or twice in a long text weighs little anyway."""
    tf: Counter[str] = Counter()
    for token in title_tokens.split():
        if _worth_weighing(token):
            tf[token] += 2
    for token in text_tokens.split():
        if _worth_weighing(token):
            tf[token] += 1
    if not tf:
        return {}
    looked_up = [t for t, _n in sorted(tf.items(), key=lambda kv: (-kv[1], kv[0]))][:LOOKED_UP]
    shares = document_shares(looked_up)
    documents = max(engine.current().indexed_documents(), 1.0)
    weights = {
        t: tf[t] * math.log(1 / shares[t])
        for t in looked_up
        if 0 < shares[t] < 1 and not (shares[t] > COMMON and shares[t] * documents > COUNTED)
    }
    ranked = sorted(weights, key=lambda t: (-weights[t], t))
    return {t: weights[t] for t in ranked[:n] if weights[t] > 0}


def document_shares(tokens: list[str]) -> dict[str, float]:
    """For each token, the share of indexed documents holding it; 0 for a token that
    at most one document holds (nothing to find it in), as far as that is known."""
    if not tokens:
        return {}
    if connection.vendor == "postgresql":
        documents = engine.current().indexed_documents()
        shares = word_shares(tokens)
        return {t: share if share * documents >= 2 else 0.0 for t, share in shares.items()}
    counted = "SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT %s)"

    total = max(engine.current().indexed_documents(), 1.0)

    def count(words: list[str], limit: int) -> list[int]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT " + ", ".join([f"({counted})"] * len(words)),
                [x for t in words for x in (f'{{title_tokens text_tokens}} : "{t}"', limit)],
            )
            return list(cur.fetchone())

    key = {f"documents with:{t}": t for t in tokens}

    def read(names: list[str]) -> dict[str, object]:
        found = dict(zip(names, count([key[n] for n in names], COUNTED), strict=True))
        # Words that reach COUNTED are counted on, up to COMMON of the documents:
        # how common they are decides whether they count at all.
        further = int(COMMON * total) + 1
        many = [n for n, c in found.items() if c >= COUNTED]
        if many and further > COUNTED:
            found.update(zip(many, count([key[n] for n in many], further), strict=True))
        return found

    # Kept per process like the planner's figures: a word's count changes slowly,
    # and counting was half the time of a proposal page's similar proposals.
    counts = planner_figures_for(list(key), read)
    return {key[n]: min(c / total, 1.0) if c >= 2 else 0.0 for n, c in counts.items()}


def proposal_tokens(proposal) -> tuple[str, str]:
    """(title tokens, text tokens) of what a proposal says: its title, summary, text
    and topics, as the index has them (its proposers' names tell who, not what)."""
    topics = [name for t in proposal.topics.all() for name in (t.name_zh, t.name_en)]
    return (
        index_tokens(proposal.title_zh, proposal.title_en),
        index_tokens(
            proposal.summary_zh, proposal.summary_en, proposal.text_zh, proposal.text_en, *topics
        ),
    )


def _holders(
    terms: dict[str, float], memo: dict[str, list[int]] | None = None
) -> dict[str, list[int]]:
    """For each term, the ids of the newest PER_WORD proposal documents holding it:
    one query for the terms not in ``memo`` (a batch of proposals shares most of
    its words), each term's list a part of it."""
    memo = {} if memo is None else memo
    missing = [t for t in terms if t not in memo]
    if missing:
        found: dict[str, list[int]] = {t: [] for t in missing}
        for position, doc_id in _holders_query(missing):
            found[missing[position]].append(doc_id)
        memo.update(found)
    return {t: memo[t] for t in terms}


def _holders_query(terms: list[str]) -> list[tuple[int, int]]:
    """(term's position in ``terms``, document id) for the newest PER_WORD proposal
    documents holding each term."""
    proposals = SearchFilters(type=DocType.PROPOSAL)
    words = [ParsedQuery(must=((((t,),),),)) for t in terms]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            shares, documents = word_shares(list(terms)), engine.current().indexed_documents()
            cur.execute(f"SELECT max(id) FROM {DOC}")
            highest = cur.fetchone()[0] or 0
            parts, params = [], []
            for i, (term, q) in enumerate(zip(terms, words, strict=True)):
                # A common word's holders are looked for among the newest ids likely
                # to hold twice PER_WORD of them (the GIN bitmap and those ids
                # together, as selectors._pg_candidates does); a rare word's are
                # gathered whole. A span that holds fewer gives fewer: they are
                # examples, not a count.
                share = max(shares[term], 1 / max(documents, 1.0))
                floor = (
                    highest - int(2 * PER_WORD / share) if share * documents > 2 * PER_WORD else 0
                )
                parts.append(
                    f"(SELECT {i}, d.id FROM {DOC} d WHERE {PG_MATCH} AND d.id >= %s"
                    " ORDER BY d.id + 0 DESC LIMIT %s)"
                )
                params += [ts_expr(q, proposals)[0], floor, PER_WORD]
        else:
            part = (
                "SELECT {i}, rowid FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
                " ORDER BY rowid DESC LIMIT %s)"
            )
            parts = [part.format(i=i) for i in range(len(words))]
            params = [x for q in words for x in (fts5_expr(q, proposals), PER_WORD)]
        cur.execute(" UNION ALL ".join(parts), params)
        return cur.fetchall()


def _ranked(
    proposal, *, limit: int, memo: dict[str, list[int]] | None = None
) -> list[tuple[int, tuple[str, ...], bool]]:
    """(document id, shared words, found by meaning) of the index's proposals most
    like ``proposal``, best first, at most ``limit`` + 1 (it may be among them)."""
    terms = distinctive_terms(*proposal_tokens(proposal))
    near = semantic.neighbours(DocType.PROPOSAL, proposal.id, limit=limit)
    if not terms and not near:
        return []
    order = list(terms)
    # Words counted as one for MIN_SHARED: a word and the parts of it also listed.
    word_of = {t: max(_wholes(t, order), key=len) for t in order}
    shared: dict[int, list[str]] = defaultdict(list)
    for term, doc_ids in (_holders(terms, memo) if terms else {}).items():
        for doc_id in doc_ids:
            shared[doc_id].append(term)
    needed = min(MIN_SHARED, len(set(word_of.values())))
    score = {
        d: sum(terms[t] for t in words)
        for d, words in shared.items()
        if len({word_of[t] for t in words}) >= needed
    }
    best = sorted(score, key=lambda d: (-score[d], -d))[: limit + 1]  # + 1: itself
    by_meaning: set[int] = set()
    if near:
        # Fused by reciprocal rank, as search fuses words and meaning.
        near_ids = dict(
            SearchDocument.objects.filter(
                doc_type=DocType.PROPOSAL, object_id__in=[o for o, _s in near]
            ).values_list("object_id", "id")
        )
        ranked = [near_ids[o] for o, _s in near if o in near_ids]
        by_meaning = set(ranked) - set(best)
        fused: dict[int, float] = defaultdict(float)
        for ranking in (best, ranked):
            for rank, d in enumerate(ranking):
                fused[d] += 1 / (semantic.RRF_K + rank)
        best = sorted(fused, key=lambda d: (-fused[d], -d))[: limit + 1]
    return [
        (d, _whole_words(tuple(sorted(shared[d], key=order.index))), d in by_meaning) for d in best
    ]


def found_similar(proposal, *, memo: dict[str, list[int]] | None = None) -> list[list]:
    """What ``SimilarList.items`` holds for ``proposal``: [proposal id, [shared
    words], found by meaning] of the STORED most like it, best first. ``memo``: the
    holders of each word, shared by the proposals of one batch. Neighbours by
    meaning join when the proposal's vectors exist when its list is made."""
    ranked = _ranked(proposal, limit=STORED, memo=memo)
    object_ids = dict(
        SearchDocument.objects.filter(id__in=[d for d, _w, _m in ranked]).values_list(
            "id", "object_id"
        )
    )
    items = [
        [object_ids[d], list(words), meaning]
        for d, words, meaning in ranked
        if d in object_ids and object_ids[d] != proposal.id
    ]
    return items[:STORED]


def similar_proposals(*, proposal, limit: int = SHOWN) -> list[SimilarProposal]:
    """Published proposals most like ``proposal``, best first, each with its reasons:
    from its stored list when the worker has made one (a published proposal), else
    found in the index now; none where the proposal's body switched the function
    off (the register of algorithms)."""
    from lianghui.insights.algorithms import enabled

    if not enabled("similar_proposals", proposal.session.body):
        return []
    found = _STORED(proposal.id)
    if found:
        return _shown(*found[0], proposal=proposal, limit=limit)
    ranked = _ranked(proposal, limit=limit)
    # Only what the public may see now (the index may lag behind an unpublish).
    docs = (
        SearchDocument.objects.filter(public_documents())
        .only(*SHOWN_FIELDS)
        .in_bulk([d for d, _w, _m in ranked])
    )
    rows = [(docs.get(d), words, meaning) for d, words, meaning in ranked]
    return _listed(rows, proposal=proposal, limit=limit)


SHOWN_FIELDS = ("object_id", "key", "title_zh", "title_en", "context_zh", "context_en")


def _public_documents(ids: RawSQL):
    """The documents of the proposals ``ids`` (a sub-select) gives that the public
    may see now."""
    public = registry.get(DocType.PROPOSAL).public_records().filter(pk=OuterRef("object_id"))
    return SearchDocument.objects.filter(
        Exists(public), doc_type=DocType.PROPOSAL, object_id__in=ids
    ).only(*SHOWN_FIELDS)


def _listed_ids(items: str) -> RawSQL:
    """The proposal ids a stored list (the JSON column ``items``) names, as a
    sub-select: each item is [id, words, by meaning]."""
    if connection.vendor == "postgresql":
        sql = f"SELECT (e.value->>0)::bigint FROM jsonb_array_elements({items}) e"
    else:
        sql = f"SELECT json_extract(e.value, '$[0]') FROM json_each({items}) e"
    return RawSQL(sql, ())


def _stored_with_documents(pid: int):
    """The proposal's stored list, and in the same row (one statement) the
    documents of the proposals it names that the public may see now, as rows of
    ``_NAMED`` (``Prepared.rows_column``)."""
    documents = _NAMED.rows_column()
    return (
        SimilarList.objects.filter(proposal_id=pid)
        .order_by("id")
        .annotate(documents=RawSQL(*documents, output_field=TextField()))
        .values_list("items", "documents")[:1]
    )


# Compiled once (core/prepared.py): a page's list and its documents are read by
# the proposal's id, in one statement.
_NAMED = Prepared(
    lambda: _public_documents(
        _listed_ids(
            f"{connection.ops.quote_name(SimilarList._meta.db_table)}"
            f".{connection.ops.quote_name('items')}"
        )
    ).order_by()
)
_STORED = Prepared(_stored_with_documents, int)


def _shown(items: list, documents, *, proposal, limit: int) -> list[SimilarProposal]:
    """A stored list as shown: those of its proposals the public may see now
    (``documents``: their rows, read with the list)."""
    docs = {d.object_id: d for d in _NAMED.from_rows(documents)}
    # Lists stored before meaning joined hold [id, words]; later ones add the flag.
    rows = [(docs.get(item[0]), tuple(item[1]), bool(item[2:3] and item[2])) for item in items]
    return _listed(rows, proposal=proposal, limit=limit)


def _listed(rows, *, proposal, limit: int) -> list[SimilarProposal]:
    out = []
    for doc, words, meaning in rows:
        if doc is None or doc.object_id == proposal.id or len(out) == limit:
            continue
        title, lang = pick(doc.title_zh, doc.title_en)
        context, _lang = pick(doc.context_zh, doc.context_en)
        url = record_url("portal:proposal", doc.key)
        out.append(SimilarProposal(doc.key, url, title, lang, context, words, meaning))
    return out


def left_the_public(ids: Iterable[int], *, hidden: bool = False) -> set[int]:
    """Those of ``ids`` that have a stored list but are not public now (``hidden``:
    the caller knows none of them is): lists are made for public proposals only, so
    these were public until a recent change (unpublished, refused, deleted), and
    other proposals' lists may name them."""
    ids = set(ids)
    if not ids:
        return set()
    had = set(SimilarList.objects.filter(proposal_id__in=ids).values_list("proposal_id", flat=True))
    if hidden or not had:
        return had
    public = registry.get(DocType.PROPOSAL).public_records()
    return had - set(public.filter(id__in=had).values_list("id", flat=True))


def forget_pages_naming(ids: Iterable[int], *, hidden: bool = False) -> None:
    """When proposals have left the public, the cached views of the proposals whose
    stored lists name them must go too: those lists are not searched by what they
    name, and a removal is rare, so the reference version every proposal's stamp
    holds is moved (proposals/stamps.py) and every proposal page is rendered anew,
    without the proposals that left."""
    if left_the_public(ids, hidden=hidden):
        versioning.bump(row=versioning.REFERENCE)


def refresh(*, ids: Iterable[int], neighbours: bool = True) -> int:
    """Find and store the similar proposals of these proposals (those the public may
    see; the lists of the others are dropped). A proposal is most likely new to the
    lists of those on its own: with ``neighbours``, and for a few proposals (an edit,
    a new one), those lists are made again too, so a new proposal shows on the pages
    of those like it. Returns how many lists were made."""
    ids = sorted(set(ids))
    memo: dict[str, list[int]] = {}
    made = 0
    found: set[int] = set()
    public = registry.get(DocType.PROPOSAL).public_records()
    for chunk in chunks(ids, REFRESH_BATCH):
        proposals = (
            public.filter(id__in=chunk)
            .only(*(f"{f}_{lang}" for f in ("title", "summary", "text") for lang in ("zh", "en")))
            .prefetch_related("topics")
        )
        lists = [
            SimilarList(proposal_id=p.id, items=found_similar(p, memo=memo)) for p in proposals
        ]
        # The index may lag behind an unpublish or a delete: a list names only what
        # the policy lets the public see now (one query per batch).
        named = {item[0] for s in lists for item in s.items}
        seen = set(public.filter(id__in=named).values_list("id", flat=True)) if named else set()
        for s in lists:
            s.items = [item for item in s.items if item[0] in seen]
        # Again here, in case the writer's process did not live to do it at commit:
        # those of the chunk without a new list are not public.
        forget_pages_naming(set(chunk) - {s.proposal_id for s in lists}, hidden=True)
        with transaction.atomic():
            SimilarList.objects.filter(proposal_id__in=chunk).delete()
            SimilarList.objects.bulk_create(lists)
        made += len(lists)
        found.update(item[0] for s in lists for item in s.items)
    if neighbours and len(ids) <= NEIGHBOURS_UP_TO:
        others = SimilarList.objects.filter(proposal_id__in=found - set(ids))
        made += refresh(ids=others.values_list("proposal_id", flat=True), neighbours=False)
    return made


def public_ids() -> list[int]:
    public = registry.get(DocType.PROPOSAL).public_records()
    return list(public.order_by("id").values_list("id", flat=True))


def missing_ids() -> list[int]:
    """Published proposals without a stored list (after an import or a migration)."""
    listed = SimilarList.objects.filter(proposal_id=OuterRef("pk"))
    public = registry.get(DocType.PROPOSAL).public_records()
    return list(public.filter(~Exists(listed)).order_by("id").values_list("id", flat=True))


def _whole_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Without the parts of longer words also listed (人工 and 智能 beside 人工智能):
    search-mode segmentation indexes both."""
    return tuple(w for w in words if _wholes(w, words) == [w])


def _wholes(word: str, words) -> list[str]:
    """``word`` and the words it is a part of, for Chinese (search-mode segmentation
    indexes 人工, 智能 and 人工智能); an English word stands alone (art, party)."""
    if not has_cjk(word):
        return [word]
    return [o for o in words if word in o]
