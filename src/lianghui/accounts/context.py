from . import permissions


def role(request):
    """The signed-in user's role, for navigation."""
    return {"role": permissions.role_of(getattr(request, "user", None))}
