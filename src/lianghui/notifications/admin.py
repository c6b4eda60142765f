from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(read_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(read_at__isnull=True)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What each person was told, for an operator answering "was I told, and was it
    mailed?". The producers write notifications, the recipient marks them read and
    the worker mails them: here they are read only. One not yet read nor mailed
    may be deleted (made in error); one read or mailed is history and stays."""

    list_display = ["created_at", "user", "kind", "proposal", "is_read", "mail_state", "mailed_at"]
    list_filter = ["kind", ReadFilter, "mail_state", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["user__username", "user__email", "proposal__key"]
    list_select_related = ["user", "proposal"]
    # One row per person and event: the table grows large; count it once.
    show_full_result_count = False
    fields = [
        "user",
        "kind",
        "proposal",
        "event",
        "text_zh",
        "text_en",
        "params",
        "created_at",
        "read_at",
        "mail_state",
        "mailed_at",
    ]
    readonly_fields = fields

    @admin.display(boolean=True, description=_("read"), ordering="read_at")
    def is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Deleting stays allowed, read or not: the admin asks this of every row a
    # deletion takes with it, and a proposal or an account deleted takes its
    # notifications (refusing made the proposal itself undeletable).
