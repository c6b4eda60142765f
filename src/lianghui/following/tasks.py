"""Email digests: the worker runs `send_digests` once a day (core.schedule);
daily subscribers get one every day, weekly ones on Mondays, and only when
something they follow has news. A digest covers the records dated from the
last one's day up to yesterday, so each day is reported once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from lianghui.accounts import consent
from lianghui.accounts.enums import MailKind

from . import selectors, services
from .enums import Digest
from .models import DigestSetting

BASE_URL = getattr(settings, "LIANGHUI_BASE_URL", "http://127.0.0.1:8000")


def _due(setting: DigestSetting, today: dt.date) -> dt.date | None:
    """The first day to report on, or None when no digest is due today."""
    if setting.frequency == Digest.DAILY:
        period = 1
    elif setting.frequency == Digest.WEEKLY and today.weekday() == 0:
        period = 7
    else:
        return None
    if setting.last_sent_on and setting.last_sent_on >= today:
        return None
    start = today - dt.timedelta(days=period)
    if setting.last_sent_on:
        start = max(start, setting.last_sent_on)
    return start


@task
def send_digests(today: str | None = None) -> int:
    """Send the digests due today; returns how many emails went out."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    sent = 0
    settings_ = (
        DigestSetting.objects.exclude(frequency=Digest.NONE)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    settings_ = list(settings_)
    # Only to those who said yes (accounts.consent): a frequency alone is not consent.
    allowed = consent.consenting([s.user for s in settings_], MailKind.DIGESTS)
    for setting in settings_:
        if setting.user_id not in allowed:
            continue
        since = _due(setting, day)
        if since is None:
            continue
        sections = []
        for follow in selectors.follows_of(user=setting.user):
            news = selectors.items(target=follow.target, key=follow.key, since=since, until=day)
            if news:
                sections.append((follow, news))
        if sections and _send(setting.user, sections, since):
            sent += 1
        setting.last_sent_on = day
        setting.save(update_fields=["last_sent_on"])
    return sent


def _send(user, sections, since: dt.date) -> bool:
    unsubscribe = BASE_URL + reverse(
        "following:unsubscribe", args=[services.unsubscribe_token(user)]
    )
    lines = [f"News since {since.isoformat()} on what you follow:", ""]
    for follow, news in sections:
        lines.append(f"== {follow.label or follow.key} ({follow.get_target_display()})")
        for item in news:
            when = item.date.isoformat() if item.date else ""
            lines.append(f"  {when}  {item.title}")
            lines.append(f"    {BASE_URL}{item.link}")
        lines.append("")
    lines += [
        "",
        f"Stop these emails: {unsubscribe}",
        f"Manage: {BASE_URL}{reverse('following:home')}",
    ]
    message = EmailMessage(
        subject=f"[lianghui] {sum(len(n) for _f, n in sections)} new on what you follow",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return bool(message.send())
