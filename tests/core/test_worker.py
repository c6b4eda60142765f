"""The worker: a dead worker's task is picked up again; workers side by side
neither fail nor run (or send) anything twice."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lianghui.core import events
from lianghui.core.management.commands.worker import ATTEMPTS, LEASE, recover
from lianghui.core.models import Change, WorkerBeat
from lianghui.proposals.models import Proposal
from lianghui.search.models import SearchDocument
from tests.workers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LONG_AGO = dt.timedelta(seconds=LEASE * 5)


@pytest.fixture
def reindexing(small_world, settings):
    """A reindexing task claimed by a worker that then died: the index lost the
    proposal meanwhile."""
    from lianghui.search.tasks import reindex_records

    settings.TASKS = DB
    p = Proposal.objects.get(key="p-1")
    SearchDocument.objects.filter(doc_type="proposal", object_id=p.pk).delete()
    result = reindex_records.enqueue("proposals.Proposal", [p.pk])
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - LONG_AGO,
        worker_ids=["dead"],
    )
    WorkerBeat.objects.create(worker_id="dead", seen_at=timezone.now() - LONG_AGO)
    return DBTaskResult.objects.get(pk=result.id), p


def test_a_dead_workers_task_runs_again(reindexing):
    task, p = reindexing
    run_worker("w-alive")
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.worker_ids == ["dead", "w-alive"]
    assert SearchDocument.objects.filter(doc_type="proposal", object_id=p.pk).exists()
    assert not WorkerBeat.objects.filter(worker_id="w-alive").exists()  # left cleanly


def test_a_living_workers_task_is_left_alone(reindexing):
    task, _p = reindexing
    WorkerBeat.objects.filter(worker_id="dead").update(seen_at=timezone.now())
    assert recover() == []
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING
    # Without any beat, only a task started longer ago than the lease is handed back.
    WorkerBeat.objects.all().delete()
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now())
    assert recover() == []
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - LONG_AGO)
    assert recover() == [str(task.pk)]


def test_a_task_that_kills_its_workers_is_given_up(reindexing):
    task, _p = reindexing
    DBTaskResult.objects.filter(pk=task.pk).update(worker_ids=["dead"] * ATTEMPTS)
    assert recover() == [str(task.pk)]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED


def test_two_workers_hand_a_task_back_once(reindexing):
    task, _p = reindexing
    assert recover() == [str(task.pk)]
    assert recover() == []  # the second worker finds nothing to do
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY


def test_daily_jobs_are_enqueued_once_whatever_the_number_of_workers(small_world, settings):
    from lianghui.core.schedule import enqueue_due

    settings.TASKS = DB
    noon = timezone.make_aware(dt.datetime(2026, 3, 9, 12))
    first, second = enqueue_due(noon), enqueue_due(noon)
    assert "watch-digests" in first and second == []
    digests = DBTaskResult.objects.filter(task_path__endswith="send_digests")
    assert digests.count() == 1


def test_changes_are_delivered_once(small_world, settings):
    settings.TASKS = DB
    heard = []
    events.subscribe("tests.Thing", lambda label, ids: heard.append(ids))
    try:
        events.changed("tests.Thing", [1, 2])
        events.changed("tests.Thing", [2, 3])
        assert Change.objects.count() == 2
        assert events.deliver() == 2
        assert events.deliver() == 0
        assert heard == [{1, 2, 3}]
    finally:
        events._subscribers.pop("tests.Thing", None)


def test_two_workers_side_by_side_run_each_task_once(small_world, settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads on one SQLite test database; SQLite's case is the lock above")
    from lianghui.search.tasks import reindex_records

    settings.TASKS = DB
    settings.LIANGHUI_DUMPS_AUTO = False  # no rebuilds waiting for later
    ids = list(Proposal.objects.values_list("pk", flat=True))
    for _ in range(10):
        reindex_records.enqueue("proposals.Proposal", ids)
    events.changed("proposals.Proposal", ids)  # and outbox rows for both to deliver
    failures = []

    def run(worker_id):
        try:
            run_worker(worker_id)
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f"w{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    tasks = list(DBTaskResult.objects.all())
    assert {t.status for t in tasks} == {TaskResultStatus.SUCCESSFUL}
    assert all(len(t.worker_ids) == 1 for t in tasks)
    assert not Change.objects.exists()


def test_a_change_that_cannot_be_delivered_holds_back_no_other(small_world, settings):
    settings.TASKS = DB
    heard = []

    def fails(label, ids):
        raise RuntimeError("broken subscriber")

    events.subscribe("tests.Bad", fails)
    events.subscribe("tests.Good", lambda label, ids: heard.append(ids))
    try:
        events.changed("tests.Bad", [1])
        events.changed("tests.Good", [2])
        assert events.deliver_all() == 1
        assert heard == [{2}]
        assert list(Change.objects.values_list("label", flat=True)) == ["tests.Bad"]
    finally:
        events._subscribers.pop("tests.Bad", None)
        events._subscribers.pop("tests.Good", None)
        events._poisoned.clear()
