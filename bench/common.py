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
    keeps the last 9,000 statements, which distorts time and memory."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
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
