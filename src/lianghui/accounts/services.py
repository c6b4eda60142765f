from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .enums import Role
from .models import Profile


@transaction.atomic
def account_create(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    body=None,
    member=None,
    agency=None,
):
    """A user with a role; administrators are Django superusers (and staff)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    user = User(
        username=username,
        email=email,
        is_staff=role in {Role.ADMIN, Role.OFFICE},
        is_superuser=role == Role.ADMIN,
    )
    user.set_password(password)
    user.save()
    Profile.objects.create(user=user, role=role, body=body, member=member, agency=agency)
    return user
