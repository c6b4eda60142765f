"""Holiday calendars and deadline rules travel in the import format like any other
data: imported all-or-nothing, refused with the line and field, exported back."""

import datetime as dt
import io

import pytest

from lianghui.exchange.exporter import export_jsonl
from lianghui.exchange.importer import ImportFailed, import_files
from lianghui.proposals import deadlines
from lianghui.proposals.models import Assignment, Body, HolidayCalendar, ProposalKind
from tests.exchange.test_importer import BODY as PLAIN_BODY
from tests.exchange.test_importer import KIND as PLAIN_KIND
from tests.exchange.test_importer import MEMBER, SESSION, proposal

pytestmark = pytest.mark.django_db

UK = {
    "type": "holiday_calendar",
    "key": "uk-ew",
    "name_en": "England and Wales: bank holidays",
    "days": [
        {"date": "2026-04-03", "kind": "holiday", "name_en": "Good Friday"},
        {"date": "2026-04-06", "kind": "holiday", "name_en": "Easter Monday"},
    ],
}
BODY = {
    "type": "body",
    "key": "commons",
    "name_en": "House of Commons",
    "kind": "parliament",
    "deadline_unit": "working_days",
    "deadline_count": 5,
    "calendar": "uk-ew",
}
KIND = {
    "type": "proposal_kind",
    "key": "commons-question",
    "body": "commons",
    "code": "question",
    "deadline_unit": "calendar_days",
    "deadline_count": 7,
    "deadline_by": "07-20",
}


def errors(*paths) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        import_files(list(paths))
    assert not HolidayCalendar.objects.exists() and not Body.objects.exists()
    return [str(e) for e in caught.value.errors]


def test_a_calendar_and_rules_import_export_and_reimport_unchanged(jsonl):
    path = jsonl(UK, BODY, KIND)
    report = import_files([path])
    assert report.created == {"holiday_calendar": 1, "body": 1, "proposal_kind": 1}
    body = Body.objects.get(key="commons")
    assert list(body.calendar.days.values_list("date", "kind")) == [
        (dt.date(2026, 4, 3), "holiday"),
        (dt.date(2026, 4, 6), "holiday"),
    ]
    # Thursday 2 April 2026: Good Friday and Easter Monday are not counted.
    assert deadlines.due(body, dt.date(2026, 4, 2)).on == dt.date(2026, 4, 13)
    kind = ProposalKind.objects.get(key="commons-question")
    assert (kind.deadline_unit, kind.deadline_count, kind.deadline_by) == (
        "calendar_days",
        7,
        "07-20",
    )
    out = io.StringIO()
    export_jsonl(out, ["holiday_calendar", "body", "proposal_kind"])
    again = jsonl(*out.getvalue().splitlines())
    assert import_files([again]).unchanged == {
        "holiday_calendar": 1,
        "body": 1,
        "proposal_kind": 1,
    }
    # A re-import replaces the calendar's days with the ones given.
    import_files([jsonl(UK | {"days": UK["days"][:1]})])
    assert body.calendar.days.count() == 1


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        (
            [UK | {"days": [*UK["days"], {"date": "2026-04-03", "kind": "holiday"}]}],
            "import-1.jsonl:1: days[2].date: 2026-04-03 is already listed at days[0]",
        ),
        (
            [UK | {"days": [{"date": "2026-04-03", "kind": "day_off"}]}],
            "import-1.jsonl:1: days[0].kind: 'day_off' is not one of: holiday, working_day",
        ),
        (
            [UK | {"days": [{"date": "3 April 2026", "kind": "holiday"}]}],
            "import-1.jsonl:1: days[0].date: '3 April 2026' is not a date (YYYY-MM-DD)",
        ),
        (
            [UK, BODY | {"deadline_count": 0}],
            "import-1.jsonl:2: deadline_count: must be at least 1 (a reply cannot be due the"
            " same day)",
        ),
        (
            [UK, BODY | {"deadline_unit": "weeks"}],
            "import-1.jsonl:2: deadline_unit: 'weeks' is not one of: calendar_days,"
            " working_days, months",
        ),
        (
            [UK, BODY | {"deadline_by": "02-30"}],
            "import-1.jsonl:2: deadline_by: '02-30' is not a day of the year MM-DD, such as 11-30",
        ),
        (
            [BODY],
            "import-1.jsonl:1: calendar: refers to holiday_calendar 'uk-ew', which is neither"
            " in the database nor earlier in the import",
        ),
        (
            [UK, BODY, KIND | {"deadline_count": None}],
            "import-1.jsonl:3: deadline_count: give both deadline_unit and deadline_count,"
            " or neither",
        ),
        (
            [UK, BODY, {k: v for k, v in KIND.items() if k not in ("deadline_unit",)}],
            "import-1.jsonl:3: deadline_unit: give both deadline_unit and deadline_count,"
            " or neither",
        ),
    ],
)
def test_bad_calendars_and_rules_are_refused_whole_naming_line_and_field(jsonl, records, expected):
    assert expected in errors(jsonl(*records))


def test_an_assignment_states_its_rule_whole_or_not_at_all(jsonl):
    assignment = {
        "agency": "mof",
        "role": "lead",
        "assigned_on": "2026-03-03",
        "due_on": "2026-03-10",
        "due_unit": "working_days",
    }
    agency = {"type": "organization", "key": "mof", "name_en": "MOF", "kind": "agency"}
    path = jsonl(
        PLAIN_BODY,
        PLAIN_KIND,
        SESSION,
        MEMBER,
        agency,
        proposal(
            status="assigned",
            review={"decision": "filed"},
            published=True,
            assignments=[assignment],
        ),
    )
    with pytest.raises(ImportFailed) as caught:
        import_files([path])
    assert "import-1.jsonl:6: assignments[0].due_unit: due_unit, due_count and due_from go" in (
        str(caught.value)
    )
    whole = assignment | {"due_count": 5, "due_from": "2026-03-03"}
    path = jsonl(
        PLAIN_BODY,
        PLAIN_KIND,
        SESSION,
        MEMBER,
        agency,
        proposal(
            status="assigned", review={"decision": "filed"}, published=True, assignments=[whole]
        ),
    )
    import_files([path])
    stored = Assignment.objects.get()
    assert (stored.due_unit, stored.due_count, stored.due_from) == (
        "working_days",
        5,
        dt.date(2026, 3, 3),
    )
