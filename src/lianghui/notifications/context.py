import functools

from django.utils.functional import SimpleLazyObject
from django.utils.translation import ngettext

from lianghui.core.roles import Role, role_of

from .selectors import unread_count

# The roles notifications go to (producers): nobody else pays for the count.
NOTIFIED_ROLES = frozenset({Role.MEMBER, Role.AGENCY, Role.OFFICE})


def unread(request):
    """The signed-in person's unread notifications, counted only where a page shows it."""
    user = getattr(request, "user", None)
    if role_of(user) not in NOTIFIED_ROLES:
        return {"unread_notifications": 0, "unread_label": ""}
    counted = functools.cache(lambda: unread_count(user=user))
    return {
        "unread_notifications": SimpleLazyObject(counted),
        # The badge's label (the layout is Jinja2: makemessages finds plurals here).
        "unread_label": SimpleLazyObject(lambda: _label(counted())),
    }


def _label(n: int) -> str:
    return ngettext("%(n)s unread", "%(n)s unread", n) % {"n": n}
