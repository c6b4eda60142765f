"""Rate limits: per client IP for anonymous requests, per token (or signed-in
user) otherwise. Rates come from settings.LIANGHUI_API_RATES, read on each
request so tests and deployments can change them; counters live in the cache."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _Configured(SimpleRateThrottle):
    def get_rate(self):
        return settings.LIANGHUI_API_RATES.get(self.scope)


class AnonymousThrottle(_Configured):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(_Configured):
    scope = "token"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        token = request.auth
        ident = f"t{token.pk}" if getattr(token, "pk", None) else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WriteThrottle(_Configured):
    """A tighter limit on writes, per user."""

    scope = "write"

    def get_cache_key(self, request, view):
        if request.method in {"GET", "HEAD", "OPTIONS"} or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
