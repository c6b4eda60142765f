"""What a person's data rights cost: the My data summary, the archive and the
erasure, against the number of sessions on the site (the one part that grows
with the site rather than with the person: sessions keep the user's id inside
their signed data, so finding a person's sessions reads them all).

    .venv/bin/python bench/mydata/run.py [--sessions 1000,20000] [--runs 5]
        [--databases sqlite,postgres] [--pg-url postgres://postgres@127.0.0.1:5432/lianghui_bench]

For each database and session count: a fresh migrated database, the sessions of
other users, then per run a new account with follows, a token and audit entries;
prints the median seconds of summary, archive and erase.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from common import benchmark_env, recreate_database  # noqa: E402

PY = sys.executable

CHILD = r"""
import json, os, statistics, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
import datetime as dt
from lianghui.accounts import mydata
from lianghui.accounts.services import account_create
from lianghui.api.tokens.services import token_create
from lianghui.following.models import Follow

sessions, runs = int(sys.argv[1]), int(sys.argv[2])
store = SessionStore()
expire = timezone.now() + dt.timedelta(days=14)
rows = [
    Session(session_key=f"bench{i:027d}", expire_date=expire,
            session_data=store.encode({"_auth_user_id": str(100000 + i)}))
    for i in range(sessions)
]
Session.objects.bulk_create(rows, batch_size=2000)
times = {"summary": [], "archive": [], "erase": []}
for run in range(runs):
    user = account_create(username=f"person{run}", password=None, role="watcher",
                          email=f"p{run}@example.org")
    Follow.objects.bulk_create(
        Follow(user=user, target="search", key=f"q=word{n}", label=f"word{n}") for n in range(50)
    )
    token_create(user=user, name="script")
    for name, fn in (("summary", mydata.summary), ("archive", mydata.archive),
                     ("erase", lambda u: mydata.erase(user=u))):
        start = time.perf_counter()
        fn(user)
        times[name].append(time.perf_counter() - start)
print(json.dumps({k: statistics.median(v) for k, v in times.items()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", default="1000,20000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/lianghui_bench")
    parser.add_argument("--work", default="/tmp/lianghui-bench-mydata")
    args = parser.parse_args()
    Path(args.work).mkdir(parents=True, exist_ok=True)
    print("database  sessions  summary_s  archive_s  erase_s  (medians)")
    for db in args.databases.split(","):
        url = f"sqlite:///{args.work}/mydata.sqlite3" if db == "sqlite" else args.pg_url
        env = benchmark_env(url, PYTHONPATH=str(ROOT / "src"))
        for count in [int(n) for n in args.sessions.split(",")]:
            recreate_database(db, url, env)
            out = subprocess.run(
                [PY, "-c", CHILD, str(count), str(args.runs)],
                env=env, cwd=ROOT, check=True, capture_output=True, text=True,
            )  # fmt: skip
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{db:9} {count:9,} {r['summary']:10.3f} {r['archive']:10.3f} {r['erase']:8.3f}")


if __name__ == "__main__":
    main()
