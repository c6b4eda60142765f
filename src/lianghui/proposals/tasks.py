"""Background jobs: they take ids or dates, call selectors and services, and run
in the worker (`lianghui worker`) or, in tests, immediately."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone, translation

from lianghui.accounts import consent
from lianghui.accounts.enums import MailKind

from . import supervision


@task
def send_due_reminders(today: str | None = None) -> int:
    """Email each agency's officers their overdue and due-soon proposals. Returns
    the number of emails sent."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    by_agency: dict[int, dict[str, list]] = defaultdict(lambda: {"overdue": [], "soon": []})
    for a in supervision.overdue(today=day):
        by_agency[a.agency_id]["overdue"].append(a)
    for a in supervision.due_soon(today=day):
        by_agency[a.agency_id]["soon"].append(a)
    if not by_agency:
        return 0
    officers = defaultdict(list)
    candidates = list(
        get_user_model()
        .objects.filter(is_active=True, profile__agency_id__in=by_agency, profile__role="agency")
        .exclude(email="")
        .select_related("profile")
    )
    # Mandatory for agency officers, yet still only where the consent is on record
    # (accounts.consent records it with the role).
    allowed = consent.consenting(candidates, MailKind.STAFF_REMINDERS)
    for user in candidates:
        if user.pk in allowed:
            officers[user.profile.agency_id].append(user.email)
    sent = 0
    for agency_id, lists in by_agency.items():
        if not officers.get(agency_id):
            continue
        lines = [f"Overdue ({len(lists['overdue'])}):"]
        lines += [_line(a) for a in lists["overdue"]]
        lines += ["", f"Due within {supervision.DUE_SOON_DAYS} days ({len(lists['soon'])}):"]
        lines += [_line(a) for a in lists["soon"]]
        agency = (lists["overdue"] or lists["soon"])[0].agency
        send_mail(
            subject=f"[lianghui] {agency.name}: {len(lists['overdue'])} overdue, "
            f"{len(lists['soon'])} due soon",
            message="\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=sorted(officers[agency_id]),
        )
        sent += 1
    return sent


def _line(a) -> str:
    # The rule beside the date, so an officer sees why it is due then; in English
    # like the rest of the message, whatever language the worker last served.
    with translation.override("en"):
        rule = f" ({a.due_rule})" if a.due_rule else ""
    return f"  {a.proposal.key}  due {a.due_on}{rule}  {a.proposal.title}"
