from django.utils.functional import SimpleLazyObject

from lianghui.core.roles import Role, role_of

from .selectors import unread_count

# The roles notifications go to (producers): nobody else pays for the count.
NOTIFIED_ROLES = frozenset({Role.MEMBER, Role.AGENCY, Role.OFFICE})


def unread(request):
    """The signed-in person's unread notifications, counted only where a page shows it."""
    user = getattr(request, "user", None)
    if role_of(user) not in NOTIFIED_ROLES:
        return {"unread_notifications": 0}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
