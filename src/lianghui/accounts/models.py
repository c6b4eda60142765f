"""Who a user is in the process: their role and what it attaches them to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import ConsentHow, MailKind, Role


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
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        help_text=_(
            "The language of the emails the person gets; empty: the working language of "
            "the body whose record the email is about."
        ),
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


class MailConsent(models.Model):
    """One consent to one kind of email: given (what, when, how) and perhaps
    withdrawn. A new consent after a withdrawal is a new row, so the history stays.
    Without a row that is given and not withdrawn, no such email goes out."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_consents"
    )
    kind = models.CharField(max_length=20, choices=MailKind.choices, help_text=MailKind.help_text())
    granted_at = models.DateTimeField()
    how = models.CharField(
        max_length=12, choices=ConsentHow.choices, help_text=ConsentHow.help_text()
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_how = models.CharField(
        max_length=12, choices=ConsentHow.choices, blank=True, default=""
    )

    class Meta:
        ordering = ["user", "kind", "granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_open_consent_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.granted_at:%Y-%m-%d}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Personalisation(models.Model):
    """A person's choice about ranking and recommending by what is known of them.
    Without a row personalisation is on; any function that ranks or recommends by
    the person (insights.algorithms, ``personal=True``) asks
    `accounts.personalisation.allowed(user)` first."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personalisation"
    )
    enabled = models.BooleanField(default=True)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.enabled else 'off'}"
