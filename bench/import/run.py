"""Import rate and peak memory for a generated JSON Lines file.

    .venv/bin/python bench/import/run.py [--proposals 100000] [--runs 3]
        [--databases sqlite,postgres] [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_bench]

Writes a deterministic file (reference records plus N proposals with signers,
topics, a review, assignments, replies and feedback), then for each database and
run: a fresh migrated database, then `import_files` timed in a child process that
reports its own peak RSS. Prints the median proposals/s and peak memory, and the
peak for a file a quarter of the size, to show memory stays flat in file size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import benchmark_env, recreate_database  # noqa: E402

PY = sys.executable

CHILD = r"""
import os, resource, sys, time, json
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")
import django
django.setup()
from lianghui.exchange.importer import import_files
start = time.perf_counter()
report = import_files([sys.argv[1]])
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "proposals": report.created.get("proposal", 0),
                  "records": sum(report.created.values()),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_file(path: Path, proposals: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    sessions = max(1, proposals // 10_000)
    out = path.open("w", encoding="utf-8")

    def emit(rec):
        out.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")

    emit({"type": "source", "key": "bench", "title": "Benchmark data"})
    emit({"type": "body", "key": "npc", "name_en": "NPC"})
    emit({"type": "proposal_kind", "key": "npc-s", "body": "npc", "code": "suggestion"})
    for n in range(sessions):
        emit(
            {
                "type": "session",
                "key": f"s{n}",
                "body": "npc",
                "term": 10 + n // 5,
                "number": n % 5 + 1,
                "year": 2000 + n,
            }
        )
    topics = [f"t{n}" for n in range(20)]
    for t in topics:
        emit({"type": "topic", "key": t, "name_en": t})
    agencies = [f"a{n:03d}" for n in range(200)]
    for a in agencies:
        emit(
            {
                "type": "organization",
                "key": a,
                "name_en": f"Agency {a}",
                "kind": "agency",
                "responsibilities": "职责 " * 5,
            }
        )
    members = [f"m{n:05d}" for n in range(3000)]
    for m in members:
        emit(
            {
                "type": "member",
                "key": m,
                "name_zh": f"代表{m}",
                "memberships": [{"body": "npc", "start_year": 2018}],
            }
        )
    words = "数字 经济 平台 劳动者 权益 保护 人工智能 数据 安全 教育 医疗 养老 乡村 振兴".split()
    for n in range(proposals):
        session = n % sessions
        signers = [{"member": m} for m in rng.sample(members, rng.randint(1, 3))]
        for s in signers[1:]:
            s["role"] = "cosigner"
        rec = {
            "type": "proposal",
            "key": f"p{n:07d}",
            "session": f"s{session}",
            "kind": "npc-s",
            "number": f"{n:07d}",
            "title_zh": "关于" + "".join(rng.sample(words, 4)) + "的建议",
            "text_zh": "".join(rng.choices(words, k=80)),
            "submitted_on": "2022-03-06",
            "status": "closed",
            "generated": True,
            "topics": rng.sample(topics, 2),
            "signers": signers,
            "review": {"decision": "filed", "decided_on": "2022-03-20"},
        }
        if rng.random() < 0.8:
            rec["assignments"] = [
                {
                    "agency": rng.choice(agencies),
                    "role": "lead",
                    "assigned_on": "2022-03-25",
                    "due_on": "2022-06-25",
                    "replies": [
                        {
                            "category": rng.choice("ABC"),
                            "replied_on": "2022-06-01",
                            "text_zh": "答复" * 20,
                            "published": True,
                            "feedback": {"rating": "satisfied", "given_on": "2022-06-10"},
                        }
                    ],
                }
            ]
        emit(rec)
    out.close()


def fresh_database(db: str, url: str) -> dict:
    env = benchmark_env(url)
    recreate_database(db, url, env)
    return env


def run_once(db: str, url: str, path: Path) -> dict:
    env = fresh_database(db, url)
    done = subprocess.run(
        [PY, "-c", CHILD, str(path)], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_bench")
    args = parser.parse_args()
    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    big, small = (
        work / f"import-{args.proposals}.jsonl",
        work / f"import-{args.proposals // 4}.jsonl",
    )
    for path, n in ((big, args.proposals), (small, args.proposals // 4)):
        if not path.exists():
            started = time.perf_counter()
            write_file(path, n)
            print(
                f"wrote {path.name}: {path.stat().st_size / 1e6:.0f} MB in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
    urls = {"sqlite": f"sqlite:///{work / 'bench.sqlite3'}", "postgres": args.pg_url}
    results = {}
    for db in args.databases.split(","):
        runs = [run_once(db, urls[db], big) for _ in range(args.runs)]
        quarter = run_once(db, urls[db], small)
        rates = [r["proposals"] / r["seconds"] for r in runs]
        results[db] = {
            "proposals": runs[0]["proposals"],
            "records": runs[0]["records"],
            "median_seconds": round(statistics.median(r["seconds"] for r in runs), 2),
            "median_proposals_per_s": round(statistics.median(rates)),
            "runs_proposals_per_s": [round(r) for r in rates],
            "peak_mb": round(max(r["peak_mb"] for r in runs)),
            "peak_mb_quarter_file": round(quarter["peak_mb"]),
        }
        r = results[db]
        print(
            f"{db:9} {r['proposals']:>7} proposals ({r['records']} records): "
            f"median {r['median_seconds']} s = {r['median_proposals_per_s']} proposals/s "
            f"(runs {r['runs_proposals_per_s']}); peak {r['peak_mb']} MB "
            f"(file of {args.proposals // 4}: {r['peak_mb_quarter_file']} MB)",
            flush=True,
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
