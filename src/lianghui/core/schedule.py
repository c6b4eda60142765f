"""Periodic jobs, enqueued by the worker once a day each (after their hour)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduledRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Daily:
    name: str
    task: str  # dotted path of a django.tasks Task
    hour: int = 8


JOBS = [
    Daily("due-reminders", "lianghui.proposals.tasks.send_due_reminders", hour=8),
    Daily("watch-digests", "lianghui.following.tasks.send_digests", hour=7),
    Daily("idempotency-prune", "lianghui.api.tasks.prune_idempotency_keys", hour=3),
    Daily("commitment-outcomes", "lianghui.commitments.tasks.refresh_outcomes", hour=4),
]


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job whose hour has come today and that has not run today.

    The day is claimed with a conditional update, which one worker wins even
    beside others on SQLite (where row locks are not taken): a job is enqueued
    once a day however many workers run."""
    now = timezone.localtime(now)
    today = now.date()
    started = []
    for job in JOBS:
        if now.hour < job.hour:
            continue
        # get_or_create fetches the row another worker made meanwhile.
        ScheduledRun.objects.get_or_create(
            name=job.name, defaults={"last_run_on": today - dt.timedelta(days=1)}
        )
        with transaction.atomic():
            won = ScheduledRun.objects.filter(name=job.name, last_run_on__lt=today).update(
                last_run_on=today
            )
            if not won:
                continue
            import_string(job.task).enqueue()
        started.append(job.name)
    return started


class Scheduler(threading.Thread):
    def __init__(self, interval: float = 60.0):
        super().__init__(daemon=True, name="lianghui-scheduler")
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                for name in enqueue_due():
                    logger.info("enqueued %s", name)
            except Exception:  # keep scheduling whatever one round hit
                logger.exception("scheduling failed")
            finally:
                close_old_connections()
            self.stopped.wait(self.interval)
