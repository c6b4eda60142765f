"""A single-label text classifier with ranked, explained, calibrated output.

TF-IDF of words and word bigrams (rjieba with the domain dictionary) side by
side with TF-IDF of character 1–3-grams, a linear SVM (one-vs-rest), and a
softmax temperature fitted on held-out decision values so that scores read as
probabilities. Optional tuning of C and class weighting uses inner
cross-validation on the training rows only.

Used by routing (labels are agencies) and by the single-label topic scheme
(labels are domains); `evaluate` in `evaluation.py` scores it.
"""

from __future__ import annotations

import itertools
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from .features import HashedCharTfidf
from .text import Segmenter, WordAnalyzer, default_segmenter, normalize

__all__ = ["ClassifierConfig", "TextClassifier", "TextVectorizer"]

Progress = Callable[[str], None]


@dataclass
class ClassifierConfig:
    C: float = 0.5
    # None, "sqrt" (inverse square root of class frequency) or "balanced".
    class_weight: str | None = None
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (1, 3)
    max_iter: int = 2000
    # Grid searched by inner cross-validation when tuning is asked for.
    tune_C: tuple[float, ...] = (0.2, 0.5, 1.0)
    tune_class_weight: tuple[str | None, ...] = (None, "sqrt", "balanced")
    tune_metric: str = "top1+macro_f1"
    extra: dict = field(default_factory=dict)


class TextVectorizer:
    """Word and character TF-IDF side by side; knows which columns are words."""

    def __init__(
        self,
        segmenter: Segmenter | None = None,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (1, 3),
    ) -> None:
        self.segmenter = segmenter or default_segmenter()
        self.words = TfidfVectorizer(
            analyzer=WordAnalyzer(self.segmenter, word_ngrams, normalized_input=True),
            sublinear_tf=True,
            dtype=np.float32,
        )
        # Character n-grams hashed with numpy: same features as a TfidfVectorizer
        # over CharAnalyzer, several times faster at scoring time.
        self.chars = HashedCharTfidf(char_ngrams, t2s=self.segmenter.t2s, normalized_input=True)

    def _normalize(self, texts: Sequence[str]) -> list[str]:
        t2s = self.segmenter.t2s
        return [normalize(t, t2s=t2s) for t in texts]

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = self._normalize(texts)
        w = self.words.fit_transform(texts)
        c = self.chars.fit_transform(texts)
        self._names = None
        return self._join(w, c)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        texts = self._normalize(texts)
        return self._join(self.words.transform(texts), self.chars.transform(texts))

    def transform_words(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.words.transform(self._normalize(texts))

    @staticmethod
    def _join(w, c) -> sp.csr_matrix:
        # Each half is L2-normalised; scale so the joined row has unit norm too.
        return sp.hstack([w * np.float32(0.7071), c * np.float32(0.7071)], format="csr")

    @property
    def n_words(self) -> int:
        return len(self.words.vocabulary_)

    def feature_names(self) -> np.ndarray:
        """Names of the word columns (character columns are hashed: see `char_names`)."""
        if getattr(self, "_names", None) is None:
            self._names = self.words.get_feature_names_out()
        return self._names

    def char_names(self, text: str) -> dict[int, str]:
        """Column → character n-gram, for the n-grams of one text."""
        text = normalize(text, t2s=self.segmenter.t2s)
        return {self.n_words + c: g for c, g in self.chars.names_in(text).items()}


def _class_weights(labels: Sequence[str], scheme: str | None) -> dict | None:
    if scheme is None:
        return None
    counts = Counter(labels)
    n, k = len(labels), len(counts)
    if scheme == "balanced":
        return {c: n / (k * m) for c, m in counts.items()}
    if scheme == "sqrt":
        return {c: float(np.sqrt(n / (k * m))) for c, m in counts.items()}
    raise ValueError(f"unknown class_weight {scheme!r}")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(decisions: np.ndarray, classes: np.ndarray, labels: Sequence[str]) -> float:
    """The softmax temperature that minimises held-out log loss (grid search)."""
    index = {c: i for i, c in enumerate(classes)}
    rows = [(r, index[y]) for r, y in enumerate(labels) if y in index]
    if not rows:
        return 5.0
    r, c = np.array(rows).T
    best, best_t = np.inf, 5.0
    for t in np.geomspace(0.5, 50, 40):
        p = _softmax(decisions[r] * t)[np.arange(len(r)), c]
        loss = -np.log(np.clip(p, 1e-12, None)).mean()
        if loss < best:
            best, best_t = loss, float(t)
    return best_t


def ranking_metrics(classes, decisions, labels) -> dict:
    order = np.argsort(-decisions, axis=1)[:, :3]
    top = np.asarray(classes)[order]
    y = np.asarray(labels)
    top1 = float(np.mean(top[:, 0] == y)) if len(y) else 0.0
    top3 = float(np.mean((top == y[:, None]).any(axis=1))) if len(y) else 0.0
    mf1 = float(f1_score(y, top[:, 0], average="macro", zero_division=0)) if len(y) else 0.0
    return {"top1": top1, "top3": top3, "macro_f1": mf1}


class TextClassifier:
    """Linear SVM on word + character TF-IDF, with ranked, explained output."""

    def __init__(
        self, config: ClassifierConfig | None = None, segmenter: Segmenter | None = None
    ) -> None:
        self.config = config or ClassifierConfig()
        self.segmenter = segmenter or default_segmenter()
        self.temperature = 5.0
        self.tuning: dict = {}

    # -- training ---------------------------------------------------------
    def _fit_svm(self, X, labels, C: float, class_weight: str | None) -> LinearSVC:
        model = LinearSVC(
            C=C,
            class_weight=_class_weights(labels, class_weight),
            max_iter=self.config.max_iter,
        )
        return model.fit(X, labels)

    def _new_vectorizer(self) -> TextVectorizer:
        return TextVectorizer(self.segmenter, self.config.word_ngrams, self.config.char_ngrams)

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        *,
        tune: bool = False,
        calibrate: bool = True,
        progress: Progress | None = None,
        seed: int = 0,
        vocabulary_texts: Sequence[str] = (),
    ) -> TextClassifier:
        """Train on ``texts``/``labels``.

        ``vocabulary_texts`` (unlabelled, e.g. agencies' responsibilities) join
        the vocabulary and document frequencies but not the training rows.
        """
        texts = list(texts)
        labels = [str(y) for y in labels]
        if len(set(labels)) < 2:
            raise ValueError("need at least two labels to train a classifier")
        say = progress or (lambda _msg: None)
        held_out: tuple[np.ndarray, np.ndarray, list[str]] | None = None
        if tune and len(texts) < 30:
            say("too few rows to tune: using the configured C and class weight")
            tune = False
        if tune:
            say("tuning by inner cross-validation")
            held_out = self._tune(texts, labels, seed=seed, progress=say)
        elif calibrate:
            held_out = self._held_out_decisions(texts, labels, seed=seed)
        say("fitting the final model")
        self.vectorizer = self._new_vectorizer()
        vocabulary_texts = list(vocabulary_texts)
        if vocabulary_texts:
            self.vectorizer.fit_transform(texts + vocabulary_texts)
            X = self.vectorizer.transform(texts)
        else:
            X = self.vectorizer.fit_transform(texts)
        self.model = self._fit_svm(X, labels, self.config.C, self.config.class_weight)
        self.classes_ = self.model.classes_
        if held_out is not None:
            decisions, classes, ys = held_out
            self.temperature = fit_temperature(decisions, classes, ys)
        self.n_train = len(texts)
        self.label_counts = dict(Counter(labels))
        return self

    def _inner_splits(self, labels: list[str], n_splits: int, seed: int):
        counts = Counter(labels)
        # Labels too rare to stratify still train in every inner fold.
        strat = np.array([y if counts[y] >= n_splits else "__rare__" for y in labels])
        skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return list(skf.split(np.zeros(len(labels)), strat))

    def _held_out_decisions(self, texts, labels, *, seed: int):
        """Decisions on a held-out fifth, for the temperature; None when data are too few."""
        if len(labels) < 20:
            return None
        (tr, te) = self._inner_splits(labels, 5, seed)[0]
        if len({labels[i] for i in tr}) < 2:
            return None
        vec = self._new_vectorizer()
        Xtr = vec.fit_transform([texts[i] for i in tr])
        model = self._fit_svm(Xtr, [labels[i] for i in tr], self.config.C, self.config.class_weight)
        d = _decisions(model, vec.transform([texts[i] for i in te]))
        return d, model.classes_, [labels[i] for i in te]

    def _tune(self, texts, labels, *, seed: int, progress: Progress):
        cfg = self.config
        grid = list(itertools.product(cfg.tune_C, cfg.tune_class_weight))
        scores = {g: [] for g in grid}
        oof: dict = {g: [] for g in grid}
        for k, (tr, te) in enumerate(self._inner_splits(labels, 3, seed)):
            progress(f"inner fold {k + 1}/3")
            vec = self._new_vectorizer()
            ytr = [labels[i] for i in tr]
            Xtr = vec.fit_transform([texts[i] for i in tr])
            Xte = vec.transform([texts[i] for i in te])
            trained = set(ytr)
            keep = [j for j, i in enumerate(te) if labels[i] in trained]
            yte = [labels[te[j]] for j in keep]
            for C, cw in grid:
                model = self._fit_svm(Xtr, ytr, C, cw)
                d = _decisions(model, Xte[keep])
                m = ranking_metrics(model.classes_, d, yte)
                scores[(C, cw)].append(m)
                oof[(C, cw)].append((d, model.classes_, yte))

        def objective(ms: list[dict]) -> float:
            parts = cfg.tune_metric.split("+")
            return float(np.mean([sum(m[p] for p in parts) for m in ms]))

        best = max(grid, key=lambda g: objective(scores[g]))
        self.config.C, self.config.class_weight = best
        self.tuning = {
            "scheme": "3-fold stratified inner CV on the training rows",
            "metric": cfg.tune_metric,
            "grid": [
                {"C": C, "class_weight": cw, "score": round(objective(scores[(C, cw)]), 4)}
                for C, cw in grid
            ],
            "chosen": {"C": best[0], "class_weight": best[1]},
        }
        # Temperature from the first inner fold's held-out decisions of the chosen setting.
        return oof[best][0]

    # -- scoring ----------------------------------------------------------
    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.vectorizer.transform(list(texts))

    def decision_function(self, texts_or_X) -> np.ndarray:
        X = texts_or_X if sp.issparse(texts_or_X) else self.transform(texts_or_X)
        return _decisions(self.model, X)

    def predict_proba(self, texts_or_X) -> np.ndarray:
        return _softmax(self.decision_function(texts_or_X) * self.temperature)

    def explain(
        self, x_row, class_index: int, k: int = 5, text: str | None = None
    ) -> list[tuple[str, float]]:
        """The features of one vectorised text that pushed it most towards a class.

        ``x_row`` is a 1-row sparse matrix or an ``(indices, data)`` pair.
        Words and word bigrams are preferred (readable); character n-grams of
        two or more characters (named from ``text``) are used only when no word
        counts in favour.
        """
        idx, val = (x_row.indices, x_row.data) if sp.issparse(x_row) else x_row
        coef = self.model.coef_
        if coef.shape[0] == 1:
            row = coef[0] if class_index == 1 else -coef[0]
        else:
            row = coef[class_index]
        contrib = val * row[idx]
        n_words = self.vectorizer.n_words
        is_word = idx < n_words
        pos = np.flatnonzero(is_word & (contrib > 0))
        if len(pos):
            names = self.vectorizer.feature_names()
            best = pos[np.argsort(-contrib[pos])[:k]]
            return [(str(names[idx[j]]), float(contrib[j])) for j in best]
        if text is None:
            return []
        pos = np.flatnonzero(~is_word & (contrib > 0))
        char_names = self.vectorizer.char_names(text)
        out = []
        for j in pos[np.argsort(-contrib[pos])]:
            name = char_names.get(int(idx[j]), "")
            if len(name.strip()) >= 2:
                out.append((name, float(contrib[j])))
            if len(out) >= k:
                break
        return out

    def explain_classes(
        self, x_row, class_indices: Sequence[int], k: int = 5, text: str | None = None
    ) -> list[list[str]]:
        """`explain` for several classes of one text at once (the routing fast path)."""
        idx, val = x_row
        coef = self.model.coef_
        if coef.shape[0] == 1:
            return [[t for t, _ in self.explain(x_row, c, k, text)] for c in class_indices]
        word = idx < self.vectorizer.n_words
        widx = idx[word]
        contrib = coef[np.ix_(np.asarray(class_indices), widx)] * val[word]
        names = self.vectorizer.feature_names()
        out = []
        for r, c in enumerate(class_indices):
            row = contrib[r]
            pos = np.flatnonzero(row > 0)
            if len(pos):
                best = pos[np.argsort(-row[pos])[:k]]
                out.append([str(names[widx[j]]) for j in best])
            else:
                out.append([t for t, _ in self.explain(x_row, c, k, text)])
        return out

    def describe(self) -> dict:
        cfg = asdict(self.config)
        cfg.pop("extra", None)
        return {
            "kind": "linear-svm on word+char tf-idf",
            "config": cfg,
            "temperature": self.temperature,
            "tuning": self.tuning,
            "n_train": getattr(self, "n_train", 0),
            "n_labels": len(getattr(self, "classes_", [])),
        }


def _decisions(model, X) -> np.ndarray:
    """One column per class, also for two classes, where LinearSVC gives one."""
    d = model.decision_function(X)
    if d.ndim == 1:
        d = np.column_stack([-d, d])
    return d
