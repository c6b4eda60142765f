from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from . import audit
from .models import Citation, Source


class AuditedAdmin(admin.ModelAdmin):
    """Staff edits through the admin go on the record like any other change."""

    def save_model(self, request, obj, form, change):
        before = {f: form.initial.get(f) for f in form.changed_data}
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            root=obj,
            action="admin-edit" if change else "admin-create",
            changes={f: (before.get(f), form.cleaned_data.get(f)) for f in form.changed_data},
        )


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    # Audited like the records it backs: their public copies show its title and link.
    list_display = ["key", "title", "publisher", "published_on"]
    search_fields = ["key", "title", "publisher"]
