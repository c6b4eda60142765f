"""Two workers side by side make each notification once and send each email once."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection, connections

from lianghui.accounts import consent
from lianghui.core.models import AuditEntry
from lianghui.notifications.models import Notification
from lianghui.notifications.tasks import mail_notifications, produce_notifications
from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import ProposalKind, Session
from tests.workers import run_worker

pytestmark = pytest.mark.django_db(transaction=True)
DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(worker_id):
    try:
        run_worker(worker_id)
    finally:
        connections.close_all()


def test_two_workers_notify_and_mail_once(accounts, settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads on one SQLite test database; the claim is the same update")
    settings.TASKS = DB
    settings.LIANGHUI_DUMPS_AUTO = False
    member, office = accounts["member"], accounts["office"]
    member.email = "m@example.org"
    member.save()
    consent.consent_grant(user=member, kind="notifications", how="form")
    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        title_zh="关于并发的建议",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=dt.date(2022, 3, 6))
    services.proposal_review(proposal=p, decision="filed", on=dt.date(2022, 3, 20), actor=office)
    services.proposal_assign(
        proposal=p,
        agency=Organization.objects.get(key="miit"),
        role="lead",
        on=dt.date(2022, 3, 25),
        actor=office,
    )
    # the same events and emails queued again, as after a redelivery
    events = list(AuditEntry.objects.values_list("pk", flat=True))
    for _ in range(3):
        produce_notifications.enqueue(events)
    mail.outbox.clear()
    threads = [threading.Thread(target=_worker, args=(f"w{n}",)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _worker("w-last")  # what the two enqueued for each other
    mine = Notification.objects.filter(user=member)
    assert sorted(mine.values_list("kind", flat=True)) == ["assigned", "filed"]
    mail_notifications.enqueue(list(mine.values_list("pk", flat=True)))
    _worker("w-again")
    assert sorted(m.to[0] for m in mail.outbox) == ["m@example.org", "m@example.org"]
    assert set(mine.values_list("mail_state", flat=True)) == {"sent"}
