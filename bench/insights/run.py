"""Insights benchmark: quality on the shared real data, and speed.

    python bench/insights/run.py --data DATA_DIR [--quick] [--json-out FILE]

Quality (cross-validated on the *_train.csv files; tuning, when on, happens by
inner CV inside each training fold, never on the reported fold):
  suggestions → unit, questions → unit, messages → domain (--min-rows 30),
  near-duplicate pairs built from the real texts, PAWS-X zh paraphrase AUC
  (pair weights learnt on pawsx_zh_valid, reported on pawsx_zh_test).
Speed (one core: affinity pinned to CPU 0, BLAS threads 1; median of 3 runs):
  proposals routed per second with reasons; time and peak memory to cluster a
  corpus of 150,000 proposals generated deterministically (seed 7) from the
  real texts, with planted near-duplicates to measure recall.

The data files are read where they are; nothing is copied into the repository.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from lianghui.insights.classifier import ClassifierConfig  # noqa: E402
from lianghui.insights.duplicates import PairScorer, cluster  # noqa: E402
from lianghui.insights.evaluation import cross_validate, read_labelled_csv  # noqa: E402
from lianghui.insights.routing import Router  # noqa: E402

TARGETS = {
    "suggestions_unit.top3": 0.60,
    "questions_unit.top1": 0.94,
    "messages_domain.top1": 0.80,
    "messages_domain.macro_f1": 0.55,
    "pawsx.auc": 0.85,
    "route_per_second": 2000,
    "cluster_150k_seconds": 60,
    "cluster_150k_peak_mb": 2048,
}


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


# -- label aliases (secondary figure only) ------------------------------------

_ALIASES = {
    "市发改委": "市发展改革委",
    "市发展和改革委员会": "市发展改革委",
    "市经信委": "市经济和信息化局",
    "市经信局": "市经济和信息化局",
    "市经济信息化委": "市经济和信息化局",
    "市住建委": "市住房城乡建设委",
    "市住房和城乡建设委": "市住房城乡建设委",
    "市住房和城乡建设委员会": "市住房城乡建设委",
    "市人社局": "市人力社保局",
    "市人力资源和社会保障局": "市人力社保局",
    "市人力资源社会保障局": "市人力社保局",
    "市规划和自然资源委": "市规划自然资源委",
    "市规划和自然资源委员会": "市规划自然资源委",
    "市城管委": "市城市管理委",
    "市卫健委": "市卫生健康委",
    "市商务委": "市商务局",
    "市科委、中村管委会": "市科委、中关村管委会",
    "市教育委员会": "市教委",
    "市食药监局": "市食品药品监管局",
    "市食品药品监督管理局": "市食品药品监管局",
    "市园林绿化委": "市园林绿化局",
    "市应急管理局": "市应急局",
    "市高法": "市高级人民法院",
    "市金融局": "市金融监管局",
    "市投资促进中心": "市投资促进局",
    "市政协科技委员会": "市政协科技委",
    "市政协社会和法制委员会": "市政协社法委",
}


def canonical_unit(name: str) -> str:
    """One name per agency: 北京市X → 市X, renamed or abbreviated names merged,
    a group's 'X北京市委员会' → 'X北京市委'. Written from the label list
    (agency naming), not from any model result."""
    n = name.strip()
    if n.startswith("北京市") and not n.startswith("北京市委"):
        n = "市" + n[3:]
    n = re.sub(r"北京市委员会$", "北京市委", n)
    n = re.sub(r"界别$", "界", n)
    return _ALIASES.get(n, n)


# -- quality ------------------------------------------------------------------


def _class_weight_grid() -> ClassifierConfig:
    # Only the class weighting is tuned (it trades top-1 for macro-F1), by inner
    # 3-fold CV inside each training fold.
    return ClassifierConfig(tune_C=(0.5,), tune_class_weight=(None, "sqrt", "balanced"))


def _suggestions_grid() -> ClassifierConfig:
    # Suggestions are judged on top-3 (a clerk picks among three), so C is chosen on it.
    return ClassifierConfig(tune_C=(0.3, 0.5, 1.0), tune_class_weight=(None,), tune_metric="top3")


def _questions_grid() -> ClassifierConfig:
    return ClassifierConfig(tune_C=(0.5, 1.0), tune_class_weight=(None, "sqrt"), tune_metric="top1")


GRIDS = {
    "suggestions_unit": _suggestions_grid,
    "questions_unit": _questions_grid,
    "messages_domain": _class_weight_grid,
}


def quality(data: Path, folds: int, tune: bool, tasks_wanted: set[str] | None = None) -> dict:
    out = {}
    # (name, file, text column, label column, --min-rows, tune?)
    tasks = [
        ("suggestions_unit", "msga_suggestions_train.csv", "text", "unit", 1, tune),
        ("questions_unit", "msga_questions_train.csv", "question", "unit", 1, tune),
        ("messages_domain", "msga_messages_train.csv", "text", "domain", 30, tune),
    ]
    for name, file, text_col, label_col, min_rows, task_tune in tasks:
        if tasks_wanted and name not in tasks_wanted:
            continue
        texts, labels = read_labelled_csv(data / file, text_col, label_col)
        log(f"{name}: {len(texts)} rows, {len(set(labels))} labels, {folds}-fold CV")
        t0 = time.perf_counter()
        tune = task_tune
        res = cross_validate(
            texts,
            labels,
            folds=folds,
            min_rows=min_rows,
            tune=tune,
            seed=0,
            config_factory=GRIDS[name] if tune else ClassifierConfig,
            progress=log,
        )
        res["seconds"] = round(time.perf_counter() - t0, 1)
        res["tuned"] = [f.get("tuning") for f in res["folds"]] if tune else None
        res.pop("folds")
        out[name] = res
        if name == "questions_unit":
            with (data / file).open(encoding="utf-8-sig", newline="") as f:
                answers = [
                    (r.get("answer") or "").strip()
                    for r in csv.DictReader(f)
                    if (r.get(text_col) or "").strip() and (r.get(label_col) or "").strip()
                ]
            if len(answers) == len(texts):
                log(f"{name} (+ answers of the training rows as extra training text)")
                r3 = cross_validate(
                    texts,
                    labels,
                    folds=folds,
                    min_rows=min_rows,
                    tune=tune,
                    seed=0,
                    config_factory=_questions_grid if tune else ClassifierConfig,
                    extra=answers,
                    progress=log,
                )
                r3.pop("folds")
                out["questions_unit_with_answers"] = r3
        if name == "suggestions_unit":
            canon = [canonical_unit(y) for y in labels]
            log(f"{name} (aliases merged): {len(set(canon))} labels")
            r2 = cross_validate(
                texts, canon, folds=folds, min_rows=min_rows, tune=False, seed=0, progress=log
            )
            r2.pop("folds")
            out["suggestions_unit_aliases_merged"] = r2
    return out


# -- near-duplicate pairs -----------------------------------------------------


def read_pawsx(path: Path) -> tuple[list[tuple[str, str]], list[int]]:
    pairs, labels = [], []
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3 and parts[2].strip() in ("0", "1"):
                pairs.append((parts[0], parts[1]))
                labels.append(int(parts[2]))
    return pairs, labels


_SENT = re.compile(r"(?<=[。！？!?；;])")
_FILLERS = ["建议", "希望有关部门", "据了解，", "综上，", "此外，", "特此提出", "请尽快研究"]


def edit_text(text: str, rng: random.Random, strength: float) -> str:
    """A near-duplicate of a text: sentence drop/swap, inserted phrases, character noise."""
    sents = [s for s in _SENT.split(text) if s]
    if len(sents) > 2 and rng.random() < strength:
        sents.pop(rng.randrange(len(sents)))
    if len(sents) > 1 and rng.random() < strength:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    s = "".join(sents)
    chars = list(s)
    for _ in range(int(len(chars) * 0.06 * strength)):
        op = rng.random()
        j = rng.randrange(len(chars)) if chars else 0
        if op < 0.4 and chars:
            del chars[j]
        elif op < 0.7:
            chars.insert(j, rng.choice("的了和在是有对"))
        elif chars:
            chars[j] = rng.choice("的了和在是有对及与")
    s = "".join(chars)
    if rng.random() < strength:
        s = rng.choice(_FILLERS) + s
    return s


def real_pairs(data: Path, n: int, seed: int) -> tuple[list[tuple[str, str]], list[int], list[str]]:
    """Positives: a real text and an edited copy. Negatives: the most similar *other*
    real text with the same label (hard) or a random text of the same source."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    rng = random.Random(seed)
    sources = [
        read_labelled_csv(data / "msga_messages_train.csv", "text", "domain"),
        read_labelled_csv(data / "msga_suggestions_train.csv", "text", "unit"),
        read_labelled_csv(data / "msga_questions_train.csv", "question", "unit"),
    ]
    pairs, labels, kinds = [], [], []
    for texts, _ in sources:
        uniq = list(dict.fromkeys(t for t in texts if len(t) >= 8))
        vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
        X = vec.fit_transform(uniq)
        nn = NearestNeighbors(n_neighbors=2, metric="cosine").fit(X)
        picks = rng.sample(range(len(uniq)), min(n // 3, len(uniq)))
        _, idx = nn.kneighbors(X[picks])
        for p, (_, nb) in zip(picks, idx, strict=True):
            strength = rng.choice([0.3, 0.6, 1.0])
            pairs.append((uniq[p], edit_text(uniq[p], rng, strength)))
            labels.append(1)
            kinds.append("edited")
            if rng.random() < 0.5:
                pairs.append((uniq[p], uniq[nb]))
                kinds.append("nearest-other")
            else:
                pairs.append((uniq[p], uniq[rng.randrange(len(uniq))]))
                kinds.append("random")
            labels.append(0)
    return pairs, labels, kinds


def near_duplicates(data: Path, quick: bool) -> dict:
    from sklearn.metrics import roc_auc_score

    out: dict = {}
    # PAWS-X: weights learnt on valid, reported on test.
    valid_pairs, valid_y = read_pawsx(data / "pawsx_zh_valid.tsv")
    test_pairs, test_y = read_pawsx(data / "pawsx_zh_test.tsv")
    if quick:
        valid_pairs, valid_y = valid_pairs[:600], valid_y[:600]
        test_pairs, test_y = test_pairs[:600], test_y[:600]
    log(f"pawsx: {len(valid_pairs)} valid pairs, {len(test_pairs)} test pairs")
    probe = PairScorer()
    F_valid = probe.features(valid_pairs)
    F_test = probe.features(test_pairs)
    untrained = PairScorer().score(test_pairs)
    # The same fitting as the shipped model (bench/insights/fit_pair_model.py):
    # C by 5-fold CV inside valid, then fitted on all of valid; test never seen.
    scorer, fit_report = PairScorer.fit_tuned(F_valid, valid_y)
    shipped = PairScorer.shipped()
    out["pawsx"] = {
        "n_test": len(test_pairs),
        "auc_char_ngram_cosine_baseline": roc_auc_score(test_y, F_test[:, 0]),
        "auc_default_similarity": roc_auc_score(test_y, untrained),
        "auc": roc_auc_score(test_y, scorer.score_features(F_test)),
        "auc_shipped_model": roc_auc_score(test_y, shipped.score_features(F_test)),
        "auc_valid_5fold_cv": fit_report["cv_auc"][str(fit_report["C"])],
        "C": fit_report["C"],
        "scheme": "logistic regression on pair features fitted on pawsx_zh_valid "
        "(C by 5-fold CV inside it), scored on pawsx_zh_test",
    }
    # Pairs from the real texts.
    pairs, y, kinds = real_pairs(data, 600 if quick else 3000, seed=11)
    F_real = probe.features(pairs)
    sims = PairScorer().score(pairs)
    para = shipped.score_features(F_real)
    y_arr, k_arr = np.array(y), np.array(kinds)
    hard = (y_arr == 1) | (k_arr == "nearest-other")
    out["real_pairs"] = {
        "n_pairs": len(pairs),
        "auc_all": roc_auc_score(y_arr, sims),
        "auc_hard_negatives": roc_auc_score(y_arr[hard], sims[hard]),
        "auc_all_shipped_paraphrase_model": roc_auc_score(y_arr, para),
        "auc_hard_shipped_paraphrase_model": roc_auc_score(y_arr[hard], para[hard]),
        "auc_char_ngram_cosine_baseline_hard": roc_auc_score(y_arr[hard], F_real[hard, 0]),
        "scheme": "positives: a real text vs an edited copy (sentence drop/swap, inserted "
        "phrases, 2-6% character noise); negatives: the nearest other real text "
        "(char TF-IDF) or a random one; default similarity, nothing fitted",
    }
    return out


# -- speed --------------------------------------------------------------------


_CLAUSE = re.compile(r"(?<=[。！？!?；;，,\n])")


def _clauses(texts: list[str]) -> list[str]:
    """Clauses (not whole letters: many messages have no full stop) of the real texts."""
    out = []
    for t in texts:
        out += [c for c in _CLAUSE.split(t) if len(c.strip()) >= 6]
    return out


def _jaccard3(a: str, b: str) -> float:
    from lianghui.insights.duplicates import _squeeze

    sa, sb = _squeeze(a), _squeeze(b)
    A = {sa[i : i + 3] for i in range(len(sa) - 2)}
    B = {sb[i : i + 3] for i in range(len(sb) - 2)}
    return len(A & B) / len(A | B) if A | B else 1.0


def synthetic_corpus(data: Path, n: int, seed: int = 7) -> tuple[list[str], np.ndarray]:
    """n proposals: a real title + 4-8 real clauses; 10% are edited copies of earlier ones.
    Returns the texts and each text's family id (copies share their original's id)."""
    rng = random.Random(seed)
    titles = read_labelled_csv(data / "msga_suggestions_train.csv", "text", "unit")[0]
    body = _clauses(read_labelled_csv(data / "msga_messages_train.csv", "text", "domain")[0])
    body += read_labelled_csv(data / "msga_questions_train.csv", "question", "unit")[0]
    kinds = ["建议", "提案", "议案"]
    texts: list[str] = []
    family = np.empty(n, dtype=np.int64)
    for i in range(n):
        if i > 100 and rng.random() < 0.10:
            j = rng.randrange(i)
            texts.append(edit_text(texts[j], rng, rng.choice([0.3, 0.6])))
            family[i] = family[j]
        else:
            k = rng.randint(4, 8)
            texts.append(
                f"关于{rng.choice(titles)}的{rng.choice(kinds)}："
                + "".join(rng.choice(body) for _ in range(k))
            )
            family[i] = i
    return texts, family


def _cluster_child(data: Path, n: int) -> None:
    texts, family = synthetic_corpus(data, n)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    res = cluster(texts)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Recall: planted copies whose original ended up in the same cluster.
    copies = np.flatnonzero(family != np.arange(n))
    same = (res.labels[copies] >= 0) & (res.labels[copies] == res.labels[family[copies]])
    pi, pj = res.pairs[:, 0], res.pairs[:, 1]
    precision = float((family[pi] == family[pj]).mean()) if len(pi) else 1.0
    # Exact 3-gram Jaccard of a sample of verified pairs: are they truly near-duplicates?
    sample = np.random.default_rng(0).permutation(len(pi))[:2000]
    exact = np.array([_jaccard3(texts[pi[s]], texts[pj[s]]) for s in sample])
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mb": peak,
                "rss_before_cluster_mb": rss_before,
                "planted_copies": len(copies),
                "planted_recall": float(same.mean()) if len(copies) else None,
                "verified_pair_same_family": precision,
                "verified_pair_exact_jaccard_ge_0.4": float((exact >= 0.4).mean())
                if len(exact)
                else None,
                "verified_pair_exact_jaccard_median": float(np.median(exact))
                if len(exact)
                else None,
                **res.stats,
            }
        )
    )


def _route_child(data: Path, n: int, runs: int) -> None:
    texts, labels = read_labelled_csv(data / "msga_suggestions_train.csv", "text", "unit")
    router = Router().fit(texts, labels)
    corpus, _ = synthetic_corpus(data, n, seed=3)
    router.route_many(corpus[:200])
    rates, rank_rates = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        router.route_many(corpus)
        rates.append(len(corpus) / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        router.rank(corpus)
        rank_rates.append(len(corpus) / (time.perf_counter() - t0))
    print(
        json.dumps(
            {
                "model": f"suggestions → unit, {len(router.agencies)} agencies",
                "proposals": len(corpus),
                "mean_chars": round(float(np.mean([len(t) for t in corpus])), 1),
                "per_second_with_reasons": statistics.median(rates),
                "per_second_rank_only": statistics.median(rank_rates),
                "runs": [round(r, 1) for r in rates],
            },
            ensure_ascii=False,
        )
    )


def _child(data: Path, *flag: str) -> dict:
    """Run a measurement in a fresh process (clean heap, its own peak RSS)."""
    proc = subprocess.run(
        [sys.executable, __file__, "--data", str(data), *flag],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def speed(data: Path, quick: bool, runs: int) -> dict:
    out: dict = {}
    log("routing speed (fresh process, one core)")
    out["route"] = _child(data, "--_route-child", str(3000 if quick else 10000), str(runs))
    n = 20000 if quick else 150000
    results = []
    for r in range(runs):
        log(f"cluster {n} proposals, run {r + 1}/{runs}")
        results.append(_child(data, "--_cluster-child", str(n)))
    med = sorted(results, key=lambda x: x["seconds"])[len(results) // 2]
    out["cluster"] = {
        "n": n,
        "seconds_median": statistics.median(x["seconds"] for x in results),
        "peak_rss_mb_median": statistics.median(x["peak_rss_mb"] for x in results),
        "runs_seconds": [round(x["seconds"], 2) for x in results],
        **{k: med[k] for k in med if k not in ("seconds", "peak_rss_mb")},
    }
    return out


# -- report -------------------------------------------------------------------


def table(report: dict) -> str:
    q = report.get("quality", {})
    nd = report.get("near_duplicates", {})
    sp_ = report.get("speed", {})
    rows = []

    def row(name, value, target, fmt="{:.3f}", higher=True):
        if value is None:
            return
        ok = (
            ""
            if target is None
            else ("yes" if (value >= target if higher else value <= target) else "NO")
        )
        t = "" if target is None else (fmt.format(target))
        rows.append(f"{name:48s} {fmt.format(value):>10s} {t:>10s} {ok:>4s}")

    for task, metrics in q.items():
        for m in ("top1", "top3", "macro_f1"):
            row(f"{task}.{m} (n={metrics['n_test']})", metrics[m], TARGETS.get(f"{task}.{m}"))
    if "pawsx" in nd:
        p = nd["pawsx"]
        row("pawsx.auc (learnt on valid, test)", p["auc"], TARGETS["pawsx.auc"])
        row("pawsx.auc shipped pair model, test", p["auc_shipped_model"], None)
        row("pawsx.auc 5-fold CV within valid", p["auc_valid_5fold_cv"], None)
        row("pawsx.auc default similarity", p["auc_default_similarity"], None)
        row("pawsx.auc char n-gram cosine", p["auc_char_ngram_cosine_baseline"], None)
    if "real_pairs" in nd:
        r = nd["real_pairs"]
        row("real pairs AUC (all negatives)", r["auc_all"], None)
        row("real pairs AUC (hard negatives)", r["auc_hard_negatives"], None)
        row("real pairs AUC all, paraphrase model", r["auc_all_shipped_paraphrase_model"], None)
        row("real pairs AUC hard, paraphrase model", r["auc_hard_shipped_paraphrase_model"], None)
        row("real pairs AUC hard, char cosine", r["auc_char_ngram_cosine_baseline_hard"], None)
    if "route" in sp_:
        row(
            "route proposals/s with reasons (1 core)",
            sp_["route"]["per_second_with_reasons"],
            TARGETS["route_per_second"],
            "{:.0f}",
        )
        row(
            "route proposals/s rank only (1 core)",
            sp_["route"]["per_second_rank_only"],
            None,
            "{:.0f}",
        )
    if "cluster" in sp_:
        c = sp_["cluster"]
        big = c["n"] == 150000
        row(
            f"cluster {c['n']} seconds",
            c["seconds_median"],
            TARGETS["cluster_150k_seconds"] if big else None,
            "{:.1f}",
            higher=False,
        )
        row(
            f"cluster {c['n']} peak RSS MB",
            c["peak_rss_mb_median"],
            TARGETS["cluster_150k_peak_mb"] if big else None,
            "{:.0f}",
            higher=False,
        )
        row("cluster planted-copy recall", c["planted_recall"], None)
        row(
            "cluster verified pairs with exact Jaccard>=0.4",
            c["verified_pair_exact_jaccard_ge_0.4"],
            None,
        )
        row("cluster verified pairs from one planted family", c["verified_pair_same_family"], None)
        row(
            "cluster candidate pairs / all pairs",
            c["candidate_pairs"] / c["all_pairs"],
            None,
            "{:.2e}",
        )
    head = f"{'figure':48s} {'value':>10s} {'target':>10s} {'met':>4s}"
    return "\n".join([head, "-" * len(head), *rows])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="folder of the labelled CSV/TSV files")
    ap.add_argument("--quick", action="store_true", help="3 folds, no tuning, smaller corpora")
    ap.add_argument("--no-tune", action="store_true")
    ap.add_argument("--folds", type=int)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", choices=["quality", "pairs", "speed"], action="append")
    ap.add_argument("--task", action="append", help="only these quality tasks")
    ap.add_argument("--json-out", type=Path)
    ap.add_argument("--_cluster-child", type=int, dest="cluster_child", help=argparse.SUPPRESS)
    ap.add_argument("--_route-child", type=int, nargs=2, dest="route_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cluster_child or args.route_child:
        pin_one_core()
        if args.cluster_child:
            _cluster_child(args.data, args.cluster_child)
        else:
            _route_child(args.data, *args.route_child)
        return
    folds = args.folds or (3 if args.quick else 5)
    tune = not (args.quick or args.no_tune)
    only = set(args.only or ["quality", "pairs", "speed"])
    report: dict = {"data": str(args.data), "quick": args.quick, "targets": TARGETS}
    if "quality" in only:
        report["quality"] = quality(args.data, folds, tune, set(args.task or []))
    if "pairs" in only:
        report["near_duplicates"] = near_duplicates(args.data, args.quick)
    if "speed" in only:
        report["speed"] = speed(args.data, args.quick, args.runs)
    print(table(report))
    text = json.dumps(report, ensure_ascii=False, indent=2, default=float)
    print(text)
    if args.json_out:
        args.json_out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
