"""What the vocabulary scope (proposals/vocabulary.cached()) saves the demo: builds
the demo into a fresh SQLite database (DATABASE_URL) with the scope as shipped, or
with ``--no-scope`` (every label reads the terms again), and prints the wall and
CPU seconds of the process and how many times the terms table was read.

    rm -f var/demo-a.sqlite3
    DATABASE_URL=sqlite:///$PWD/var/demo-a.sqlite3 PYTHONPATH=$PWD/src \\
        .venv/bin/python bench/vocabulary/demo_scope.py [--no-scope]

Run both in the same sitting: CPU seconds and the reads compare, wall seconds
depend on what else the machine is doing.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-scope", action="store_true")
    args, rest = parser.parse_known_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from lianghui.proposals import vocabulary

    call_command("migrate", verbosity=0)
    if args.no_scope:
        vocabulary.cached = contextlib.nullcontext
    table = f'"{vocabulary.Term._meta.db_table}"'
    reads = {"terms": 0, "all": 0}

    def count(execute, sql, params, many, context):
        reads["all"] += 1
        if f"FROM {table}" in sql:
            reads["terms"] += 1
        return execute(sql, params, many, context)

    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        call_command("demo", *rest, verbosity=0)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = "without the scope" if args.no_scope else "with the scope"
    print(
        f"demo {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {reads['terms']} reads of the"
        f" terms in {reads['all']} queries, peak {peak:.0f} MB",
        file=sys.stdout,
    )


if __name__ == "__main__":
    main()
