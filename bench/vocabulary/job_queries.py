"""Queries of one worker job that labels things, with and without the vocabulary
scope: `notifications.tasks.produce_notifications` over the newest ``--events``
handling events of the database (DATABASE_URL, e.g. the demo's), run as the
worker runs it (in ``vocabulary.cached()``) and with every label reading the terms
again. Each run is rolled back: the database is left as it was.

    DATABASE_URL=sqlite:///$PWD/var/demo.sqlite3 PYTHONPATH=$PWD/src \\
        .venv/bin/python bench/vocabulary/job_queries.py --events 200
"""

from __future__ import annotations

import argparse
import contextlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianghui.settings")


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from lianghui.core.models import AuditEntry
    from lianghui.notifications import producers
    from lianghui.notifications.models import Notification
    from lianghui.proposals import vocabulary
    from lianghui.proposals.models import Proposal

    ct = ContentType.objects.get_for_model(Proposal)
    actions = [*producers.STATUS_KINDS, *producers.EVENT_ACTIONS]
    ids = list(
        AuditEntry.objects.filter(content_type=ct, action__in=actions)
        .order_by("-id")
        .values_list("id", flat=True)[: args.events]
    )
    table = f'"{vocabulary.Term._meta.db_table}"'

    for label, scope in (("in the worker's scope", vocabulary.cached), ("without", None)):
        counts = {"terms": 0, "all": 0, "made": 0}

        def count(execute, sql, params, many, context, counts=counts):
            counts["all"] += 1
            counts["terms"] += f"FROM {table}" in sql
            return execute(sql, params, many, context)

        with contextlib.suppress(Rollback), transaction.atomic():
            # made afresh: the notifications these events already made are set aside
            Notification.objects.all().delete()
            with connection.execute_wrapper(count), (scope or contextlib.nullcontext)():
                counts["made"] = len(producers.produce(ids))
            raise Rollback
        print(
            f"produce_notifications, {len(ids)} events, {counts['made']} notifications"
            f" {label}: {counts['all']} queries, {counts['terms']} of them reading the terms"
        )


if __name__ == "__main__":
    main()
