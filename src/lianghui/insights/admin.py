from django.contrib import admin

from .models import SuggestionDecision


@admin.register(SuggestionDecision)
class SuggestionDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are a record, written by the office pages' service."""

    list_display = ["at", "proposal", "kind", "suggested", "score", "decision", "chosen", "user"]
    list_filter = ["kind", "decision", "proposal__session__body"]
    search_fields = ["proposal__key", "suggested", "chosen"]
    list_select_related = ["proposal", "user"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
