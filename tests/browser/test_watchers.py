"""A watcher's walk in real Chromium: search with filters and facets, a member's
page, a topic's chart (keyboard-focusable), following, the language switch;
and an axe-core check of the main pages (no serious or critical violations)."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture
def world(jsonl):
    from lianghui.accounts.services import account_create
    from lianghui.exchange.importer import import_files
    from lianghui.search.tasks import connect
    from tests.search.conftest import RECORDS

    connect()
    import_files([jsonl(*RECORDS)])  # commits: the index follows through the events
    account_create(username="w", password="x", role="watcher", email="w@example.org")


def axe_violations(page):
    # The site's CSP forbids inline scripts, so add_script_tag would be refused:
    # evaluate the vendored axe-core through the DevTools protocol instead.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_watcher_searches_reads_charts_and_follows(page, world, shoot):
    page.goto("/")
    page.get_by_role("search", name="Site search").get_by_role("searchbox").fill("人工智能")
    page.get_by_role("search", name="Site search").get_by_role("button").click()
    page.get_by_role("heading", name="Search", exact=True).wait_for()
    assert page.locator(".hits mark").first.inner_text() == "人工智能"
    form = page.locator("form.search-form")
    form.get_by_label("Type of record").select_option(label="Proposal")
    form.get_by_label("Year").select_option("2023")
    form.get_by_role("button", name="Search", exact=True).click()
    page.get_by_text("2 results").wait_for()
    # a facet narrows to exactly its count
    facet = page.locator(".facets a", has_text="Generated demo data")
    count = facet.locator(".facet-count").inner_text()
    facet.click()
    page.get_by_text(f"{count} result").wait_for()
    shoot(page, "watchers-search")
    assert axe_violations(page) == []

    page.goto("/members/m-ma/")
    page.get_by_role("heading", name="Ma Huateng").wait_for()
    shoot(page, "watchers-member")

    page.goto("/topics/ai/")
    chart = page.locator("svg.chart")
    chart.focus()
    assert page.evaluate("document.activeElement.tagName.toLowerCase()") == "svg"
    assert (
        page.get_by_role("img", name="Proposals on “Artificial intelligence” per year").count() == 1
    )
    page.get_by_role("table", name="Proposals per year (the chart’s figures)").wait_for()
    shoot(page, "watchers-topic-chart")
    assert axe_violations(page) == []

    # follow the topic as a watcher
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("w")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()
    page.goto("/following/follow/topic/?key=ai")
    page.get_by_role("button", name="Follow", exact=True).click()
    page.get_by_text("You follow it now.").wait_for()
    page.get_by_role("link", name="Artificial intelligence").wait_for()
    shoot(page, "watchers-following")
    assert axe_violations(page) == []

    # the language switch keeps the search
    page.goto("/search/?q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD")
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_function("document.documentElement.lang === 'zh-hans'")
    assert "q=" in page.url
    shoot(page, "watchers-search-zh")
    assert axe_violations(page) == []
