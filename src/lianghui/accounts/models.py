"""Who a user is in the process: their role and what it attaches them to."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .enums import Role


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(max_length=12, choices=Role.choices, help_text=Role.help_text())
    # PROTECT: a body or agency with accounts attached is in use.
    body = models.ForeignKey(
        "proposals.Body", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    member = models.OneToOneField(
        "people.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )
    agency = models.ForeignKey(
        "people.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="member") | Q(member__isnull=False), name="member_role_has_member"
            ),
            models.CheckConstraint(
                condition=~Q(role="agency") | Q(agency__isnull=False), name="agency_role_has_agency"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["office", "supervisor"]) | Q(body__isnull=False),
                name="office_role_has_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
