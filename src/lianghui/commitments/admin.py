from django.contrib import admin

from .models import Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """Read-only: commitments are found by the extractor and decided on the
    office's desk, where each decision is audited."""

    list_display = ["sentence", "reply", "review", "outcome", "due_on", "confidence"]
    list_filter = ["review", "outcome", "language"]
    search_fields = ["sentence"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
