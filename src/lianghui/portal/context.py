"""The links every page's header and footer carry, reversed once per process
(fifteen ``{% url %}`` tags a page otherwise)."""

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


def site_links(request):
    return {"site_urls": fixed_urls(SITE_LINKS)}
