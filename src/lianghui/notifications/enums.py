from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class Kind(Vocabulary):
    """What a notification is about; the first word says to whom it goes."""

    FILED = "filed", _("Filed")
    NOT_FILED = "not_filed", _("Not filed")
    MERGED = "merged", _("Merged")
    CONVERTED = "converted", _("Converted to a letter")
    ASSIGNED = "assigned", _("Assigned")
    TRANSFERRED = "transferred", _("Transferred")
    REPLIED = "replied", _("Replied")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")
    AGENCY_ASSIGNED = "agency_assigned", _("Assigned to your agency")
    AGENCY_TRANSFERRED_AWAY = "agency_moved", _("Transfer approved")
    AGENCY_TRANSFER_REFUSED = "agency_kept", _("Transfer refused")
    AGENCY_REOPENED = "agency_reopened", _("Reopened for your agency")
    OFFICE_UNSATISFIED = "office_unsatisfied", _("Unsatisfied rating")
    OFFICE_TRANSFER_REQUESTED = "office_transfer", _("Transfer requested")


PROPOSER_KINDS = frozenset(
    {
        Kind.FILED,
        Kind.NOT_FILED,
        Kind.MERGED,
        Kind.CONVERTED,
        Kind.ASSIGNED,
        Kind.TRANSFERRED,
        Kind.REPLIED,
        Kind.REOPENED,
        Kind.CLOSED,
    }
)
AGENCY_KINDS = frozenset(
    {
        Kind.AGENCY_ASSIGNED,
        Kind.AGENCY_TRANSFERRED_AWAY,
        Kind.AGENCY_TRANSFER_REFUSED,
        Kind.AGENCY_REOPENED,
    }
)
OFFICE_KINDS = frozenset({Kind.OFFICE_UNSATISFIED, Kind.OFFICE_TRANSFER_REQUESTED})

with_help(
    Kind,
    {
        "filed": _("To the proposers: the office filed the proposal."),
        "not_filed": _("To the proposers: the office did not file it, with the reason."),
        "merged": _("To the proposers: the office merged it into another proposal."),
        "converted": _("To the proposers: the office handles it as a letter."),
        "assigned": _("To the proposers: an agency was assigned, with its due date."),
        "transferred": _("To the proposers: another agency handles it now."),
        "replied": _(
            "To the proposers: an agency replied; how many have, and whether they can rate."
        ),
        "reopened": _("To the proposers: handling starts again after an unsatisfied rating."),
        "closed": _("To the proposers: handling is finished."),
        "agency_assigned": _("To an agency's officers: a proposal to answer, with its due date."),
        "agency_moved": _("To an agency's officers: the office moved the proposal elsewhere."),
        "agency_kept": _("To an agency's officers: the office refused their transfer request."),
        "agency_reopened": _("To an agency's officers: a new answer is due after a rating."),
        "office_unsatisfied": _("To the office: a proposer rated a reply unsatisfied."),
        "office_transfer": _("To the office: an agency asked for a transfer."),
    },
)
