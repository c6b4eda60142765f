from django.utils.translation import gettext_lazy as _

# Role is defined in core (the visibility policy and every channel read it); the
# name stays importable from here.
from lianghui.core.enums import Vocabulary, with_help
from lianghui.core.roles import Role

__all__ = ["ConsentHow", "MailKind", "Role"]


class MailKind(Vocabulary):
    """The kinds of email the platform sends on its own initiative. Each needs the
    person's recorded consent (`accounts.consent.may_mail`); mail the person asked
    for (a password reset) or that gives them their account (an invitation) is
    not one of these."""

    DIGESTS = "digests", _("Digests")
    NOTIFICATIONS = "notifications", _("Notifications")
    STAFF_REMINDERS = "reminders", _("Staff reminders")


with_help(
    MailKind,
    {
        "digests": _("News on what you follow, daily or weekly."),
        "notifications": _("News on your own records: a reply, a rating, a change of status."),
        "reminders": _(
            "Due and overdue assignments. Mandatory for agency officers: answering "
            "on time is their job."
        ),
    },
)


class ConsentHow(Vocabulary):
    """How a consent was given or withdrawn."""

    FORM = "form", _("On a form, by the person")
    API = "api", _("Through the API, by the person")
    UNSUBSCRIBE = "unsubscribe", _("With the unsubscribe link in an email")
    ROLE = "role", _("Required by the role the person accepted")
    IMPORT = "import", _("Imported with the person's recorded consent")
