"""The worker's part: make the notifications of each delivered event, then email
them to those who agreed to notification emails (accounts.consent, kind
"notifications"), each in the recipient's language.

Both steps are idempotent and safe beside another worker: a notification is
unique per recipient and event, and an email is claimed with a conditional
update before it is sent, so two workers never send the same one. A worker that
dies between the claim and the send loses that email (at most once, never twice);
the notification itself stays on the desk."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianghui.accounts import consent
from lianghui.accounts.enums import MailKind

from . import producers
from .models import Notification

BASE_URL = getattr(settings, "LIANGHUI_BASE_URL", "http://127.0.0.1:8000")


def on_events(label: str, ids: set[int]) -> None:
    """core.events subscriber (on delivery): these audit entries were written."""
    produce_notifications.enqueue(sorted(ids))


@task
def produce_notifications(entry_ids: list[int]) -> int:
    """Make the notifications of these events, then have them emailed."""
    with transaction.atomic():
        made = producers.produce(entry_ids)
    if made:
        mail_notifications.enqueue(made)
    return len(made)


def language_of(user, proposal) -> str:
    """The recipient's language: the one chosen on their profile, else the working
    language of the proposal's body (the language they do this work in)."""
    profile = getattr(user, "profile", None)
    return (profile and profile.language) or proposal.session.body.language


@task
def mail_notifications(ids: list[int]) -> int:
    """Email these notifications where the recipient consented; returns how many went."""
    rows = list(
        Notification.objects.filter(pk__in=ids, mail_state="")
        .select_related("user__profile", "proposal__session__body")
        .order_by("id")
    )
    allowed = consent.consenting({n.user for n in rows}, MailKind.NOTIFICATIONS)
    sent = 0
    for n in rows:
        state = "sending" if n.user_id in allowed else "skipped"
        # The claim: one worker wins it, whoever else runs this beside it.
        if not Notification.objects.filter(pk=n.pk, mail_state="").update(mail_state=state):
            continue
        if state == "skipped":
            continue
        if _send(n):
            sent += 1
        Notification.objects.filter(pk=n.pk).update(mail_state="sent", mailed_at=timezone.now())
    return sent


def _send(n: Notification) -> bool:
    language = language_of(n.user, n.proposal)
    with translation.override(language):
        text = n.text_zh if language.startswith("zh") else n.text_en
        manage = BASE_URL + reverse("accounts:mail")
        body = "\n\n".join(
            [
                text,
                _("Open: %(link)s") % {"link": BASE_URL + link_of(n)},
                _(
                    "You get this email because you agreed to notification emails. "
                    "Stop them: %(link)s"
                )
                % {"link": manage},
            ]
        )
        subject = _("[lianghui] %(kind)s: %(title)s") % {
            "kind": n.get_kind_display(),
            "title": n.proposal.title,
        }
    message = EmailMessage(
        subject=" ".join(subject.split())[:200],
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[n.user.email],
        headers={"List-Unsubscribe": f"<{manage}>"},
    )
    return bool(message.send())


def link_of(n: Notification) -> str:
    """Where the notification leads: the agency's answer form, the office's page
    of the proposal, or the proposal's page for the proposers."""
    from .enums import AGENCY_KINDS, OFFICE_KINDS

    assignment = (n.params or {}).get("assignment")
    if n.kind in AGENCY_KINDS and assignment:
        return reverse("desks:agency-reply", args=[assignment])
    if n.kind in OFFICE_KINDS:
        return reverse("desks:office-proposal", args=[n.proposal.key])
    return n.proposal.get_absolute_url()
