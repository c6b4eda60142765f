"""`lianghui worker`: runs the background jobs queued in the database, delivers the
change stream's outbox to its subscribers, and enqueues the daily jobs.

A worker that dies (killed, out of memory, the machine rebooted) leaves its task
marked "running". Each worker therefore beats (a row in `core.WorkerBeat`,
refreshed by a thread while a task runs), and every worker hands a running task
back to the queue once its worker's beat is older than the lease. Several
workers can run side by side: tasks and outbox rows are claimed under a lock, a
task is handed back by a conditional update (one worker wins), and the daily
jobs are claimed per day (core.schedule).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from lianghui.core import events
from lianghui.core.models import WorkerBeat
from lianghui.core.schedule import Scheduler

logger = logging.getLogger("lianghui.worker")

LEASE = 120  # seconds without a beat after which a worker's running task is handed back
ATTEMPTS = 3  # a task whose worker died this many times is marked failed, not run again


def _locked(error: OperationalError) -> bool:
    return is_locked_database_exception(error)


def beat(worker_id: str) -> None:
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})


def recover(*, lease: float = LEASE, now: dt.datetime | None = None) -> list[str]:
    """Hand back to the queue the running tasks whose worker has not beaten for
    ``lease`` seconds (or, without any beat, that started that long ago). Returns
    the ids of the tasks handed back or, after ATTEMPTS deaths, failed."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=lease)
    beats = dict(WorkerBeat.objects.values_list("worker_id", "seen_at"))
    moved = []
    for task in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        owner = task.worker_ids[-1] if task.worker_ids else None
        seen = beats.get(owner)
        if seen is not None and seen >= stale:
            continue  # alive
        if seen is None and task.started_at and task.started_at >= stale:
            continue  # no beat yet, but started recently
        claim = DBTaskResult.objects.filter(
            pk=task.pk, status=TaskResultStatus.RUNNING, started_at=task.started_at
        )
        if len(task.worker_ids) >= ATTEMPTS:
            done = claim.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="lianghui.core.WorkerDied",
                traceback=f"The worker running it died {len(task.worker_ids)} times.",
            )
        else:
            done = claim.update(status=TaskResultStatus.READY, started_at=None)
        if done:  # another worker may have handed it back first
            moved.append(str(task.pk))
            logger.warning("task %s of dead worker %s handed back", task.pk, owner)
    WorkerBeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()
    return moved


class _Heart(threading.Thread):
    """Beats for the worker while it runs a long task."""

    def __init__(self, worker_id: str, every: float):
        super().__init__(daemon=True, name="lianghui-worker-beat")
        self.worker_id, self.every = worker_id, every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                beat(self.worker_id)
            except Exception:  # a locked database: try again next time
                logger.debug("beat failed", exc_info=True)
            finally:
                close_old_connections()


class LeasedWorker(Worker):
    def __init__(self, *, lease: float = LEASE, **kwargs):
        super().__init__(**kwargs)
        self.lease = lease
        self._recovered_at = 0.0

    def housekeeping(self) -> int:
        """Recover dead workers' tasks (every quarter lease) and deliver the outbox.
        Returns the outbox rows delivered."""
        try:
            if time.monotonic() - self._recovered_at >= self.lease / 4:
                beat(self.worker_id)
                recover(lease=self.lease)
                self._recovered_at = time.monotonic()
            return events.deliver_all()
        except OperationalError as error:
            if _locked(error):
                return 0
            raise

    def _claim(self):
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # no other worker runs it now
                return task_result, True
        except OperationalError as error:
            if _locked(error):
                return None, False
            raise

    def run(self) -> None:
        logger.info("worker %s starting (queues %s)", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(self.interval * 0.5)
        beat(self.worker_id)
        # The entry point, not core's library code: it may know the proposals app.
        from lianghui.proposals import vocabulary

        heart = _Heart(self.worker_id, self.lease / 4)
        heart.start()
        try:
            while self.running:
                close_old_connections()
                delivered = self.housekeeping()
                task_result, asked = self._claim()
                if task_result is not None:
                    with vocabulary.cached():  # each task reads the terms once
                        self.run_task(task_result)
                elif self.batch and asked and not delivered and not events.pending_count():
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                close_old_connections()
                if self.running and task_result is None and not delivered:
                    time.sleep(self.interval)
        finally:
            heart.stopped.set()
            try:
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
            except Exception:
                logger.debug("could not remove the beat", exc_info=True)


class Command(DatabaseWorker):
    help = (
        "Run background jobs (index updates, stored documents, dumps, reminders, digests)"
        " from the database queue, deliver recorded changes to them, hand back the tasks"
        " of workers that died, and enqueue the daily jobs when their hour comes."
        " Needs no other server; several can run side by side."
    )

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lease",
            type=float,
            default=LEASE,
            help="Seconds without a sign of life after which a worker's running task is"
            " handed to another (default: %(default)s).",
        )

    def handle(self, *args, **options):
        import os

        from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

        self.configure_logging(options["verbosity"])
        batch = options["batch"]
        reload = options["reload"] and not batch
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = LeasedWorker(
            lease=options["lease"],
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if batch:  # run what is pending and return (tests, cron): no scheduler, no signals
            worker.run()
            return
        Scheduler().start()
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
