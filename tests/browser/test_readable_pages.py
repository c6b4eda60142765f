"""The public proposal, agency and session pages and every desk, in English and
Chinese, in real Chromium: the timeline reads as sentences, charts show their
titles, no raw code or Python syntax reaches the screen, and axe-core finds no
serious or critical violation. Screenshots go to test-artifacts/."""

import datetime as dt
import re

import pytest

from tests.browser.test_desks_walk import sign_in
from tests.browser.test_watchers import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Python's spellings and the log's codes, which must never reach a reader.
# ("None recorded." is English; a bare None is Python.)
RAW = re.compile(r"\['|'\]|\bTrue\b|\bFalse\b|\bNone\b(?! \w)|status:|\bt-miit\b|\bt-cac\b")

TEXT = {
    "en": {
        "steps": [
            "Submitted by Lei Jun with 2 co-signers",
            "Filed by the office and made public",
            "Assigned to Ministry of Industry and Information Technology as the lead unit",
            "Ministry of Industry and Information Technology replied: B: in progress or planned",
            "Handling closed",
        ],
        "flow": "How the session’s proposals were handled",
        "agency": "Replies by category per year",
        "topics": "Topics",
    },
    "zh": {
        "steps": ["由雷军提出，2人联名", "经办公室立案并公开", "交工业和信息化部主办", "办理完毕"],
        "flow": None,  # checked by its visible title element below
        "agency": None,
        "topics": "主题",
    },
}


@pytest.fixture
def world(accounts):
    from lianghui.exchange.importer import import_files
    from lianghui.people.models import Member, Organization
    from lianghui.proposals import services
    from lianghui.proposals.models import ProposalKind, Session
    from tests.portal.conftest import PORTAL_WORLD

    import_files([str(PORTAL_WORLD)])
    p = services.proposal_create(
        session=Session.objects.get(key="t-npc-2022"),
        kind=ProposalKind.objects.get(key="t-npc-suggestion"),
        key="t-live",
        title_zh="关于平台用工的建议",
        title_en="On platform work",
        lead_member=Member.objects.get(key="t-lei"),
        cosigners=[Member.objects.get(key="t-ma"), Member.objects.get(key="t-li")],
    )
    d = dt.date
    services.proposal_submit(proposal=p, on=d(2022, 3, 5))
    services.proposal_start_review(proposal=p)
    services.proposal_review(proposal=p, decision="filed", on=d(2022, 3, 20))
    miit = Organization.objects.get(key="t-miit")
    a = services.proposal_assign(proposal=p, agency=miit, role="lead", on=d(2022, 3, 25))
    r = services.reply_create(assignment=a, category="B", on=d(2022, 6, 1))
    services.feedback_give(reply=r, rating="satisfied", on=d(2022, 7, 1))
    services.proposal_close(proposal=p)


@pytest.fixture
def zh_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def check(page, shoot, name: str) -> str:
    text = visible_text(page)
    assert not RAW.search(text), (name, RAW.search(text))
    shoot(page, name)
    assert axe_violations(page) == [], name
    return text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_public_pages_read_well(request, lang, world, shoot):
    page = request.getfixturevalue("page" if lang == "en" else "zh_page")
    t = TEXT[lang]

    page.goto("/proposals/t-live/")
    timeline = page.locator("ol.timeline").inner_text()
    positions = [timeline.index(step) for step in t["steps"]]
    assert positions == sorted(positions)
    assert "2026" not in timeline and str(dt.date.today().year) not in timeline
    assert "imported" not in visible_text(page)
    check(page, shoot, f"readable-proposal-{lang}")

    page.goto("/sessions/t-npc-2022/")
    titles = page.locator("svg.chart .chart-title").all_text_contents()
    assert len(titles) >= 2 and all(titles)
    if t["flow"]:
        assert t["flow"] in titles
    assert page.locator("svg.chart .legend").count() == len(titles)
    check(page, shoot, f"readable-session-{lang}")

    page.goto("/organizations/t-cac/")
    titles = page.locator("svg.chart .chart-title").all_text_contents()
    assert len(titles) == 3 and all(titles)
    if t["agency"]:
        assert t["agency"] in titles
    check(page, shoot, f"readable-agency-{lang}")

    page.goto("/topics/")
    page.get_by_role("heading", name=t["topics"], exact=True).wait_for()
    check(page, shoot, f"readable-topics-{lang}")


DESKS = [
    ("m", "/desk/member/", "member"),
    ("m", "/desk/member/new/", "member-draft"),
    ("o", "/desk/office/", "office"),
    ("o", "/desk/office/proposals/p-1/", "office-proposal"),
    ("a", "/desk/agency/", "agency"),
    ("s", "/desk/supervisor/", "supervisor"),
    ("w", "/desk/", "watcher"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_desk_reads_well(request, lang, world, shoot):
    page = request.getfixturevalue("page" if lang == "en" else "zh_page")
    for user, url, name in DESKS:
        if lang == "en":
            sign_in(page, user)
        else:  # the sign-in form's labels are translated: fill it by field name
            page.context.clear_cookies()
            page.goto("/accounts/login/")
            page.locator("input[name=username]").fill(user)
            page.locator("input[name=password]").fill("x")
            page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.goto(url)
        if name in {"member", "office", "agency", "supervisor"}:
            assert page.get_by_role("search").count() >= 1, name  # the queue's search form
        check(page, shoot, f"readable-desk-{name}-{lang}")


def test_the_cosigner_picker_finds_a_name_by_keyboard(page, world, shoot):
    sign_in(page, "m")
    page.goto("/desk/member/new/")
    search = page.get_by_label("Find a co-signer by name")
    search.fill("Ma Hua")
    page.get_by_role("status").filter(has_text="members shown").wait_for()
    box = page.get_by_role("checkbox", name="Ma Huateng")
    assert box.is_visible()
    search.press("Enter")  # to the first match, without submitting the form
    page.keyboard.press("Space")
    assert box.is_checked()
    page.get_by_text("Chosen: Ma Huateng").wait_for()
    assert page.url.endswith("/desk/member/new/")
    shoot(page, "readable-cosigner-picker")
    assert axe_violations(page) == []
