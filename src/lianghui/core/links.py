"""Links to records by key, with each kind's URL pattern reversed once per process.

A page links to many records of a few kinds (its proposers, agencies, similar
proposals); ``reverse()`` walks the resolver for each, tens of microseconds a
link, while a record's URL is its kind's pattern with its key put in. The
pattern is reversed once per URL configuration and script prefix, which is all
``reverse()`` depends on here."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# A slug, so that the pattern's converter takes it; no key is made of it.
_SLOT = "zzkeyslotzz"


@functools.cache
def _pattern(name: str, urlconf: str, prefix: str) -> tuple[str, str]:
    head, found, tail = reverse(name, urlconf=urlconf, args=[_SLOT]).partition(_SLOT)
    if not found:
        raise ValueError(f"{name} does not take a key")
    return head, tail


def record_url(name: str, key: str) -> str:
    """``reverse(name, args=[key])`` for a URL whose one argument is a record's key."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _pattern(name, urlconf, get_script_prefix())
    return f"{head}{quote(str(key), safe='-_.~')}{tail}"


@functools.cache
def _fixed(names: tuple[str, ...], urlconf: str, prefix: str) -> dict[str, str]:
    return {
        name.replace(":", "_").replace("-", "_"): reverse(name, urlconf=urlconf) for name in names
    }


def fixed_urls(names: tuple[str, ...]) -> dict[str, str]:
    """URLs that take no argument (a site's navigation), reversed once per process,
    keyed by name with ``:`` and ``-`` as ``_`` (``portal:home`` → ``portal_home``)."""
    return _fixed(names, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
