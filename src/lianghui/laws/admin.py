from django.contrib import admin

from lianghui.core.admin import AuditedAdmin, CitationInline

from .models import Regulation, RegulationEvent


class EventInline(admin.TabularInline):
    model = RegulationEvent
    extra = 0


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
    inlines = [EventInline, CitationInline]
