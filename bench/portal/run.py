"""Portal page rates from one server process: the proposal page, and other public pages.

    .venv/bin/python bench/portal/run.py [--proposals 20000] [--database sqlite|postgres]
        [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_bench_portal]
        [--work var/bench] [--runs 3] [--seconds 8] [--connections 4] [--rebuild]

The corpus is bench/search's generator (imported, not copied): proposals in
Chinese and English with signers, topics, a review, an assignment, a reply and
feedback. It is imported once into a fresh migrated database and reused.

One gunicorn process (`--workers 1`, sync) serves the site with production
settings on 127.0.0.1; this process loads it from --connections threads. For
each case, --runs timed runs of --seconds after a short warm-up; prints the
median pages/s, the median p95 latency, and pages per CPU-second of the server
process (its rate on a core of its own, when the machine is busy with more):

  - proposal, same page: one proposal page over and over (what a popular page
    costs once the response cache holds it);
  - proposal, many pages: random proposal pages out of the whole corpus (mostly
    cache misses: rendering cost);
  - proposal, no cache: the same page with the response cache switched off
    (LIANGHUI_CACHE_URL=dummy://), the cost of rendering alone;
  - a session, an agency and a member page (cached).
"""

from __future__ import annotations

import argparse
import importlib.util
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


def _sibling(name: str):
    """bench/<name>/run.py as a module (the folders are not packages)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / name / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


search_bench = _sibling("search")  # write_corpus: the corpus


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children so far (Linux /proc):
    pages per server CPU-second is the rate on a core of its own, whatever else
    the machine is running."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    for p in pids + [int(c) for c in children]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


COUNT = r"""
import sys, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
c = Client()
for path in sys.argv[1:]:
    c.get(path)
    with CaptureQueriesContext(connection) as ctx:
        status = c.get(path).status_code
    print(path, status, len(ctx.captured_queries))
"""


def build(args, url: str, env: dict) -> None:
    work = Path(args.work)
    marker = work / f"portal-{args.database}-{args.proposals}.done"
    if marker.exists() and not args.rebuild:
        subprocess.run([PY, "-m", "lianghui", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        return
    corpus = work / f"search-{args.proposals}.jsonl"
    if not corpus.exists():
        started = time.perf_counter()
        search_bench.write_corpus(corpus.with_suffix(".part"), args.proposals)
        corpus.with_suffix(".part").rename(corpus)
        print(f"wrote {corpus.name} in {time.perf_counter() - started:.0f} s", flush=True)
    marker.unlink(missing_ok=True)
    recreate_database(args.database, url, env)
    started = time.perf_counter()
    subprocess.run(
        [PY, "-m", "lianghui", "import", str(corpus)], env=env, check=True, cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    print(f"imported the corpus in {time.perf_counter() - started:.0f} s", flush=True)
    marker.write_text(url)


def measure(env: dict, cases: dict, args) -> dict:
    server, port = start_server(env, probe="/")
    out = {}
    try:
        for name, paths in cases.items():
            load(port, paths, 2, args.connections)  # warm up
            runs = []
            for _ in range(args.runs):
                cpu = cpu_seconds(server.pid)
                run = load(port, paths, args.seconds, args.connections)
                run["pages_per_cpu_s"] = run["requests"] / max(cpu_seconds(server.pid) - cpu, 1e-9)
                runs.append(run)
            r = out[name] = {
                "pages_per_s": round(statistics.median(x["rps"] for x in runs), 1),
                "p95_ms": round(statistics.median(x["p95_ms"] for x in runs), 1),
                "pages_per_server_cpu_s": round(
                    statistics.median(x["pages_per_cpu_s"] for x in runs), 1
                ),
                "runs": [round(x["rps"], 1) for x in runs],
                "errors": sum(x["errors"] for x in runs),
            }
            print(
                f"{name:24} median {r['pages_per_s']} pages/s, p95 {r['p95_ms']} ms, "
                f"{r['pages_per_server_cpu_s']} pages per server CPU-second "
                f"(runs {r['runs']}; errors {r['errors']})",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=20_000)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_bench_portal"
    )
    parser.add_argument("--work", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    url = (
        f"sqlite:///{Path(args.work).resolve() / 'portal.sqlite3'}"
        if args.database == "sqlite"
        else args.pg_url
    )
    env = benchmark_env(
        url,
        DJANGO_SETTINGS_MODULE="lianghui.settings",
        LIANGHUI_TASKS_IMMEDIATE="1",
        LIANGHUI_DUMPS_AUTO="0",
    )
    build(args, url, env)
    proposal = "/proposals/p0000042/"
    pages = [proposal, "/sessions/s3/", "/organizations/a007/", "/members/m00042/"]
    counts = subprocess.run(
        [PY, "-c", COUNT, *pages], cwd=ROOT,
        env={**env, "DJANGO_DEBUG": "1", "LIANGHUI_PAGE_CACHE_SECONDS": "0"},
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    queries = {
        p: (int(s), int(n)) for p, s, n in (line.split() for line in counts.stdout.splitlines())
    }
    print("status and queries per page (uncached):", queries, flush=True)
    rng = random.Random(7)
    report = {"database": args.database, "proposals": args.proposals, "queries": queries}
    report["cached"] = measure(
        env,
        {
            "proposal, same page": lambda: proposal,
            "proposal, many pages": lambda: f"/proposals/p{rng.randrange(args.proposals):07d}/",
            "session": lambda: pages[1],
            "agency": lambda: pages[2],
            "member": lambda: pages[3],
        },
        args,
    )
    report["uncached"] = measure(
        {**env, "LIANGHUI_CACHE_URL": "dummy://"}, {"proposal, no cache": lambda: proposal}, args
    )
    report["load_average"] = os.getloadavg()
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
