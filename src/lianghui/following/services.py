"""Following things and choosing digests: the writes, checked then done."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lianghui.accounts import consent
from lianghui.accounts.enums import ConsentHow, MailKind

from .enums import Digest, Target
from .models import DigestSetting, Follow
from .selectors import followed

MAX_FOLLOWS = 200
UNSUBSCRIBE_SALT = "lianghui.following.unsubscribe"


@transaction.atomic
def follow_create(*, user, target: str, key: str) -> Follow:
    if not getattr(user, "is_authenticated", False):
        raise ValidationError(_("Sign in to follow."))
    if target not in Target.values:
        raise ValidationError({"target": _("Unknown kind of thing to follow.")})
    key = (key or "").strip()[:500]
    thing = followed(target=target, key=key) if key else None
    if thing is None:
        raise ValidationError({"key": _("There is no such record to follow.")})
    existing = Follow.objects.filter(user=user, target=target, key=key).first()
    if existing:
        return existing
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise ValidationError(_("You follow too many things; unfollow some first."))
    # No digest setting here: following is not a request for email. The page asks
    # (`digest_undecided`), and only the person's answer subscribes them.
    return Follow.objects.create(user=user, target=target, key=key, label=thing.name[:300])


@transaction.atomic
def follow_delete(*, user, target: str, key: str) -> int:
    deleted, _detail = Follow.objects.filter(user=user, target=target, key=key).delete()
    return deleted


@transaction.atomic
def digest_set(*, user, frequency: str, how: str = ConsentHow.FORM) -> DigestSetting:
    """The person's choice of digest: a frequency records their consent to digests
    (``how`` they gave it), "none" withdraws it."""
    if frequency not in Digest.values:
        raise ValidationError({"frequency": _("Unknown frequency.")})
    setting, _created = DigestSetting.objects.get_or_create(user=user)
    setting.frequency = frequency
    setting.save(update_fields=["frequency"])
    if frequency == Digest.NONE:
        consent.consent_withdraw(user=user, kind=MailKind.DIGESTS, how=how)
    else:
        consent.consent_grant(user=user, kind=MailKind.DIGESTS, how=how)
    return setting


@transaction.atomic
def digest_consent(*, user, consent_given: bool, how: str) -> DigestSetting:
    """Agree to digests (at the frequency chosen before, or weekly) or withdraw."""
    if not consent_given:
        return digest_set(user=user, frequency=Digest.NONE, how=how)
    setting = DigestSetting.objects.filter(user=user).first()
    keep = setting and setting.frequency != Digest.NONE
    return digest_set(user=user, frequency=setting.frequency if keep else Digest.WEEKLY, how=how)


def digest_undecided(*, user) -> bool:
    """Whether the person has never answered whether they want digests (a first
    follow asks them)."""
    declined = DigestSetting.objects.filter(user=user, frequency=Digest.NONE).exists()
    return not declined and not consent.asked(user=user, kind=MailKind.DIGESTS)


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def digest_unsubscribe(*, token: str) -> DigestSetting:
    """Stop a user's digests from the signed token in their email (no sign-in)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This unsubscribe link is not valid.")) from None
    user = get_user_model().objects.filter(pk=data["u"]).first()
    if user is None:  # an erased account: nothing to stop, nothing to keep
        raise ValidationError(_("This unsubscribe link is not valid."))
    return digest_set(user=user, frequency=Digest.NONE, how=ConsentHow.UNSUBSCRIBE)
