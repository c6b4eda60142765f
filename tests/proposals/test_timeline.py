"""A proposal's public timeline: one line per step, in words and names, dated by
the proposal's own life rather than by when the record was written."""

import datetime as dt
import re

import pytest
from django.utils import translation

from lianghui.people.models import Organization
from lianghui.proposals import services
from lianghui.proposals.models import Topic
from lianghui.proposals.selectors import proposal_detail
from lianghui.proposals.timeline import describe, proposal_timeline
from tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db
# The portal world's session, kind and lead, for the factories.
PORTAL = {"session": "t-npc-2022", "kind": "t-npc-suggestion", "lead_member": "t-lei"}

# Python's and the log's own spellings that must never reach a reader.
RAW = re.compile(r"\[\s*'|'\s*\]|\bTrue\b|\bFalse\b|\bNone\b|status:|t-miit|t-cac|t-ai\b|_on\b")


def lines(key: str, lang: str = "en") -> list[str]:
    with translation.override(lang):
        return [describe(e) for e in proposal_timeline(proposal=proposal_detail(key=key))]


def timeline_html(client, key: str, lang: str = "en") -> str:
    text = client.get(f"/proposals/{key}/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    start = text.index('id="timeline-heading"')
    return text[start : text.index("</section>", start)]


def visible(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


@pytest.fixture
def handled(portal_world):
    """A proposal taken through every step today, with the dates of 2022: the audit
    rows are written now, the records carry the dates the steps happened on."""
    p = ProposalFactory(
        **PORTAL,
        key="t-live",
        title_zh="关于平台用工的建议",
        title_en="On platform work",
        cosigners=["t-ma", "t-li"],
        status="filed",
        submitted_on=dt.date(2022, 3, 5),
    )
    services.proposal_set_topics(
        proposal=p, topics=Topic.objects.filter(key__in=["t-ai", "t-labour"])
    )
    miit, cac = Organization.objects.get(key="t-miit"), Organization.objects.get(key="t-cac")
    lead = services.proposal_assign(proposal=p, agency=miit, role="lead", on=dt.date(2022, 3, 25))
    services.proposal_assign(proposal=p, agency=cac, role="joint", on=dt.date(2022, 3, 25))
    services.proposal_set_key(proposal=p, is_key=True, supervisor=cac)
    r1 = services.reply_create(assignment=lead, category="B", on=dt.date(2022, 6, 1))
    cac_assignment = p.assignments.get(agency=cac)
    r2 = services.reply_create(assignment=cac_assignment, category="A", on=dt.date(2022, 6, 10))
    services.feedback_give(reply=r1, rating="satisfied", on=dt.date(2022, 7, 1))
    services.feedback_give(reply=r2, rating="basically_satisfied", on=dt.date(2022, 7, 3))
    services.proposal_close(proposal=p)
    return p


def test_each_step_is_one_line_in_words_dated_by_the_proposals_life(handled):
    assert lines("t-live") == [
        "March 5, 2022: Submitted by Lei Jun with 2 co-signers",
        "March 20, 2022: Filed by the office and made public",
        "March 20, 2022: Classified under Artificial intelligence, Labour and employment",
        "March 25, 2022: Selected for key supervision by Cyberspace Administration of China",
        "March 25, 2022: Assigned to Ministry of Industry and Information Technology "
        "as the lead unit",
        "March 25, 2022: Assigned to Cyberspace Administration of China as a joint handler",
        "June 1, 2022: Ministry of Industry and Information Technology replied: "
        "B: in progress or planned",
        "June 10, 2022: Cyberspace Administration of China replied: A: adopted or solved",
        "June 10, 2022: Every assigned agency has replied; the proposer rates the replies",
        "July 1, 2022: The proposer rated the reply from Ministry of Industry and Information "
        "Technology: Satisfied",
        "July 3, 2022: The proposer rated the reply from Cyberspace Administration of China: "
        "Basically satisfied",
        "July 3, 2022: Handling closed",
    ]


def test_the_page_shows_the_same_steps_without_codes_or_python(client, handled):
    text = visible(timeline_html(client, "t-live"))
    assert text.count("Assigned to") == 2  # one line per assignment, not per field
    assert "Assigned to Ministry of Industry and Information Technology as the lead unit" in text
    assert not RAW.search(text), RAW.search(text)
    assert str(dt.date.today().year) not in text  # no date of writing
    assert "imported as it stands" not in text


def test_the_chinese_page_says_it_in_chinese(client, handled):
    assert lines("t-live", "zh-hans")[:2] == [
        "2022年3月5日: 由雷军提出，2人联名",
        "2022年3月20日: 经办公室立案并公开",
    ]
    text = visible(timeline_html(client, "t-live", "zh-hans"))
    assert "交工业和信息化部主办" in text
    assert "提案人对工业和信息化部的答复评价为：满意" in text
    assert "办理完毕" in text
    assert not RAW.search(text), RAW.search(text)
    assert not re.search(r"\b(Assigned|Submitted|replied|Filed)\b", text)


def test_imported_history_is_read_from_the_records(portal_world):
    """t-rich has no audit rows at all: its steps come from the records, a
    transfer says from whom to whom, and an undated rating keeps its place."""
    got = lines("t-rich")
    assert got[:4] == [
        "March 6, 2022: Submitted by Ma Huateng with 3 co-signers",
        "March 20, 2022: Filed by the office and made public",
        "March 25, 2022: Assigned to Ministry of Industry and Information Technology "
        "as the lead unit",
        "April 1, 2022: Assigned to Ministry of Human Resources and Social Security "
        "as a joint handler",
    ]
    assert (
        "April 1, 2022: Transferred from Ministry of Industry and Information Technology "
        "to Cyberspace Administration of China"
    ) in got
    assert got[-1] == (
        "The proposer rated the reply from Ministry of Human Resources and Social Security: "
        "Unsatisfied"
    )
    dates = [e.on for e in proposal_timeline(proposal=proposal_detail(key="t-rich")) if e.on]
    assert dates == sorted(dates) and len(dates) == len(got) - 1


def test_a_not_filed_proposal_says_why(portal_world):
    assert lines("t-gen")[-1] == "March 21, 2022: Not filed by the office: No concrete proposal"


def test_a_new_proposal_does_not_claim_to_be_imported(client, portal_world):
    """Filed today with nothing else done: its steps so far, dated today."""
    today = dt.date.today()
    ProposalFactory(
        **PORTAL,
        key="t-new",
        title_zh="",
        title_en="A new suggestion",
        status="filed",
        submitted_on=today,
        filed_on=today,
    )
    text = visible(timeline_html(client, "t-new"))
    assert "imported" not in text
    assert "Submitted by Lei Jun" in text and "Filed by the office and made public" in text
    assert f'datetime="{today.isoformat()}"' in timeline_html(client, "t-new")


def test_a_merge_links_the_proposal_it_joined(client, portal_world):
    p = ProposalFactory(
        **(PORTAL | {"lead_member": "t-li"}),
        key="t-dup",
        title_zh="",
        title_en="Algorithm governance again",
        status="under_review",
        submitted_on=dt.date(2022, 3, 7),
    )
    target = proposal_detail(key="t-rich")
    services.proposal_review(
        proposal=p, decision="merged", merged_into=target, on=dt.date(2022, 3, 22)
    )
    markup = timeline_html(client, "t-dup")
    assert "Merged by the office into another proposal on the same matter:" in markup
    assert 'href="/proposals/t-rich/"' in markup


def test_reopening_and_unpublished_replies(portal_world):
    p = ProposalFactory(
        **PORTAL,
        key="t-again",
        title_zh="",
        title_en="Handled twice",
        status="assigned",
        submitted_on=dt.date(2022, 3, 5),
        agency="t-miit",
    )
    a = p.assignments.get()
    services.assignment_request_transfer(assignment=a, on=dt.date(2022, 3, 28), reason="Not ours")
    services.assignment_refuse_transfer(assignment=a)
    r = services.reply_create(assignment=a, category="C", on=dt.date(2022, 6, 1))
    services.feedback_give(reply=r, rating="unsatisfied", on=dt.date(2022, 6, 15))
    services.proposal_reopen(proposal=p, on=dt.date(2022, 6, 20))
    services.reply_create(assignment=a, category="B", on=dt.date(2022, 8, 1), published=False)
    got = lines("t-again")
    # reopened in the log right after the rating of 15 June: dated with it, not today
    assert got[-3:-1] == [
        "June 15, 2022: The proposer rated the reply from Ministry of Industry and Information "
        "Technology: Unsatisfied",
        "June 15, 2022: Reopened after an unsatisfied rating; new reply due by Sept. 20, 2022",
    ]
    assert sum(" replied: " in x for x in got) == 1  # the second reply is not published
    assert not any("ransfer" in x for x in got)  # a refused request is the staff's business


def test_the_proposal_feed_carries_the_same_steps_newest_first(client, handled):
    page = client.get("/proposals/t-live/").content.decode()
    assert 'href="/feeds/proposals/t-live/"' in page
    rss = client.get("/feeds/proposals/t-live/").content.decode()
    titles = re.findall(r"<item><title>([^<]*)</title>", rss)
    assert titles[0] == "Handling closed"
    assert titles[-1] == "Submitted by Lei Jun with 2 co-signers"
    assert len(titles) == len(lines("t-live"))
    assert "Sun, 03 Jul 2022" in rss  # dated by the step, not by today
    atom = client.get("/feeds/proposals/t-live/atom/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "办理完毕" in atom.content.decode()
    assert client.get("/feeds/proposals/t-hidden/").status_code == 404
