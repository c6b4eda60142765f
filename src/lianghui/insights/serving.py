"""Per-process serving state for suggestions on the office pages.

Loading a model or indexing a body's proposals costs seconds; a page view may
cost milliseconds. So each web process keeps:

* the newest trained artifacts (routing, topics, pairs), loaded once and
  reloaded when a newer artifact appears under the model root
  (``<root>/<body key>/`` first, then ``<root>/``);
* the rankers that need no training: agencies by their remit, topics by
  keywords (rebuilt when the agencies' remits or the topics change);
* one near-duplicate index per body: MinHash signatures in LSH bands, built
  once from all the body's proposals and kept current from the rows changed
  since (one query per page view), so a lookup never scans all proposals.

Nothing here writes to the database. `reset()` forgets everything (tests).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .artifacts import ArtifactError, latest_artifact, load_artifact
from .text import WordAnalyzer, default_segmenter

log = logging.getLogger(__name__)

__all__ = [
    "DuplicateIndex",
    "Loaded",
    "RemitRanker",
    "duplicate_index",
    "keyword_tagger",
    "latest_model",
    "proposal_text",
    "remit_ranker",
    "reset",
]

_lock = threading.RLock()


def proposal_text(p) -> str:
    """The text suggestions read: title, summary and text, Chinese where there is any.

    Training from the database reads the same text, so models see at serving
    time what they saw when trained.
    """
    parts = [
        getattr(p, "title_zh", "") or getattr(p, "title_en", ""),
        getattr(p, "summary_zh", "") or getattr(p, "summary_en", ""),
        getattr(p, "text_zh", "") or getattr(p, "text_en", ""),
    ]
    return "\n".join(x for x in parts if x)


def _row_text(title_zh, title_en, summary_zh, summary_en, text_zh, text_en) -> str:
    parts = [title_zh or title_en, summary_zh or summary_en, text_zh or text_en]
    return "\n".join(x for x in parts if x)


TEXT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "text_zh", "text_en")


# -- trained artifacts --------------------------------------------------------------


@dataclass
class Loaded:
    obj: Any
    metadata: dict
    path: Path
    version: str
    cache: dict = field(default_factory=dict)  # derived lookups, built on first use


_models: dict[tuple[str, str], Loaded] = {}


def model_root() -> Path:
    from django.conf import settings

    return Path(settings.LIANGHUI_INSIGHTS_MODELS)


def artifact_path(kind: str, body_key: str | None) -> Path | None:
    root = model_root()
    found = latest_artifact(kind, root / body_key) if body_key else None
    return found or latest_artifact(kind, root)


def latest_model(kind: str, body_key: str | None) -> Loaded | None:
    """The newest artifact of this kind for the body (or for all bodies), loaded once."""
    path = artifact_path(kind, body_key)
    if path is None:
        return None
    slot = (kind, body_key or "")
    with _lock:
        current = _models.get(slot)
        if current is not None and current.path == path:
            return current
        try:
            obj, meta = load_artifact(path, kind=kind)
        except (ArtifactError, OSError, ValueError) as exc:
            # A broken artifact must not break the office page: fall back, and say why in logs.
            log.warning("insights: cannot load %s: %s", path, exc)
            return None
        version = f"{path.parent.name}/{path.name}" if path.parent != model_root() else path.name
        _models[slot] = Loaded(obj=obj, metadata=meta, path=path, version=version)
        return _models[slot]


# -- no training: agencies by remit ---------------------------------------------------

# Cosine similarity at which a remit counts as a full match (as in routing.PRIOR_FULL_MATCH).
REMIT_FULL_MATCH = 0.35


@dataclass
class RankedAgency:
    key: str
    score: float
    terms: list[str]


class RemitRanker:
    """Agencies ranked by TF-IDF cosine between a text and each agency's remit."""

    def __init__(self, remits: dict[str, str]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self.keys = list(remits)
        self.vectorizer = TfidfVectorizer(
            analyzer=WordAnalyzer(default_segmenter(), ngram_range=(1, 1)), sublinear_tf=True
        )
        self.matrix = normalize(self.vectorizer.fit_transform(list(remits.values())))
        self.names = self.vectorizer.get_feature_names_out()

    def rank(self, text: str, k: int = 5) -> list[RankedAgency]:
        from sklearn.preprocessing import normalize

        if not self.keys:
            return []
        x = normalize(self.vectorizer.transform([text]))
        sims = (self.matrix @ x.T).toarray().ravel()
        out = []
        for i in np.argsort(-sims)[:k]:
            if sims[i] <= 0:
                break
            row = self.matrix[i]
            shared = np.intersect1d(row.indices, x.indices)
            weights = (
                np.asarray(row[:, shared].toarray()).ravel()
                * np.asarray(x[:, shared].toarray()).ravel()
            )
            terms = [str(self.names[j]) for j in shared[np.argsort(-weights)][:5]]
            out.append(
                RankedAgency(self.keys[i], float(min(1.0, sims[i] / REMIT_FULL_MATCH)), terms)
            )
        return out


_remit_rankers: dict[str, RemitRanker] = {}


def remit_ranker(remits: dict[str, str]) -> RemitRanker:
    digest = hashlib.sha256(repr(sorted(remits.items())).encode()).hexdigest()
    with _lock:
        if digest not in _remit_rankers:
            _remit_rankers.clear()
            _remit_rankers[digest] = RemitRanker(remits)
        return _remit_rankers[digest]


# -- no training: topics by keywords --------------------------------------------------

_taggers: dict[str, Any] = {}


def database_scheme(topics: Sequence[tuple[str, str, str]], body: str | None = None):
    """A topic scheme over the database's topics ``(key, name_zh, name_en)``.

    Each topic's seed keywords are its own names, the keywords of the scheme
    topics mapped onto it, and its extra keywords, all from the vocabulary map.
    """
    from .topics import Topic, TopicScheme, load_scheme
    from .vocabulary import vocabulary_map

    # The body's map, narrowed to these topics: no other body's keywords seed them.
    vocab = vocabulary_map(body, topics=[key for key, _zh, _en in topics])
    shipped = load_scheme()
    seeds: dict[str, list[str]] = {key: [zh, en] for key, zh, en in topics}
    for scheme_key, targets in vocab.scheme_topics.items():
        if scheme_key in shipped.topics:
            for target in targets:
                if target in seeds:
                    seeds[target] += shipped.topics[scheme_key].keywords
    for target, words in vocab.topic_keywords.items():
        if target in seeds:
            seeds[target] += list(words)
    return TopicScheme(
        name="database",
        version=1,
        topics={
            key: Topic(
                key=key,
                zh=zh,
                en=en,
                keywords=list(dict.fromkeys(w for w in seeds[key] if w and w.strip())),
            )
            for key, zh, en in topics
        },
    )


def keyword_tagger(topics: Sequence[tuple[str, str, str]], body: str | None = None):
    """A `KeywordTagger` over `database_scheme(topics, body)`, built once per set of
    topics and body."""
    from .topics import KeywordTagger
    from .vocabulary import vocabulary_map

    digest = hashlib.sha256(
        repr((sorted(topics), body, vocabulary_map().version)).encode()
    ).hexdigest()
    with _lock:
        if digest not in _taggers:
            if len(_taggers) > 8:  # a few bodies' taggers, not one per call
                _taggers.clear()
            _taggers[digest] = KeywordTagger(database_scheme(topics, body))
        return _taggers[digest]


# -- near-duplicate index -----------------------------------------------------------


class DuplicateIndex:
    """LSH over MinHash signatures of one body's proposals.

    Built once (all rows, in chunks); afterwards `refresh` re-signs only the
    rows changed since the last look (``updated_at``), kept in a small delta
    that is merged into the sorted arrays when it grows. Candidates are ranked
    by how many bands they share with the query (an estimate of Jaccard
    similarity); the caller verifies the few best on their actual text.
    """

    NUM_PERM = 128
    BANDS = 32
    MERGE_AT = 5000
    MAX_BUCKET = 5000

    def __init__(self, body_id: int):
        self.body_id = body_id
        self.ids = np.zeros(0, dtype=np.int64)
        self.sorted_keys: list[np.ndarray] = []
        self.sorted_rows: list[np.ndarray] = []
        self.stale = np.zeros(0, dtype=bool)
        self.row_of: dict[int, int] = {}
        self.delta: dict[int, np.ndarray] = {}  # id -> band keys
        self.delta_buckets: list[dict[int, set[int]]] = [{} for _ in range(self.BANDS)]
        self.seen_at = None
        self.built = False
        self.building = False

    def _keys(self, texts: Sequence[str]) -> np.ndarray:
        from .duplicates import _band_keys, minhash_signatures

        if not texts:
            return np.zeros((0, self.BANDS), dtype=np.uint64)
        # Small chunks: the signing buffers are what dominates peak memory.
        sig = minhash_signatures(list(texts), num_perm=self.NUM_PERM, chunk_size=4000)
        return _band_keys(sig, self.BANDS)

    def _rows(self, queryset):
        for row in queryset.values_list("id", "updated_at", *TEXT_FIELDS).iterator(chunk_size=5000):
            yield row[0], row[1], _row_text(*row[2:])

    def build(self) -> None:
        from lianghui.proposals.models import Proposal

        ids, texts, latest = [], [], None
        for pk, updated, text in self._rows(Proposal.objects.filter(session__body_id=self.body_id)):
            ids.append(pk)
            texts.append(text)
            latest = updated if latest is None or updated > latest else latest
        self.build_from(ids, texts, seen_at=latest)

    def build_from(self, ids: Sequence[int], texts: Sequence[str], *, seen_at=None) -> None:
        """Index these (id, text) rows; `refresh` later takes rows changed after ``seen_at``."""
        self._install(np.asarray(ids, dtype=np.int64), self._keys(texts))
        self.seen_at = seen_at
        self.built = True

    def _install(self, ids: np.ndarray, keys: np.ndarray) -> None:
        self.ids = ids
        self.row_of = {int(pk): i for i, pk in enumerate(ids)}
        self.stale = np.zeros(len(ids), dtype=bool)
        self.sorted_keys, self.sorted_rows = [], []
        for b in range(self.BANDS):
            order = np.argsort(keys[:, b], kind="stable").astype(np.int32)
            self.sorted_rows.append(order)
            self.sorted_keys.append(keys[order, b])
        self.delta = {}
        self.delta_buckets = [{} for _ in range(self.BANDS)]

    def refresh(self) -> None:
        """Take in rows created or changed since the last look (one query)."""
        from lianghui.proposals.models import Proposal

        if not self.built:
            self.build()
            return
        qs = Proposal.objects.filter(session__body_id=self.body_id)
        if self.seen_at is not None:
            qs = qs.filter(updated_at__gt=self.seen_at)
        changed = list(self._rows(qs))
        if not changed:
            return
        keys = self._keys([t for _pk, _u, t in changed])
        for (pk, updated, _t), k in zip(changed, keys, strict=True):
            self.seen_at = (
                updated if self.seen_at is None or updated > self.seen_at else self.seen_at
            )
            row = self.row_of.get(pk)
            if row is not None:
                self.stale[row] = True
            old = self.delta.get(pk)
            if old is not None:
                for b in range(self.BANDS):
                    self.delta_buckets[b].get(int(old[b]), set()).discard(pk)
            self.delta[pk] = k
            for b in range(self.BANDS):
                self.delta_buckets[b].setdefault(int(k[b]), set()).add(pk)
        if len(self.delta) >= self.MERGE_AT:
            self._merge()

    def _merge(self) -> None:
        keep = ~self.stale
        base_keys = np.zeros((len(self.ids), self.BANDS), dtype=np.uint64)
        for b in range(self.BANDS):
            base_keys[self.sorted_rows[b], b] = self.sorted_keys[b]
        ids = np.concatenate([self.ids[keep], np.fromiter(self.delta, dtype=np.int64)])
        keys = np.vstack([base_keys[keep], *(k[None, :] for k in self.delta.values())])
        self._install(ids, keys)

    def candidates(self, text: str, *, exclude: int | None = None, limit: int = 30):
        """Up to ``limit`` (proposal id, shared bands / BANDS), most bands first."""
        q = self._keys([text])[0]
        hits: dict[int, int] = {}
        for b in range(self.BANDS):
            keys = self.sorted_keys[b]
            lo = int(np.searchsorted(keys, q[b], side="left"))
            hi = int(np.searchsorted(keys, q[b], side="right"))
            if hi > lo:
                rows = self.sorted_rows[b][lo : min(hi, lo + self.MAX_BUCKET)]
                rows = rows[~self.stale[rows]]
                for pk in self.ids[rows].tolist():
                    hits[pk] = hits.get(pk, 0) + 1
            for pk in self.delta_buckets[b].get(int(q[b]), ()):
                hits[pk] = hits.get(pk, 0) + 1
        hits.pop(exclude, None)
        best = sorted(hits.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        return [(pk, n / self.BANDS) for pk, n in best]

    def memory_bytes(self) -> int:
        arrays = [self.ids, self.stale, *self.sorted_keys, *self.sorted_rows]
        return int(sum(a.nbytes for a in arrays))


_indexes: dict[tuple[str, int], DuplicateIndex] = {}
# A body with more proposals than this gets its index built in a background thread,
# so that no page view waits for it (seconds at 150,000 proposals); until it is ready
# the page says that the duplicate check is being prepared.
BACKGROUND_BUILD_ABOVE = 20_000


def _build_in_background(slot: tuple[str, int], index: DuplicateIndex) -> None:
    from django.db import connections

    try:
        index.build()
    except Exception:
        log.exception("insights: building the duplicate index of body %s failed", index.body_id)
        with _lock:
            _indexes.pop(slot, None)  # the next page view tries again
    finally:
        index.building = False
        connections.close_all()


def duplicate_index(body_id: int) -> DuplicateIndex | None:
    """The body's index, brought up to date (one query); None while it is first being
    built in the background."""
    from django.db import connection

    from lianghui.proposals.models import Proposal

    slot = (str(connection.settings_dict.get("NAME")), body_id)
    with _lock:
        index = _indexes.get(slot)
        if index is None:
            index = _indexes[slot] = DuplicateIndex(body_id)
            size = Proposal.objects.filter(session__body_id=body_id).count()
            if size > BACKGROUND_BUILD_ABOVE:
                index.building = True
                threading.Thread(
                    target=_build_in_background, args=(slot, index), daemon=True
                ).start()
                return None  # this view does not wait, however fast the build turns out
        if index.building:
            return None
        index.refresh()
        return index


def reset() -> None:
    """Forget every loaded model, ranker and index (tests; after a bulk import)."""
    with _lock:
        _models.clear()
        _remit_rankers.clear()
        _taggers.clear()
        _indexes.clear()
