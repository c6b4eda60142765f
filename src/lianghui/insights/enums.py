from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class SuggestionKind(Vocabulary):
    TOPICS = "topics", _("Topics")
    AGENCY = "agency", _("Agency")
    DUPLICATE = "duplicate", _("Possible duplicate")
    REGULATION = "regulation", _("Regulation that came of it")


class Decision(Vocabulary):
    ACCEPTED = "accepted", _("Accepted")
    OVERRIDDEN = "overridden", _("Overridden")
    DISMISSED = "dismissed", _("Dismissed")


with_help(
    Decision,
    {
        "accepted": _("The suggestion was applied as it was."),
        "overridden": _("The person chose something else; a labelled correction for training."),
        "dismissed": _("The suggestion was set aside; nothing was applied."),
    },
)
