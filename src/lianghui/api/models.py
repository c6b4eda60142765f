"""API credentials and the memory of idempotent requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class TokenScope(Vocabulary):
    READ = "read", _("Read only")
    WRITE = "write", _("Read and write")


with_help(
    TokenScope,
    {
        "read": _("Reads what its owner may see; every write is refused with 403"),
        "write": _("Reads and writes with its owner's role"),
    },
)


class Token(models.Model):
    """A personal API token. Only a hash of the secret is stored: the secret is
    shown once, when the token is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(
        max_length=12, help_text=_("The secret's first characters, to tell tokens apart.")
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the secret."))
    # Tokens made before scopes existed could write, and keep that.
    scope = models.CharField(
        max_length=5,
        choices=TokenScope.choices,
        default=TokenScope.WRITE,
        help_text=TokenScope.help_text(),
    )
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(
        null=True, blank=True, help_text=_("When the token was revoked; empty while it works.")
    )

    class Meta:
        ordering = ["-created", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked is None


class IdempotentRequest(models.Model):
    """A POST that carried an Idempotency-Key: claimed (no status yet) before the
    request runs, so a second request with the key waits its turn; once done, its
    first response, replayed to retries of the same request by the same user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64, help_text=_("SHA-256 of method, path, body."))
    status = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("The response's status; empty while the request runs.")
    )
    body = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} -> {self.status}"


class PublicProposal(models.Model):
    """A published proposal as the public API shows it, rendered ahead of time.

    Anonymous list and detail reads of proposals are most of the API's traffic;
    serving them from these stored documents costs one query and no rendering.
    A row exists only for a proposal the public may see and is deleted as soon
    as a change to the proposal (or a reply, regulation or source it shows) is
    committed; the worker renders it again (`lianghui.api.read.public`). Reads fall
    back to rendering when a row is missing, so a row is never required.
    """

    proposal = models.OneToOneField(
        "proposals.Proposal",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="public_document",
    )
    # With links as paths: the host is added per request.
    listed = models.TextField(help_text=_("JSON as in a list (no optional sections)."))
    full = models.TextField(help_text=_("JSON as in the detail (every section)."))
    # " reg:<key> src:<key> ": what else the document shows, to find it when those change.
    related = models.TextField(blank=True, default="")
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"public document of proposal {self.proposal_id}"
