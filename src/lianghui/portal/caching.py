"""Whole-response caching of public pages for anonymous visitors.

The key is `versioning.cache_key`: path, query string, active language and the
data version, which every committed change moves, so a write anywhere shows on
the next request in every process and nothing needs invalidating by hand. A hit
costs one query (the version).

What is never stored: pages for signed-in users (their header, follow buttons and
visible records differ), anything but GET/HEAD, a status other than 200, and a
response that sets a cookie or carries a CSRF token (another visitor would get
this visitor's token). Pages that stay anonymous-safe therefore carry no
`{% csrf_token %}` for anonymous visitors; the language switch is a plain GET form.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lianghui.core import versioning

PREFIX = "portal-page"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a token was rendered
        and not (session is not None and session.modified)
        and "private" not in response.get("Cache-Control", "")
    )


def public_page(view):
    """Serve anonymous GETs of ``view`` from the response cache when the data is unchanged."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.LIANGHUI_PAGE_CACHE_SECONDS
        if not seconds or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        cache = versioning.response_cache()
        key = versioning.cache_key(PREFIX, request)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapped
