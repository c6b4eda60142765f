"""Notifications that explain: every change of a proposal's handling tells each
party (proposers, agencies, the office) what happened and what comes next, in
both languages, once; emails go only where the person agreed to them."""

import datetime as dt
import re

import pytest
from django.core import mail

from lianghui.accounts import consent
from lianghui.core import events
from lianghui.notifications import producers
from lianghui.notifications.models import Notification
from lianghui.notifications.tasks import mail_notifications
from lianghui.people.models import Member, Organization
from lianghui.proposals import services
from lianghui.proposals.models import ProposalKind, Reply, Session

pytestmark = pytest.mark.django_db
D = dt.date
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def party(accounts, monkeypatch):
    """The accounts, and ``run(fn)``: a write, then the worker's round after it
    (the change stream delivered, jobs inline). Only the notifications follow the
    stream here: rebuilding the search index and API documents is tested elsewhere
    and would cost seconds."""
    from collections import defaultdict

    from lianghui.core import audit

    only = defaultdict(list, {audit.EVENT: list(events._subscribers[audit.EVENT])})
    monkeypatch.setattr(events, "_subscribers", only)
    for name in ("member", "other_member", "office", "agency", "other_agency"):
        accounts[name].email = f"{name}@example.org"
        accounts[name].save()

    def run(fn):
        done = fn()
        events.deliver_all()
        return done

    accounts["run"] = run
    return accounts


def _proposal(party, key):
    """Led by deputy-a (account "member"), co-signed by deputy-b ("other_member")."""
    run, member = party["run"], party["member"]
    p = run(
        lambda: services.proposal_create(
            session=Session.objects.get(key="npc-2022"),
            kind=ProposalKind.objects.get(key="npc-suggestion"),
            key=key,
            title_zh=f"关于{key}的建议",
            title_en=f"On {key}",
            lead_member=Member.objects.get(key="deputy-a"),
            cosigners=[Member.objects.get(key="deputy-b")],
            actor=member,
        )
    )
    run(lambda: services.proposal_submit(proposal=p, on=D(2022, 3, 6), actor=member))
    return p


def _agency(key):
    return Organization.objects.get(key=key)


@pytest.fixture
def life(party):
    """Every change a proposal can go through, each by the role that makes it."""
    run, office, member = party["run"], party["office"], party["member"]
    a, a2 = party["agency"], party["other_agency"]
    # filed, assigned to two agencies; one asks for a transfer, is refused, asks
    # again and is moved; the lead replies, then the other
    p = _proposal(party, "life")
    run(
        lambda: services.proposal_review(
            proposal=p, decision="filed", on=D(2022, 3, 20), actor=office
        )
    )
    lead = run(
        lambda: services.proposal_assign(
            proposal=p, agency=_agency("miit"), role="lead", on=D(2022, 3, 25), actor=office
        )
    )
    joint = run(
        lambda: services.proposal_assign(
            proposal=p, agency=_agency("mohrss"), role="joint", on=D(2022, 3, 25), actor=office
        )
    )
    run(
        lambda: services.assignment_request_transfer(
            assignment=joint, on=D(2022, 3, 26), reason="非本部门职责", actor=a2
        )
    )
    run(lambda: services.assignment_refuse_transfer(assignment=joint, actor=office))
    run(
        lambda: services.assignment_request_transfer(
            assignment=joint, on=D(2022, 3, 27), reason="非本部门职责", actor=a2
        )
    )
    moved = run(
        lambda: services.assignment_transfer(
            assignment=joint, to_agency=_agency("state-council"), on=D(2022, 3, 28), actor=office
        )
    )
    run(
        lambda: services.reply_create(
            assignment=lead, category="B", on=D(2022, 5, 1), text_zh="正在推进。", actor=a
        )
    )
    run(
        lambda: services.reply_create(
            assignment=moved, category="A", on=D(2022, 5, 2), text_zh="已解决。"
        )
    )
    # the lead proposer is unsatisfied with one reply: the office reopens; the agency
    # answers again, the proposer is satisfied, the office closes
    first = Reply.objects.get(assignment=lead)
    run(
        lambda: services.feedback_give(
            reply=first, rating="unsatisfied", on=D(2022, 5, 3), actor=member
        )
    )
    run(
        lambda: services.feedback_give(
            reply=Reply.objects.get(assignment=moved),
            rating="satisfied",
            on=D(2022, 5, 3),
            actor=member,
        )
    )
    run(lambda: services.proposal_reopen(proposal=p, on=D(2022, 5, 4), actor=office))
    run(
        lambda: services.reply_create(
            assignment=lead, category="A", on=D(2022, 6, 1), text_zh="已解决。", actor=a
        )
    )
    second = Reply.objects.filter(assignment=lead).latest("id")
    run(
        lambda: services.feedback_give(
            reply=second, rating="satisfied", on=D(2022, 6, 2), actor=member
        )
    )
    run(lambda: services.proposal_close(proposal=p, actor=office))
    # not filed; merged into the first; converted to a letter
    refused = _proposal(party, "refused")
    run(
        lambda: services.proposal_review(
            proposal=refused,
            decision="not_filed",
            reason="out_of_scope",
            on=D(2022, 3, 20),
            actor=office,
        )
    )
    merged = _proposal(party, "merged")
    run(
        lambda: services.proposal_review(
            proposal=merged, decision="merged", merged_into=p, on=D(2022, 3, 21), actor=office
        )
    )
    letter = _proposal(party, "letter")
    run(
        lambda: services.proposal_review(
            proposal=letter, decision="converted", on=D(2022, 3, 21), actor=office
        )
    )
    return {"life": p, "refused": refused, "merged": merged, "letter": letter}


PROPOSERS = ("member", "other_member")
# (kind, proposal, who is told)
EXPECTED = [
    *[
        (kind, "life", who)
        for kind in ("filed", "assigned", "transferred", "replied", "reopened", "closed")
        for who in PROPOSERS
    ],
    *[("not_filed", "refused", who) for who in PROPOSERS],
    *[("merged", "merged", who) for who in PROPOSERS],
    *[("converted", "letter", who) for who in PROPOSERS],
    ("agency_assigned", "life", "agency"),
    ("agency_assigned", "life", "other_agency"),
    ("agency_kept", "life", "other_agency"),
    ("agency_moved", "life", "other_agency"),
    ("agency_reopened", "life", "agency"),
    ("office_transfer", "life", "office"),
    ("office_unsatisfied", "life", "office"),
]


def test_every_change_tells_each_party_what_comes_next_in_both_languages(life, party, subtests):
    for kind, key, who in EXPECTED:
        for language in ("en", "zh"):
            with subtests.test(kind=kind, who=who, language=language):
                found = Notification.objects.filter(user=party[who], kind=kind, proposal=life[key])
                assert found.exists(), f"{who} was not told {kind}"
                for n in found:
                    _check_language(n, life[key], language)


def _check_language(n, proposal, language):
    text = n.text_zh if language == "zh" else n.text_en
    title = proposal.title_zh if language == "zh" else proposal.title_en
    assert title in text
    if language == "zh":
        # Chinese words, not English left untranslated
        assert CJK.search(text.replace(title, ""))
        assert not re.search(r"\b(the|your|by|of)\b", text), text
    else:
        # (the role's label carries its Chinese term: "Lead unit (主办)")
        rest = re.sub(r"\((主办|会办|协办)\)|非本部门职责", "", text.replace(title, ""))
        assert not CJK.search(rest), text


def test_what_the_texts_say(life, party):
    def text(who, kind, key="life"):
        return " / ".join(
            Notification.objects.filter(user=party[who], kind=kind, proposal=life[key])
            .order_by("id")
            .values_list("text_en", flat=True)
        )

    assert "assigns the proposal to one or more agencies" in text("member", "filed")
    assert "Reason:" in text("member", "not_filed", "refused")
    assert "Ministry of Industry and Information Technology" in text("member", "assigned")
    assert re.search(
        r"due by \w+ \d+, 2022 \(3 months", text("member", "assigned")
    )  # date with its rule
    replied = text("member", "replied")
    assert "1 of 2 agencies have replied; the replies can be rated when all have" in replied
    assert "you can now rate each reply on your desk" in replied
    assert "the lead proposer can now rate each reply" in text("other_member", "replied")
    assert "must reply again by" in text("member", "reopened")
    assert "reopen the handling" in text("office", "office_unsatisfied")
    assert "非本部门职责" in text("office", "office_transfer")
    assert "State Council" in text("other_agency", "agency_moved")


def test_nobody_is_told_of_their_own_change_nor_of_others_records(life, party):
    office = party["office"]
    assert (
        not Notification.objects.filter(user=office)
        .exclude(kind__in=["office_transfer", "office_unsatisfied"])
        .exists()
    )
    assert not Notification.objects.filter(user=party["other_office"]).exists()
    assert not Notification.objects.filter(user=party["watcher"]).exists()
    # the member rated unsatisfied: the office is told, not the member
    assert not Notification.objects.filter(user=party["member"], kind="office_unsatisfied").exists()


def test_producing_an_event_again_makes_nothing_new(life):
    events = set(Notification.objects.values_list("event", flat=True))
    before = Notification.objects.count()
    assert producers.produce([int(e.removeprefix("audit:")) for e in events]) == []
    assert Notification.objects.count() == before


def test_no_email_without_the_recorded_opt_in_and_never_twice(life, party):
    member = party["member"]
    ids = list(Notification.objects.values_list("id", flat=True))
    assert not [m for m in mail.outbox if member.email in m.to]  # nobody agreed yet
    consent.consent_grant(user=member, kind="notifications", how="form")
    Notification.objects.update(mail_state="")
    mail.outbox.clear()
    sent = mail_notifications.call(ids)
    again = mail_notifications.call(ids)  # a second worker, or a retry
    assert sent == Notification.objects.filter(user=member).count() and again == 0
    assert {a for m in mail.outbox for a in m.to} == {member.email}
    # in the member's language: the body's (NPC: Chinese) until they choose another
    assert CJK.search(mail.outbox[0].body)
    member.profile.language = "en"
    member.profile.save()
    Notification.objects.update(mail_state="")
    mail.outbox.clear()
    mail_notifications.call(ids)
    assert "replied to your proposal" in " ".join(m.body for m in mail.outbox)


def test_the_desk_lists_them_with_an_unread_count_and_marks_them_read(life, party, client_for):
    c = client_for(party["member"])
    unread = Notification.objects.filter(user=party["member"]).count()
    page = c.get("/desk/notifications/").content.decode()
    assert f"{unread} unread notifications" in page
    assert "assigns the proposal to one or more agencies" in page
    home = c.get("/desk/member/").content.decode()
    assert f'<span class="badge" aria-label="{unread} unread">{unread}</span>' in home
    one = Notification.objects.filter(user=party["member"]).first()
    r = c.post("/desk/notifications/read/", {"id": one.pk, "next": "/desk/member/"})
    assert r.status_code == 302 and r["Location"] == "/desk/member/"
    assert (
        Notification.objects.filter(user=party["member"], read_at__isnull=True).count()
        == unread - 1
    )
    # another person's notification is not touched
    theirs = Notification.objects.filter(user=party["office"]).first()
    c.post("/desk/notifications/read/", {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    c.post("/desk/notifications/read/")
    assert not Notification.objects.filter(user=party["member"], read_at__isnull=True).exists()
    zh = client_for(party["member"])
    zh.cookies["django_language"] = "zh-hans"
    assert "关于life的建议" in zh.get("/desk/notifications/").content.decode()


def test_the_api_lists_them_newest_first_and_marks_them_read(
    life, party, client_for, django_assert_num_queries
):
    c = client_for(party["member"])
    with django_assert_num_queries(4):  # session, user, the page, the unread count
        first = c.get("/api/v1/me/notifications/?limit=3").json()
    ids = [n["id"] for n in first["results"]]
    assert ids == sorted(ids, reverse=True) and first["next"]
    assert first["unread"] == Notification.objects.filter(user=party["member"]).count()
    second = c.get(first["next"]).json()
    assert max(n["id"] for n in second["results"]) < min(ids)
    r = c.post("/api/v1/me/notifications/read/", {"ids": ids}, content_type="application/json")
    assert r.json()["marked"] == 3
    assert client_for(None).get("/api/v1/me/notifications/").status_code in (401, 403)


def test_the_members_desk_explains_what_a_proposal_waits_for(party, client_for):
    run, office, member = party["run"], party["office"], party["member"]
    p = _proposal(party, "waits")
    c = client_for(member)
    assert "Waiting for the office&#x27;s decision" in c.get("/desk/member/").content.decode()
    run(
        lambda: services.proposal_review(
            proposal=p, decision="filed", on=D(2022, 3, 20), actor=office
        )
    )
    lead, joint = (
        run(
            lambda key=key, role=role: services.proposal_assign(
                proposal=p, agency=_agency(key), role=role, on=D(2022, 3, 25), actor=office
            )
        )
        for key, role in (("miit", "lead"), ("mohrss", "joint"))
    )
    run(
        lambda: services.reply_create(
            assignment=lead, category="B", on=D(2022, 5, 1), text_zh="正在推进。"
        )
    )
    page = c.get("/desk/member/").content.decode()
    assert "1 of 2 agencies have replied; you can rate when all have." in page
    assert "The next reply is due by June 25, 2022." in page
    assert "the rating form comes here when every agency has replied" in page
    run(
        lambda: services.reply_create(
            assignment=joint, category="A", on=D(2022, 5, 2), text_zh="已解决。"
        )
    )
    assert (
        "Every agency has replied: rate each reply below."
        in c.get("/desk/member/").content.decode()
    )
    for reply in Reply.objects.filter(assignment__proposal=p):
        run(
            lambda reply=reply: services.feedback_give(
                reply=reply, rating="unsatisfied", on=D(2022, 5, 3), actor=member
            )
        )
    page = c.get("/desk/member/").content.decode()
    assert "You rated a reply unsatisfied. Next: the office decides whether to reopen" in page
    zh = client_for(member)
    zh.cookies["django_language"] = "zh-hans"
    assert "您对一条答复评价为不满意" in zh.get("/desk/member/").content.decode()


def test_the_notification_list_costs_the_same_however_long(
    life, party, client_for, django_assert_num_queries
):
    c = client_for(party["member"])
    mine = list(Notification.objects.filter(user=party["member"]))
    for more in (0, 30):
        Notification.objects.bulk_create(
            Notification(
                user=n.user,
                kind=n.kind,
                proposal=n.proposal,
                event=f"{n.event}-{more}-{i}",
                text_en=n.text_en,
                text_zh=n.text_zh,
            )
            for i, n in enumerate(mine * (more // len(mine) + 1))
            if i < more
        )
        # session, user, the page's count and rows (proposal joined), the role for
        # the desk's menu, the unread count in the header
        with django_assert_num_queries(6):
            assert c.get("/desk/notifications/").status_code == 200


def test_imports_and_the_demo_record_history_not_news(party):
    from lianghui.core.models import Change

    with events.bulk():
        services.proposal_create(
            session=Session.objects.get(key="npc-2022"),
            kind=ProposalKind.objects.get(key="npc-suggestion"),
            key="imported",
            title_zh="导入的建议",
            lead_member=Member.objects.get(key="deputy-a"),
        )
    assert Change.objects.filter(label="proposals.Proposal").exists()
    assert not Change.objects.filter(label="core.AuditEntry").exists()


def test_a_person_chooses_the_language_of_their_emails(party, client_for):
    member = party["member"]
    c = client_for(member)
    page = c.get("/accounts/mail/").content.decode()
    assert "Language of my emails" in page
    c.post("/accounts/mail/", {"kinds": ["notifications"], "language": "en"})
    member.profile.refresh_from_db()
    assert member.profile.language == "en"
    c.post("/accounts/mail/", {"kinds": ["notifications"], "language": "xx"})
    member.profile.refresh_from_db()
    assert member.profile.language == "en"  # refused: not a language of the site
