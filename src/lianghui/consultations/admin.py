from django.contrib import admin

from lianghui.core.admin import AuditedAdmin

from .models import Comment, Consultation, Response, ResponseChange, Theme, ThemeDecision


@admin.register(Consultation)
class ConsultationAdmin(AuditedAdmin):
    list_display = ["key", "title_zh", "title_en", "opens_on", "closes_on", "run_by", "generated"]
    list_filter = ["generated", "themes_enabled"]
    search_fields = ["key", "title_zh", "title_en"]
    raw_id_fields = ["version", "run_by"]


@admin.register(Comment)
class CommentAdmin(AuditedAdmin):
    """Moderation belongs to the queue, which records who decided and why: here the
    decision fields are read only."""

    list_display = ["id", "consultation", "capacity", "status", "campaign", "created_at"]
    list_filter = ["status", "capacity", "generated"]
    search_fields = ["text", "organization_name"]
    raw_id_fields = ["consultation", "provision", "author", "theme"]
    readonly_fields = [
        "status",
        "hide_reason",
        "moderation_note",
        "moderated_by",
        "moderated_at",
        "withdrawn_at",
        "edited_at",
    ]


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["id", "consultation", "label_zh", "label_en", "status"]
    list_filter = ["status"]
    raw_id_fields = ["consultation", "merged_into"]


@admin.register(ThemeDecision)
class ThemeDecisionAdmin(admin.ModelAdmin):
    """The log of decisions: read only."""

    list_display = ["at", "consultation", "theme", "action", "user"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChangeInline(admin.StackedInline):
    model = ResponseChange
    extra = 0
    raw_id_fields = ["draft_provision", "final_provision", "comments", "themes"]


@admin.register(Response)
class ResponseAdmin(AuditedAdmin):
    list_display = ["consultation", "published_at", "published_by"]
    raw_id_fields = ["consultation", "final_version", "published_by"]
    inlines = [ChangeInline]
