"""Topics: multi-label tagging of proposals under a topic scheme.

A scheme is a JSON file of topics, each with labels in Chinese and English and
seed keywords (the default, `data/topics_tech_policy.json`, serves
tech-policy watchers). Two taggers share one output shape:

* `KeywordTagger` needs no training: it matches the seed keywords on the
  segmented, normalised text (Chinese words via the segmenter, which knows the
  keywords; English as whole words) and scores each topic by how much
  matched.
* `TopicModel` learns from labelled rows (several labels per row allowed):
  one linear SVM per topic on word + character TF-IDF, with a sigmoid
  temperature fitted on held-out rows; the seed keywords still count as
  evidence and as reasons.

Every `TopicScore` names the terms behind it.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from .text import Segmenter, default_segmenter, normalize

__all__ = ["KeywordTagger", "TopicModel", "TopicScheme", "TopicScore", "load_scheme"]


@dataclass
class Topic:
    key: str
    zh: str
    en: str
    keywords: list[str]


@dataclass
class TopicScheme:
    name: str
    version: int
    topics: dict[str, Topic]

    @property
    def keys(self) -> list[str]:
        return list(self.topics)


def load_scheme(path: str | Path | None = None) -> TopicScheme:
    """Load a topic scheme (the shipped tech-policy scheme by default)."""
    if path is None:
        raw = (
            resources.files("lianghui.insights")
            .joinpath("data", "topics_tech_policy.json")
            .read_text(encoding="utf-8")
        )
    else:
        raw = Path(path).read_text(encoding="utf-8")
    data = json.loads(raw)
    topics = {
        key: Topic(key=key, zh=t.get("zh", key), en=t.get("en", key), keywords=t["keywords"])
        for key, t in data["topics"].items()
    }
    return TopicScheme(
        name=data.get("scheme", "custom"), version=data.get("version", 1), topics=topics
    )


@dataclass
class TopicScore:
    topic: str
    score: float
    terms: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"topic": self.topic, "score": round(self.score, 4), "terms": self.terms}


class KeywordTagger:
    """Zero-training tagger from a scheme's seed keywords."""

    def __init__(
        self,
        scheme: TopicScheme | None = None,
        segmenter: Segmenter | None = None,
        threshold: float = 0.5,
    ) -> None:
        self.scheme = scheme or load_scheme()
        self.threshold = threshold
        base = segmenter or default_segmenter()
        han = [k for t in self.scheme.topics.values() for k in t.keywords if not k.isascii()]
        # The segmenter must know every Chinese keyword to cut it as a word.
        self.segmenter = Segmenter(
            [*(e for e in base.entries), *han], use_default_dictionary=False, t2s=base.t2s
        )
        self._zh: dict[str, list[str]] = {}
        self._en: list[tuple[re.Pattern, str, str]] = []
        for key, topic in self.scheme.topics.items():
            for kw in topic.keywords:
                nkw = normalize(kw)
                if kw.isascii():
                    pattern = re.compile(
                        r"(?<![a-z0-9])" + re.escape(nkw) + r"(?:s|es)?(?![a-z0-9])"
                    )
                    self._en.append((pattern, nkw, key))
                else:
                    self._zh.setdefault(nkw, []).append(key)

    def matches(self, text: str) -> dict[str, list[str]]:
        norm = normalize(text, t2s=self.segmenter.t2s)
        found: dict[str, list[str]] = {}
        for word in self.segmenter.cut(norm, normalized=True):
            for key in self._zh.get(word, ()):
                found.setdefault(key, []).append(word)
        for pattern, kw, key in self._en:
            n = len(pattern.findall(norm))
            if n:
                found.setdefault(key, []).extend([kw] * n)
        return found

    def score(self, text: str) -> list[TopicScore]:
        """All topics with any match, best first; score = 1 - exp(-distinct matches)."""
        out = []
        for key, words in self.matches(text).items():
            distinct = list(dict.fromkeys(words))
            s = 1 - math.exp(-(len(distinct) + 0.25 * (len(words) - len(distinct))))
            out.append(TopicScore(key, s, distinct[:5]))
        return sorted(out, key=lambda t: -t.score)

    def tag(self, text: str) -> list[TopicScore]:
        return [t for t in self.score(text) if t.score >= self.threshold]


def split_labels(value: str) -> list[str]:
    """Labels of one row: separated by ``|``, ``;`` or ``,``."""
    return [p.strip() for p in re.split(r"[|;,，；]", value or "") if p.strip()]


class TopicModel:
    """Multi-label topic classifier learnt from labelled rows, keyword seeds as evidence."""

    def __init__(
        self,
        scheme: TopicScheme | None = None,
        segmenter: Segmenter | None = None,
        C: float = 0.5,
        threshold: float = 0.5,
        keyword_weight: float = 0.3,
    ) -> None:
        self.keywords = KeywordTagger(scheme, segmenter)
        self.scheme = self.keywords.scheme
        self.C = C
        self.threshold = threshold
        self.keyword_weight = keyword_weight

    def fit(self, texts: Sequence[str], label_lists: Iterable[Sequence[str]]) -> TopicModel:
        from sklearn.model_selection import train_test_split
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.preprocessing import MultiLabelBinarizer
        from sklearn.svm import LinearSVC

        from .classifier import TextVectorizer

        texts = list(texts)
        label_lists = [list(x) for x in label_lists]
        self.binarizer = MultiLabelBinarizer()
        Y = self.binarizer.fit_transform(label_lists)
        self.vectorizer = TextVectorizer(self.keywords.segmenter)
        X = self.vectorizer.fit_transform(texts)
        with warnings.catch_warnings():
            # A topic on every (or no) row of a split gets a constant score, which
            # is right; scikit-learn warns about each such topic.
            warnings.filterwarnings("ignore", message="Label not .* is present in all training")
            self.model = OneVsRestClassifier(LinearSVC(C=self.C)).fit(X, Y)
            inner = None
            if len(texts) >= 20:
                tr, te = train_test_split(np.arange(len(texts)), test_size=0.25, random_state=0)
                inner = OneVsRestClassifier(LinearSVC(C=self.C)).fit(X[tr], Y[tr])
        self.temperature = 4.0
        if inner is not None:
            d = inner.decision_function(X[te])
            best = np.inf
            for t in np.geomspace(0.5, 30, 30):
                p = np.clip(1 / (1 + np.exp(-d * t)), 1e-9, 1 - 1e-9)
                loss = -np.mean(Y[te] * np.log(p) + (1 - Y[te]) * np.log(1 - p))
                if loss < best:
                    best, self.temperature = loss, float(t)
        return self

    def score(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        texts = list(texts)
        X = self.vectorizer.transform(texts)
        d = self.model.decision_function(X)
        if d.ndim == 1:
            d = d[:, None]
        p = 1 / (1 + np.exp(-d * self.temperature))
        classes = list(self.binarizer.classes_)
        names = self.vectorizer.feature_names()
        n_words = self.vectorizer.n_words
        out = []
        for r, text in enumerate(texts):
            kw = {t.topic: t for t in self.keywords.score(text)}
            row = X[r]
            scores = []
            for c, topic in enumerate(classes):
                kws = kw.get(topic)
                s = (1 - self.keyword_weight) * p[r, c] + self.keyword_weight * (
                    kws.score if kws else 0.0
                )
                est = self.model.estimators_[c]
                coef = est.coef_[0] if hasattr(est, "coef_") else np.zeros(X.shape[1])
                contrib = row.data * coef[row.indices]
                words = [
                    str(names[row.indices[j]])
                    for j in np.argsort(-contrib)[:8]
                    if contrib[j] > 0 and row.indices[j] < n_words
                ][:3]
                terms = list(dict.fromkeys((kws.terms if kws else []) + words))[:5]
                scores.append(TopicScore(topic, float(s), terms))
            out.append(sorted(scores, key=lambda t: -t.score))
        return out

    def tag(self, texts: Sequence[str]) -> list[list[TopicScore]]:
        return [[t for t in row if t.score >= self.threshold] for row in self.score(texts)]
