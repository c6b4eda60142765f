"""Overview pages in real Chromium: a session's flow chart and an agency's charts
reached by keyboard with their tables, following a member from their page, and
axe-core on each page (no serious or critical violations)."""

import pytest

from tests.browser.test_watchers import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    from lianghui.accounts.services import account_create
    from lianghui.exchange.importer import import_files
    from tests.portal.conftest import PORTAL_WORLD

    import_files([str(PORTAL_WORLD)])
    account_create(username="w", password="x", role="watcher", email="w@example.org")


def test_charts_by_keyboard_and_following_from_a_member_page(page, world, shoot):
    page.goto("/sessions/t-npc-2022/")
    flow = page.get_by_role("img", name="How the session’s proposals were handled")
    flow.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == (
        "session-flow-title session-flow-desc"
    )
    table = page.get_by_role("table", name="Proposals at each stage (the chart’s figures)")
    assert table.get_by_role("row", name="Submitted 3 100%").count() == 1
    shoot(page, "portal-session-flow")
    assert axe_violations(page) == []

    page.goto("/organizations/t-cac/")
    page.get_by_role("img", name="Replies by category per year").focus()
    page.keyboard.press("Tab")  # on to the next chart
    assert page.evaluate("document.activeElement.getAttribute('aria-labelledby')") == (
        "agency-rates-title agency-rates-desc"
    )
    page.get_by_role("table", name="Handling per year (the charts’ figures)").wait_for()
    assert page.locator('head link[rel="alternate"][type="application/atom+xml"]').count() == 1
    shoot(page, "portal-agency-charts")
    assert axe_violations(page) == []

    page.goto("/agencies/?sort=on_time")
    page.get_by_role("columnheader", name="On time").wait_for()
    assert axe_violations(page) == []

    # anonymous: a sign-in link that comes back to the page, then follow
    page.goto("/members/t-lei/")
    page.get_by_role("link", name="Sign in to follow").click()
    page.get_by_label("Username").fill("w")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/members/t-lei/")
    page.get_by_role("button", name="Follow", exact=True).click()
    # A first follow asks about email before anything is sent; "No email" goes back.
    page.get_by_role(
        "heading", name="Do you want an email when what you follow has news?"
    ).wait_for()
    assert axe_violations(page) == []
    page.get_by_role("button", name="No email").click()
    page.wait_for_url("**/members/t-lei/")
    page.get_by_text("You follow this.").wait_for()
    shoot(page, "portal-member-following")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Unfollow").click()
    page.get_by_role("button", name="Follow", exact=True).wait_for()
