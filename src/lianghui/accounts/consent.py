"""Consent to email: every sender of mail the platform sends on its own initiative
asks `may_mail(user, kind)` before it sends, and nothing else decides.

The rule. No such email goes to a person without a recorded consent for its kind
(`MailConsent`: what, when, how) that has not been withdrawn. A person gives or
withdraws consent on the mail preferences page, through the API, or (withdrawal
only) with the one-click unsubscribe link every digest carries.

Mandatory kinds. Reminders of due and overdue assignments are part of an agency
officer's job: the consent is recorded with how="role" when the account gets that
role (`consent_for_role`), and cannot be withdrawn while the role holds (the
preferences page says so). For every other role they are optional.

Not covered, by decision: mail the person asked for (a password reset: the
request is the consent) and the invitation that gives a person the account an
administrator opened for them (the set-password link is the account itself).
Both are transactional, carry nothing else, and are listed in `SENDERS` and `TRANSACTIONAL_LABELS`.

Existing digest subscribers from before consent was recorded (a first follow
used to subscribe silently) have no consent: they get no digest until they
choose one. Inferring consent from an opt-out would not be consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianghui.core.roles import role_of

from .enums import ConsentHow, MailKind, Role
from .models import MailConsent

# kind -> roles for which it is mandatory (their consent is recorded with the role)
MANDATORY: dict[str, frozenset[str]] = {
    MailKind.STAFF_REMINDERS: frozenset({Role.AGENCY}),
}
# kind -> roles that get such mail at all (a kind not listed: everyone)
FOR_ROLES: dict[str, frozenset[str]] = {
    MailKind.STAFF_REMINDERS: frozenset({Role.AGENCY}),
}

# Every place that sends email, and the kind it asks about (None: transactional,
# with the reason). A test finds every sender in the code and checks it is here.
SENDERS: dict[str, str | None] = {
    "lianghui.following.tasks": MailKind.DIGESTS,
    "lianghui.proposals.tasks": MailKind.STAFF_REMINDERS,
    "lianghui.notifications.tasks": MailKind.NOTIFICATIONS,
    "lianghui.accounts.services": None,  # invitations: the set-password link is the account
    "lianghui.accounts.views": None,  # password reset: sent because the person asked
}
TRANSACTIONAL_LABELS = [
    (
        gettext_lazy("Invitation"),
        gettext_lazy("The link to set the password of an account an administrator opened for you."),
    ),
    (
        gettext_lazy("Password reset"),
        gettext_lazy("Sent only because you asked for it on the sign-in page."),
    ),
]


def is_mandatory(user, kind: str) -> bool:
    return role_of(user) in MANDATORY.get(kind, frozenset())


def applies(user, kind: str) -> bool:
    roles = FOR_ROLES.get(kind)
    return roles is None or role_of(user) in roles


def may_mail(user, kind: str) -> bool:
    """Whether an email of ``kind`` may go to ``user`` now."""
    if not (user and user.is_active and user.email and applies(user, kind)):
        return False
    return MailConsent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).exists()


def consenting(users, kind: str) -> set[int]:
    """The ids of ``users`` who may get ``kind`` (one query, for senders of many)."""
    ids = {u.pk for u in users if u.is_active and u.email and applies(u, kind)}
    return set(
        MailConsent.objects.filter(
            user_id__in=ids, kind=kind, withdrawn_at__isnull=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def consent_grant(*, user, kind: str, how: str) -> MailConsent:
    """Record ``user``'s consent to ``kind`` (kept as it is if already given)."""
    if kind not in MailKind.values:
        raise ValidationError({"kind": _("Unknown kind of email.")})
    if how not in ConsentHow.values or how == ConsentHow.UNSUBSCRIBE:
        raise ValidationError({"how": _("Unknown way of giving consent.")})
    current = MailConsent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).first()
    if current:
        return current
    return MailConsent.objects.create(user=user, kind=kind, how=how, granted_at=timezone.now())


@transaction.atomic
def consent_withdraw(*, user, kind: str, how: str) -> int:
    """Withdraw ``user``'s consent to ``kind``; returns how many were open (0 or 1).
    A mandatory kind cannot be withdrawn while the role requires it."""
    if kind not in MailKind.values:
        raise ValidationError({"kind": _("Unknown kind of email.")})
    if is_mandatory(user, kind):
        raise ValidationError(
            {"kind": _("Your role requires these emails; an administrator can change your role.")}
        )
    return MailConsent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now(), withdrawn_how=how
    )


@transaction.atomic
def consent_for_role(*, user) -> None:
    """Record the consents the user's role requires, and close those a former role
    required (called whenever a role is given)."""
    role = role_of(user)
    required = {kind for kind, roles in MANDATORY.items() if role in roles}
    MailConsent.objects.filter(user=user, how=ConsentHow.ROLE, withdrawn_at__isnull=True).exclude(
        kind__in=required
    ).update(withdrawn_at=timezone.now(), withdrawn_how=ConsentHow.ROLE)
    for kind in required:
        consent_grant(user=user, kind=kind, how=ConsentHow.ROLE)


@dataclass
class Preference:
    kind: str
    label: str
    explanation: str
    given: MailConsent | None
    mandatory: bool


def preferences(*, user) -> list[Preference]:
    """Each kind of email that applies to ``user``, with its open consent if any."""
    open_ = {c.kind: c for c in MailConsent.objects.filter(user=user, withdrawn_at__isnull=True)}
    return [
        Preference(
            kind=kind.value,
            label=str(kind.label),
            explanation=MailKind.explain(kind.value),
            given=open_.get(kind.value),
            mandatory=is_mandatory(user, kind.value),
        )
        for kind in MailKind
        if applies(user, kind.value)
    ]


def asked(*, user, kind: str) -> bool:
    """Whether ``user`` ever decided on ``kind`` (gave or withdrew consent)."""
    return MailConsent.objects.filter(user=user, kind=kind).exists()
