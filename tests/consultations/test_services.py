"""The consultation's life: open, comment, edit, withdraw, moderate, close, respond."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from lianghui.consultations import selectors, services
from lianghui.consultations.models import Comment, ThemeDecision
from lianghui.core.models import AuditEntry
from lianghui.laws.models import Provision, RegulationVersion

from .conftest import AFTER, CLOSES, DURING, article

pytestmark = pytest.mark.django_db


def _comment(consultation, user, text, capacity="worker", **kw):
    return services.comment_create(
        consultation=consultation, author=user, capacity=capacity, text=text, now=DURING, **kw
    )


def _comment_at(consultation, user, text, now):
    return services.comment_create(
        consultation=consultation, author=user, capacity="worker", text=text, now=now
    )


def test_lifecycle_from_opening_to_the_response(consultation, accounts):
    worker, office = accounts["watcher"], accounts["office"]
    rest = article(consultation, "第二条")
    c = _comment(
        consultation,
        worker,
        "派单算法让我们不敢休息，第二条应写明连续工作时间上限。",
        provision=rest,
        organization_name="",
    )
    assert c.status == "pending" and c.provision == rest
    assert not selectors.public_comment_list().exists()  # not before moderation

    services.comment_moderate(comment=c, moderator=office, decision="published", now=DURING)
    c.refresh_from_db()
    assert (c.status, c.moderated_by, c.moderated_at) == ("published", office, DURING)
    assert list(selectors.public_comment_list()) == [c]

    # An edit sends it back to the queue: what was published is not what it says now.
    services.comment_edit(
        comment=c, author=worker, text="第二条应写明每日工作时间上限和休息时间。", now=DURING
    )
    c.refresh_from_db()
    assert c.status == "pending" and c.edited_at == DURING and c.moderated_by is None
    services.comment_moderate(comment=c, moderator=office, decision="published", now=DURING)

    closing = DURING + dt.timedelta(days=1)  # before its last day
    services.consultation_close(consultation=consultation, actor=office, now=closing)
    consultation.refresh_from_db()
    assert consultation.is_open(DURING) and not consultation.is_open(closing)
    with pytest.raises(ValidationError) as refused:
        _comment_at(consultation, worker, "晚了", closing)
    assert "comment window closed" in refused.value.messages[0]

    final = RegulationVersion.objects.create(
        regulation=consultation.version.regulation, kind="final", date=CLOSES
    )
    new_rest = Provision.objects.create(
        version=final, position=1, kind="article", number="第二十条", text_zh="……"
    )
    response = services.response_publish(
        consultation=consultation,
        actor=office,
        summary_en="Workers asked for limits on working hours; article 20 now sets them.",
        final_version=final,
        changes=[
            {
                "draft_provision": rest,
                "final_provision": new_rest,
                "text_en": "Rest periods and working-time limits added.",
                "comments": [c],
            }
        ],
        now=AFTER,
    )
    shown = selectors.response_of(consultation)
    assert shown == response
    [change] = shown.changes.all()
    assert list(change.comments.all()) == [c] and change.final_provision == new_rest
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"open", "comment", "moderate", "edit", "close", "respond"} <= actions


def test_after_the_window_closes_nothing_can_be_said_changed_or_withdrawn(consultation, accounts):
    c = _comment(consultation, accounts["watcher"], "意见")
    for attempt in (
        lambda: services.comment_create(
            consultation=consultation,
            author=accounts["watcher"],
            capacity="individual",
            text="太晚了",
            now=AFTER,
        ),
        lambda: services.comment_edit(comment=c, author=accounts["watcher"], text="x", now=AFTER),
        lambda: services.comment_withdraw(comment=c, author=accounts["watcher"], now=AFTER),
    ):
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert "comment window closed on" in refused.value.messages[0]
    assert Comment.objects.count() == 1


def test_the_response_waits_for_the_close(consultation, accounts):
    with pytest.raises(ValidationError):
        services.response_publish(
            consultation=consultation, actor=accounts["office"], summary_en="x", now=DURING
        )


def test_withdrawn_by_the_author_only_and_then_out_of_moderation(consultation, accounts):
    c = _comment(consultation, accounts["watcher"], "撤回我")
    with pytest.raises(ValidationError):
        services.comment_withdraw(comment=c, author=accounts["member"], now=DURING)
    services.comment_withdraw(comment=c, author=accounts["watcher"], now=DURING)
    c.refresh_from_db()
    assert c.status == "withdrawn" and c.withdrawn_at == DURING
    with pytest.raises(ValidationError):
        services.comment_moderate(comment=c, moderator=accounts["office"], decision="published")


def test_hiding_needs_a_coded_reason(consultation, accounts):
    c = _comment(consultation, accounts["watcher"], "某某的电话是……")
    with pytest.raises(ValidationError):
        services.comment_moderate(comment=c, moderator=accounts["office"], decision="hidden")
    services.comment_moderate(
        comment=c, moderator=accounts["office"], decision="hidden", reason="personal_data"
    )
    c.refresh_from_db()
    assert (c.status, c.hide_reason) == ("hidden", "personal_data")


def test_identical_texts_are_one_campaign_counted_not_hidden(consultation, accounts):
    text = "支持工会参与算法规则制定！"
    a = _comment(consultation, accounts["watcher"], text, capacity="union")
    b = _comment(consultation, accounts["member"], " 支持工会参与算法规则制定 ", capacity="worker")
    other = _comment(consultation, accounts["admin"], "反对", capacity="company")
    assert a.campaign == b.campaign != other.campaign
    for c in (a, b, other):
        services.comment_moderate(comment=c, moderator=accounts["office"], decision="published")
    assert selectors.campaign_sizes(consultation=consultation) == {a.campaign: 2}
    assert selectors.public_comment_list().count() == 3


def test_themes_are_proposed_decided_and_logged(consultation, accounts):
    office = accounts["office"]
    texts = (
        ["骑手工作时间太长，算法派单不让休息。"] * 2
        + [f"工作时间和休息时间应由工会协商确定{n}。" for n in range(4)]
        + [f"用户应当可以关闭个性化推荐{n}。" for n in range(4)]
    )
    for n, text in enumerate(texts):
        c = _comment(
            consultation, accounts["watcher"], text, capacity="worker" if n < 6 else "individual"
        )
        services.comment_moderate(comment=c, moderator=office, decision="published")
    themes = services.themes_propose(consultation=consultation, actor=office)
    assert themes and all(t.reasons["keywords"] for t in themes)
    theme = themes[0]
    services.theme_rename(theme=theme, user=office, label_zh="工作时间", label_en="Working hours")
    services.theme_accept(theme=theme, user=office)
    [view] = selectors.themes_of(consultation=consultation)
    assert view.theme.label_en == "Working hours" and view.total == theme.comments.count()
    if len(themes) > 1:
        services.theme_reject(theme=themes[1], user=office, note="not a theme")
        assert not themes[1].comments.exists()
    actions = list(ThemeDecision.objects.values_list("action", flat=True))
    assert {"propose", "rename", "accept"} <= set(actions)
    assert ThemeDecision.objects.filter(action="accept").get().user == office


def test_themes_switch_off_with_the_body(consultation, accounts):
    consultation.body.suggestions_enabled = False
    consultation.body.save()
    with pytest.raises(ValidationError):
        services.themes_propose(consultation=consultation, actor=accounts["office"])


def test_only_drafts_are_put_to_consultation(draft, consultation):
    draft.kind = "final"
    with pytest.raises(ValidationError):
        services.consultation_open(
            version=draft,
            key="x",
            opens_on=CLOSES,
            closes_on=CLOSES,
            run_by=consultation.run_by,
        )


def test_staff_split_a_theme_and_move_a_comment_from_its_page(client, consultation, accounts):
    from django.urls import reverse

    from lianghui.consultations.models import Theme

    office = accounts["office"]
    texts = [f"骑手工作时间太长，应当限制连续派单{n}。" for n in range(4)] + [
        f"用户应当可以关闭个性化推荐功能{n}。" for n in range(4)
    ]
    for text in texts:
        c = _comment(consultation, accounts["watcher"], text)
        services.comment_moderate(comment=c, moderator=office, decision="published")
    themes = services.themes_propose(consultation=consultation, actor=office)
    source = max(themes, key=lambda t: t.comments.count())
    client.force_login(office)
    page = client.get(reverse("consultations:themes", args=[consultation.key])).content.decode()
    assert "Split into a new theme" in page and 'name="comments"' in page
    first, second, *_ = source.comments.order_by("id")
    url = reverse("consultations:theme-decide", args=[consultation.key, source.pk, "split"])
    client.post(url, {"comments": [first.pk], "label_en": "Split off", "label_zh": "拆出"})
    split = Theme.objects.get(label_en="Split off")
    assert list(split.comments.all()) == [first]
    url = reverse("consultations:theme-decide", args=[consultation.key, source.pk, "move"])
    client.post(url, {"comment": second.pk, "to": split.pk})
    assert set(split.comments.all()) == {first, second}
    assert {"split", "move"} <= set(ThemeDecision.objects.values_list("action", flat=True))


def test_a_response_cites_only_accepted_themes_and_shows_only_those(consultation, accounts):
    from lianghui.consultations.models import Theme

    office = accounts["office"]
    rest = article(consultation, "第二条")
    heard = Theme.objects.create(consultation=consultation, label_en="Rest", status="proposed")
    services.consultation_close(consultation=consultation, actor=office, now=DURING)

    def respond():
        return services.response_publish(
            consultation=consultation,
            actor=office,
            summary_en="We heard about rest.",
            changes=[{"draft_provision": rest, "text_en": "Rest added.", "themes": [heard]}],
            now=AFTER,
        )

    with pytest.raises(ValidationError, match="accepted themes"):
        respond()  # a proposed theme is the desk's, not yet the public's
    services.theme_accept(theme=heard, user=office)
    respond()
    [change] = selectors.response_of(consultation).changes.all()
    assert list(change.themes.all()) == [heard]
    services.theme_reject(theme=heard, user=office)  # the desk changed its mind
    [change] = selectors.response_of(consultation).changes.all()
    assert list(change.themes.all()) == []
