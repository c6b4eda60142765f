from django.utils.translation import gettext_lazy as _

from lianghui.core.enums import Vocabulary, with_help


class Role(Vocabulary):
    MEMBER = "member", _("Member")
    OFFICE = "office", _("Office staff")
    AGENCY = "agency", _("Agency officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")
    WATCHER = "watcher", _("Registered watcher")


with_help(
    Role,
    {
        "member": _("A deputy or member: drafts, co-signs, submits, rates replies."),
        "office": _("Reviews, files, merges and assigns the proposals of one body."),
        "agency": _("Answers the proposals assigned to one agency."),
        "supervisor": _("Follows the key proposals of one body."),
        "admin": _("Sees and manages everything."),
        "watcher": _("Follows public records and gets digests."),
    },
)
