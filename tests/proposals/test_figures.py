"""The public figures' invariants over generated data: replies never exceed
assignments; on time + late + overdue = due; A + B + C = replied; a session's
funnel adds up; unpublished records never move a public figure; the figures are
those docs/figures.md defines (reckoned again over the records)."""

import datetime as dt

import pytest
from hypothesis import given

from lianghui.people.models import Member, Organization
from lianghui.proposals import figures, supervision
from lianghui.proposals.models import Assignment, Feedback, Reply, Session

from .figures_world import (
    FIGURES,
    as_counts,
    base_proposals,
    expected_funnel,
    expected_handling,
    load,
    rolled_back,
    today,
    worlds,
)

pytestmark = pytest.mark.django_db


def _by_key(handling: dict) -> dict:
    keys = dict(Organization.objects.filter(pk__in=handling).values_list("pk", "key"))
    return {keys[pk]: h for pk, h in handling.items()}


def check_identities(h: figures.Handling) -> None:
    assert h.replied <= h.assigned
    assert h.on_time + h.late + h.overdue == h.due
    assert h.due + h.pending == h.assigned
    assert h.a + h.b + h.c == h.replied
    assert h.rated <= h.replied
    assert h.lead + h.joint + h.assisting == h.assigned
    # an assignment unanswered past its due date counts against the rate
    assert h.on_time_rate == (h.on_time / h.due if h.due else None)
    rated = h.satisfied + h.basically_satisfied + h.unsatisfied
    satisfied = h.satisfied + h.basically_satisfied
    assert h.satisfaction_rate == (satisfied / rated if rated else None)


@FIGURES
@given(world=worlds())
def test_handling_figures_are_the_defined_ones_and_add_up(portal_world, world):
    records = base_proposals() + world
    with rolled_back():
        load(world)
        on = today()
        for public in (True, False):
            by_agency = figures.handling(public=public)
            for h in by_agency.values():
                check_identities(h)
            assert as_counts(_by_key(by_agency)) == expected_handling(
                records, public=public, by="agency", on=on
            )
            by_year = figures.handling(by="year", public=public)
            assert as_counts(by_year) == expected_handling(records, public=public, by="year", on=on)
            (whole,) = figures.handling(by="all", public=public).values() or [figures.Handling()]
            check_identities(whole)
            # the totals line is the sum of the rows, whichever way they are cut
            for cut in (by_agency, by_year):
                assert as_counts({None: figures.total(cut.values())}) == as_counts({None: whole})


@FIGURES
@given(world=worlds())
def test_a_session_funnel_adds_up_and_counts_hidden_proposals(portal_world, world):
    records = base_proposals() + world
    with rolled_back():
        load(world)
        for key in ("t-npc-2022", "t-npc-2021"):
            f = figures.session_funnel(session=Session.objects.get(key=key))
            assert f.submitted == f.waiting + f.not_filed + f.converted + f.merged + f.filed
            assert f.filed >= f.assigned >= f.replied >= f.closed
            assert sum(r.count for r in f.reasons) == f.not_filed
            expected = expected_funnel(records, key)
            for name in ("submitted", "waiting", "not_filed", "converted", "merged", "filed"):
                assert getattr(f, name) == expected.get(name, 0), name
            assert f.assigned == expected.get("assigned", 0)
            assert f.rated == expected.get("rated", 0)


@FIGURES
@given(world=worlds())
def test_unpublished_records_never_move_a_public_figure(portal_world, world):
    with rolled_back():
        load(world)
        ma = Member.objects.get(key="t-ma")
        before = (
            as_counts(figures.handling()),
            as_counts(figures.handling(by="year")),
            figures.member_ratings(member=ma),
        )
        # An unpublished proposal fully handled, and an unpublished, rated reply
        # dated before every other on each assignment (it would be the first).
        load(
            [
                {
                    "type": "proposal",
                    "key": "h-secret",
                    "session": "t-npc-2022",
                    "kind": "t-npc-suggestion",
                    "title_en": "Secret",
                    "status": "replied",
                    "published": False,
                    "signers": [{"member": "t-ma", "role": "lead"}],
                    "review": {"decision": "filed"},
                    "assignments": [
                        {
                            "agency": "t-cac",
                            "role": "lead",
                            "assigned_on": "2022-04-01",
                            "due_on": "2022-07-01",
                            "replies": [
                                {
                                    "category": "A",
                                    "replied_on": "2022-05-01",
                                    "published": True,
                                    "feedback": {"rating": "satisfied"},
                                }
                            ],
                        }
                    ],
                }
            ]
        )
        for a in Assignment.objects.exclude(proposal__key="h-secret"):
            early = Reply.objects.create(
                assignment=a,
                category="A",
                replied_on=a.assigned_on - dt.timedelta(days=1),
                published=False,
            )
            Feedback.objects.create(reply=early, rating="satisfied")
        after = (
            as_counts(figures.handling()),
            as_counts(figures.handling(by="year")),
            figures.member_ratings(member=ma),
        )
        assert after == before
        # the office's statistics do count them
        office = figures.handling(public=False, by="all")[None]
        check_identities(office)
        assert office.assigned >= 1 and office.a >= 1


def test_the_office_statistics_read_the_same_definitions(portal_world):
    session = Session.objects.get(key="t-npc-2022")
    assert supervision.agency_stats(session=session) == figures.handling(
        session=session, public=False
    )
    funnel = figures.session_funnel(session=session)
    totals = supervision.session_totals(session=session)
    assert totals["submitted"] == funnel.submitted == 3
    assert totals["not_filed"] == funnel.not_filed + funnel.converted == 1


def test_a_late_first_reply_stays_late_whatever_follows(portal_world):
    """t-rich's CAC answered on time (B), then again late (A): one answer, on time;
    had the late one come first, a later timely reply would not make it on time."""
    cac = Organization.objects.get(key="t-cac")
    (row,) = figures.handling(agency=cac).values()
    assert (row.replied, row.on_time, row.late, row.b, row.a) == (1, 1, 0, 1, 0)
    first = Reply.objects.get(assignment__agency=cac, category="B")
    first.published = False
    first.save()
    (row,) = figures.handling(agency=cac).values()
    assert (row.replied, row.on_time, row.late, row.a) == (1, 0, 1, 1)
    assert row.on_time_rate == 0
