"""submit → file → assign → reply → rate across the four desks, in a real browser."""

import pytest

from lianghui.proposals.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()


def test_a_proposal_walks_across_the_four_desks(page, accounts, shoot):
    # the member drafts and submits
    sign_in(page, "m")
    page.get_by_role("link", name="New draft").click()
    page.get_by_label("Session").select_option(label="5th Session of the 13th NPC")
    page.get_by_label("Kind").select_option(label="Suggestion")
    page.get_by_label("Title (Chinese)").fill("关于外卖骑手社会保障的建议")
    page.get_by_label("Text (Chinese)").fill("建议将外卖骑手纳入工伤保险。")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft saved.").wait_for()
    page.get_by_role("button", name="Submit").first.click()
    page.get_by_text("Submitted: the office reviews it next").wait_for()
    shoot(page, "desk-member")
    proposal = Proposal.objects.get(title_zh="关于外卖骑手社会保障的建议")
    assert proposal.status == "submitted"

    # the office files it from the queue, then assigns it
    sign_in(page, "o")
    page.get_by_label(f"Select {proposal.title}").check()
    page.get_by_role("button", name="File them").click()
    page.get_by_text("1 proposal filed and published. Next: assign it").wait_for()
    page.goto(f"/desk/office/proposals/{proposal.key}/")
    page.get_by_label("Agency").select_option(
        label="Ministry of Industry and Information Technology"
    )
    page.get_by_label("Role").select_option(value="lead")
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_text("Assigned to Ministry of Industry and Information Technology; role").wait_for()
    shoot(page, "desk-office")

    # the agency replies
    sign_in(page, "a")
    page.get_by_role("link", name=proposal.title).click()
    page.get_by_label("B: in progress or planned").check()
    page.get_by_label("Reply (Chinese)").fill("我部正在研究，已列入今年计划。")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply sent.").wait_for()
    shoot(page, "desk-agency")

    # the member rates the reply
    sign_in(page, "m")
    page.get_by_label("Satisfied", exact=True).check()
    page.get_by_role("button", name="Send my rating").click()
    page.get_by_text("your rating is recorded").wait_for()
    shoot(page, "desk-member-rated")

    proposal.refresh_from_db()
    assert proposal.status == "replied"
    assert proposal.assignments.get().replies.get().feedback.rating == "satisfied"

    # the supervisor's desk lists key proposals; the office marks this one key
    sign_in(page, "o")
    page.goto(f"/desk/office/proposals/{proposal.key}/")
    page.get_by_role("button", name="Select for key supervision").click()
    page.get_by_text("Selected for key supervision: it is now listed").wait_for()
    sign_in(page, "s")
    page.get_by_role("link", name=proposal.title).wait_for()
    shoot(page, "desk-supervisor")
