"""Whole-response caching of public pages for anonymous visitors.

The key is `versioning.cache_key`: path, query string, active language and the
data version, which every committed change moves, so a write anywhere shows on
the next request in every process and nothing needs invalidating by hand. A hit
costs one query (the version). A proposal page is keyed instead by its own stamp
(`proposal_stamp`: one query), so it stays cached while other records change.

What is never stored: pages for signed-in users (their header, follow buttons and
visible records differ), anything but GET/HEAD, a status other than 200, and a
response that sets a cookie or carries a CSRF token (another visitor would get
this visitor's token). Pages that stay anonymous-safe therefore carry no
`{% csrf_token %}` for anonymous visitors; the language switch is a plain GET form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from lianghui.core import versioning
from lianghui.proposals import stamps

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


def proposal_stamp(request: HttpRequest, key: str) -> str | None:
    """What a proposal page shows changes only when this does (proposals/stamps.py:
    the proposal's own version, moved by any change to it, its parts or what merges
    into it, and the reference version). None for no such proposal."""
    return stamps.stamp(key)


def public_page(view=None, *, stamp: Callable[..., str | None] | None = None):
    """Serve anonymous GETs of ``view`` from the response cache when the data is
    unchanged. With ``stamp(request, **kwargs)``, the page is kept under that stamp
    instead of the data version, so changes elsewhere leave it cached (None: the
    page is not cached this time)."""
    if view is None:
        return lambda v: public_page(v, stamp=stamp)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = settings.LIANGHUI_PAGE_CACHE_SECONDS
        if (
            not seconds
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or not versioning.response_cache_stores()
        ):
            return view(request, *args, **kwargs)
        version = None
        if stamp is not None:
            version = stamp(request, *args, **kwargs)
            if version is None:
                return view(request, *args, **kwargs)
        cache = versioning.response_cache()
        key = versioning.cache_key(PREFIX, request, version=version)
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapped
