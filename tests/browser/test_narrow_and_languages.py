"""In real Chromium, in English and Chinese: pages fit a 375 px phone screen (a
wide table scrolls inside its own box, the page never sideways), and the desks
that show a proposal's or a reply's words show them in the reader's language
with the original beside it, or say that no translation is recorded. Every page
is screenshot to test-artifacts/ and checked by axe-core (no serious or critical
violations)."""

import datetime as dt

import pytest

from tests.browser.test_readable_pages import check, world  # noqa: F401 - fixture
from tests.browser.test_watchers import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LOCALES = {"en": "en-US", "zh": "zh-CN"}

TEXT_ZH = "建议完善外卖骑手社会保障。"
TEXT_EN = "Improve social insurance for delivery riders."
REPLY_ZH = "正在研究制定办法。"

WORDS = {
    "en": {
        "beside": ["Translation (English)", TEXT_EN, "Original (Chinese)", TEXT_ZH],
        "missing": "No English translation is recorded.",
    },
    "zh": {"beside": [TEXT_ZH], "missing": None},
}


@pytest.fixture
def riders(world):  # noqa: F811 - the fixture imported above
    """A proposal of the member `m` handled by the agency `a`: its text in both
    languages (Chinese the original), a reply in Chinese only, waiting for a rating."""
    from lianghui.people.models import Member, Organization
    from lianghui.proposals import services
    from lianghui.proposals.models import ProposalKind, Session

    day = dt.date(2022, 3, 7)
    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="t-riders",
        title_zh="关于骑手保障的建议",
        title_en="On riders' social insurance",
        text_zh=TEXT_ZH,
        text_en=TEXT_EN,
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=day)
    services.proposal_start_review(proposal=p)
    services.proposal_review(proposal=p, decision="filed", on=day)
    a = services.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="miit"), role="lead", on=day
    )
    services.reply_create(assignment=a, category="B", on=day, text_zh=REPLY_ZH)
    return a


def _page(browser, live_server, lang, viewport):
    context = browser.new_context(base_url=live_server.url, locale=LOCALES[lang], viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("x")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def _fits(page, name):
    """No sideways scrolling of the page; each table wider than the screen sits
    in a box that scrolls it."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-wrap'))
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
                .slice(-5).map(e => e.tagName + '.' + e.className + ' ' +
                    Math.round(e.getBoundingClientRect().right))"""
        )
        raise AssertionError((name, overflow, wide))
    loose = page.evaluate(
        """() => [...document.querySelectorAll('table')].filter(t => {
            const box = t.closest('.table-wrap');
            const right = (box || t).getBoundingClientRect().right;
            return right > document.documentElement.clientWidth + 1;
        }).map(t => t.className || t.querySelector('th')?.textContent)"""
    )
    assert loose == [], (name, loose)


NARROW_PUBLIC = [
    ("/organizations/t-cac/", "agency"),
    ("/sessions/t-npc-2022/", "session"),
    ("/proposals/t-live/", "proposal"),
]
NARROW_DESKS = [
    ("o", "/desk/office/", "office"),
    ("o", "/desk/statistics/", "statistics"),
    ("o", "/desk/office/proposals/t-riders/", "office-proposal"),
    ("a", "/desk/agency/", "agency"),
    ("m", "/desk/member/", "member"),
    ("s", "/desk/supervisor/", "supervisor"),
    ("w", "/desk/", "watcher"),
    ("w", "/desk/tokens/", "tokens"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pages_fit_a_phone_screen(browser, live_server, lang, riders, shoot):
    page = _page(browser, live_server, lang, PHONE)
    try:
        for url, name in NARROW_PUBLIC:
            page.goto(url)
            _fits(page, name)
            check(page, shoot, f"narrow-{name}-{lang}")
        # The agency's per-year table is wider than the screen: it scrolls in its box.
        page.goto("/organizations/t-cac/")
        box = page.locator(".table-wrap").filter(has=page.locator("#per-year-caption"))
        widths = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
        assert widths[0] > widths[1] <= PHONE["width"]
        for user, url, name in NARROW_DESKS:
            _sign_in(page, user)
            page.goto(url)
            _fits(page, name)
            check(page, shoot, f"narrow-desk-{name}-{lang}")
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_desks_show_the_readers_language_beside_the_original(
    browser, live_server, lang, riders, shoot
):
    page = _page(browser, live_server, lang, {"width": 1280, "height": 900})
    words = WORDS[lang]
    try:
        for user, url, name in [
            ("o", "/desk/office/proposals/t-riders/", "office-proposal"),
            ("a", f"/desk/agency/assignments/{riders.pk}/", "agency-reply"),
        ]:
            _sign_in(page, user)
            page.goto(url)
            text = page.locator(".two-languages").inner_text()
            positions = [text.index(w) for w in words["beside"]]
            assert positions == sorted(positions), (name, text)
            if lang == "zh":
                assert TEXT_EN not in text and "原文" not in text
            check(page, shoot, f"languages-desk-{name}-{lang}")

        _sign_in(page, "m")
        page.goto("/desk/member/")
        card = page.locator("article.card").filter(has_text=REPLY_ZH)
        text = card.inner_text()
        if words["missing"]:
            assert "Original (Chinese)" in text and words["missing"] in text
        else:
            assert "译文" not in text and "原文" not in text
        assert card.locator(f'.prose[lang="zh-Hans"]:has-text("{REPLY_ZH}")').count() == 1
        check(page, shoot, f"languages-desk-member-{lang}")
        assert axe_violations(page) == []
    finally:
        page.context.close()
