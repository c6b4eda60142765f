"""Accounts: create one with a role, invite someone by email (they choose their
own password through a set-password link), send such a link again. The admin
and the `lianghui accounts` command both call these."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from .consent import consent_for_role
from .enums import Role
from .models import Profile


def check_role_attachments(*, role: str, body=None, member=None, agency=None) -> None:
    """What each role needs: a member record, an agency, or a body."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if role == Role.MEMBER and member is None:
        raise ValidationError({"member": _("A member account needs the member it is for.")})
    if role == Role.AGENCY and agency is None:
        raise ValidationError({"agency": _("An agency officer's account needs the agency.")})
    if role in {Role.OFFICE, Role.SUPERVISOR} and body is None:
        raise ValidationError({"body": _("This role works for one body: choose it.")})
    if member is not None and Profile.objects.filter(member=member).exists():
        raise ValidationError({"member": _("This member already has an account.")})


@transaction.atomic
def account_create(
    *,
    username: str,
    password: str | None,
    role: str,
    email: str = "",
    body=None,
    member=None,
    agency=None,
):
    """A user with a role; administrators are Django superusers (and staff).
    Without a password the account cannot sign in until one is set (an invitation)."""
    User = get_user_model()
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Choose a username.")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    check_role_attachments(role=role, body=body, member=member, agency=agency)
    user = User(
        username=username,
        email=email,
        is_staff=role in {Role.ADMIN, Role.OFFICE},
        is_superuser=role == Role.ADMIN,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    Profile.objects.create(user=user, role=role, body=body, member=member, agency=agency)
    consent_for_role(user=user)
    return user


def set_password_link(user, *, base_url: str | None = None) -> str:
    """A link where ``user`` chooses a password: Django's password-reset page, valid
    for PASSWORD_RESET_TIMEOUT and only until the password changes."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return (base_url or settings.LIANGHUI_BASE_URL).rstrip("/") + path


def _send_invitation(user_id: int, base_url: str | None, language: str) -> None:
    user = get_user_model().objects.select_related("profile").get(pk=user_id)
    with translation.override(language):
        context = {
            "user": user,
            "role": user.profile.get_role_display() if hasattr(user, "profile") else "",
            "link": set_password_link(user, base_url=base_url),
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "site": (base_url or settings.LIANGHUI_BASE_URL).rstrip("/"),
        }
        subject = render_to_string("accounts/invitation_subject.txt", context)
        body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def _check_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Give the email address the link goes to.")}) from None
    return email


@transaction.atomic
def account_invite(
    *,
    username: str,
    email: str,
    role: str,
    body=None,
    member=None,
    agency=None,
    base_url: str | None = None,
    language: str | None = None,
):
    """An account with a role and no password yet; once committed, an email with a
    link to set the password goes to ``email`` (in ``language``, the site's default
    if not given)."""
    email = _check_email(email)
    user = account_create(
        username=username,
        password=None,
        role=role,
        email=email,
        body=body,
        member=member,
        agency=agency,
    )
    if language and hasattr(user, "profile"):
        # The language chosen for the invitation is the person's, for later emails too.
        user.profile.language = language
        user.profile.save(update_fields=["language"])
    language = language or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _send_invitation(user.pk, base_url, language))
    return user


@transaction.atomic
def account_resend_invitation(*, user, base_url: str | None = None, language: str | None = None):
    """A new set-password link for an account that has an email address."""
    _check_email(user.email)
    if not user.is_active:
        raise ValidationError({"user": _("This account is not active.")})
    language = language or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _send_invitation(user.pk, base_url, language))
    return user
