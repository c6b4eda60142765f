from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary


class Section(Vocabulary):
    """The parts of a session's highlights, in the order the page shows them."""

    THEME = "theme", _("Themes of the session")
    NEW = "new", _("New compared with the session before")
    COSIGNED = "cosigned", _("Most co-signed")
    PROMINENT = "prominent", _("Prominent members' proposals")
    FOLLOWED = "followed", _("Most followed proposers")


class DigestStatus(Vocabulary):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
