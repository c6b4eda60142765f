"""Rate limits: per client IP (lianghui.accounts.network) for anonymous
requests, per token (or signed-in user) otherwise. Rates come from
settings.LIANGHUI_API_RATES, read on each request so tests and deployments can
change them; counters live in the cache."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from lianghui.accounts.network import client_ip


class _Configured(SimpleRateThrottle):
    """A counter per client and window (a minute for "120/min"), incremented in
    the cache. DRF's own throttle keeps every request's time within the window
    and rewrites the whole list on each request: at generous rates that list
    (thousands of entries) cost more than the answer. A fixed window may let a
    client through twice its rate across a window's edge, which a rate limit for
    fair use can bear."""

    def get_rate(self):
        return settings.LIANGHUI_API_RATES.get(self.scope)

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        key = f"{ident}:{window}"
        self.cache.add(key, 0, self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between add and incr
            self.cache.set(key, 1, self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self):
        return max(self.window_ends - self.now, 1)

    def get_ident(self, request):
        # DRF's own believes any X-Forwarded-For; the login lockout's rule instead.
        return client_ip(request)


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
