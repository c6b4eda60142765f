"""The API states each body's and kind's reply deadline, and how each due date was set."""

import datetime as dt

import pytest
from django.utils import translation

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import Body, HolidayCalendar, ProposalKind, Session

pytestmark = pytest.mark.django_db


def test_bodies_and_assignments_carry_their_rules(accounts, client):
    calendar = HolidayCalendar.objects.create(key="cal", name_en="Calendar")
    Body.objects.filter(key="npc").update(calendar=calendar)
    ProposalKind.objects.filter(key="npc-suggestion").update(
        deadline_unit="working_days", deadline_count=15
    )
    bodies = {
        b["key"]: b
        for b in client.get("/api/v1/bodies/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    }
    npc = bodies["npc"]
    assert (npc["deadline_unit"], npc["deadline_count"], npc["calendar"]) == ("months", 3, "cal")
    assert npc["deadline"] == "3 months"
    kinds = {k["code"]: k for k in npc["kinds"]}
    assert kinds["suggestion"]["deadline"] == "15 working days"
    assert kinds["motion"]["deadline_unit"] == "" and kinds["motion"]["deadline"] == "3 months"

    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="api-due",
        title_zh="期限",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=dt.date(2022, 3, 6))
    services.proposal_start_review(proposal=p)
    services.proposal_review(proposal=p, decision="filed", on=dt.date(2022, 3, 20))
    services.proposal_assign(
        proposal=p,
        agency=Organization.objects.get(key="miit"),
        role="lead",
        on=dt.date(2022, 3, 21),
    )
    with translation.override("en"):  # the request switches the thread to Chinese
        detail = client.get("/api/v1/proposals/api-due/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    (assignment,) = detail["assignments"]
    assert assignment["due_on"] == "2022-04-11"
    assert assignment["due_rule"] == "自2022年3月21日起15个工作日"
