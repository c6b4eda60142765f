"""Whole-response caching of public pages for anonymous visitors.

The key is `versioning.cache_key`: path, query string, active language and the
data version, which every committed change moves, so a write anywhere shows on
the next request in every process and nothing needs invalidating by hand. A hit
costs one query (the version). A proposal page is keyed instead by its own stamp
(`proposal_stamp`: two queries), so it stays cached while other records change.

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


# Changes to these are traced to the proposals they touch (their public documents
# are rendered again, with a new stamp); any other change moves the reference version.
PROPOSAL_RECORDS = frozenset(
    {"proposals.Proposal", "proposals.Assignment", "proposals.Reply", "proposals.Feedback"}
)


def on_records_changed(labels: set[str]) -> None:
    """core.events subscriber: after a commit that changed anything else than
    proposals and their parts (names, regulations, sources, affiliations...)."""
    if labels - PROPOSAL_RECORDS:
        versioning.bump(row=versioning.REFERENCE)


def proposal_stamp(request: HttpRequest, key: str) -> str | None:
    """What a proposal page shows changes only when this does: the proposal's public
    document (rendered again after any change to it, its parts or what merges into
    it) and the reference version. None while the document is being rendered."""
    from lianghui.api.public import stamp

    document = stamp(key)
    if document is None:
        return None
    return f"{document}.{versioning.current(versioning.REFERENCE)}"


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
        if not seconds or request.method not in ("GET", "HEAD") or request.user.is_authenticated:
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
