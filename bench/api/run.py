"""API throughput and latency on a 150,000-proposal corpus, and the time to dump a session.

    .venv/bin/python bench/api/run.py [--sessions 10] [--per-session 15000] [--runs 3]
        [--seconds 10] [--clients 8] [--workers 1] [--threads 4]
        [--database sqlite|postgres] [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_bench_api]
        [--work /tmp/lianghui-bench-api] [--reuse] [--modes spread,repeated] [--no-dump]

Builds the corpus the way bench/import/run.py does (a generated JSON Lines file
imported in one go) in a fresh database under --work (SQLite) or at --pg-url;
with --reuse, a database built by an earlier run of the same size is used as it
is (generation and import take minutes). Serves it with gunicorn on 127.0.0.1
(production settings, rate limits lifted; --workers processes of --threads
threads each), and loads it from this process with keep-alive HTTP connections
on --clients threads: for each endpoint (list, detail, search) and mode, a timed
run of --seconds, --runs times. Modes:

- spread: a different URL almost every time (random ids, sessions, filters,
  page cursors and search words): the uncached path;
- repeated: a handful of URLs over and over: the response-cache path.

Prints the median requests/s and p95 latency, then the median time of
`lianghui dumps build --session` for one session. Only loopback traffic; every
loop is bounded.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import benchmark_env, load, recreate_database, start_server  # noqa: E402

PY = sys.executable
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


def environment(url: str, work: Path) -> dict:
    return benchmark_env(
        url,
        LIANGHUI_API_ANON_RATE="100000000/min",
        LIANGHUI_API_TOKEN_RATE="100000000/min",
        LIANGHUI_DUMPS_DIR=str(work / "dumps"),
        LIANGHUI_TASKS_IMMEDIATE="1",
        LIANGHUI_DUMPS_AUTO="0",
    )


def build_database(args, url: str) -> dict:
    work = args.work
    env = environment(url, work)
    marker = work / f"api-{args.database}-{args.sessions}x{args.per_session}.done"
    if args.reuse and marker.exists():
        print(f"reusing the {args.database} corpus built earlier ({marker})", flush=True)
        # The code may have new migrations (indexes) since it was built.
        subprocess.run([PY, "-m", "lianghui", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        # ...and stored documents the corpus may not have yet (the import renders
        # them when the code has them).
        started = time.perf_counter()
        subprocess.run([PY, "-m", "lianghui", "api", "documents"], env=env, check=True, cwd=ROOT)
        print(f"missing API documents rendered in {time.perf_counter() - started:.0f} s")
        return env
    marker.unlink(missing_ok=True)
    corpus = work / f"api-{args.sessions}x{args.per_session}.jsonl"
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


def cursor(key: str) -> str:
    """The list's cursor positioned after ``key`` (what a `next` link carries)."""
    raw = json.dumps([key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def endpoints(args, mode: str) -> dict:
    rng = random.Random(7)
    total = args.sessions * args.per_session
    quote = __import__("urllib.parse").parse.quote

    def any_key():
        return f"p{rng.randrange(total):07d}"

    def a_list():
        params = [f"session=s{rng.randrange(args.sessions)}"]
        if rng.random() < 0.3:
            params.append(f"topic=t{rng.randrange(20)}")
        if rng.random() < 0.7:  # a later page, as a client following `next` reaches
            params.append(f"cursor={cursor(any_key())}")
        return "/api/v1/proposals/?" + "&".join(params)

    def a_search():
        return "/api/v1/proposals/?q=" + "%20".join(quote(w) for w in rng.sample(WORDS, 2))

    spread = {
        "list": a_list,
        "detail": lambda: f"/api/v1/proposals/{any_key()}/",
        "search": a_search,
    }
    if mode == "spread":
        return spread
    # A few popular URLs, asked again and again.
    fixed = {name: [make() for _ in range(5)] for name, make in spread.items()}
    return {name: (lambda urls=urls: rng.choice(urls)) for name, urls in fixed.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--per-session", type=int, default=15_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8, help="load-generating threads")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn process")
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_bench_api")
    parser.add_argument("--work", type=Path, default=Path("/tmp/lianghui-bench-api"),
                        help="corpus, SQLite database and dumps")  # fmt: skip
    parser.add_argument("--reuse", action="store_true",
                        help="use the database an earlier run built, if any")  # fmt: skip
    parser.add_argument("--modes", default="spread,repeated")
    parser.add_argument("--endpoints", default="list,detail,search")
    parser.add_argument("--no-dump", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{args.work / 'api.sqlite3'}" if args.database == "sqlite" else args.pg_url
    env = build_database(args, url)
    server, port = start_server(env, probe="/api/v1/", workers=args.workers, threads=args.threads)
    results = {}
    try:
        for mode in args.modes.split(","):
            paths_of = endpoints(args, mode)
            for name in args.endpoints.split(","):
                paths = paths_of[name]
                load(port, paths, 2, args.clients)  # warm up
                runs = [load(port, paths, args.seconds, args.clients) for _ in range(args.runs)]
                r = results[f"{name}-{mode}"] = {
                    "median_rps": round(statistics.median(r["rps"] for r in runs)),
                    "median_p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 1),
                    "median_p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 1),
                    "runs_rps": [round(r["rps"]) for r in runs],
                    "errors": sum(r["errors"] for r in runs),
                }
                print(
                    f"{name:7} {mode:9} median {r['median_rps']} req/s, p50 "
                    f"{r['median_p50_ms']} ms, p95 {r['median_p95_ms']} ms "
                    f"(runs {r['runs_rps']}; errors {r['errors']})",
                    flush=True,
                )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    if not args.no_dump:
        results["dump"] = dump_times(args, env)
    print(json.dumps({"database": args.database, "workers": args.workers,
                      "threads": args.threads, "clients": args.clients,
                      "load": os.getloadavg()[0], **results}))  # fmt: skip


def dump_times(args, env: dict) -> dict:
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run(
            [PY, "-m", "lianghui", "dumps", "build", "--session", "s0"], env=env, check=True,
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        times.append(time.perf_counter() - started)
    out = {
        "proposals": args.per_session,
        "median_seconds": round(statistics.median(times), 1),
        "runs_seconds": [round(t, 1) for t in times],
    }
    print(
        f"dump    one session ({args.per_session} proposals): median "
        f"{out['median_seconds']} s (runs {out['runs_seconds']})",
        flush=True,
    )
    return out


if __name__ == "__main__":
    main()
