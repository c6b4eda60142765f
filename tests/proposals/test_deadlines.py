"""Reply deadlines as rules: working days on a body's holiday calendar, calendar
days, months clamped at month ends, a fixed latest day, and the rule in words."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from lianghui.people.models import Member, Organization
from lianghui.proposals import deadlines, services
from lianghui.proposals.deadlines import Rule, due_by_rule
from lianghui.proposals.models import Body, HolidayCalendar, ProposalKind, Session

D = dt.date


def working(count, start, calendar=None, by=""):
    return due_by_rule(Rule("working_days", count, by, calendar), start)


@pytest.fixture
def mainland(seed_facts):
    """The demo's mainland China calendar (official holidays and make-up days)."""
    return HolidayCalendar.objects.get(key="cn-mainland").pk


@pytest.mark.django_db
def test_working_days_skip_the_spring_festival_and_count_its_make_up_saturday(mainland):
    # Friday 13 February 2026. Saturday the 14th is worked in exchange for the
    # holiday of 15-23 February; Saturday the 28th is worked too.
    friday = D(2026, 2, 13)
    assert working(1, friday, mainland).on == D(2026, 2, 14)
    assert working(2, friday, mainland).on == D(2026, 2, 24)
    assert working(5, friday, mainland).on == D(2026, 2, 27)
    assert working(6, friday, mainland).on == D(2026, 2, 28)
    assert working(7, friday, mainland).on == D(2026, 3, 2)
    # Without the calendar only the weekends are off.
    assert working(5, friday).on == D(2026, 2, 20)


@pytest.mark.django_db
def test_working_days_across_national_day_and_a_long_count(mainland):
    # 2025: 1-8 October off, Sunday 28 September and Saturday 11 October worked.
    assert working(1, D(2025, 9, 26), mainland).on == D(2025, 9, 28)
    assert working(3, D(2025, 9, 28), mainland).on == D(2025, 10, 9)
    assert working(4, D(2025, 9, 28), mainland).on == D(2025, 10, 10)
    assert working(5, D(2025, 9, 28), mainland).on == D(2025, 10, 11)
    # A count longer than the first window the calendar is read in (a year of
    # working days) still sees every holiday: 2024 had 251 working days.
    assert working(251, D(2023, 12, 31), mainland).on == D(2024, 12, 31)
    assert working(254, D(2023, 12, 31), mainland).on == D(2025, 1, 6)


@pytest.fixture
def england(seed_facts):
    """The demo's England and Wales calendar: bank holidays, no make-up days."""
    return HolidayCalendar.objects.get(key="uk-england-wales").pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Thursday 1 May 2025; Monday 5 May is the Early May bank holiday.
        (D(2025, 5, 1), 5, D(2025, 5, 9)),
        # Thursday 2 April 2026: Good Friday and Easter Monday are skipped.
        (D(2026, 4, 2), 1, D(2026, 4, 7)),
        (D(2026, 4, 2), 5, D(2026, 4, 13)),
        # Across a month end with no holiday: Friday 28 November 2025.
        (D(2025, 11, 28), 5, D(2025, 12, 5)),
        # Across Christmas, Boxing Day and New Year's Day into the next year.
        (D(2025, 12, 18), 5, D(2025, 12, 29)),
        (D(2025, 12, 23), 5, D(2026, 1, 2)),
        # Boxing Day 2026 is a Saturday: its substitute, Monday 28 December, is off.
        (D(2026, 12, 24), 1, D(2026, 12, 29)),
        # Starting on a bank holiday: the next working day is the first.
        (D(2025, 8, 25), 1, D(2025, 8, 26)),
    ],
)
def test_working_days_on_the_england_and_wales_calendar(england, start, count, expected):
    assert working(count, start, england).on == expected


@pytest.mark.django_db
def test_working_days_from_a_make_up_day_and_across_a_month_end(mainland):
    # Saturday 28 February 2026 is worked: a reply counted from it starts on Monday
    # 2 March, in the next month.
    assert working(1, D(2026, 2, 28), mainland).on == D(2026, 3, 2)
    # Friday 30 January 2026 plus 5 working days ends in February.
    assert working(5, D(2026, 1, 30), mainland).on == D(2026, 2, 6)
    # Counting into a make-up day at a month end: the 6th working day after
    # Friday 13 February is Saturday 28 February, the month's last day.
    assert working(6, D(2026, 2, 13), mainland).on == D(2026, 2, 28)


def test_working_days_skip_weekends_and_the_start_day_does_not_count():
    friday, saturday = D(2026, 3, 6), D(2026, 3, 7)
    assert working(1, friday).on == D(2026, 3, 9)
    assert working(1, saturday).on == D(2026, 3, 9)
    assert working(5, D(2026, 3, 3)).on == D(2026, 3, 10)


def test_calendar_days_count_every_day():
    rule = Rule("calendar_days", 10)
    assert due_by_rule(rule, D(2026, 2, 13)).on == D(2026, 2, 23)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2026, 8, 31), 3, D(2026, 11, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2022, 3, 25), 3, D(2022, 6, 25)),
    ],
)
def test_months_end_on_the_last_day_of_a_shorter_month(start, months, expected):
    assert due_by_rule(Rule("months", months), start).on == expected


def test_a_fixed_latest_day_wins_only_when_it_comes_first():
    rule = Rule("months", 3, by="11-30")
    late = due_by_rule(rule, D(2026, 9, 1))
    assert (late.on, late.by) == (D(2026, 11, 30), D(2026, 11, 30))
    early = due_by_rule(rule, D(2026, 6, 1))
    assert (early.on, early.by) == (D(2026, 9, 1), D(2026, 11, 30))
    # Assigned on the fixed day itself: next year's applies, so the count decides.
    on_the_day = due_by_rule(rule, D(2026, 11, 30))
    assert (on_the_day.on, on_the_day.by) == (D(2027, 2, 28), D(2027, 11, 30))
    # 29 February is the 28th in other years.
    assert due_by_rule(Rule("months", 6, by="02-29"), D(2026, 12, 1)).on == D(2027, 2, 28)
    assert due_by_rule(Rule("months", 6, by="02-29"), D(2027, 12, 1)).on == D(2028, 2, 29)


def test_a_rule_counts_at_least_one():
    with pytest.raises(ValueError):
        due_by_rule(Rule("months", 0), D(2026, 1, 1))


def test_the_rule_in_words_in_both_languages():
    five = due_by_rule(Rule("working_days", 5), D(2026, 3, 3))
    one = due_by_rule(Rule("calendar_days", 1), D(2026, 3, 3))
    capped = due_by_rule(Rule("months", 3, by="11-30"), D(2026, 9, 1))
    with translation.override("en"):
        assert five.text == "5 working days from March 3, 2026"
        assert one.text == "1 day from March 3, 2026"
        assert capped.text == "3 months from Sept. 1, 2026, by Nov. 30, 2026 at the latest"
    with translation.override("zh-hans"):
        assert five.text == "自2026年3月3日起5个工作日"
        assert one.text == "自2026年3月3日起1日"
        assert capped.text == "自2026年9月1日起3个月，最迟2026年11月30日"


@pytest.mark.django_db
def test_assignments_keep_the_rule_that_set_their_due_date(small_world, client):
    body = Body.objects.get(key="npc")
    body.deadline_unit, body.deadline_count = "working_days", 5
    body.calendar = HolidayCalendar.objects.create(key="test-cal", name_en="Test")
    body.save()
    body.calendar.days.create(date=D(2026, 3, 5), kind="holiday", name_en="A holiday")
    proposal = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="new-1",
        title_zh="关于期限的建议",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=proposal, on=D(2026, 2, 20))
    services.proposal_start_review(proposal=proposal)
    services.proposal_review(proposal=proposal, decision="filed", on=D(2026, 3, 2))
    lead = services.proposal_assign(
        proposal=proposal,
        agency=Organization.objects.get(key="mohrss"),
        role="lead",
        on=D(2026, 3, 3),
    )
    # Tuesday 3 March: Wed 4, (Thu 5 off), Fri 6, Mon 9, Tue 10, Wed 11.
    assert lead.due_on == D(2026, 3, 11)
    assert (lead.due_unit, lead.due_count, lead.due_from) == ("working_days", 5, D(2026, 3, 3))
    # A later change of the body's rule does not rewrite how this date came about.
    body.deadline_unit, body.deadline_count = "months", 3
    body.save()
    lead.refresh_from_db()
    with translation.override("en"):
        assert lead.due_rule == "5 working days from March 3, 2026"
    with translation.override("en"):  # the request switches the thread to Chinese
        page = client.get(proposal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "自2026年3月3日起5个工作日" in page.content.decode()
    # A date the office chooses has no rule to show.
    joint = services.proposal_assign(
        proposal=proposal,
        agency=Organization.objects.get(key="miit"),
        role="joint",
        on=D(2026, 3, 3),
        due_on=D(2026, 4, 1),
    )
    assert (joint.due_on, joint.due_unit, joint.due_rule) == (D(2026, 4, 1), "", "")


@pytest.mark.django_db
def test_a_kinds_own_rule_replaces_the_bodys_but_keeps_its_calendar(small_world, mainland):
    kind = ProposalKind.objects.select_related("body").get(key="npc-suggestion")
    kind.body.calendar_id = mainland
    assert deadlines.due(kind, D(2026, 2, 13)).on == D(2026, 5, 13)  # the body's 3 months
    kind.deadline_unit, kind.deadline_count, kind.deadline_by = "working_days", 5, ""
    assert deadlines.due(kind, D(2026, 2, 13)).on == D(2026, 2, 27)
    with translation.override("en"):
        assert deadlines.rule_text(kind) == "5 working days"
        assert deadlines.rule_text(kind.body) == "3 months"


@pytest.mark.django_db
def test_the_database_refuses_a_rule_of_zero(small_world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.filter(key="npc").update(deadline_count=0)
    kinds = ProposalKind.objects.filter(key="npc-suggestion")
    with pytest.raises(IntegrityError), transaction.atomic():
        kinds.update(deadline_unit="months", deadline_count=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        kinds.update(deadline_unit="months", deadline_count=None)


@pytest.mark.django_db
def test_reminders_and_overdue_follow_a_working_day_rule(accounts):
    from django.core import mail

    from lianghui.proposals import supervision
    from lianghui.proposals.tasks import send_due_reminders

    body = Body.objects.get(key="npc")
    body.deadline_unit, body.deadline_count = "working_days", 5
    body.calendar = HolidayCalendar.objects.create(key="test-cal", name_en="Test")
    body.save()
    body.calendar.days.create(date=D(2022, 3, 28), kind="holiday")
    proposal = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="due-wd",
        title_zh="期限",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=proposal, on=D(2022, 3, 6))
    services.proposal_start_review(proposal=proposal)
    services.proposal_review(proposal=proposal, decision="filed", on=D(2022, 3, 20))
    lead = services.proposal_assign(
        proposal=proposal,
        agency=Organization.objects.get(key="miit"),
        role="lead",
        on=D(2022, 3, 25),
    )
    # Friday 25 March; Monday the 28th is a holiday: Tue, Wed, Thu, Fri, Mon 4 April.
    assert lead.due_on == D(2022, 4, 4)
    overdue = {a.pk for a in supervision.overdue(today=D(2022, 4, 4))}
    assert lead.pk not in overdue
    assert lead.pk in {a.pk for a in supervision.overdue(today=D(2022, 4, 5))}
    send_due_reminders.enqueue("2022-04-05")
    assert "due-wd  due 2022-04-04 (5 working days from March 25, 2022)" in mail.outbox[0].body
