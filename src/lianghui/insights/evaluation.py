"""Honest evaluation of routing / classification: held-out splits and cross-validation.

Rules, the same everywhere:

* fit on training rows only; labels with fewer than ``min_rows`` training rows
  are dropped from training;
* test rows whose label was not trained are dropped (and counted);
* any tuning happens inside the training rows (inner CV in `TextClassifier`);
* in cross-validation identical texts (after normalisation) stay in one fold,
  so a duplicate can never be trained on and tested at once.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, train_test_split

from .classifier import ClassifierConfig
from .routing import Router
from .text import Segmenter, normalize

__all__ = ["cross_validate", "evaluate_split", "holdout_report", "read_labelled_csv"]


def read_labelled_csv(
    path: str | Path, text_col: str, label_col: str | None = None
) -> tuple[list[str], list[str]]:
    """Texts (and labels) from a UTF-8 CSV with a header; rows with an empty field are skipped."""
    texts: list[str] = []
    labels: list[str] = []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in (text_col, label_col) if c and c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: no column {', '.join(missing)} (has {reader.fieldnames})")
        for row in reader:
            text = (row.get(text_col) or "").strip()
            label = (row.get(label_col) or "").strip() if label_col else ""
            if not text or (label_col and not label):
                continue
            texts.append(text)
            labels.append(label)
    return texts, labels


def _drop_rare(texts, labels, min_rows: int):
    counts = Counter(labels)
    keep = [i for i, y in enumerate(labels) if counts[y] >= min_rows]
    return [texts[i] for i in keep], [labels[i] for i in keep], len(labels) - len(keep)


def evaluate_split(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
    *,
    min_rows: int = 1,
    tune: bool = False,
    config: ClassifierConfig | None = None,
    responsibilities: Mapping[str, str] | None = None,
    train_extra: Sequence[str] | None = None,
    segmenter: Segmenter | None = None,
    progress: Callable[[str], None] | None = None,
    return_model: bool = False,
):
    """Train on the training rows, score the test rows; the four figures and counts.

    ``train_extra`` is an optional text per training row used only for training
    (e.g. the reply to that row), never at scoring time.
    """
    train_texts, train_labels = list(train_texts), list(train_labels)
    counts = Counter(train_labels)
    extra = None
    if train_extra is not None:
        extra = [e for e, y in zip(train_extra, train_labels, strict=True) if counts[y] >= min_rows]
    tr_x, tr_y, dropped_train = _drop_rare(train_texts, train_labels, min_rows)
    router = Router(config=config or ClassifierConfig(), segmenter=segmenter)
    # Scores are only ranked here, so the softmax temperature matters only when
    # it is blended with a responsibilities prior.
    router.fit(
        tr_x,
        tr_y,
        responsibilities=responsibilities,
        extra_texts=extra,
        tune=tune,
        calibrate=bool(responsibilities),
        progress=progress,
    )
    trained = set(tr_y)
    te = [(x, y) for x, y in zip(test_texts, test_labels, strict=True) if y in trained]
    report = {
        "n_train": len(tr_x),
        "n_labels": len(trained),
        "dropped_train_rows": dropped_train,
        "n_test": len(te),
        "dropped_test_rows": len(test_texts) - len(te),
    }
    if te:
        xs, ys = zip(*te, strict=True)
        report.update(router.evaluate(list(xs), list(ys)))
    else:
        report.update({"top1": 0.0, "top3": 0.0, "macro_f1": 0.0})
    if tune:
        report["tuning"] = router.classifier.tuning.get("chosen")
    return (report, router) if return_model else report


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    min_rows: int = 1,
    tune: bool = False,
    seed: int = 0,
    config_factory: Callable[[], ClassifierConfig] = ClassifierConfig,
    extra: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Stratified, duplicate-grouped K-fold CV; pooled and per-fold figures."""
    texts, labels = list(texts), list(labels)
    y = np.array(labels, dtype=object)
    groups = np.unique([normalize(t) for t in texts], return_inverse=True)[1]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    per_fold = []
    hits1 = hits3 = n = 0
    y_true: list[str] = []
    y_pred: list[str] = []
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(y)), y, groups)):
        if progress:
            progress(f"fold {k + 1}/{folds}")
        report, router = evaluate_split(
            [texts[i] for i in tr],
            [labels[i] for i in tr],
            [texts[i] for i in te],
            [labels[i] for i in te],
            min_rows=min_rows,
            tune=tune,
            config=config_factory(),
            train_extra=[extra[i] for i in tr] if extra is not None else None,
            return_model=True,
        )
        trained = set(router.agencies)
        te_kept = [i for i in te if labels[i] in trained]
        if te_kept:
            top, _ = router.rank([texts[i] for i in te_kept], k=3)
            truth = np.array([labels[i] for i in te_kept], dtype=object)
            hits1 += int((top[:, 0] == truth).sum())
            hits3 += int((top == truth[:, None]).any(axis=1).sum())
            n += len(te_kept)
            y_true += list(truth)
            y_pred += list(top[:, 0])
        per_fold.append(report)
    from sklearn.metrics import f1_score

    return {
        "scheme": f"{folds}-fold StratifiedGroupKFold (groups = identical normalised texts), "
        f"seed {seed}; labels with < {min_rows} training rows dropped per fold"
        + ("; C and class weight tuned by inner 3-fold CV on each training fold" if tune else ""),
        "n_test": n,
        "top1": hits1 / n if n else 0.0,
        "top3": hits3 / n if n else 0.0,
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)) if n else 0.0,
        "folds": per_fold,
    }


def holdout_report(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    min_rows: int = 1,
    test_size: float = 0.2,
    seed: int = 0,
    tune: bool = False,
    responsibilities: Mapping[str, str] | None = None,
    segmenter: Segmenter | None = None,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Held-out evaluation for an artifact: stratified split where the labels allow it."""
    texts, labels = list(texts), list(labels)
    counts = Counter(labels)
    strat = [y if counts[y] >= 2 else "__rare__" for y in labels]
    if Counter(strat).most_common()[-1][1] < 2:
        strat = None
    idx = np.arange(len(texts))
    try:
        tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=strat)
    except ValueError:
        tr, te = train_test_split(idx, test_size=test_size, random_state=seed)
    report = evaluate_split(
        [texts[i] for i in tr],
        [labels[i] for i in tr],
        [texts[i] for i in te],
        [labels[i] for i in te],
        min_rows=min_rows,
        tune=tune,
        responsibilities=responsibilities,
        segmenter=segmenter,
        progress=progress,
    )
    report["scheme"] = f"held-out {test_size:.0%} split, seed {seed}"
    return report
