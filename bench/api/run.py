"""API throughput and latency on a 150,000-proposal corpus, and the time to dump a session.

    .venv/bin/python bench/api/run.py [--sessions 10] [--per-session 15000] [--runs 3]
        [--seconds 10] [--threads 8] [--workers 2] [--database sqlite|postgres]
        [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_bench_api] [--rebuild]

Builds the corpus the way bench/import/run.py does (a generated JSON Lines file
imported in one go; kept under var/bench/ and reused), serves it with gunicorn
on 127.0.0.1 (production settings, rate limits lifted), and loads it from this
process with keep-alive HTTP connections on threads: for each endpoint (list,
detail, search) a timed run of --seconds, --runs times. Prints the median
requests/s and p95 latency, then the median time of `lianghui dumps build
--session` for one session. Only loopback traffic; every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import benchmark_env, free_port, recreate_database  # noqa: E402

PY = sys.executable
WORK = ROOT / "var" / "bench"
WORDS = "数字 经济 平台 劳动者 权益 保护 人工智能 数据 安全 教育 医疗 养老 乡村 振兴".split()


def write_corpus(path: Path, sessions: int, per_session: int, seed: int = 1) -> None:
    """Reference records plus sessions × per_session published proposals."""
    rng = random.Random(seed)
    out = path.open("w", encoding="utf-8")

    def emit(rec):
        out.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")

    emit({"type": "body", "key": "npc", "name_en": "NPC"})
    emit({"type": "proposal_kind", "key": "npc-s", "body": "npc", "code": "suggestion"})
    for n in range(sessions):
        emit({"type": "session", "key": f"s{n}", "body": "npc", "term": 10 + n // 5,
              "number": n % 5 + 1, "year": 2000 + n})  # fmt: skip
    topics = [f"t{n}" for n in range(20)]
    for t in topics:
        emit({"type": "topic", "key": t, "name_en": t})
    agencies = [f"a{n:03d}" for n in range(200)]
    for a in agencies:
        emit({"type": "organization", "key": a, "name_en": f"Agency {a}", "kind": "agency"})
    members = [f"m{n:05d}" for n in range(3000)]
    for m in members:
        emit({"type": "member", "key": m, "name_zh": f"代表{m}",
              "memberships": [{"body": "npc", "start_year": 2018}]})  # fmt: skip
    n = 0
    for session in range(sessions):
        for _ in range(per_session):
            signers = [{"member": m} for m in rng.sample(members, rng.randint(1, 3))]
            for s in signers[1:]:
                s["role"] = "cosigner"
            rec = {
                "type": "proposal",
                "key": f"p{n:07d}",
                "session": f"s{session}",
                "kind": "npc-s",
                "number": f"{n:07d}",
                "title_zh": "关于" + "".join(rng.sample(WORDS, 4)) + "的建议",
                "text_zh": "".join(rng.choices(WORDS, k=80)),
                "submitted_on": f"{2000 + session}-03-06",
                "status": "closed",
                "published": True,
                "generated": True,
                "topics": rng.sample(topics, 2),
                "signers": signers,
                "review": {"decision": "filed", "decided_on": f"{2000 + session}-03-20"},
            }
            if rng.random() < 0.8:
                year = 2000 + session
                reply = {
                    "category": rng.choice("ABC"),
                    "replied_on": f"{year}-06-01",
                    "text_zh": "答复" * 20,
                    "published": True,
                    "feedback": {"rating": "satisfied", "given_on": f"{year}-06-10"},
                }
                rec["assignments"] = [
                    {
                        "agency": rng.choice(agencies),
                        "role": "lead",
                        "assigned_on": f"{year}-03-25",
                        "due_on": f"{year}-06-25",
                        "replies": [reply],
                    }
                ]
            emit(rec)
            n += 1
    out.close()


def environment(url: str) -> dict:
    return benchmark_env(
        url,
        LIANGHUI_API_ANON_RATE="100000000/min",
        LIANGHUI_API_TOKEN_RATE="100000000/min",
        LIANGHUI_DUMPS_DIR=str(WORK / "dumps"),
        LIANGHUI_TASKS_IMMEDIATE="1",
        LIANGHUI_DUMPS_AUTO="0",
    )


def build_database(args, url: str) -> dict:
    env = environment(url)
    marker = WORK / f"api-{args.database}-{args.sessions}x{args.per_session}.done"
    if marker.exists() and not args.rebuild:
        return env
    corpus = WORK / f"api-{args.sessions}x{args.per_session}.jsonl"
    if not corpus.exists():
        started = time.perf_counter()
        write_corpus(corpus, args.sessions, args.per_session)
        print(f"wrote {corpus.name} in {time.perf_counter() - started:.0f} s", flush=True)
    recreate_database(args.database, url, env)
    started = time.perf_counter()
    subprocess.run(
        [PY, "-m", "lianghui", "import", str(corpus)], env=env, check=True, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"imported the corpus in {time.perf_counter() - started:.0f} s", flush=True)
    marker.touch()
    return env


def start_server(env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "lianghui.wsgi", f"--workers={workers}",
         f"--bind=127.0.0.1:{port}", "--log-level=warning", "--keep-alive=30"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start")


def load(port: int, paths, seconds: float, threads: int) -> dict:
    """Requests from `threads` keep-alive connections for `seconds`; each thread
    takes the next path from `paths` (a callable returning one)."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad = [], 0
        while time.perf_counter() < stop_at:
            path = paths()
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p95_ms": 1000 * latencies[int(len(latencies) * 0.95)],
        "errors": errors[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--per-session", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_bench_api")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{WORK / 'api.sqlite3'}" if args.database == "sqlite" else args.pg_url
    env = build_database(args, url)
    total = args.sessions * args.per_session
    rng = random.Random(7)
    endpoints = {
        "list": lambda: f"/api/v1/proposals/?session=s{rng.randrange(args.sessions)}",
        "detail": lambda: f"/api/v1/proposals/p{rng.randrange(total):07d}/",
        "search": lambda: (
            "/api/v1/proposals/?q="
            + "%20".join(__import__("urllib.parse").parse.quote(w) for w in rng.sample(WORDS, 2))
        ),
    }
    server, port = start_server(env, args.workers)
    results = {}
    try:
        for name, paths in endpoints.items():
            load(port, paths, 2, args.threads)  # warm up
            runs = [load(port, paths, args.seconds, args.threads) for _ in range(args.runs)]
            results[name] = {
                "median_rps": round(statistics.median(r["rps"] for r in runs)),
                "median_p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 1),
                "median_p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 1),
                "runs_rps": [round(r["rps"]) for r in runs],
                "errors": sum(r["errors"] for r in runs),
            }
            r = results[name]
            print(
                f"{name:7} median {r['median_rps']} req/s, p50 {r['median_p50_ms']} ms, "
                f"p95 {r['median_p95_ms']} ms (runs {r['runs_rps']}; errors {r['errors']})",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run(
            [PY, "-m", "lianghui", "dumps", "build", "--session", "s0"], env=env, check=True,
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    results["dump"] = {
        "proposals": args.per_session,
        "median_seconds": round(statistics.median(times), 1),
        "runs_seconds": [round(t, 1) for t in times],
    }
    print(
        f"dump    one session ({args.per_session} proposals): median "
        f"{results['dump']['median_seconds']} s (runs {results['dump']['runs_seconds']})",
        flush=True,
    )
    print(json.dumps({"database": args.database, "workers": args.workers,
                      "threads": args.threads, **results}))  # fmt: skip


if __name__ == "__main__":
    main()
