"""Personal API tokens: create (the secret is returned once), list, revoke, and
look up the token a request presents."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianghui.api.models import Token, TokenScope

PREFIX = "lh_"
# last_used is written at most this often per token, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, name: str, scope: str = TokenScope.WRITE) -> tuple[Token, str]:
    """A new token for ``user``; returns it with its secret (shown once, never stored).
    A read-only ``scope`` lets it read what the user may see and nothing more."""
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read-only or read-write.")})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token (what it is for).")})
    if len(name) > 100:
        raise ValidationError({"name": _("Keep the name under 100 characters.")})
    if not getattr(user, "is_active", False):
        raise ValidationError({"user": _("This account is not active.")})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = Token.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(PREFIX) + 6],
        key_hash=_hash(secret),
        scope=scope,
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: Token) -> Token:
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token


def token_list(*, user=None) -> QuerySet[Token]:
    qs = Token.objects.select_related("user").order_by("-created", "id")
    return qs.filter(user=user) if user is not None else qs


def token_allows(token: Token, method: str) -> bool:
    """Whether ``token`` may be used for a request with this HTTP method."""
    return token.scope == TokenScope.WRITE or method.upper() in {"GET", "HEAD", "OPTIONS"}


def token_for_secret(secret: str) -> Token | None:
    """The active token with this secret (and its user), or None; notes its use."""
    token = (
        Token.objects.select_related("user__profile")
        .filter(key_hash=_hash(secret), revoked__isnull=True, user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used is None or now - token.last_used > TOUCH_EVERY:
            Token.objects.filter(pk=token.pk).update(last_used=now)
            token.last_used = now
    return token
