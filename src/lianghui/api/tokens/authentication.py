"""``Authorization: Bearer <token>`` (or ``Token <token>``) for the API."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from lianghui.api.tokens.services import token_allows, token_for_secret

SCHEMES = {b"bearer", b"token"}


class BearerTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after the scheme: Authorization: Bearer <token>.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not ASCII.")) from None
        token = token_for_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked token."))
        # Here, before any view runs, so no write endpoint can forget the check.
        if not token_allows(token, request.method):
            raise exceptions.PermissionDenied(
                _("This token is read-only: it cannot change anything."), code="token_read_only"
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "lianghui.api.tokens.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from /desk/tokens/ or `lianghui tokens create`.",
        }
