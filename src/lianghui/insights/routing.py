"""Routing: which agencies should handle a proposal, ranked, each with its reasons.

Two sources of evidence are combined:

* history — a `TextClassifier` trained on past proposals labelled with the
  agency that handled them, plus the most similar past proposals of each
  suggested agency as examples;
* prior knowledge — each agency's responsibilities text (its remit). It is
  split into clauses that join the training rows as pseudo-examples, and its
  cosine similarity to the proposal is blended into the score, so an agency
  with no history at all can still be suggested.

``score = (1 - prior_weight) * p(agency | text) + prior_weight * prior(agency)``,
where ``p`` is the calibrated classifier probability and ``prior`` the cosine
similarity to the responsibilities text, scaled to [0, 1].

Each `Suggestion` names the terms that drove it (classifier contributions and
terms shared with the responsibilities) and the similar past examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize as l2_normalize

from .classifier import ClassifierConfig, TextClassifier, ranking_metrics
from .text import Segmenter, default_segmenter

__all__ = ["Router", "Suggestion", "split_clauses"]

_CLAUSE = re.compile(r"[。；;！!？?\n]+|[，,、]\s*(?=负责|承担|拟订|组织|指导|监督|管理)")
# Cosine similarity at which the prior counts as a full match.
PRIOR_FULL_MATCH = 0.35
# Similar past examples are looked for among a text's this-many nearest past proposals.
EXAMPLE_POOL = 64


def split_clauses(text: str, min_chars: int = 4) -> list[str]:
    """Clauses of a responsibilities text (Chinese or English sentences)."""
    parts = [p.strip() for p in _CLAUSE.split(text or "")]
    return [p for p in parts if len(p) >= min_chars]


@dataclass
class Example:
    text: str
    similarity: float


@dataclass
class Suggestion:
    agency: str
    score: float
    classifier: float
    prior: float
    terms: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    has_history: bool = True

    @property
    def reason(self) -> str:
        bits = []
        if self.terms:
            bits.append("terms: " + ", ".join(self.terms))
        if self.examples:
            ex = self.examples[0]
            bits.append(f"similar past example ({ex.similarity:.2f}): {ex.text[:60]}")
        if self.prior > 0:
            bits.append(f"matches its responsibilities ({self.prior:.2f})")
        if not self.has_history:
            bits.append("no past assignments: suggested from its responsibilities")
        return "; ".join(bits)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["reason"] = self.reason
        for key in ("score", "classifier", "prior"):
            d[key] = round(d[key], 4)
        for ex in d["examples"]:
            ex["similarity"] = round(ex["similarity"], 4)
        return d


class Router:
    """Ranked agency suggestions with reasons; trains offline, scores read-only."""

    def __init__(
        self,
        config: ClassifierConfig | None = None,
        *,
        segmenter: Segmenter | None = None,
        prior_weight: float = 0.25,
        pseudo_example_weight: int = 1,
        n_examples: int = 2,
        n_terms: int = 5,
    ) -> None:
        self.segmenter = segmenter or default_segmenter()
        self.classifier = TextClassifier(config, self.segmenter)
        self.prior_weight = prior_weight
        self.pseudo_example_weight = pseudo_example_weight
        self.n_examples = n_examples
        self.n_terms = n_terms
        self.responsibilities: dict[str, str] = {}

    # -- training ---------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        responsibilities: Mapping[str, str] | None = None,
        extra_texts: Sequence[str] | None = None,
        tune: bool = False,
        calibrate: bool = True,
        progress: Callable[[str], None] | None = None,
        seed: int = 0,
    ) -> Router:
        """Train from past (text, agency) rows.

        ``extra_texts`` (aligned with ``texts``, may hold empty strings) are
        further training rows for the same agency, such as the agency's reply to
        that proposal; they are not offered as similar examples.
        """
        texts = [str(t) for t in texts]
        labels = [str(y) for y in labels]
        extra_rows = [(str(e), y) for e, y in zip(extra_texts or [], labels, strict=False) if e]
        self.responsibilities = {k: v for k, v in (responsibilities or {}).items() if v.strip()}
        pseudo_texts: list[str] = []
        pseudo_labels: list[str] = []
        for agency, remit in self.responsibilities.items():
            clauses = split_clauses(remit) or [remit]
            for clause in [remit, *clauses]:
                pseudo_texts += [clause] * self.pseudo_example_weight
                pseudo_labels += [agency] * self.pseudo_example_weight
        self.classifier.fit(
            texts + pseudo_texts + [e for e, _ in extra_rows],
            labels + pseudo_labels + [y for _, y in extra_rows],
            tune=tune,
            calibrate=calibrate,
            progress=progress,
            seed=seed,
        )
        clf = self.classifier
        self.agencies = [str(a) for a in clf.classes_]
        self.history_counts = {a: 0 for a in self.agencies}
        for y in labels:
            self.history_counts[y] = self.history_counts.get(y, 0) + 1
        # Past examples, as word vectors (sparser and more readable than char n-grams).
        self.example_texts = np.array(texts, dtype=object)
        self.example_labels = np.array(labels, dtype=object)
        Xw = clf.vectorizer.transform_words(texts) if texts else sp.csr_matrix((0, 0))
        self.example_vectors = l2_normalize(Xw).astype(np.float32).tocsr()
        agency_index = {a: i for i, a in enumerate(self.agencies)}
        self.example_codes = np.array([agency_index[y] for y in labels], dtype=np.int64)
        # Responsibilities as vectors in the classifier's space, one row per agency.
        index = {a: i for i, a in enumerate(self.agencies)}
        rows, cols, vals = [], [], []
        if self.responsibilities:
            R = clf.transform(list(self.responsibilities.values()))
            R = l2_normalize(R).tocoo()
            names = list(self.responsibilities)
            rows = [index[names[r]] for r in R.row]
            cols, vals = list(R.col), list(R.data)
        n_features = clf.model.coef_.shape[1]
        self.prior_matrix = sp.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)),
            shape=(len(self.agencies), n_features),
        )
        self.has_prior = np.array([a in self.responsibilities for a in self.agencies])
        return self

    # -- scoring ----------------------------------------------------------
    def _scores(self, X: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        p = self.classifier.predict_proba(X)
        if self.prior_matrix.nnz:
            sim = (X @ self.prior_matrix.T).toarray()
            prior = np.clip(sim / PRIOR_FULL_MATCH, 0.0, 1.0)
            w = self.prior_weight
            score = np.where(self.has_prior, (1 - w) * p + w * prior, (1 - w) * p)
        else:
            prior = np.zeros_like(p)
            score = p
        return score, p, prior

    def rank(self, texts: Sequence[str], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
        """Top-k agencies and scores for many texts, without reasons (fast path)."""
        X = self.classifier.transform(list(texts))
        score, _, _ = self._scores(X)
        order = np.argsort(-score, axis=1)[:, :k]
        return np.asarray(self.agencies, dtype=object)[order], np.take_along_axis(score, order, 1)

    def route(self, text: str, k: int = 3) -> list[Suggestion]:
        return self.route_many([text], k=k)[0]

    def route_many(
        self, texts: Sequence[str], k: int = 3, *, batch_size: int = 512
    ) -> list[list[Suggestion]]:
        out: list[list[Suggestion]] = []
        texts = list(texts)
        for start in range(0, len(texts), batch_size):
            out += self._route_batch(texts[start : start + batch_size], k)
        return out

    def _route_batch(self, texts: list[str], k: int) -> list[list[Suggestion]]:
        clf = self.classifier
        X = clf.transform(texts)
        score, p, prior = self._scores(X)
        order = np.argsort(-score, axis=1)[:, :k]
        n_words = clf.vectorizer.n_words
        Xw = l2_normalize(X[:, :n_words]).astype(np.float32)
        sims = (Xw @ self.example_vectors.T).toarray() if self.example_vectors.shape[0] else None
        # Examples come from each text's most similar past proposals.
        pool = None
        if sims is not None and self.n_examples:
            m = min(EXAMPLE_POOL, sims.shape[1])
            pool = np.argpartition(-sims, m - 1, axis=1)[:, :m] if m < sims.shape[1] else None
            if pool is None:
                pool = np.tile(np.arange(sims.shape[1]), (len(texts), 1))
        names = clf.vectorizer.feature_names()
        results = []
        indptr, indices, data = X.indptr, X.indices, X.data
        for r, top in enumerate(order):
            x = (indices[indptr[r] : indptr[r + 1]], data[indptr[r] : indptr[r + 1]])
            sim_row = sims[r] if sims is not None else None
            cand = pool[r] if pool is not None else None
            suggestions = []
            all_terms = clf.explain_classes(x, top, self.n_terms, texts[r])
            for c, terms in zip(top, all_terms, strict=True):
                agency = str(self.agencies[c])
                if prior[r, c] > 0 and len(terms) < self.n_terms:
                    terms += [t for t in self._shared_terms(x, c, names, n_words) if t not in terms]
                suggestions.append(
                    Suggestion(
                        agency=agency,
                        score=float(score[r, c]),
                        classifier=float(p[r, c]),
                        prior=float(prior[r, c]),
                        terms=terms[: self.n_terms],
                        examples=self._examples(sim_row, cand, c),
                        has_history=self.history_counts.get(agency, 0) > 0,
                    )
                )
            results.append(suggestions)
        return results

    def _shared_terms(self, x, c: int, names, n_words: int) -> list[str]:
        idx, val = x
        pm = self.prior_matrix
        prior_cols = pm.indices[pm.indptr[c] : pm.indptr[c + 1]]
        mask = (idx < n_words) & np.isin(idx, prior_cols)
        if not mask.any():
            return []
        cols, weights = idx[mask], val[mask]
        return [str(names[j]) for j in cols[np.argsort(-weights)][:3]]

    def _examples(self, sim_row, cand, c: int) -> list[Example]:
        if cand is None:
            return []
        mine = cand[self.example_codes[cand] == c]
        if not len(mine):
            return []
        s = sim_row[mine]
        best = np.argsort(-s)[: self.n_examples]
        return [
            Example(text=str(self.example_texts[mine[j]]), similarity=float(s[j]))
            for j in best
            if s[j] > 0
        ]

    def evaluate(self, texts: Sequence[str], labels: Sequence[str]) -> dict:
        X = self.classifier.transform(list(texts))
        score, _, _ = self._scores(X)
        return ranking_metrics(np.asarray(self.agencies), score, list(labels))

    def describe(self) -> dict:
        return {
            "classifier": self.classifier.describe(),
            "prior_weight": self.prior_weight,
            "n_agencies": len(self.agencies),
            "n_with_responsibilities": int(self.has_prior.sum()),
            "n_without_history": sum(1 for v in self.history_counts.values() if v == 0),
        }
