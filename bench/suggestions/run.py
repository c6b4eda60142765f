"""Office-page suggestions at scale: the duplicate index and the per-view cost.

    .venv/bin/python bench/suggestions/run.py [--proposals 150000] [--queries 200]
        [--data DIR] [--text-column text] [--runs 3]

Texts: with --data, every *.csv in DIR with a text column (read where they are,
nothing copied), repeated with variations up to --proposals; without it, a
deterministic synthetic corpus (seed 7: sentences of words drawn from a Zipf
vocabulary of Chinese characters). Either way 1% of the corpus are planted
near-duplicates of other rows (about a tenth of the words replaced) whose
recall is measured.

Figures (one core, BLAS threads 1; medians of --runs runs where timed):
  - building `serving.DuplicateIndex` for the corpus (what one web process pays
    once per body), and the index's memory;
  - one page view's duplicate lookup: LSH candidates, then the best ten verified
    on their text (a bigram prefilter, then `duplicates.similarity`) with matching
    passages, as `insights.suggestions` does; median and
    p95 over --queries queries, and the recall of planted duplicates;
  - what a naive scan (similarity against every proposal) would cost per view,
    from the measured cost of one pair, and the ratio;
  - one routing suggestion with reasons (`Router.route`, k=8) from a router
    trained on 5,000 labelled rows of the corpus.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import csv  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")

# 2,500 CJK characters from the start of the block: variety enough for realistic shingles.
CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]


def synthetic(n: int, rng: random.Random) -> list[str]:
    vocab = [
        "".join(rng.choice(CHARS) for _ in range(rng.choice((2, 2, 2, 3, 4)))) for _ in range(3000)
    ]
    weights = [1 / (i + 1) for i in range(len(vocab))]
    texts = []
    for _ in range(n):
        words = rng.choices(vocab, weights, k=rng.randint(40, 90))
        cut = sorted(rng.sample(range(5, len(words) - 5), 3))
        parts = [words[: cut[0]], words[cut[0] : cut[1]], words[cut[1] : cut[2]], words[cut[2] :]]
        texts.append(
            "关于"
            + "".join(parts[0][:4])
            + "的建议\n"
            + "。".join("".join(p) for p in parts)
            + "。"
        )
    return texts


def from_data(folder: Path, column: str, n: int, rng: random.Random) -> list[str]:
    base = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            if column not in (reader.fieldnames or []):
                continue
            base += [r[column].strip() for r in reader if (r.get(column) or "").strip()]
    if not base:
        raise SystemExit(f"--data {folder}: no CSV with a {column!r} column")
    out = []
    while len(out) < n:
        t = rng.choice(base)
        # Vary repeats so a repeated source text is not an exact copy.
        out.append(t if len(out) < len(base) else f"{t}（{len(out)}）")
    return out


def near_copy(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 25)):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice(CHARS)
    return "".join(chars)


def median(xs):
    return statistics.median(xs)


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--proposals", type=int, default=150_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--data", type=Path)
    ap.add_argument("--text-column", default="text")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {0})

    import django

    django.setup()
    from lianghui.insights.duplicates import PairScorer, matching_passages, similarity
    from lianghui.insights.serving import DuplicateIndex
    from lianghui.insights.suggestions import DUPLICATE_THRESHOLD, PAIR_CHARS, verify

    scorer = PairScorer()  # untrained: the hand-set `similarity` blend, as on the page

    rng = random.Random(7)
    n = args.proposals
    n_planted = max(10, n // 100)
    base = (
        from_data(args.data, args.text_column, n - n_planted, rng)
        if args.data
        else synthetic(n - n_planted, rng)
    )
    sources = rng.sample(range(len(base)), n_planted)
    texts = base + [near_copy(base[i], rng) for i in sources]
    ids = list(range(1, len(texts) + 1))
    planted = {len(base) + j + 1: sources[j] + 1 for j in range(n_planted)}  # copy id -> source id
    print(
        f"corpus: {len(texts)} proposals ({args.data or 'synthetic'}), "
        f"{n_planted} planted near-duplicates, mean {np.mean([len(t) for t in texts]):.0f} chars"
    )

    builds, index = [], None
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(args.runs):
        index = DuplicateIndex(body_id=0)
        t = time.perf_counter()
        index.build_from(ids, texts)
        builds.append(time.perf_counter() - t)
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"index build: median {median(builds):.2f} s over {args.runs} runs; index arrays "
        f"{index.memory_bytes() / 2**20:.0f} MiB; peak RSS grew {(rss1 - rss0) / 1024:.0f} MiB"
    )

    by_id = dict(zip(ids, texts, strict=True))
    queries = rng.sample(sorted(planted), min(args.queries, len(planted)))
    lookups, found = [], 0
    for qid in queries:
        text = by_id[qid]
        t = time.perf_counter()
        cands = index.candidates(text, exclude=qid, limit=30)[:10]
        mine = text[:PAIR_CHARS]
        theirs = [by_id[pk][:PAIR_CHARS] for pk, _share in cands]
        hits = [
            (pk, s, matching_passages(mine, t)[:3])
            for (pk, _share), t, s in zip(cands, theirs, verify(mine, theirs, scorer), strict=True)
            if s >= DUPLICATE_THRESHOLD
        ]
        lookups.append(time.perf_counter() - t)
        found += any(pk == planted[qid] for pk, _s, _p in hits)
    print(
        f"duplicate lookup per view: median {median(lookups) * 1000:.1f} ms, "
        f"p95 {p95(lookups) * 1000:.1f} ms over {len(queries)} queries; "
        f"planted duplicate found in {found}/{len(queries)} ({found / len(queries):.1%})"
    )

    pair_times = []
    sample = rng.sample(ids, 300)
    q = by_id[queries[0]][:PAIR_CHARS]
    for pk in sample:
        t = time.perf_counter()
        similarity(q, by_id[pk][:PAIR_CHARS])
        pair_times.append(time.perf_counter() - t)
    naive = median(pair_times) * len(texts)
    print(
        f"naive scan (similarity against all {len(texts)}): ~{naive:.0f} s per view "
        f"(one pair {median(pair_times) * 1e6:.0f} µs); indexed lookup is "
        f"{naive / median(lookups):,.0f}× faster"
    )

    from lianghui.insights.routing import Router

    labels = [f"agency-{rng.randrange(30)}" for _ in range(5000)]
    train = rng.sample(texts[: len(base)], 5000)
    t = time.perf_counter()
    router = Router().fit(train, labels)
    fit = time.perf_counter() - t
    routes = []
    for text in rng.sample(texts, 100):
        t = time.perf_counter()
        router.route(text, k=8)
        routes.append(time.perf_counter() - t)
    print(
        f"routing with reasons (k=8): median {median(routes) * 1000:.1f} ms, "
        f"p95 {p95(routes) * 1000:.1f} ms over 100 texts "
        f"(router fitted on 5,000 rows in {fit:.1f} s)"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
