"""What every benchmark needs: production-like settings, a fresh database, a port.

Each bench/*/run.py puts bench/ on sys.path and imports these."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def benchmark_env(url: str, **extra: str) -> dict:
    """Environment for a child process on `url`. DEBUG is off: with it on, Django
    keeps the last 9,000 statements, which distorts time and memory. Plain HTTP on
    loopback: with DEBUG off the settings otherwise redirect every request to HTTPS."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "LIANGHUI_HTTPS": "0",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        **extra,
    }


def recreate_database(db: str, url: str, env: dict) -> None:
    """Drop and recreate the database (SQLite file or PostgreSQL database), migrated."""
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    else:
        import psycopg

        admin, name = url.rsplit("/", 1)
        with psycopg.connect(admin + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PY, "-m", "lianghui", "migrate", "-v0"], env=env, check=True, cwd=ROOT)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    env: dict, *, probe: str, workers: int = 1, threads: int = 1
) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free loopback port, returned once `probe` answers 200.
    One worker with threads=1 is a single sync process."""
    import http.client
    import signal
    import time

    port = free_port()
    server = subprocess.Popen(
        [PY, "-m", "gunicorn", "lianghui.wsgi", f"--workers={workers}",
         f"--threads={threads}", f"--bind=127.0.0.1:{port}", "--log-level=warning",
         "--keep-alive=30"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", probe)
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def load(port: int, paths, seconds: float, connections: int) -> dict:
    """GETs from `connections` keep-alive connections (one thread each) for
    `seconds`; each takes its next path from `paths()`. Requests/s, p50 and p95."""
    import http.client
    import threading
    import time

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

    pool = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def pct(p: float) -> float:
        return 1000 * latencies[int(len(latencies) * p)] if latencies else 0.0

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "errors": errors[0],
    }
