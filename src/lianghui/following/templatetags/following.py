"""Template tags other apps' pages use to offer following (search pages, for one):
they load this library instead of importing following, which builds on them."""

from django import template

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def follows(context, target: str, key: str) -> bool:
    """Whether the signed-in user follows this; False for visitors (no query), so
    the page stays the same for all of them."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(key) and selectors.is_following(user=user, target=target, key=key)
