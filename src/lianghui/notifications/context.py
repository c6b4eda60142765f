from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """The signed-in person's unread notifications, counted only where a page shows it."""
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
