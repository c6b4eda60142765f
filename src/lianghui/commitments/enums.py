from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary


class Review(Vocabulary):
    SUGGESTED = "suggested", _("Found automatically, not yet checked")
    CONFIRMED = "confirmed", _("Confirmed by the office")
    REJECTED = "rejected", _("Rejected by the office")


class Outcome(Vocabulary):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    LAPSED = "lapsed", _("Lapsed")


Outcome._help = {
    "open": _("Its date has not passed (or it names none) and nothing shows it kept yet."),
    "kept": _(
        "A later stage of a linked regulation, or a later reply from the same agency "
        "graded with the body's first reply category, shows it done."
    ),
    "lapsed": _("Its date has passed and nothing on the record shows it kept."),
}


class DuePrecision(Vocabulary):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")
