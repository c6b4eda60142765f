"""A proposer's desk explains what their proposal waits for, and their
notifications say what happened and what comes next, in a real browser."""

import datetime as dt

import pytest

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import ProposalKind, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = dt.date


def test_a_proposers_desk_explains_a_waiting_state(page, accounts, shoot):
    office, agency = accounts["office"], accounts["agency"]
    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        title_zh="关于算法推荐透明度的建议",
        title_en="On the transparency of recommendation algorithms",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=D(2022, 3, 6))
    services.proposal_review(proposal=p, decision="filed", on=D(2022, 3, 20), actor=office)
    lead = services.proposal_assign(
        proposal=p,
        agency=Organization.objects.get(key="miit"),
        role="lead",
        on=D(2022, 3, 25),
        actor=office,
    )
    services.proposal_assign(
        proposal=p,
        agency=Organization.objects.get(key="mohrss"),
        role="joint",
        on=D(2022, 3, 25),
        actor=office,
    )
    services.reply_create(
        assignment=lead, category="B", on=D(2022, 5, 1), text_zh="正在研究。", actor=agency
    )

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("m")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/desk/member/")
    row = page.get_by_role("row").filter(has_text=p.title_en)
    row.get_by_text("1 of 2 agencies have replied; you can rate when all have.").wait_for()
    row.get_by_text("the rating form comes here when every agency has replied").wait_for()
    shoot(page, "desk-member-waiting")

    # the header counts what is new: filed, two assignments, one reply
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Notifications").get_by_text("4").wait_for()
    header.get_by_role("link", name="Notifications").click()
    page.get_by_text(
        "1 of 2 agencies have replied; the replies can be rated when all have."
    ).wait_for()
    page.get_by_role("button", name="Mark all read").click()
    page.get_by_text("4 notifications marked read.").wait_for()
    shoot(page, "desk-member-notifications")

    # in Chinese too
    page.locator("button[name=language][value=zh-hans]").click()
    page.goto("/desk/member/")
    page.get_by_text("2个承办机关中已有1个答复；全部答复后您即可评价。").wait_for()
