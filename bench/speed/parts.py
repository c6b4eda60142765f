"""Where a plain read's time goes, in-process: the parts bench/speed/run.py's ratios are made of.

    DATABASE_URL=... .venv/bin/python bench/speed/parts.py [--sample 200] [--runs 5]

On the database at DATABASE_URL (e.g. bench/search's 150,000-proposal corpus), in
this process, with production settings (DEBUG off) and every cache off (the API's
stored documents too), through Django's test client (no HTTP server: what
gunicorn adds is not here), for the API
root, proposal pages and API proposal details of --sample published proposals
that have a stored similar list (as `bench/speed/run.py` stores them), prints per
case the median of --runs runs of:

  - ms a request;
  - of which in SQL (each statement from execute to its rows, the server's time
    and the round trip included), and the number of statements;
  - of which in templates (the page's whole render, with the queries it runs
    lazily, which are counted in SQL too);

and a database round trip: ``SELECT 1`` through Django's cursor (µs, median),
the floor of each statement. Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")
os.environ.update(
    DJANGO_DEBUG="0",
    LIANGHUI_HTTPS="0",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "benchmark-only"),
    DJANGO_ALLOWED_HOSTS="127.0.0.1",
    LIANGHUI_CACHE_URL="dummy://",
    LIANGHUI_PAGE_CACHE_SECONDS="0",
    LIANGHUI_API_CACHE_SECONDS="0",
    LIANGHUI_API_DOCUMENTS="0",
)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client  # noqa: E402

from lianghui.proposals.models import Proposal  # noqa: E402
from lianghui.search.models import SimilarList  # noqa: E402


class Clock:
    """Seconds spent in SQL and in template renders, and statements run."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.sql = self.template = 0.0
        self.statements = 0

    def execute(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - start
            self.statements += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    stored = SimilarList.objects.values("proposal_id")
    keys = list(
        Proposal.objects.filter(published=True, id__in=stored)
        .order_by("id")
        .values_list("key", flat=True)[: args.sample * 10]
    )
    if not keys:
        raise SystemExit("No published proposal has a stored similar list: run bench/speed first.")
    sample = random.Random(7).sample(keys, min(args.sample, len(keys)))
    cases = {
        "api root": lambda k: "/api/v1/",
        "proposal page": lambda k: f"/proposals/{k}/",
        "api detail": lambda k: f"/api/v1/proposals/{k}/",
    }
    clock = Clock()
    render = Template.render

    def timed_render(self, *a, **kw):
        start = time.perf_counter()
        try:
            return render(self, *a, **kw)
        finally:
            clock.template += time.perf_counter() - start

    Template.render = timed_render
    client = Client(HTTP_HOST="127.0.0.1")
    for path in cases.values():  # warm up: compiled queries, templates, the OS's cache
        for k in sample:
            response = client.get(path(k))
            assert response.status_code == 200, (path(k), response.status_code)
    report = {}
    with connection.execute_wrapper(clock.execute):
        for name, path in cases.items():
            runs = []
            for _ in range(args.runs):
                clock.reset()
                start = time.perf_counter()
                for k in sample:
                    client.get(path(k))
                wall = time.perf_counter() - start
                n = len(sample)
                runs.append(
                    (wall / n * 1e3, clock.sql / n * 1e3, clock.template / n * 1e3,
                     clock.statements / n)
                )  # fmt: skip
            ms, sql, template, statements = (
                statistics.median(r[i] for r in runs) for i in range(4)
            )
            report[name] = {
                "ms": round(ms, 3),
                "sql_ms": round(sql, 3),
                "statements": round(statements, 1),
                "template_ms": round(template, 3),
            }
            print(
                f"{name:14} {ms:6.3f} ms a request: SQL {sql:6.3f} ms ({statements:.1f}"
                f" statements), templates {template:6.3f} ms",
                flush=True,
            )
    with connection.cursor() as cursor:
        trips = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for _ in range(500):
                cursor.execute("SELECT 1")
                cursor.fetchall()
            trips.append((time.perf_counter() - start) / 500 * 1e6)
    report["select_1_us"] = round(statistics.median(trips), 1)
    report["vendor"] = connection.vendor
    print(f"SELECT 1 through Django's cursor: {report['select_1_us']} µs", flush=True)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
