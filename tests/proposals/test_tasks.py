import datetime as dt

import pytest
from django.core import mail

from lianghui.core.models import ScheduledRun
from lianghui.core.schedule import enqueue_due
from lianghui.proposals import services, supervision
from lianghui.proposals.tasks import send_due_reminders
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def handled(accounts):
    out = []
    for n, (agency, day) in enumerate(
        [("miit", D(2022, 3, 25)), ("miit", D(2022, 5, 1)), ("mohrss", D(2022, 3, 1))]
    ):
        p = ProposalFactory(
            key=f"due-{n}",
            title_zh=f"期限 {n}",
            status="assigned",
            submitted_on=D(2022, 2, 1),
            filed_on=D(2022, 2, 20),
            agency=agency,
            assigned_on=day,
        )
        out.append(p.assignments.get())
    return out


def test_due_soon_and_overdue(handled):
    today = D(2022, 6, 30)  # due dates 06-25 (overdue), 08-01 and 06-01 (overdue)
    assert {a.proposal.key for a in supervision.overdue(today=today)} == {"due-0", "due-2"}
    assert not supervision.due_soon(today=today).exists()
    assert {a.proposal.key for a in supervision.due_soon(today=D(2022, 7, 20))} == {"due-1"}
    services.reply_create(assignment=handled[0], category="A", on=D(2022, 6, 30))
    assert {a.proposal.key for a in supervision.overdue(today=today)} == {"due-2"}


def test_reminders_go_to_the_agency_officers(handled):
    sent = send_due_reminders.enqueue("2022-06-30").return_value
    # MIIT has an officer with an email; MOHRSS's officer has none
    assert sent == 1
    assert mail.outbox[0].to == ["a@example.org"]
    assert "1 overdue" in mail.outbox[0].subject and "due-0" in mail.outbox[0].body


def test_daily_jobs_are_enqueued_once_a_day(handled):
    from django.utils import timezone

    at = timezone.make_aware(dt.datetime(2022, 6, 30, 9, 0))
    assert "due-reminders" in enqueue_due(at)
    assert enqueue_due(at + dt.timedelta(hours=3)) == []
    assert "due-reminders" in enqueue_due(at + dt.timedelta(days=1))
    assert ScheduledRun.objects.get(name="due-reminders").last_run_on == D(2022, 7, 1)
    early = timezone.make_aware(dt.datetime(2022, 7, 2, 6, 0))
    assert "due-reminders" not in enqueue_due(early)  # before the job's hour
