"""The roles a signed-in person can have in the process, and how to tell a user's.

Here rather than in accounts: the visibility policy (proposals/visibility.py)
and every channel read roles, while accounts itself builds on proposals (an
office account belongs to a body), so the vocabulary sits below both.
"""

from django.utils.translation import gettext_lazy as _

from .enums import Vocabulary, with_help


class Role(Vocabulary):
    MEMBER = "member", _("Member")
    OFFICE = "office", _("Office staff")
    AGENCY = "agency", _("Agency officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    WATCHER = "watcher", _("Registered watcher")


with_help(
    Role,
    {
        "member": _("A deputy or member: drafts, co-signs, submits, rates replies."),
        "office": _("Reviews, files, merges and assigns the proposals of one body."),
        "agency": _("Answers the proposals assigned to one agency."),
        "supervisor": _("Follows the key proposals of one body."),
        "admin": _("Sees and manages everything."),
        "watcher": _("Follows public records and gets digests."),
    },
)


def role_of(user) -> str | None:
    """The user's role; None for an anonymous visitor. A signed-in user without a
    profile is a watcher; a superuser is an administrator whatever the profile."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else Role.WATCHER
