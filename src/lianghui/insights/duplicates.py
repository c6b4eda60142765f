"""Near-duplicates: pair similarity with matching passages, and clustering at scale.

Pairs
    `similarity(a, b)` blends order-free overlap (character n-gram cosine) with
    order-aware overlap (word-bigram and character-trigram sequence agreement,
    longest common subsequence), so "A merged into B" and "B merged into A"
    are not taken as the same. `PairScorer` learns the blend from labelled
    pairs (logistic regression on the same features); `PairScorer.shipped()`
    is such a model fitted for paraphrase (same meaning, reworded), which is a
    different question from near-duplicate (one text, edited): `similarity`
    stays the better score for the latter. `matching_passages` shows what two
    texts share.

Clustering a whole session
    MinHash signatures over character 3-gram shingles, computed for all texts
    at once with numpy using one-permutation hashing with rotation
    densification (one hash per shingle, not one per shingle and permutation),
    then LSH banding: only texts sharing a band bucket become candidate pairs,
    which are verified by their signature agreement and joined into clusters
    (connected components). Cost is near-linear in the corpus; no all-pairs
    comparison is ever made.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .text import Segmenter, default_segmenter, normalize

__all__ = [
    "ClusterResult",
    "PAIR_MODEL_FILE",
    "PairScorer",
    "cluster",
    "matching_passages",
    "minhash_signatures",
    "pair_features",
    "similarity",
]

_STRIP = re.compile(r"[\s\W_]+", re.UNICODE)


def _squeeze(text: str) -> str:
    """Normalised text without spaces or punctuation: what shingles are made of."""
    return _STRIP.sub("", normalize(text))


# -- pair similarity --------------------------------------------------------


def _ngrams(s: Sequence, n: int) -> Counter:
    return Counter(tuple(s[i : i + n]) for i in range(len(s) - n + 1)) if len(s) >= n else Counter()


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def _dice(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    inter = sum((a & b).values())
    return 2 * inter / (sum(a.values()) + sum(b.values()))


def _order_agreement(wa: list[str], wb: list[str]) -> float:
    """Kendall-style agreement of the order of words that occur once in both texts."""
    ca, cb = Counter(wa), Counter(wb)
    common = [w for w in wa if ca[w] == 1 and cb.get(w) == 1]
    if len(common) < 2:
        return 1.0
    pos_b = {w: i for i, w in enumerate(wb)}
    seq = [pos_b[w] for w in common]
    n = len(seq)
    concordant = sum(1 for i in range(n) for j in range(i + 1, n) if seq[i] < seq[j])
    return concordant / (n * (n - 1) / 2)


def _discordant_pairs(wa: list[str], wb: list[str]) -> tuple[int, int]:
    """Pairs of shared words (first occurrences) that appear in opposite order."""
    pa: dict[str, int] = {}
    pb: dict[str, int] = {}
    for i, w in enumerate(wa):
        pa.setdefault(w, i)
    for i, w in enumerate(wb):
        pb.setdefault(w, i)
    seq = [pb[w] for w in sorted((w for w in pa if w in pb), key=pa.__getitem__)]
    n = len(seq)
    discordant = sum(1 for i in range(n) for j in range(i + 1, n) if seq[i] > seq[j])
    return discordant, n * (n - 1) // 2


FEATURE_NAMES = (
    "char_cosine_1_3",
    "char_dice_2",
    "word_dice",
    "word_bigram_dice",
    "char_trigram_dice",
    "lcs_ratio",
    "order_agreement",
    "length_ratio",
    # Order-sensitive features aimed at swaps ("A merged into B" vs "B merged into A"):
    "char_lcs_ratio",
    "char_4gram_dice",
    "char_5gram_dice",
    "unmatched_swap",  # the unmatched stretches of the two texts hold the same characters
    "unmatched_fraction",
    "matching_blocks_per_char",
    "discordant_word_pairs",  # fraction of common-word pairs in opposite order
    "discordant_word_pairs_log",
    # Order of what the texts share, with what they do not share left out: a
    # faithful rewording keeps it, a swap of roles or places breaks it.
    "word_lcs_of_shared",  # word LCS / words in common (multiset)
    "char_lcs_of_shared",
    "char_bigram_over_unigram",  # how much of the character overlap keeps its order
    "char_trigram_over_unigram",
    "word_bigram_over_unigram",
    "shared_words_bigram_dice",  # word sequences reduced to the shared words
    "shared_words_trigram_dice",
    "shared_chars_trigram_dice",
    "shared_chars_5gram_dice",
    "shared_chars_ratio",
    "max_shared_word_shift",  # largest move of a shared word, as a fraction of length
    # Facts that must match: numbers, Latin names, negation.
    "numbers_differ",
    "latin_tokens_jaccard_distance",
    "negation_count_differs",
)


_LATIN_OR_NUMBER = re.compile(r"[a-z]+|\d+(?:\.\d+)?")
_NEGATIONS = frozenset(
    {"不", "没", "没有", "未", "非", "无", "别", "勿", "否", "not", "no", "never"}
)


def _lcs_of_shared(a: Sequence, b: Sequence) -> float:
    """Longest common subsequence over the size of the multiset intersection (1 = same order)."""
    inter = sum((Counter(a) & Counter(b)).values())
    if not inter:
        return 1.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(m.size for m in sm.get_matching_blocks()) / inter


def _max_shift(wa: list[str], wb: list[str]) -> float:
    ca, cb = Counter(wa), Counter(wb)
    once = [w for w in wa if ca[w] == 1 and cb.get(w) == 1]
    if len(once) < 2:
        return 0.0
    pa = {w: i / len(wa) for i, w in enumerate(wa)}
    pb = {w: i / len(wb) for i, w in enumerate(wb)}
    return max(abs(pa[w] - pb[w]) for w in once)


def _order_features(sa: str, sb: str, wa: list[str], wb: list[str], na: str, nb: str) -> list:
    c1 = _dice(_ngrams(sa, 1), _ngrams(sb, 1)) or 1e-9
    w1 = _dice(Counter(wa), Counter(wb)) or 1e-9
    shared_w = set(wa) & set(wb)
    fa = [w for w in wa if w in shared_w]
    fb = [w for w in wb if w in shared_w]
    shared_c = set(sa) & set(sb)
    ga = "".join(c for c in sa if c in shared_c)
    gb = "".join(c for c in sb if c in shared_c)
    la, lb = _LATIN_OR_NUMBER.findall(na), _LATIN_OR_NUMBER.findall(nb)
    nums_a = {t for t in la if t[0].isdigit()}
    nums_b = {t for t in lb if t[0].isdigit()}
    set_a, set_b = set(la), set(lb)
    neg_a = sum(1 for w in wa if w in _NEGATIONS)
    neg_b = sum(1 for w in wb if w in _NEGATIONS)
    return [
        _lcs_of_shared(wa, wb),
        _lcs_of_shared(sa, sb),
        _dice(_ngrams(sa, 2), _ngrams(sb, 2)) / c1,
        _dice(_ngrams(sa, 3), _ngrams(sb, 3)) / c1,
        _dice(_ngrams(wa, 2), _ngrams(wb, 2)) / w1,
        _dice(_ngrams(fa, 2), _ngrams(fb, 2)),
        _dice(_ngrams(fa, 3), _ngrams(fb, 3)),
        _dice(_ngrams(ga, 3), _ngrams(gb, 3)),
        _dice(_ngrams(ga, 5), _ngrams(gb, 5)),
        difflib.SequenceMatcher(None, ga, gb, autojunk=False).ratio(),
        _max_shift(wa, wb),
        float(nums_a != nums_b),
        len(set_a ^ set_b) / (len(set_a | set_b) or 1),
        float(neg_a != neg_b),
    ]


def pair_features(a: str, b: str, segmenter: Segmenter | None = None) -> np.ndarray:
    """Order-free and order-aware overlap features of two texts (see FEATURE_NAMES)."""
    seg = segmenter or default_segmenter()
    sa, sb = _squeeze(a), _squeeze(b)
    grams_a = _ngrams(sa, 1) + _ngrams(sa, 2) + _ngrams(sa, 3)
    grams_b = _ngrams(sb, 1) + _ngrams(sb, 2) + _ngrams(sb, 3)
    wa = [w for w in seg.cut(a) if w.strip() and _STRIP.sub("", w)]
    wb = [w for w in seg.cut(b) if w.strip() and _STRIP.sub("", w)]
    lcs = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    longest = max(len(sa), len(sb)) or 1
    char_sm = difflib.SequenceMatcher(None, sa, sb, autojunk=False)
    left: Counter = Counter()
    right: Counter = Counter()
    for tag, i1, i2, j1, j2 in char_sm.get_opcodes():
        if tag != "equal":
            left.update(sa[i1:i2])
            right.update(sb[j1:j2])
    unmatched = sum(left.values()) + sum(right.values())
    swap = 2 * sum((left & right).values()) / unmatched if unmatched else 0.0
    blocks = sum(1 for m in char_sm.get_matching_blocks() if m.size)
    discordant, total = _discordant_pairs(wa, wb)
    return np.array(
        [
            _cosine(grams_a, grams_b),
            _dice(_ngrams(sa, 2), _ngrams(sb, 2)),
            _dice(Counter(wa), Counter(wb)),
            _dice(_ngrams(wa, 2), _ngrams(wb, 2)),
            _dice(_ngrams(sa, 3), _ngrams(sb, 3)),
            lcs.ratio(),
            _order_agreement(wa, wb),
            min(len(sa), len(sb)) / longest,
            char_sm.ratio(),
            _dice(_ngrams(sa, 4), _ngrams(sb, 4)),
            _dice(_ngrams(sa, 5), _ngrams(sb, 5)),
            swap,
            unmatched / (len(sa) + len(sb) or 1),
            blocks / (min(len(sa), len(sb)) + 1),
            discordant / total if total else 0.0,
            math.log1p(discordant),
            *_order_features(sa, sb, wa, wb, normalize(a), normalize(b)),
        ],
        dtype=np.float64,
    )


# Default blend: order-free overlap, tempered by order-aware agreement. Chosen
# by hand from what the features mean, not fitted to any evaluation set.
_DEFAULT_WEIGHTS = np.zeros(len(FEATURE_NAMES))
_DEFAULT_WEIGHTS[[0, 3, 4, 5]] = [0.35, 0.25, 0.15, 0.25]


def similarity(a: str, b: str, segmenter: Segmenter | None = None) -> float:
    """Near-duplicate similarity in [0, 1]; 1 for texts equal after normalisation."""
    if _squeeze(a) == _squeeze(b):
        return 1.0
    f = pair_features(a, b, segmenter)
    s = float(_DEFAULT_WEIGHTS @ f)
    # Words in a different order lower the score (entity swaps are not paraphrases).
    return s * (0.75 + 0.25 * f[6])


@dataclass
class Passage:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text: str


def matching_passages(a: str, b: str, min_chars: int = 6) -> list[Passage]:
    """Runs of text two documents share (on normalised text), longest first."""
    na, nb = normalize(a), normalize(b)
    sm = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    out = []
    for m in sm.get_matching_blocks():
        start, end = m.a, m.a + m.size
        # Trim punctuation and spaces at the edges of a shared run.
        while start < end and not _STRIP.sub("", na[start]):
            start += 1
        while end > start and not _STRIP.sub("", na[end - 1]):
            end -= 1
        if end - start >= min_chars:
            shift = start - m.a
            out.append(Passage(start, end, m.b + shift, m.b + shift + end - start, na[start:end]))
    return sorted(out, key=lambda p: -(p.a_end - p.a_start))


PAIR_MODEL_FILE = "pair_model.json"


class PairScorer:
    """Logistic regression over `pair_features`, trained on labelled pairs.

    The fitted model is kept as plain arrays (feature means and scales,
    coefficients, intercept) so that it can be written to and read from JSON:
    `PairScorer.shipped()` loads the one in ``data/pair_model.json``, fitted on
    public labelled paraphrase pairs (see its ``trained_on``). An unfitted
    scorer falls back to the hand-set `similarity` blend.
    """

    def __init__(self, segmenter: Segmenter | None = None, C: float = 1.0) -> None:
        self.segmenter = segmenter or default_segmenter()
        self.C = C
        self.model = None
        self.info: dict = {}

    def features(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        F = np.array([pair_features(a, b, self.segmenter) for a, b in pairs])
        F = F.reshape(len(pairs), len(FEATURE_NAMES))
        # Products let the linear model see "overlap high but order changed".
        inter = F[:, [0]] * F[:, [6]], F[:, [3]] * F[:, [5]], F[:, [0]] * F[:, [11]]
        return np.hstack([F, *inter])

    def fit(self, pairs: Sequence[tuple[str, str]], labels: Sequence[int]) -> PairScorer:
        return self.fit_features(self.features(pairs), labels)

    def fit_features(self, F: np.ndarray, labels: Sequence[int]) -> PairScorer:
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(labels, dtype=int)
        mean = F.mean(axis=0)
        scale = F.std(axis=0)
        scale[scale == 0] = 1.0
        lr = LogisticRegression(C=self.C, max_iter=2000).fit((F - mean) / scale, y)
        self.model = {
            "mean": mean,
            "scale": scale,
            "coef": lr.coef_[0].astype(np.float64),
            "intercept": float(lr.intercept_[0]),
        }
        return self

    def score(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if self.model is None:
            return np.array([similarity(a, b, self.segmenter) for a, b in pairs])
        return self.score_features(self.features(pairs))

    def score_features(self, F: np.ndarray) -> np.ndarray:
        m = self.model
        if not isinstance(m, dict):  # a scikit-learn pipeline pickled by an older version
            return m.predict_proba(F)[:, 1]
        if F.shape[1] != len(m["coef"]):
            raise ValueError(
                f"pair model expects {len(m['coef'])} features, got {F.shape[1]}: "
                "it was fitted by another version; fit it again"
            )
        z = ((F - m["mean"]) / m["scale"]) @ m["coef"] + m["intercept"]
        return 1.0 / (1.0 + np.exp(-z))

    # -- JSON -------------------------------------------------------------
    def to_dict(self) -> dict:
        if not isinstance(self.model, dict):
            raise ValueError("only a fitted scorer can be saved")
        return {
            "format": 1,
            "features": [*FEATURE_NAMES, "x0*x6", "x3*x5", "x0*x11"],
            "C": self.C,
            **{k: np.asarray(v).tolist() for k, v in self.model.items() if k != "intercept"},
            "intercept": self.model["intercept"],
            **self.info,
        }

    @classmethod
    def from_dict(cls, d: dict, segmenter: Segmenter | None = None) -> PairScorer:
        scorer = cls(segmenter, C=float(d.get("C", 1.0)))
        expected = len(FEATURE_NAMES) + 3
        if len(d["coef"]) != expected:
            raise ValueError(f"pair model has {len(d['coef'])} weights, expected {expected}")
        scorer.model = {
            "mean": np.asarray(d["mean"], dtype=np.float64),
            "scale": np.asarray(d["scale"], dtype=np.float64),
            "coef": np.asarray(d["coef"], dtype=np.float64),
            "intercept": float(d["intercept"]),
        }
        known = {"format", "features", "C", "mean", "scale", "coef", "intercept"}
        scorer.info = {k: v for k, v in d.items() if k not in known}
        return scorer

    @classmethod
    def fit_tuned(
        cls,
        F: np.ndarray,
        labels: Sequence[int],
        *,
        Cs: Sequence[float] = (0.03, 0.1, 0.3, 1.0, 3.0),
        folds: int = 5,
        seed: int = 0,
        segmenter: Segmenter | None = None,
    ) -> tuple[PairScorer, dict]:
        """Choose C by stratified K-fold ROC-AUC on these pairs only, then fit on all of them."""
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import StratifiedKFold

        y = np.asarray(labels, dtype=int)
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(F, y))
        cv = {}
        for C in Cs:
            aucs = []
            for tr, te in splits:
                inner = cls(segmenter, C=C).fit_features(F[tr], y[tr])
                aucs.append(roc_auc_score(y[te], inner.score_features(F[te])))
            cv[C] = float(np.mean(aucs))
        best = max(Cs, key=lambda c: cv[c])
        scorer = cls(segmenter, C=best).fit_features(F, y)
        report = {
            "n_pairs": len(y),
            "C": best,
            "cv_auc": {str(c): round(a, 4) for c, a in cv.items()},
            "scheme": f"C chosen by {folds}-fold stratified CV ROC-AUC on the training pairs",
        }
        return scorer, report

    @classmethod
    def shipped(cls, segmenter: Segmenter | None = None) -> PairScorer:
        """The pair model that comes with the package (``data/pair_model.json``)."""
        import json

        from .text import _data_path

        path = _data_path(PAIR_MODEL_FILE)
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")), segmenter)


# -- MinHash LSH clustering -------------------------------------------------

_MAX = np.uint32(0xFFFFFFFF)
_P1, _P2, _P3 = (
    np.uint64(0x9E3779B97F4A7C15),
    np.uint64(0xC2B2AE3D27D4EB4F),
    np.uint64(0x165667B19E3779F9),
)
_MIX = np.uint64(0xFF51AFD7ED558CCD)


def _shingle_hashes(chunk: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every character k-gram, and the document index of each."""
    squeezed = [_squeeze(t) for t in chunk]
    # Texts shorter than k still get one shingle (themselves, padded).
    squeezed = [s if len(s) >= k else s.ljust(k, "\0") for s in squeezed]
    lengths = np.fromiter((len(s) for s in squeezed), dtype=np.int64, count=len(squeezed))
    codes = np.frombuffer("".join(squeezed).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    n_sh = lengths - (k - 1)
    # Positions i where a k-gram starts inside its own document.
    doc = np.repeat(np.arange(len(chunk)), n_sh)
    pos = np.arange(int(n_sh.sum())) - np.repeat(np.cumsum(n_sh) - n_sh, n_sh) + starts[doc]
    with np.errstate(over="ignore"):
        h = codes[pos] * _P1
        for j, p in zip(range(1, k), (_P2, _P3, _P1 ^ _P2, _P2 ^ _P3), strict=False):
            h = h ^ ((codes[pos + j] + np.uint64(j)) * p)
        h ^= h >> np.uint64(31)
        h *= _MIX
        h ^= h >> np.uint64(29)
    return h, doc


def minhash_signatures(
    texts: Sequence[str], *, num_perm: int = 128, k: int = 3, chunk_size: int = 20000, seed: int = 1
) -> np.ndarray:
    """MinHash signatures, shape (len(texts), num_perm), uint32.

    One-permutation hashing: a shingle's 64-bit hash picks a bin (its top bits)
    and competes for that bin's minimum with its low 32 bits; empty bins are
    filled from the next non-empty bin to the right (rotation densification),
    so short texts stay comparable. num_perm must be a power of two.
    """
    if num_perm & (num_perm - 1):
        raise ValueError("num_perm must be a power of two")
    bits = num_perm.bit_length() - 1
    salt = np.uint64((seed * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    for start in range(0, len(texts), chunk_size):
        chunk = list(texts[start : start + chunk_size])
        h, doc = _shingle_hashes(chunk, k)
        h ^= salt
        bins = (h >> np.uint64(64 - bits)).astype(np.int64) if bits else np.zeros(len(h), np.int64)
        vals = (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        sig = np.full(len(chunk) * num_perm, _MAX, dtype=np.uint32)
        np.minimum.at(sig, doc * num_perm + bins, vals)
        sig = sig.reshape(len(chunk), num_perm)
        out[start : start + len(chunk)] = _densify(sig)
    return out


def _densify(sig: np.ndarray) -> np.ndarray:
    empty = sig == _MAX
    if not empty.any():
        return sig
    n, m = sig.shape
    idx = np.where(empty, np.iinfo(np.int64).max, np.arange(m)[None, :])
    doubled = np.concatenate([idx, idx + m], axis=1)
    doubled[doubled < 0] = np.iinfo(np.int64).max
    # Next non-empty position at or after j (circularly).
    nxt = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :m]
    has_any = ~empty.all(axis=1)
    rows = np.arange(n)[:, None]
    src = np.where(has_any[:, None], nxt % m, 0)
    dist = np.where(has_any[:, None], nxt - np.arange(m)[None, :], 0).astype(np.uint32)
    filled = sig[rows, src]
    with np.errstate(over="ignore"):
        filled = np.where(empty, filled + dist * np.uint32(0x9E3779B1), sig)
    return filled.astype(np.uint32)


@dataclass
class ClusterResult:
    labels: np.ndarray  # cluster id per text; -1 for texts with no near-duplicate
    clusters: list[list[int]]  # members of each cluster (size >= 2), largest first
    pairs: np.ndarray  # verified pairs (i, j), i < j
    pair_similarity: np.ndarray  # estimated Jaccard similarity of each verified pair
    stats: dict = field(default_factory=dict)


def _band_keys(sig: np.ndarray, bands: int) -> np.ndarray:
    n, m = sig.shape
    rows = m // bands
    s = sig[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    key = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ s[:, :, r]) * np.uint64(0x100000001B3)
            key ^= key >> np.uint64(27)
    return key


def cluster(
    texts: Sequence[str],
    *,
    threshold: float = 0.5,
    num_perm: int = 128,
    bands: int = 32,
    k: int = 3,
    max_bucket: int = 2000,
    progress: Callable[[str], None] | None = None,
) -> ClusterResult:
    """Group near-duplicate texts into merge candidates at near-linear cost.

    ``threshold`` is the estimated Jaccard similarity (of character 3-gram
    sets) a candidate pair must reach. With 32 bands of 4 rows a pair at
    Jaccard 0.5 is a candidate with probability 0.87, at 0.7 with 0.9999.
    Buckets larger than ``max_bucket`` (boilerplate) are linked as a chain
    rather than a star so that candidates stay linear in the bucket size.
    """
    say = progress or (lambda _m: None)
    n = len(texts)
    say(f"minhash signatures for {n} texts")
    sig = minhash_signatures(texts, num_perm=num_perm, k=k)
    say("lsh banding")
    keys = _band_keys(sig, bands)
    cand_i: list[np.ndarray] = []
    cand_j: list[np.ndarray] = []
    for b in range(bands):
        col = keys[:, b]
        order = np.argsort(col, kind="stable")
        sk = col[order]
        same = sk[1:] == sk[:-1]
        if not same.any():
            continue
        # Start index (in sorted order) of each run of equal keys.
        run_start = np.concatenate([[0], np.flatnonzero(~same) + 1])
        run_id = np.cumsum(np.concatenate([[False], ~same]))
        first = order[run_start[run_id]]
        run_len = np.diff(np.concatenate([run_start, [n]]))[run_id]
        prev = np.concatenate([[-1], order[:-1]])
        # Star to the first member of the bucket, plus a chain to the previous one.
        pos_sorted = np.flatnonzero(np.concatenate([[False], same]))
        i_star, j_star = first[pos_sorted], order[pos_sorted]
        small = run_len[pos_sorted] <= max_bucket
        i_chain, j_chain = prev[pos_sorted], order[pos_sorted]
        cand_i += [i_star[small], i_chain]
        cand_j += [j_star[small], j_chain]
    if cand_i:
        ci = np.concatenate(cand_i)
        cj = np.concatenate(cand_j)
        lo, hi = np.minimum(ci, cj), np.maximum(ci, cj)
        keep = lo != hi
        packed = np.unique(lo[keep].astype(np.int64) * n + hi[keep])
        lo, hi = packed // n, packed % n
    else:
        lo = hi = np.zeros(0, dtype=np.int64)
    n_candidates = len(lo)
    say(f"verifying {n_candidates} candidate pairs")
    sims = np.empty(n_candidates, dtype=np.float32)
    step = 200_000
    for s in range(0, n_candidates, step):
        a, b = lo[s : s + step], hi[s : s + step]
        sims[s : s + step] = (sig[a] == sig[b]).mean(axis=1)
    ok = sims >= threshold
    lo, hi, sims = lo[ok], hi[ok], sims[ok]
    graph = sp.coo_matrix((np.ones(len(lo), dtype=np.int8), (lo, hi)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    sizes = np.bincount(comp)
    labels = np.where(sizes[comp] >= 2, comp, -1)
    groups: dict[int, list[int]] = {}
    for i in np.flatnonzero(labels >= 0):
        groups.setdefault(int(labels[i]), []).append(int(i))
    clusters = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    relabel = np.full(n, -1, dtype=np.int64)
    for cid, members in enumerate(clusters):
        relabel[members] = cid
    return ClusterResult(
        labels=relabel,
        clusters=clusters,
        pairs=np.column_stack([lo, hi]) if len(lo) else np.zeros((0, 2), dtype=np.int64),
        pair_similarity=sims,
        stats={
            "n_texts": n,
            "candidate_pairs": int(n_candidates),
            "verified_pairs": int(len(lo)),
            "all_pairs": n * (n - 1) // 2,
            "clusters": len(clusters),
            "num_perm": num_perm,
            "bands": bands,
            "threshold": threshold,
        },
    )
