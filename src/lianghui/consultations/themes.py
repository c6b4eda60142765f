"""Themes of a consultation's comments, proposed for staff to check.

Comments are grouped by k-means (scikit-learn's MiniBatchKMeans) over the
project's hashed character n-gram TF-IDF (insights/features.py), which reads
Chinese without segmentation and English by sub-words. Each group is labelled by
the words (insights/text.py's segmenter) that set it apart from the rest: their
TF-IDF weight in the group against the whole, which are also its reasons. The
quotes are the comments nearest the group's centre. Near-identical texts
(insights/duplicates.py's MinHash clustering) are reported as campaigns, so a
campaign of a thousand copies counts as a thousand voices but shows as one text.

Pure functions of the texts: no database, so the benchmark (bench/themes/run.py)
measures exactly what the service runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer

from lianghui.insights.duplicates import cluster as near_duplicates
from lianghui.insights.features import HashedCharTfidf
from lianghui.insights.text import WordAnalyzer, has_han

MODEL_VERSION = "themes-kmeans-chartfidf-1"
MAX_THEMES = 12
MIN_THEME = 3  # a group smaller than this is left unthemed
KEYWORDS = 5
QUOTES = 3
SEED = 15


@dataclass
class FoundTheme:
    members: list[int]  # indexes into the texts
    keywords: list[str]
    quotes: list[int]
    reasons: dict
    label_zh: str = ""
    label_en: str = ""


@dataclass
class Analysis:
    themes: list[FoundTheme] = field(default_factory=list)
    campaigns: list[list[int]] = field(default_factory=list)
    model_version: str = MODEL_VERSION


def theme_count(n: int) -> int:
    """About one theme per forty comments, between 2 and MAX_THEMES; one for a
    handful of comments, too few to split."""
    if n < 2 * MIN_THEME:
        return 1
    return max(2, min(MAX_THEMES, math.ceil(n / 40)))


def analyse(texts: Sequence[str], *, k: int | None = None) -> Analysis:
    texts = list(texts)
    out = Analysis()
    if not texts:
        return out
    campaigns = near_duplicates(texts, threshold=0.8) if len(texts) > 1 else None
    out.campaigns = [list(c) for c in campaigns.clusters] if campaigns else []
    # One row per distinct text: a campaign weighs by its count, not by its copies'
    # pull on the centres.
    lead = list(range(len(texts)))
    for members in out.campaigns:
        for i in members:
            lead[i] = members[0]
    distinct = sorted(set(lead))
    weight = np.bincount(_ranks(lead, distinct), minlength=len(distinct)).astype(np.float32)
    X = HashedCharTfidf(ngram_range=(2, 3)).fit_transform([texts[i] for i in distinct])
    k = min(k or theme_count(len(texts)), len(distinct))
    if k <= 1:
        labels = np.zeros(len(distinct), dtype=int)
        centres = np.asarray(X.multiply(weight[:, None]).sum(axis=0)).ravel()[None, :]
    else:
        km = MiniBatchKMeans(
            n_clusters=k, random_state=SEED, n_init=3, batch_size=1024, max_iter=50
        )
        km.fit(X, sample_weight=weight)
        labels, centres = km.labels_, km.cluster_centers_
    # A word must recur to label a group, unless there are too few texts to ask it.
    min_df = 2 if len(distinct) >= 100 else 1
    words = TfidfVectorizer(
        analyzer=WordAnalyzer(ngram_range=(1, 1)), min_df=min_df, sublinear_tf=True
    )
    try:
        W = words.fit_transform([texts[i] for i in distinct])
    except ValueError:  # no word occurs twice: no labels to give
        W = None
    vocab = words.get_feature_names_out() if W is not None else np.array([])
    overall = None
    if W is not None and k == 1:  # one group: its words against nothing
        overall = np.zeros(W.shape[1], dtype=np.float32)
    elif W is not None:
        overall = np.asarray(W.multiply(weight[:, None]).sum(axis=0)).ravel() / weight.sum()
    rows_of = {j: [] for j in range(k)}
    for row, label in enumerate(labels):
        rows_of[int(label)].append(row)
    members_of = {d: [] for d in distinct}
    for i, d in enumerate(lead):
        members_of[d].append(i)
    for j, rows in rows_of.items():
        members = [i for r in rows for i in members_of[distinct[r]]]
        if len(members) < MIN_THEME:
            continue
        keywords, scores = [], []
        if W is not None:
            w = weight[rows]
            mean = np.asarray(W[rows].multiply(w[:, None]).sum(axis=0)).ravel() / w.sum()
            lift = mean - overall
            for c in np.argsort(-lift)[:KEYWORDS]:
                if lift[c] <= 0:
                    break
                keywords.append(str(vocab[c]))
                scores.append(round(float(lift[c]), 4))
        sims = np.asarray(X[rows] @ centres[j].T).ravel()
        order = np.argsort(-sims)
        quotes = [members_of[distinct[rows[r]]][0] for r in order[:QUOTES]]
        zh = [w for w in keywords if has_han(w)]
        en = [w for w in keywords if not has_han(w)]
        out.themes.append(
            FoundTheme(
                members=members,
                keywords=keywords,
                quotes=quotes,
                reasons={
                    "keywords": [[w, s] for w, s in zip(keywords, scores, strict=True)],
                    "comments": len(members),
                    "distinct_texts": len(rows),
                    "cohesion": round(float(sims.mean()), 4) if len(sims) else 0.0,
                    "method": MODEL_VERSION,
                },
                label_zh="、".join(zh[:3] or keywords[:3]),
                label_en=", ".join(en[:3] or keywords[:3]),
            )
        )
    out.themes.sort(key=lambda t: -len(t.members))
    return out


def _ranks(lead: list[int], distinct: list[int]) -> np.ndarray:
    return np.searchsorted(np.asarray(distinct), np.asarray(lead))
