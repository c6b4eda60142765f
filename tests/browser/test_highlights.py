"""The office prepares a session's highlights and publishes them; a visitor reads
them, in a real browser, with an axe-core check of both pages."""

import pytest

from tests.browser.test_desks_walk import sign_in
from tests.browser.test_watchers import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_edits_and_publishes_the_highlights(page, session_world, accounts, shoot):
    sign_in(page, "o")
    page.goto("/sessions/npc-2022/")
    page.get_by_role("link", name="Edit the highlights").click()
    page.get_by_role("button", name="Generate the highlights").click()
    first = page.locator("#items > li").first
    first.get_by_label("Title (English)").fill("Riders and their rights")
    first.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: the item is marked as edited by a person.").wait_for()
    shoot(page, "highlights-desk")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Published: the highlights are on the session's page.").wait_for()

    page.context.clear_cookies()
    page.goto("/sessions/npc-2022/")
    page.get_by_role("link", name="Highlights of the session").click()
    page.get_by_role("heading", name="Riders and their rights").wait_for()
    assert page.get_by_text("edited by the office").first.is_visible()
    assert page.get_by_text("Why it was chosen:").count() >= 4
    shoot(page, "highlights-public")
    assert axe_violations(page) == []
