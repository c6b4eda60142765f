"""Consent to email: nothing is mailed to a person without their recorded opt-in
(what, when, how), checked over every sender in the code; a first follow asks
instead of subscribing; one-click unsubscribe withdraws; staff reminders are
mandatory for agency officers and say so."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client

from lianghui.accounts import consent
from lianghui.accounts.models import MailConsent
from lianghui.accounts.services import account_create
from lianghui.following import services as following
from lianghui.following.models import DigestSetting
from lianghui.following.tasks import send_digests
from lianghui.people.models import Member, Organization
from lianghui.proposals import services as proposals
from lianghui.proposals.models import ProposalKind, Session
from lianghui.proposals.tasks import send_due_reminders

pytestmark = pytest.mark.django_db
D = dt.date
SRC = Path(consent.__file__).resolve().parents[1]
SENDING = re.compile(
    r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|"
    r"EmailMultiAlternatives|auth_views\.PasswordResetView|PasswordResetForm)\b"
)


@pytest.fixture
def watcher(search_world):
    return account_create(username="w", password="x", role="watcher", email="w@example.org")


@pytest.fixture
def officer(search_world):
    return account_create(
        username="a",
        password="x",
        role="agency",
        email="a@example.org",
        agency=Organization.objects.get(key="mohrss"),
    )


@pytest.fixture
def overdue(search_world):
    p = proposals.proposal_create(
        session=Session.objects.get(key="npc-2022"),
        kind=ProposalKind.objects.get(key="npc-suggestion"),
        key="late-1",
        title_zh="逾期",
        lead_member=Member.objects.get(key="m-ma"),
    )
    proposals.proposal_submit(proposal=p, on=D(2022, 2, 1))
    proposals.proposal_review(proposal=p, decision="filed", on=D(2022, 2, 20))
    proposals.proposal_assign(
        proposal=p, agency=Organization.objects.get(key="mohrss"), role="lead", on=D(2022, 3, 1)
    )


def _digest_sent(user) -> bool:
    """Ask the digest sender for a day with news (p-ai and its replies)."""
    DigestSetting.objects.filter(user=user).update(last_sent_on=D(2022, 6, 5))
    mail.outbox.clear()
    send_digests.call(today="2022-06-07")
    return any(user.email in m.to for m in mail.outbox)


def _notification_sent(user) -> bool:
    """A notification for ``user`` on a proposal (as the producer makes them), and
    the worker's mail task over it."""
    from lianghui.notifications.models import Notification
    from lianghui.notifications.tasks import mail_notifications
    from lianghui.proposals.models import Proposal

    n = Notification.objects.create(
        user=user,
        kind="agency_assigned",
        proposal=Proposal.objects.get(key="late-1"),
        event=f"audit:test-{Notification.objects.count()}",
        text_en="Your agency was assigned a proposal.",
        text_zh="已交贵机关办理。",
    )
    mail.outbox.clear()
    mail_notifications.call([n.pk])
    return any(user.email in m.to for m in mail.outbox)


def _reminder_sent(user) -> bool:
    mail.outbox.clear()
    send_due_reminders.call(today="2022-06-30")
    return any(user.email in m.to for m in mail.outbox)


# Each sender that asks for consent, and how a test makes it send to a person.
SCENARIOS = {
    "lianghui.following.tasks": "digests",
    "lianghui.proposals.tasks": "reminders",
    "lianghui.notifications.tasks": "notifications",
}


def test_every_sender_in_the_code_is_known():
    """A new place that sends email must say which consent it needs (or why it
    needs none) in accounts.consent.SENDERS, and get a scenario here."""
    found = set()
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts or path.name == "consent.py":
            continue
        if SENDING.search(path.read_text(encoding="utf-8")):
            found.add("lianghui." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    assert found == set(consent.SENDERS)
    gated = {m for m, kind in consent.SENDERS.items() if kind is not None}
    assert gated == set(SCENARIOS)


def test_no_digest_without_a_recorded_opt_in(watcher):
    following.follow_create(user=watcher, target="member", key="m-ma")
    # what a subscriber from before consent was recorded looks like: a frequency, no consent
    DigestSetting.objects.create(user=watcher, frequency="daily")
    assert not _digest_sent(watcher)
    following.digest_set(user=watcher, frequency="daily")
    given = MailConsent.objects.get(user=watcher, kind="digests")
    assert given.how == "form" and given.granted_at and given.withdrawn_at is None
    assert _digest_sent(watcher)


def test_no_reminder_without_the_recorded_role_consent(officer, overdue):
    given = MailConsent.objects.get(user=officer, kind="reminders")
    assert given.how == "role"  # recorded when the account got the role
    assert _reminder_sent(officer)
    MailConsent.objects.filter(user=officer).delete()
    assert not _reminder_sent(officer)


def test_no_notification_email_without_a_recorded_opt_in(officer, overdue):
    assert not _notification_sent(officer)  # their role's consent covers reminders only
    consent.consent_grant(user=officer, kind="notifications", how="form")
    assert _notification_sent(officer)
    consent.consent_withdraw(user=officer, kind="notifications", how="form")
    assert not _notification_sent(officer)


@pytest.mark.parametrize("sender", sorted(SCENARIOS))
def test_no_sender_mails_an_inactive_or_withdrawn_person(sender, watcher, officer, overdue):
    user = watcher if SCENARIOS[sender] == "digests" else officer
    sent = {
        "digests": _digest_sent,
        "reminders": _reminder_sent,
        "notifications": _notification_sent,
    }[SCENARIOS[sender]]
    if SCENARIOS[sender] == "digests":
        following.follow_create(user=user, target="member", key="m-ma")
        following.digest_set(user=user, frequency="daily")
    if SCENARIOS[sender] == "notifications":
        consent.consent_grant(user=user, kind="notifications", how="form")
    assert sent(user)
    user.is_active = False
    user.save()
    assert not sent(user)
    user.is_active = True
    user.save()
    MailConsent.objects.filter(user=user).update(
        withdrawn_at=dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    )
    assert not sent(user)


def test_a_first_follow_asks_instead_of_subscribing(watcher):
    c = Client()
    c.force_login(watcher)
    answer = c.post("/following/follow/member/", {"key": "m-ma", "next": "/topics/ai/"})
    assert answer.status_code == 302 and answer["Location"].startswith("/following/?next=")
    assert not DigestSetting.objects.filter(user=watcher).exists()
    assert not MailConsent.objects.filter(user=watcher).exists()
    page = c.get(answer["Location"]).content.decode()
    assert "Do you want an email when what you follow has news?" in page
    assert 'href="/topics/ai/"' in page
    chosen = c.post("/following/digest/", {"frequency": "weekly", "next": "/topics/ai/"})
    assert chosen["Location"] == "/topics/ai/"
    assert MailConsent.objects.get(user=watcher, kind="digests").how == "form"
    # asked once: the next follow goes straight back
    again = c.post("/following/follow/member/", {"key": "m-zhou", "next": "/members/m-zhou/"})
    assert again["Location"] == "/members/m-zhou/"


def test_declining_is_remembered_and_sends_nothing(watcher):
    c = Client()
    c.force_login(watcher)
    c.post("/following/follow/member/", {"key": "m-ma"})
    c.post("/following/digest/", {"frequency": "none"})
    assert not following.digest_undecided(user=watcher)
    assert not _digest_sent(watcher)
    again = c.post("/following/follow/member/", {"key": "m-zhou", "next": "/members/m-zhou/"})
    assert again["Location"] == "/members/m-zhou/"


def test_one_click_unsubscribe_withdraws_and_a_new_opt_in_is_a_new_record(watcher):
    following.follow_create(user=watcher, target="member", key="m-ma")
    following.digest_set(user=watcher, frequency="daily")
    token = following.unsubscribe_token(watcher)
    assert Client().post(f"/following/unsubscribe/{token}/").status_code == 200
    first = MailConsent.objects.get(user=watcher, kind="digests")
    assert first.withdrawn_at and first.withdrawn_how == "unsubscribe"
    assert not _digest_sent(watcher)
    following.digest_set(user=watcher, frequency="weekly")
    assert MailConsent.objects.filter(user=watcher, kind="digests").count() == 2  # history kept


def test_the_preferences_page_records_each_kind(watcher):
    c = Client()
    c.force_login(watcher)
    page = c.get("/accounts/mail/").content.decode()
    assert "Digests" in page and "Notifications" in page
    assert "Staff reminders" not in page  # not for a watcher
    assert "Password reset" in page  # the mail that needs no consent, and why
    c.post("/accounts/mail/", {"kinds": ["notifications", "digests"]})
    assert set(
        MailConsent.objects.filter(user=watcher, withdrawn_at__isnull=True).values_list(
            "kind", flat=True
        )
    ) == {"notifications", "digests"}
    assert DigestSetting.objects.get(user=watcher).frequency == "weekly"
    c.post("/accounts/mail/", {"kinds": ["notifications"]})
    assert not consent.may_mail(watcher, "digests")
    assert consent.may_mail(watcher, "notifications")
    assert DigestSetting.objects.get(user=watcher).frequency == "none"
    c.cookies.load({"django_language": "zh-hans"})
    assert "邮件偏好" in c.get("/accounts/mail/").content.decode()


def test_staff_reminders_are_mandatory_for_agency_officers(officer):
    c = Client()
    c.force_login(officer)
    page = c.get("/accounts/mail/").content.decode()
    assert "Mandatory for your role." in page
    c.post("/accounts/mail/", {"kinds": []})  # the box is disabled; unticking changes nothing
    assert consent.may_mail(officer, "reminders")
    with pytest.raises(Exception, match="role requires"):
        consent.consent_withdraw(user=officer, kind="reminders", how="form")


def test_transactional_mail_needs_no_opt_in(watcher):
    """Decision: a password reset the person asks for is that request itself."""
    assert not MailConsent.objects.filter(user=watcher).exists()
    Client().post("/accounts/password-reset/", {"email": "w@example.org"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["w@example.org"]


def test_a_role_change_in_the_admin_records_or_closes_the_role_consent(officer, client):
    from lianghui.accounts.models import Profile

    root = account_create(username="root", password="x", role="admin")
    client.force_login(root)
    profile = Profile.objects.get(user=officer)
    url = f"/admin/accounts/profile/{profile.pk}/change/"
    form = {"user": officer.pk, "role": "watcher", "body": "", "member": "", "agency": ""}
    assert client.post(url, form).status_code == 302
    closed = MailConsent.objects.get(user=officer, kind="reminders")
    assert closed.withdrawn_at and closed.withdrawn_how == "role"
    form |= {"role": "agency", "agency": profile.agency_id}
    assert client.post(url, form).status_code == 302
    assert consent.may_mail(officer, "reminders")
    assert MailConsent.objects.filter(user=officer, kind="reminders").count() == 2
