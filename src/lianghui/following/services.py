"""Following things and choosing digests: the writes, checked then done."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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
    DigestSetting.objects.get_or_create(user=user)
    return Follow.objects.create(user=user, target=target, key=key, label=thing.name[:300])


@transaction.atomic
def follow_delete(*, user, target: str, key: str) -> int:
    deleted, _detail = Follow.objects.filter(user=user, target=target, key=key).delete()
    return deleted


@transaction.atomic
def digest_set(*, user, frequency: str) -> DigestSetting:
    if frequency not in Digest.values:
        raise ValidationError({"frequency": _("Unknown frequency.")})
    setting, _created = DigestSetting.objects.get_or_create(user=user)
    setting.frequency = frequency
    setting.save(update_fields=["frequency"])
    return setting


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


@transaction.atomic
def digest_unsubscribe(*, token: str) -> DigestSetting:
    """Stop a user's digests from the signed token in their email (no sign-in)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This unsubscribe link is not valid.")) from None
    setting, _created = DigestSetting.objects.get_or_create(user_id=data["u"])
    setting.frequency = Digest.NONE
    setting.save(update_fields=["frequency"])
    return setting
