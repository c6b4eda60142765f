"""Similar proposals: "more like this" over the search index.

A proposal's own index words are weighed by how often it uses them (a title word
counts double) and by how rare they are among all documents (tf × idf). The
``TERMS`` that weigh most become one OR search over the other proposals, ranked
as every search is (bm25 on SQLite, ts_rank on PostgreSQL, over the capped
candidates), and each result lists the words it shares: the reason it is shown.

How rare a word is comes from the index itself: FTS5's vocabulary table on
SQLite (exact document counts), the planner's statistics of the tsvector
column on PostgreSQL (the shares ANALYZE keeps for the most common words; a
rarer word counts as half the least common of those, as the planner takes it).

Reads only the index's tables; the public records it returns are those the
index holds, so every viewer gets the same list.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.urls import reverse

from .enums import DocType
from .models import SearchDocument
from .query import ParsedQuery
from .selectors import CAP, SearchFilters, _candidates, _pick, word_shares
from .text import QUERY_STOPWORDS, has_cjk

TERMS = 12  # words searched for: enough to tell topics apart, few enough to stay fast
SHOWN = 5
MIN_SHARED = 2  # a single shared word is a coincidence more often than a likeness
POOL = 10 * SHOWN  # the database's best-ranked candidates, ranked again here


@dataclass(frozen=True)
class SimilarProposal:
    key: str
    url: str
    title: str
    title_lang: str
    context: str
    shared: tuple[str, ...]  # the distinctive words it has in common, heaviest first


def _worth_weighing(token: str) -> bool:
    if token in QUERY_STOPWORDS or token.isdigit():
        return False
    return len(token) >= (2 if has_cjk(token) else 3)


def distinctive_terms(title_tokens: str, text_tokens: str, *, n: int = TERMS) -> dict[str, float]:
    """The ``n`` words of a document that say most about it, heaviest first, with
    their weights (tf × idf)."""
    tf: Counter[str] = Counter()
    for token in title_tokens.split():
        if _worth_weighing(token):
            tf[token] += 2
    for token in text_tokens.split():
        if _worth_weighing(token):
            tf[token] += 1
    if not tf:
        return {}
    shares = document_shares(list(tf))
    weights = {t: count * math.log(1 / shares[t]) for t, count in tf.items() if 0 < shares[t] < 1}
    ranked = sorted(weights, key=lambda t: (-weights[t], t))
    return {t: weights[t] for t in ranked[:n] if weights[t] > 0}


def document_shares(tokens: list[str]) -> dict[str, float]:
    """For each token of an indexed document, the share of indexed documents holding
    it; 0 for a token no other document holds, as far as that is known (on
    PostgreSQL the statistics list such words only while the index is small)."""
    if connection.vendor == "postgresql":
        shares, documents = word_shares(tokens)
        return {t: share if share * documents >= 1.5 else 0.0 for t, share in shares.items()}
    from . import filtertokens

    with connection.cursor() as cur:
        marks = ", ".join(["%s"] * (len(tokens) + 1))
        cur.execute(
            f"SELECT term, doc FROM search_fts_vocab WHERE term IN ({marks})",
            [*tokens, filtertokens.ALL],
        )
        docs = dict(cur.fetchall())
    total = max(docs.pop(filtertokens.ALL, 0), 1)
    return {t: docs[t] / total if docs.get(t, 0) > 1 else 0.0 for t in tokens}


def similar_proposals(*, proposal_id: int, limit: int = SHOWN) -> list[SimilarProposal]:
    """Published proposals most like this one, best first, each with its reasons."""
    source = (
        SearchDocument.objects.filter(doc_type=DocType.PROPOSAL, object_id=proposal_id)
        .only("id", "title_tokens", "text_tokens")
        .first()
    )
    if source is None:
        return []
    terms = distinctive_terms(source.title_tokens, source.text_tokens)
    if not terms:
        return []
    query = ParsedQuery(must=(tuple(((t,),) for t in terms),))
    rows = _candidates(query, SearchFilters(type=DocType.PROPOSAL), ranked=True, limit=CAP)
    pool = [r[0] for r in sorted(rows, key=lambda r: (r[3], r[0])) if r[0] != source.id][:POOL]
    # The databases rank differently (ts_rank knows nothing of how rare a word is):
    # the pool is ranked again by the weights of the words each shares.
    needed = min(MIN_SHARED, len(terms))
    scored = []
    for position, doc in enumerate(_in_order(pool)):
        words = set(doc.title_tokens.split()) | set(doc.text_tokens.split())
        shared = tuple(t for t in terms if t in words)
        if len(shared) >= needed:
            scored.append((-sum(terms[t] for t in shared), position, doc, shared))
    out = []
    for _score, _position, doc, shared in sorted(scored, key=lambda s: s[:2])[:limit]:
        title, lang = _pick(doc.title_zh, doc.title_en)
        context, _lang = _pick(doc.context_zh, doc.context_en)
        url = reverse("portal:proposal", args=[doc.key])
        out.append(SimilarProposal(doc.key, url, title, lang, context, _whole_words(shared)))
    return out


def _whole_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Without the parts of longer words also listed (人工 and 智能 beside 人工智能):
    search-mode segmentation indexes both."""
    return tuple(w for w in words if not any(w != o and w in o for o in words))


def _in_order(ids: list[int]) -> list[SearchDocument]:
    docs = SearchDocument.objects.in_bulk(ids)
    return [docs[i] for i in ids if i in docs]
