"""The links every page's header and footer carry, reversed once per process
(fifteen ``{% url %}`` tags a page otherwise), and the files its head names, their
addresses worked out once too (``{% static %}``: about 10 µs each, on every page)."""

import functools

from django.conf import settings
from django.templatetags.static import static

from lianghui.core.links import fixed_urls

SITE_LINKS = (
    "portal:home",
    "portal:proposals",
    "portal:members",
    "portal:organizations",
    "portal:sessions",
    "portal:topics",
    "portal:regulations",
    "portal:language",
    "portal:algorithms",
    "search:search",
    "desks:home",
    "notifications:list",
    "accounts:mydata",
    "accounts:logout",
    "accounts:login",
)


SITE_ASSETS = {
    "favicon": "portal/favicon.svg",
    "portal_css": "portal/portal.css",
    "desks_css": "desks/desks.css",
    "search_css": "search/search.css",
}


@functools.cache
def _assets(static_url: str) -> dict[str, str]:
    return {name: static(path) for name, path in SITE_ASSETS.items()}


def site_links(request):
    return {"site_urls": fixed_urls(SITE_LINKS), "site_assets": _assets(settings.STATIC_URL)}
