"""Desks show a proposal's and a reply's words in the reader's language where a
version exists, with the original beside it, and say when none exists."""

import datetime as dt
import re

import pytest

from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import ProposalKind, Session

pytestmark = pytest.mark.django_db
DAY = dt.date(2022, 3, 7)


def _visible(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _replied(key: str, *, text_en: str = "", reply_en: str = ""):
    p = services.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key=key,
        title_zh="关于骑手保障的建议",
        text_zh="建议完善外卖骑手社会保障。",
        text_en=text_en,
        lead_member=Member.objects.get(key="deputy-a"),
    )
    services.proposal_submit(proposal=p, on=DAY)
    services.proposal_start_review(proposal=p)
    services.proposal_review(proposal=p, decision="filed", on=DAY)
    a = services.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="miit"), role="lead", on=DAY
    )
    services.reply_create(
        assignment=a, category="B", on=DAY, text_zh="正在研究制定办法。", text_en=reply_en
    )
    return p, a


def test_an_english_desk_shows_the_translation_beside_the_original(accounts, client_for):
    p, a = _replied(
        "t-two",
        text_en="Improve social insurance for delivery riders.",
        reply_en="Rules are being drafted.",
    )
    office = client_for(accounts["office"])
    text = _visible(
        office.get(f"/desk/office/proposals/{p.key}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert "Translation (English) Improve social insurance for delivery riders." in text
    assert "Original (Chinese) 建议完善外卖骑手社会保障。" in text
    assert "translation is recorded" not in text

    member = client_for(accounts["member"])
    text = _visible(member.get("/desk/member/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Translation (English) Rules are being drafted." in text
    assert "Original (Chinese) 正在研究制定办法。" in text


def test_without_a_translation_the_desk_says_so(accounts, client_for):
    p, a = _replied("t-one")
    agency = client_for(accounts["agency"])
    html = agency.get(
        f"/desk/agency/assignments/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    text = _visible(html)
    assert "Original (Chinese) 建议完善外卖骑手社会保障。" in text
    assert "No English translation is recorded." in text
    assert 'lang="zh-Hans"><p>建议完善外卖骑手社会保障。' in html

    member = client_for(accounts["member"])
    text = _visible(member.get("/desk/member/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Original (Chinese) 正在研究制定办法。" in text
    assert "No English translation is recorded." in text


def test_a_chinese_desk_reads_the_original_alone(accounts, client_for):
    p, a = _replied("t-zh", text_en="Improve social insurance for delivery riders.")
    office = client_for(accounts["office"])
    text = _visible(
        office.get(
            f"/desk/office/proposals/{p.key}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    )
    assert "建议完善外卖骑手社会保障。" in text
    assert "Improve social insurance" not in text
    assert "原文" not in text and "译文" not in text
