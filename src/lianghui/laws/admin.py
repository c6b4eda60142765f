from django.contrib import admin

from lianghui.core.admin import AuditedAdmin, CitationInline

from .models import ProposalLink, Provision, Regulation, RegulationEvent, RegulationVersion


class EventInline(admin.TabularInline):
    model = RegulationEvent
    extra = 0


class VersionInline(admin.TabularInline):
    model = RegulationVersion
    extra = 0
    fields = ["kind", "label_zh", "label_en", "date", "date_precision", "issuer", "generated"]
    raw_id_fields = ["issuer"]
    show_change_link = True


@admin.register(Regulation)
class RegulationAdmin(AuditedAdmin):
    list_display = [
        "key",
        "title_zh",
        "title_en",
        "kind",
        "jurisdiction",
        "published_on",
        "effective_on",
    ]
    list_filter = ["kind", "jurisdiction", "generated"]
    search_fields = ["key", "title_zh", "title_en", "document_number"]
    filter_horizontal = ["issuers"]
    raw_id_fields = ["related_proposals"]
    inlines = [EventInline, VersionInline, CitationInline]


class ProvisionInline(admin.StackedInline):
    model = Provision
    extra = 0
    fields = [
        ("position", "kind", "number", "parent"),
        ("heading_zh", "heading_en"),
        ("text_zh", "text_en"),
    ]
    raw_id_fields = ["parent"]
    ordering = ["position"]


@admin.register(RegulationVersion)
class RegulationVersionAdmin(AuditedAdmin):
    list_display = ["regulation", "kind", "label_en", "date", "date_precision", "generated"]
    list_filter = ["kind", "date_precision", "generated"]
    search_fields = ["regulation__key", "regulation__title_zh", "regulation__title_en"]
    list_select_related = ["regulation"]
    raw_id_fields = ["regulation", "issuer"]
    inlines = [ProvisionInline, CitationInline]


@admin.register(ProposalLink)
class ProposalLinkAdmin(admin.ModelAdmin):
    """Read-only: links are decided by the office on the proposal's desk page."""

    list_display = ["proposal", "regulation", "status", "score", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["proposal__key", "regulation__key"]
    list_select_related = ["proposal", "regulation", "decided_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a link is rejected on the desk, where the decision is recorded
