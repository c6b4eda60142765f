from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class BodyKind(Vocabulary):
    CONGRESS = "congress", _("People's congress")
    CONSULTATIVE = "consultative", _("Consultative conference")
    PARLIAMENT = "parliament", _("Parliament")
    COMMITTEE = "committee", _("Committee")
    OTHER = "other", _("Other")


class Status(Vocabulary):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    FILED = "filed", _("Filed")
    NOT_FILED = "not_filed", _("Not filed")
    MERGED = "merged", _("Merged")
    CONVERTED = "converted", _("Converted to a letter")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ASSIGNED = "assigned", _("Being handled")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


with_help(
    Status,
    {
        "filed": _("Accepted by the office for handling (立案)."),
        "not_filed": _("Not accepted, with a reason."),
        "merged": _(
            "Merged into another proposal on the same matter (并案); follows its handling."
        ),
        "converted": _("Not a proposal in form; passed on as a letter for reference."),
        "assigned": _("Routed to agencies that must reply."),
        "replied": _("Every assigned agency has replied."),
        "closed": _("Handling finished after the proposer's feedback."),
    },
)


class ReviewDecision(Vocabulary):
    FILED = "filed", _("Filed")
    NOT_FILED = "not_filed", _("Not filed")
    MERGED = "merged", _("Merged into another proposal")
    CONVERTED = "converted", _("Converted to a letter")


class NotFiledReason(Vocabulary):
    OUT_OF_SCOPE = "out_of_scope", _("Outside the body's remit")
    NO_CONCRETE_MEASURE = "no_concrete_measure", _("No concrete proposal")
    DUPLICATE = "duplicate", _("Duplicate")
    PERSONAL_MATTER = "personal_matter", _("Personal or private matter")
    JUDICIAL_MATTER = "judicial_matter", _("Matter for the courts")
    OTHER = "other", _("Other")


class SignerRole(Vocabulary):
    LEAD = "lead", _("Lead proposer")
    COSIGNER = "cosigner", _("Co-signer")


class AssignmentRole(Vocabulary):
    LEAD = "lead", _("Lead unit (主办)")
    JOINT = "joint", _("Joint handler (会办)")
    ASSISTING = "assisting", _("Assisting unit (协办)")


with_help(
    AssignmentRole,
    {
        "lead": _("Answers the proposal and coordinates the others; one per proposal."),
        "joint": _("Replies on its own part, alongside the lead unit."),
        "assisting": _("Contributes its views to the lead unit."),
    },
)


class ReplyCategory(Vocabulary):
    A = "A", _("A: adopted or solved")
    B = "B", _("B: in progress or planned")
    C = "C", _("C: explained or kept for reference")


with_help(
    ReplyCategory,
    {
        "A": _("What the proposal asked for has been done or adopted."),
        "B": _("Being done, or planned for a coming year."),
        "C": _("Cannot be done now; explained, or kept for reference."),
    },
)


class Rating(Vocabulary):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class DeadlineUnit(Vocabulary):
    CALENDAR_DAYS = "calendar_days", _("Calendar days")
    WORKING_DAYS = "working_days", _("Working days")
    MONTHS = "months", _("Months")


with_help(
    DeadlineUnit,
    {
        "calendar_days": _("Every day counts, weekends and holidays included."),
        "working_days": _(
            "Monday to Friday, less the body's holidays, plus its make-up working days."
        ),
        "months": _("Calendar months; from 31 January, one month ends on the last of February."),
    },
)


class CalendarDayKind(Vocabulary):
    HOLIDAY = "holiday", _("Holiday")
    WORKING_DAY = "working_day", _("Make-up working day")


with_help(
    CalendarDayKind,
    {
        "holiday": _("No work, even on a weekday (an official or bank holiday)."),
        "working_day": _("A weekend day worked in exchange for a holiday (调休上班)."),
    },
)


class VocabularyKind(Vocabulary):
    """The vocabularies a body defines for itself (proposals.Term); see vocabulary.py."""

    REPLY_CATEGORY = "reply_category", _("Reply categories")
    SATISFACTION = "satisfaction", _("Satisfaction scale")
    HANDLING_ROLE = "handling_role", _("Handling roles")
    OUTCOME = "outcome", _("Review outcomes")
    NOT_FILED_REASON = "not_filed_reason", _("Reasons for not filing")


with_help(
    VocabularyKind,
    {
        "reply_category": _(
            "How an agency classes its reply (A/B/C, answered...); none: no class."
        ),
        "satisfaction": _("How the proposer rates a reply; none: replies are not rated."),
        "handling_role": _(
            "Roles an agency is assigned in: lead, joint, assisting (the lead is required)."
        ),
        "outcome": _(
            "The office's review decisions: filed (required), not filed, merged, converted."
        ),
        "not_filed_reason": _("Why a proposal is not filed."),
    },
)
