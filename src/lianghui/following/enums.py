from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class Target(Vocabulary):
    MEMBER = "member", _("Member")
    AGENCY = "agency", _("Agency")
    TOPIC = "topic", _("Topic")
    REGULATION = "regulation", _("Regulation")
    CONSULTATION = "consultation", _("Public consultation")
    SEARCH = "search", _("Saved search")


with_help(
    Target,
    {
        "member": _("What the member signed, and the replies to it."),
        "agency": _("Proposals assigned to the agency, its replies, and rules it issued."),
        "topic": _("Proposals and replies on the topic."),
        "regulation": _("The regulation's milestones, events and versions."),
        "consultation": _("Published comments, the close of the window and the response."),
        "search": _("New records matching a search."),
    },
)


class Digest(Vocabulary):
    NONE = "none", _("No email")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly (Mondays)")
