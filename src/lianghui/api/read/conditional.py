"""ETag / If-None-Match for read responses, and caching headers.

The ETag is a hash of the rendered body, so it changes exactly when what this
caller sees changes, unless the response cache gave one derived from the data
version (anonymous reads, see cache.py); a matching If-None-Match gets 304 with
no body.
"""

from __future__ import annotations

import hashlib

from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from rest_framework.response import Response

PUBLIC_MAX_AGE = 60


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def conditional(request, response):
    """Set ETag and caching headers on a rendered GET response; 304 if unchanged."""
    if request.method not in {"GET", "HEAD"} or response.status_code not in {200, 304}:
        return response
    if response.status_code == 304:  # from the response cache: headers only
        _cache_headers(request, response)
        return response
    if isinstance(response, Response):
        response.render()
    if getattr(response, "streaming", False):
        return response
    etag = response.get("ETag") or etag_for(response.content)
    response["ETag"] = etag
    _cache_headers(request, response)
    wanted = request.headers.get("If-None-Match")
    if wanted:
        tags = parse_etags(wanted)
        if "*" in tags or etag in tags or etag.strip('"') in tags:
            response.status_code = 304
            response.content = b""
            for header in ("Content-Type", "Content-Length"):
                if header in response:
                    del response[header]
    return response


def _cache_headers(request, response) -> None:
    patch_vary_headers(response, ("Authorization", "Cookie", "Accept", "Accept-Language"))
    if request.user.is_authenticated:
        response["Cache-Control"] = "private, no-cache"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
