from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary


class DocType(Vocabulary):
    PROPOSAL = "proposal", _("Proposal")
    REPLY = "reply", _("Agency reply")
    MEMBER = "member", _("Member")
    ORGANIZATION = "organization", _("Organization")
    REGULATION = "regulation", _("Regulation")
    CONSULTATION = "consultation", _("Public consultation")
    COMMENT = "comment", _("Consultation comment")


class Sort(Vocabulary):
    RELEVANCE = "relevance", _("Relevance")
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")


class TagFacet(Vocabulary):
    """Filters a record can have several values of, kept in SearchTag."""

    TOPIC = "topic", _("Topic")
    AGENCY = "agency", _("Agency")
    MEMBER = "member", _("Member")
    GROUP = "group", _("Delegation or sector")
    CATEGORY = "category", _("Reply category")
