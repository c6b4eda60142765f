"""The office accepts a suggested agency with one click, in a real browser."""

import datetime as dt

import pytest

from lianghui.insights import serving
from lianghui.insights.models import SuggestionDecision
from lianghui.people.models import Member
from lianghui.proposals import services
from lianghui.proposals.models import Assignment, ProposalKind, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_click_assigns_the_suggested_lead_unit(page, accounts, shoot, settings, tmp_path):
    settings.LIANGHUI_INSIGHTS_MODELS = tmp_path / "models"
    serving.reset()
    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="browser-ai",
        title_zh="关于人工智能赋能工业的建议",
        text_zh="建议支持工业企业智能化改造，推进信息通信网络建设。",
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=dt.date(2022, 3, 6))
    services.proposal_start_review(proposal=p)
    services.proposal_review(proposal=p, decision="filed", on=dt.date(2022, 3, 20))

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("o")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/desk/office/proposals/{p.key}/")
    suggestion = page.locator('li.suggestion[data-kind="agency"][data-value="miit"]')
    suggestion.get_by_text("工业").first.wait_for()  # a reason is shown with it
    shoot(page, "office-suggestions")
    suggestion.get_by_role("button", name="Assign as lead unit").click()
    page.get_by_text("assigned as Lead unit").wait_for()
    assert Assignment.objects.get(proposal=p).agency.key == "miit"
    assert SuggestionDecision.objects.get(proposal=p).decision == "accepted"
    serving.reset()
