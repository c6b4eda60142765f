from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary


class RegulationKind(Vocabulary):
    CONSTITUTION = "constitution", _("Constitution")
    LAW = "law", _("Law")
    ADMINISTRATIVE_REGULATION = "administrative_regulation", _("Administrative regulation")
    DEPARTMENTAL_RULE = "departmental_rule", _("Departmental rule")
    NORMATIVE_DOCUMENT = "normative_document", _("Normative document")
    LOCAL_REGULATION = "local_regulation", _("Local regulation")
    JUDICIAL_INTERPRETATION = "judicial_interpretation", _("Judicial interpretation")
    GUIDELINE = "guideline", _("Guideline")
    PLAN = "plan", _("Plan")
    STANDARD = "standard", _("Standard")
    CASE = "case", _("Guiding case")
    OTHER = "other", _("Other")


class Stage(Vocabulary):
    """Milestones in the order a regulation passes them."""

    DRAFTED = "drafted", _("Draft released")
    COMMENT_OPENS = "comment_opens", _("Public comment opens")
    COMMENT_CLOSES = "comment_closes", _("Public comment closes")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")
    EFFECTIVE = "effective", _("In effect")
    REPEALED = "repealed", _("Repealed")


class EventKind(Vocabulary):
    AMENDED = "amended", _("Amended")
    REVISED_DRAFT = "revised_draft", _("Revised draft")
    READING = "reading", _("Reading")
    ANNOUNCED = "announced", _("Announced")
    OTHER = "other", _("Other")


class VersionKind(Vocabulary):
    """What a text of a regulation is, in the order a text usually passes them."""

    DRAFT = "draft", _("Draft for comment")
    REVISED_DRAFT = "revised_draft", _("Revised draft")
    FINAL = "final", _("Final text")
    AMENDED = "amended", _("Amended text")


class DatePrecision(Vocabulary):
    """How much of a date the source states: "July 2021" is a month, not 1 July."""

    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class ProvisionKind(Vocabulary):
    PART = "part", _("Part")
    CHAPTER = "chapter", _("Chapter")
    SECTION = "section", _("Section")
    ARTICLE = "article", _("Article")
    PARAGRAPH = "paragraph", _("Paragraph")


class LinkStatus(Vocabulary):
    """Where a suggested proposal–regulation link stands; only confirmed ones are public."""

    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
