"""Speed of the plain read path: uncached proposal page and API detail against the API root.

    .venv/bin/python bench/speed/run.py [--proposals 150000] [--databases sqlite,postgres]
        [--sqlite-url sqlite:////.../portal.sqlite3]
        [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_bench_speed]
        [--work var/bench] [--runs 3] [--seconds 6] [--connections 4] [--sample 400]
        [--rebuild | --reuse]

The corpus is bench/search's generator, imported once per database by
bench/portal's `build` (imported, not copied) and reused by later runs. With
--reuse, the databases at --sqlite-url and --pg-url are taken as they are, built
and migrated by another benchmark (e.g. bench/search's 150,000-proposal corpus:
`--reuse --sqlite-url sqlite:///WORK/search.sqlite3 --pg-url .../lianghui_search_bench`):
no import, no migration; --proposals must be that corpus's size.

The pages and details are drawn from --sample proposals picked at random (the
same ones every run). The page shows a proposal's similar proposals from the list
the worker stores (`lianghui search similar`); a freshly imported corpus has none
yet, so before measuring, the lists of the sampled proposals that lack one are
found and stored as the worker would, for those proposals only (the only write
the benchmark makes to a reused database): the page is measured as visitors see
it, without computing the lists of the whole corpus.

For each database, one gunicorn process (`--workers 1`, sync) serves the site
with production settings and every cache off (LIANGHUI_CACHE_URL=dummy://, so
neither the response cache nor anything else kept between requests answers; the
API's stored documents are not read either, LIANGHUI_API_DOCUMENTS=0),
and this process loads it from --connections keep-alive threads. In the same
run, alternating case by case so that a change in the machine's load touches
all three alike:

  - api root: ``/api/v1/``, the cheapest answer the application gives (routing,
    middleware, DRF's negotiation and rendering);
  - proposal page: ``/proposals/<key>/`` for a random proposal of the sample;
  - api detail: ``/api/v1/proposals/<key>/`` for a random proposal of the sample.

Prints, per case, the median requests/s of --runs runs of --seconds, the
median p95 latency and the requests per CPU-second of the server process (its
rate on a core of its own, when the machine is busy with more), then the two
ratios the read path is held to, from the rates and from the CPU-seconds:
proposal page / api root (target >= 25%) and api detail / api root (target
>= 50%), each also run by run (the median of each run's ratio, which a machine
whose speed drifts between runs moves less), and the queries each answer
costs. Everything is measured from one
process, so the ratios hold whatever the machine; the absolute rates do not.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import benchmark_env, load, start_server  # noqa: E402

PY = sys.executable


def _sibling(name: str):
    """bench/<name>/run.py as a module (the folders are not packages)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / name / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


portal_bench = _sibling("portal")  # build: corpus and database; COUNT: queries per page

# The sampled proposals' similar lists, stored as the worker does (search/similar.py).
SIMILAR = r"""
import sys, django
django.setup()
from lianghui.proposals.models import Proposal
from lianghui.search import similar
from lianghui.search.models import SimilarList
keys = sys.argv[1:]
ids = list(Proposal.objects.filter(key__in=keys, published=True).values_list("id", flat=True))
have = set(SimilarList.objects.filter(proposal_id__in=ids).values_list("proposal_id", flat=True))
missing = [i for i in ids if i not in have]
made = similar.refresh(ids=missing, neighbours=False) if missing else 0
print(len(keys), len(ids), len(have), made)
"""

TARGETS = {"proposal page": 0.25, "api detail": 0.50}


def measure(env: dict, cases: dict, args) -> dict:
    server, port = start_server(env, probe="/api/v1/")
    runs: dict[str, list[dict]] = {name: [] for name in cases}
    try:
        for paths in cases.values():
            load(port, paths, 2, args.connections)  # warm up
        for _ in range(args.runs):
            for name, paths in cases.items():
                cpu = portal_bench.cpu_seconds(server.pid)
                run = load(port, paths, args.seconds, args.connections)
                used = max(portal_bench.cpu_seconds(server.pid) - cpu, 1e-9)
                run["per_cpu_s"] = run["requests"] / used
                runs[name].append(run)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        name: {
            "per_s": round(statistics.median(x["rps"] for x in rs), 1),
            "p95_ms": round(statistics.median(x["p95_ms"] for x in rs), 1),
            "per_server_cpu_s": round(statistics.median(x["per_cpu_s"] for x in rs), 1),
            "runs": [round(x["rps"], 1) for x in rs],
            "runs_per_cpu_s": [round(x["per_cpu_s"], 1) for x in rs],
            "errors": sum(x["errors"] for x in rs),
        }
        for name, rs in runs.items()
    }


def paired(rates: dict, name: str, field: str) -> float:
    """The median over runs of a case's rate over the API root's in the same run:
    a machine whose speed drifts between runs moves both alike."""
    pairs = zip(rates[name][field], rates["api root"][field], strict=True)
    return round(statistics.median(x / root for x, root in pairs if root), 3)


def one_database(database: str, args) -> dict:
    work = Path(args.work)
    url = args.sqlite_url or f"sqlite:///{work.resolve() / 'portal.sqlite3'}"
    url = url if database == "sqlite" else args.pg_url
    env = benchmark_env(
        url,
        DJANGO_SETTINGS_MODULE="lianghui.settings",
        LIANGHUI_TASKS_IMMEDIATE="1",
        LIANGHUI_DUMPS_AUTO="0",
    )
    if not args.reuse:
        build_args = argparse.Namespace(
            work=args.work, database=database, proposals=args.proposals, rebuild=args.rebuild
        )
        portal_bench.build(build_args, url, env)
    plain = {**env, "LIANGHUI_CACHE_URL": "dummy://", "LIANGHUI_PAGE_CACHE_SECONDS": "0",
             "LIANGHUI_API_CACHE_SECONDS": "0", "LIANGHUI_API_DOCUMENTS": "0"}  # fmt: skip
    rng = random.Random(7)
    keys = sorted({f"p{rng.randrange(args.proposals):07d}" for _ in range(args.sample)})
    lists = subprocess.run(
        [PY, "-c", SIMILAR, *keys], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    print(
        f"{database}: {lists[0]} sampled proposals, {lists[1]} published; similar lists"
        f" stored already {lists[2]}, found now {lists[3]}",
        flush=True,
    )
    sample = keys[0]
    counts = subprocess.run(
        [PY, "-c", portal_bench.COUNT, "/api/v1/", f"/proposals/{sample}/",
         f"/api/v1/proposals/{sample}/"],
        cwd=ROOT, env={**plain, "DJANGO_DEBUG": "1"}, check=True, capture_output=True, text=True,
    )  # fmt: skip
    queries = {p: (int(s), int(n)) for p, s, n in (ln.split() for ln in counts.stdout.splitlines())}

    def key() -> str:
        return rng.choice(keys)

    cases = {
        "api root": lambda: "/api/v1/",
        "proposal page": lambda: f"/proposals/{key()}/",
        "api detail": lambda: f"/api/v1/proposals/{key()}/",
    }
    rates = measure(plain, cases, args)
    root = rates["api root"]["per_s"]
    ratios = {name: round(rates[name]["per_s"] / root, 3) if root else 0.0 for name in TARGETS}
    root_cpu = rates["api root"]["per_server_cpu_s"]
    cpu_ratios = {
        name: round(rates[name]["per_server_cpu_s"] / root_cpu, 3) if root_cpu else 0.0
        for name in TARGETS
    }
    print(f"{database}, {args.proposals} proposals; status and queries: {queries}", flush=True)
    for name, r in rates.items():
        print(
            f"  {name:14} median {r['per_s']:7.1f}/s  p95 {r['p95_ms']:6.1f} ms"
            f"  {r['per_server_cpu_s']:7.1f} per server CPU-second"
            f"  (runs {r['runs']}; errors {r['errors']})",
            flush=True,
        )
    run_ratios = {name: paired(rates, name, "runs") for name in TARGETS}
    run_cpu_ratios = {name: paired(rates, name, "runs_per_cpu_s") for name in TARGETS}
    for name, ratio in ratios.items():
        verdict = "meets" if ratio >= TARGETS[name] else "misses"
        print(
            f"  {name} / api root = {ratio:.1%} ({verdict} the {TARGETS[name]:.0%} target;"
            f" per server CPU-second {cpu_ratios[name]:.1%}; run by run, median"
            f" {run_ratios[name]:.1%} and {run_cpu_ratios[name]:.1%})",
            flush=True,
        )
    return {
        "proposals": args.proposals,
        "sampled": len(keys),
        "queries": queries,
        "rates": rates,
        "ratios": ratios,
        "ratios_per_server_cpu_s": cpu_ratios,
        "ratios_run_by_run": run_ratios,
        "ratios_per_server_cpu_s_run_by_run": run_cpu_ratios,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=150_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_bench_speed"
    )
    parser.add_argument("--work", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--sqlite-url", default="", help="Default: portal.sqlite3 in --work.")
    parser.add_argument("--sample", type=int, default=400, help="Proposals drawn from.")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="Databases already built and migrated: no import."
    )
    args = parser.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    report = {}
    for database in args.databases.split(","):
        report[database] = one_database(database, args)
    report["load_average"] = os.getloadavg()
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
