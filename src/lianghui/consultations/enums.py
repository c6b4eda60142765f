from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class Capacity(Vocabulary):
    """The capacity in which a person comments, as they declare it."""

    INDIVIDUAL = "individual", _("Individual")
    WORKER = "worker", _("Worker")
    UNION = "union", _("Trade union or workers' representative")
    COMPANY = "company", _("Company")
    INDUSTRY = "industry", _("Industry association")
    EXPERT = "expert", _("Expert")
    PUBLIC_BODY = "public_body", _("Public body")


with_help(
    Capacity,
    {
        "individual": _("A member of the public speaking for themselves."),
        "worker": _("Someone speaking from their own work under the rules."),
        "union": _("A trade union, or a representative elected by workers."),
        "company": _("A company or its staff speaking for it."),
        "industry": _("An association of companies in a trade."),
        "expert": _("A researcher, lawyer or other specialist."),
        "public_body": _("An agency, court, committee or other public body."),
    },
)

# Labour voices: the capacities that "what workers and unions said" counts.
LABOUR = (Capacity.WORKER, Capacity.UNION)


class CommentStatus(Vocabulary):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden")
    SPAM = "spam", _("Spam")
    WITHDRAWN = "withdrawn", _("Withdrawn")


with_help(
    CommentStatus,
    {
        "pending": _("Seen only by its author and the moderators."),
        "published": _("Shown to everyone."),
        "hidden": _("Kept off the public record, with a coded reason."),
        "spam": _("Advertising or automated posting; kept off the public record."),
        "withdrawn": _("Withdrawn by its author while the window was open."),
    },
)


class HideReason(Vocabulary):
    """Why a moderator hid a comment. Repeating others' words is never a reason:
    identical texts are counted as a campaign."""

    ABUSE = "abuse", _("Abusive or threatening")
    PERSONAL_DATA = "personal_data", _("Discloses someone's personal data")
    OFF_TOPIC = "off_topic", _("Not about the draft")
    UNLAWFUL = "unlawful", _("Unlawful content")
    OTHER = "other", _("Other (explained in the note)")


class ModerationDecision(Vocabulary):
    PUBLISH = "published", _("Publish")
    HIDE = "hidden", _("Hide")
    SPAM = "spam", _("Mark as spam")


class ThemeStatus(Vocabulary):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into another")


with_help(
    ThemeStatus,
    {
        "proposed": _("Found by the platform; not yet checked by staff."),
        "accepted": _("Checked by staff and shown with the consultation."),
        "rejected": _("Staff found it is not a theme; its comments are unthemed."),
        "merged": _("Its comments moved into another theme."),
    },
)


class ThemeAction(Vocabulary):
    PROPOSE = "propose", _("Proposed by the platform")
    ACCEPT = "accept", _("Accepted")
    RENAME = "rename", _("Renamed")
    MERGE = "merge", _("Merged")
    SPLIT = "split", _("Split")
    REJECT = "reject", _("Rejected")
    MOVE = "move", _("Comment moved")
