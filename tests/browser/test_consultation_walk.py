"""A consultation walked in real Chromium: a worker comments on an article, a
moderator publishes it, staff accept a proposed theme, and the response is
published; axe-core finds no serious or critical violation on the new pages."""

import pytest
from django.utils import timezone, translation

from lianghui.consultations import services
from lianghui.consultations.models import Comment, ThemeDecision
from tests.browser.test_watchers import axe_violations
from tests.consultations.conftest import make_consultation, make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OTHERS = [
    ("worker", "算法派单不让骑手休息，工作时间太长，应当规定每天工作时间上限。"),
    ("union", "工作时间和休息时间的算法规则应当先听取工会意见，规定工作时间上限。"),
    ("worker", "每天工作时间超过十二小时，算法应当保障休息时间。"),
    ("individual", "用户应当可以关闭个性化推荐，并删除用户标签。"),
    ("individual", "希望一键关闭个性化推荐，删除平台给我打的用户标签。"),
    ("company", "关闭个性化推荐和删除用户标签需要过渡期。"),
]


def _sign_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Sign in").click()


def test_comment_moderate_theme_and_respond(page, accounts, shoot):
    today = timezone.localdate()
    consultation = make_consultation(make_draft(), today, today)
    for capacity, text in OTHERS:
        c = services.comment_create(
            consultation=consultation, author=None, capacity=capacity, text=text, generated=True
        )
        services.comment_moderate(comment=c, moderator=accounts["office"], decision="published")
    url = consultation.get_absolute_url()

    # A worker comments on article 2.
    _sign_in(page, "w")
    page.goto(url)
    assert axe_violations(page) == []
    page.get_by_role("link", name="Comment on 第二条").click()
    page.get_by_label("I comment as").select_option("worker")
    page.get_by_label("Your comment").fill("骑手的工作时间应当有上限，算法派单必须保障休息时间。")
    page.get_by_role("button", name="Send comment").click()
    page.get_by_text("will be shown once a moderator has read it").wait_for()
    mine = Comment.objects.get(author=accounts["watcher"])
    assert mine.provision.number == "第二条" and mine.status == "pending"
    assert axe_violations(page) == []

    # The moderator publishes it.
    _sign_in(page, "o")
    page.goto(f"{url}moderate/")
    assert axe_violations(page) == []
    item = page.get_by_role("region", name=f"Comment {mine.pk} (Worker)")
    item.get_by_label("Decision").select_option("published")
    item.get_by_role("button", name=f"Record decision on comment {mine.pk}").click()
    page.get_by_text(f"Comment #{mine.pk}: Published").wait_for()
    mine.refresh_from_db()
    assert mine.status == "published" and mine.moderated_by == accounts["office"]

    # Staff have themes proposed and accept the one holding the worker's comment.
    page.goto(f"{url}themes/")
    page.get_by_role("button", name="Propose themes from the published comments").click()
    page.get_by_text("themes proposed").wait_for()
    assert axe_violations(page) == []
    mine.refresh_from_db()
    with translation.override("en"):  # as the page, in English, names it
        label = mine.theme.label
    page.get_by_role("button", name=f"Accept theme “{label}”").click()
    page.get_by_text("Decision recorded.").wait_for()
    assert ThemeDecision.objects.filter(action="accept", user=accounts["office"]).exists()
    shoot(page, "consultation-themes")

    # The window closes; the response is published, citing the worker's comment.
    page.goto(f"{url}response/")
    page.get_by_role("button", name="Close the comment window now").click()
    page.goto(f"{url}response/")
    assert axe_violations(page) == []
    page.get_by_label("What we heard (English)").fill(
        "Workers and unions asked for limits on working hours."
    )
    page.get_by_label("Article changed").select_option(label="第二条")
    page.get_by_label("What changed").fill("A daily limit on working time was added.")
    page.get_by_label(f"#{mine.pk} Worker", exact=False).check()
    page.get_by_role("button", name="Publish the response").click()
    page.get_by_role("heading", name="What we heard and what changed").wait_for()
    page.get_by_role("link", name=f"comment {mine.pk} (Worker)").wait_for()
    assert axe_violations(page) == []
    shoot(page, "consultation-response")

    page.goto("/consultations/")
    assert axe_violations(page) == []
