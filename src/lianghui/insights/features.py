"""Character n-gram TF-IDF computed with numpy, for routing at thousands of texts a second.

Equivalent in spirit to scikit-learn's ``TfidfVectorizer(analyzer=CharAnalyzer)``
(sublinear tf, smooth idf, L2 rows, grams unseen in training ignored), but the
n-grams of a whole batch are hashed at once with numpy instead of being built
as Python strings and looked up one by one. Hashes are 64-bit, so collisions
between distinct grams are negligible; columns are the hashes seen in training.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize as l2_normalize

from .text import normalize

__all__ = ["HashedCharTfidf"]

_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)
_SPACE = np.uint64(32)
_PRIMES = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
    np.uint64(0x27D4EB2F165667C5),
    np.uint64(0x85EBCA77C2B2AE63),
)
_MIX = np.uint64(0xFF51AFD7ED558CCD)


def _prepare(text: str, t2s: bool) -> str:
    return _PUNCT_OR_SPACE.sub(" ", normalize(text, t2s=t2s)).strip()


def _gram_hashes(prepared: Sequence[str], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """(document index, 64-bit hash) of every character n-gram, lo <= n <= hi.

    A gram may contain a space inside but neither starts nor ends with one.
    """
    lengths = np.fromiter((len(s) for s in prepared), dtype=np.int64, count=len(prepared))
    if not lengths.sum():
        return np.zeros(0, np.int64), np.zeros(0, np.uint64)
    codes = np.frombuffer("".join(prepared).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    doc_of = np.repeat(np.arange(len(prepared)), lengths)
    end_of = ends[doc_of]
    pos = np.arange(len(codes))
    docs, hashes = [], []
    with np.errstate(over="ignore"):
        for n in range(lo, hi + 1):
            ok = (pos + n <= end_of) & (codes != _SPACE)
            i = pos[ok]
            last = codes[i + n - 1]
            keep = last != _SPACE
            i = i[keep]
            h = np.uint64(n) * _PRIMES[4]
            for j in range(n):
                h = (h ^ codes[i + j]) * _PRIMES[j % 4]
            h ^= h >> np.uint64(29)
            h *= _MIX
            h ^= h >> np.uint64(32)
            docs.append(doc_of[i])
            hashes.append(h)
    return np.concatenate(docs), np.concatenate(hashes)


class HashedCharTfidf:
    def __init__(
        self, ngram_range: tuple[int, int] = (1, 3), t2s: bool = False, normalized_input=False
    ) -> None:
        self.ngram_range = ngram_range
        self.t2s = t2s
        # True when the caller passes texts already through `normalize`.
        self.normalized_input = normalized_input

    def _counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        if self.normalized_input:
            prepared = [_PUNCT_OR_SPACE.sub(" ", t).strip() for t in texts]
        else:
            prepared = [_prepare(t, self.t2s) for t in texts]
        return _gram_hashes(prepared, *self.ngram_range)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = list(texts)
        docs, hashes = self._counts(texts)
        self.hashes_, inverse = np.unique(hashes, return_inverse=True)
        # Document frequency: distinct (document, column) pairs per column.
        pairs = np.unique(docs * np.int64(len(self.hashes_)) + inverse)
        df = np.bincount(pairs % len(self.hashes_), minlength=len(self.hashes_))
        n = len(texts)
        self.idf_ = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
        return self._matrix(docs, inverse, n)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = list(texts)
        docs, hashes = self._counts(texts)
        col = np.searchsorted(self.hashes_, hashes)
        col = np.minimum(col, len(self.hashes_) - 1)
        seen = self.hashes_[col] == hashes
        return self._matrix(docs[seen], col[seen], len(texts))

    def _matrix(self, docs: np.ndarray, cols: np.ndarray, n_docs: int) -> sp.csr_matrix:
        X = sp.csr_matrix(
            (np.ones(len(docs), dtype=np.float32), (docs, cols)),
            shape=(n_docs, len(self.hashes_)),
        )
        X.sum_duplicates()
        X.data = (1 + np.log(X.data)) * self.idf_[X.indices]
        return l2_normalize(X).astype(np.float32)

    @property
    def n_features(self) -> int:
        return len(self.hashes_)

    def names_in(self, text: str) -> dict[int, str]:
        """Column → n-gram for the grams of one text (hashes are not reversible)."""
        prepared = _prepare(text, self.t2s)
        lo, hi = self.ngram_range
        grams = [
            prepared[i : i + n]
            for n in range(lo, hi + 1)
            for i in range(len(prepared) - n + 1)
            if prepared[i] != " " and prepared[i + n - 1] != " "
        ]
        _, hashes = _gram_hashes([prepared], lo, hi)
        col = np.minimum(np.searchsorted(self.hashes_, hashes), len(self.hashes_) - 1)
        return {
            int(c): g for c, h, g in zip(col, hashes, grams, strict=True) if self.hashes_[c] == h
        }
