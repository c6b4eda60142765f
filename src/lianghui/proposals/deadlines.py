"""Reply deadlines: a body's rule (or its kind's), counted on the body's calendar.

A rule is a count of calendar days, working days or months from a start day
(the assignment, a transfer, a reopening), and optionally a fixed day of the
year (MM-DD) by which the reply is due at the latest: then the earlier of the
two applies. The fixed day is the first such day after the start.

- Calendar days: every day counts; the start day does not.
- Working days: Monday to Friday, less the calendar's holidays, plus its make-up
  working days (a Saturday worked in exchange for a holiday counts); without a
  calendar only weekends are off. "5 working days from Friday 3 March" ends on
  the fifth working day after it.
- Months: calendar months, clamped at the month's end (31 January + 1 month =
  28 or 29 February).

A due date is never moved off a holiday: a count in working days lands on a
working day by itself, and a count in months or calendar days means what it says.

`due()` is the one place that computes a due date; every service that sets one
calls it, and the assignment keeps the rule (`Assignment.due_unit` ...) so pages
can say how the date came about (`explain`).
"""

from __future__ import annotations

import calendar as cal
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .enums import CalendarDayKind, DeadlineUnit
from .models import Assignment, Body, CalendarDay, ProposalKind

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    unit: str
    count: int
    by: str = ""  # MM-DD, or empty
    calendar_id: int | None = None


@dataclass(frozen=True)
class Due:
    on: dt.date
    unit: str
    count: int
    start: dt.date
    by: dt.date | None  # the fixed latest day, when the rule has one

    @property
    def text(self) -> str:
        return describe(self.unit, self.count, self.start, self.by)

    def assignment_fields(self) -> dict:
        return {
            "due_on": self.on,
            "due_unit": self.unit,
            "due_count": self.count,
            "due_from": self.start,
            "due_by": self.by,
        }


def rule_of(owner: ProposalKind | Body) -> Rule:
    """A kind's own rule when it has one, else its body's; the body's calendar."""
    body = owner.body if isinstance(owner, ProposalKind) else owner
    source = owner if isinstance(owner, ProposalKind) and owner.deadline_unit else body
    return Rule(source.deadline_unit, source.deadline_count, source.deadline_by, body.calendar_id)


def due(owner: ProposalKind | Body, start: dt.date) -> Due:
    return due_by_rule(rule_of(owner), start)


def due_by_rule(rule: Rule, start: dt.date, days: Callable | None = None) -> Due:
    """`days(first, last)` gives the calendar's entries {date: kind} in that range
    (tests pass their own; by default they are read from the database)."""
    if rule.count < 1:
        raise ValueError("a deadline counts at least one day or month")
    if rule.unit == DeadlineUnit.MONTHS:
        on = add_months(start, rule.count)
    elif rule.unit == DeadlineUnit.CALENDAR_DAYS:
        on = start + dt.timedelta(days=rule.count)
    elif rule.unit == DeadlineUnit.WORKING_DAYS:
        if days is None:
            days = _stored_days(rule.calendar_id)
        on = add_working_days(start, rule.count, days)
    else:
        raise ValueError(f"unknown deadline unit {rule.unit!r}")
    by = next_month_day(start, rule.by) if rule.by else None
    return Due(on=min(on, by) if by else on, unit=rule.unit, count=rule.count, start=start, by=by)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, cal.monthrange(year, month)[1]))


def next_month_day(start: dt.date, month_day: str) -> dt.date:
    """The first day after `start` that is `month_day` (MM-DD); 02-29 is the 28th in
    other years."""
    month, day = int(month_day[:2]), int(month_day[3:])
    for year in (start.year, start.year + 1):
        candidate = dt.date(year, month, min(day, cal.monthrange(year, month)[1]))
        if candidate > start:
            return candidate
    raise AssertionError("unreachable: next year's day is always after the start")


def add_working_days(start: dt.date, count: int, days: Callable) -> dt.date:
    # Read the calendar in windows wide enough for the usual case in one query:
    # five working days a week, and at most a few weeks of holidays in between.
    span = dt.timedelta(days=count * 2 + 30)
    first, last = start + ONE_DAY, start + span
    entries = days(first, last)
    day, left = start, count
    while left:
        day += ONE_DAY
        if day > last:
            first, last = day, day + span
            entries = days(first, last)
        kind = entries.get(day)
        if kind == CalendarDayKind.WORKING_DAY or (
            kind != CalendarDayKind.HOLIDAY and day.weekday() < 5
        ):
            left -= 1
    return day


def _stored_days(calendar_id: int | None) -> Callable:
    def days(first: dt.date, last: dt.date) -> dict:
        if calendar_id is None:
            return {}
        return dict(
            CalendarDay.objects.filter(
                calendar_id=calendar_id, date__gte=first, date__lte=last
            ).values_list("date", "kind")
        )

    return days


def describe(unit: str, count: int, start: dt.date, by: dt.date | None = None) -> str:
    """The rule in words, in the active language: "5 working days from 3 March 2026"."""
    values = {"count": count, "start": date_format(start)}
    if unit == DeadlineUnit.WORKING_DAYS:
        text = ngettext(
            "%(count)d working day from %(start)s", "%(count)d working days from %(start)s", count
        )
    elif unit == DeadlineUnit.CALENDAR_DAYS:
        text = ngettext("%(count)d day from %(start)s", "%(count)d days from %(start)s", count)
    else:
        text = ngettext("%(count)d month from %(start)s", "%(count)d months from %(start)s", count)
    text %= values
    if by:
        text = _("%(rule)s, by %(by)s at the latest") % {"rule": text, "by": date_format(by)}
    return text


def explain(assignment: Assignment) -> str:
    """How an assignment's due date was set, or "" when no rule set it (the office
    chose the date, or the record was imported with its date alone)."""
    if not assignment.due_unit:
        return ""
    return describe(
        assignment.due_unit, assignment.due_count, assignment.due_from, assignment.due_by
    )


def rule_text(owner: ProposalKind | Body) -> str:
    """A rule without a start day, for pages that describe a body: "3 months"."""
    rule = rule_of(owner)
    if rule.unit == DeadlineUnit.WORKING_DAYS:
        text = ngettext("%(count)d working day", "%(count)d working days", rule.count)
    elif rule.unit == DeadlineUnit.CALENDAR_DAYS:
        text = ngettext("%(count)d day", "%(count)d days", rule.count)
    else:
        text = ngettext("%(count)d month", "%(count)d months", rule.count)
    text %= {"count": rule.count}
    if rule.by:
        by = dt.date(2024, int(rule.by[:2]), int(rule.by[3:]))
        text = _("%(rule)s, by %(by)s at the latest") % {
            "rule": text,
            "by": date_format(by, "MONTH_DAY_FORMAT"),
        }
    return text
