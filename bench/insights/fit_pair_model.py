"""Fit the pair model shipped as src/lianghui/insights/data/pair_model.json.

    python bench/insights/fit_pair_model.py --data DATA_DIR [--write]

Trains on pawsx_zh_valid.tsv only (C chosen by 5-fold CV inside it) and
reports ROC-AUC on the untouched pawsx_zh_test.tsv. PAWS-X (Google) may be
used for any purpose; only the fitted weights (means, scales, coefficients)
are written to the package, never the pairs themselves.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from run import read_pawsx  # the benchmark beside this file reads PAWS-X the same way
from sklearn.metrics import roc_auc_score

from lianghui.insights.duplicates import PAIR_MODEL_FILE, PairScorer

TARGET = Path(__file__).resolve().parents[2] / "src/lianghui/insights/data" / PAIR_MODEL_FILE


def fit(data: Path) -> tuple[PairScorer, dict]:
    train_pairs, train_y = read_pawsx(data / "pawsx_zh_valid.tsv")
    test_pairs, test_y = read_pawsx(data / "pawsx_zh_test.tsv")
    probe = PairScorer()
    scorer, report = PairScorer.fit_tuned(probe.features(train_pairs), train_y)
    scorer.info = {
        "trained_on": "PAWS-X zh dev set (2,000 labelled pairs); C chosen by 5-fold CV on it",
        "test_auc": round(
            float(roc_auc_score(test_y, scorer.score_features(probe.features(test_pairs)))), 4
        ),
        "test_set": "PAWS-X zh test set (2,000 pairs), never used for fitting",
        **{k: v for k, v in report.items() if k != "C"},
    }
    return scorer, scorer.info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--write", action="store_true", help=f"write {TARGET.name} into the package")
    args = ap.parse_args()
    scorer, info = fit(args.data)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    if args.write:
        d = scorer.to_dict()
        d["mean"] = [round(x, 8) for x in d["mean"]]
        d["scale"] = [round(x, 8) for x in d["scale"]]
        d["coef"] = [round(x, 8) for x in d["coef"]]
        TARGET.write_text(json.dumps(d, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {TARGET}", file=sys.stderr)
        check = PairScorer.shipped()
        assert np.allclose(check.model["coef"], scorer.model["coef"], atol=1e-6)


if __name__ == "__main__":
    main()
