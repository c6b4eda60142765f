"""Whole-response cache and cheap ETags for anonymous reads.

Anonymous callers all see the same thing (published records), so one rendered
answer serves them all until the data changes. Keys come from
``lianghui.core.versioning.cache_key``: a proposal's detail is keyed by the
proposal's own stamp (proposals/stamps.py), which only changes to that proposal
(or what it names) move, so writes elsewhere leave it cached; every other answer
holds the data version, which every committed change moves, so any write (a
service, the admin, an import) retires it in every process at once. The timeout
only bounds memory. The stamp or version is read before the records, so an
answer is never stored under a stamp newer than its data.

The ETag of an anonymous answer is the stamp (or version) and the request's
digest: a revalidation costs one query and no rendering. Callers with a token or a session
see more than the public, per user, so their answers are neither cached here nor
given these ETags (conditional.py hashes their bodies).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.http import parse_etags

from lianghui.core import versioning

PREFIX = "api"


def _seconds() -> int:
    return settings.LIANGHUI_API_CACHE_SECONDS


def applies(request) -> bool:
    return (
        request.method in {"GET", "HEAD"} and not request.user.is_authenticated and _seconds() > 0
    )


def key_for(request, version: str | None = None) -> str:
    # Links in the body are absolute: the host and scheme are part of the answer.
    return versioning.cache_key(
        PREFIX, request, request.scheme, request.get_host(), version=version
    )


def etag_of(key: str) -> str:
    """``api:<version>:<digest>`` -> ``"<version>-<digest>"``."""
    _prefix, version, digest = key.split(":", 2)
    return f'"{version}-{digest}"'


def lookup(request, stamp=None) -> HttpResponse | None:
    """The stored answer (or a 304) for an anonymous read, else None; a miss marks
    the request so that ``store`` keeps the answer it gets. ``stamp()``, when
    given, is the record's stamp to key the answer by instead of the data version
    (None: not cached this time)."""
    if not applies(request) or hasattr(request, "_api_cache"):
        return None  # not cacheable, or already looked up (and missed) for this request
    version = None
    if stamp is not None:
        version = stamp()
        if version is None:
            return None
    key = key_for(request, version)
    etag = etag_of(key)
    request._api_cache = (key, etag)
    wanted = request.headers.get("If-None-Match")
    if wanted and (etag in parse_etags(wanted) or "*" in parse_etags(wanted)):
        response = HttpResponse(status=304)
        del response["Content-Type"]
        response["ETag"] = etag
        return response
    hit = versioning.response_cache().get(key)
    if hit is None:
        return None
    content, content_type = hit
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    return response


def store(request, response) -> None:
    """Keep a rendered 200 answer of an anonymous read marked by ``lookup``, and
    give it the version's ETag. An answer made from stored documents (marked
    ``cheap``) gets the ETag but is not kept: reading it again costs less than
    pickling it into the cache did."""
    marked = getattr(request, "_api_cache", None)
    if marked is None or response.status_code != 200 or getattr(response, "streaming", False):
        return
    key, etag = marked
    response["ETag"] = etag
    if getattr(response, "cheap", False):
        return
    versioning.response_cache().set(
        key, (response.content, response["Content-Type"]), timeout=_seconds()
    )
