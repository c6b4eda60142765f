from django.contrib import admin

from .models import Digest, DigestItem


class ItemInline(admin.TabularInline):
    model = DigestItem
    fields = ["position", "section", "title_zh", "title_en", "generated", "changed", "removed"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """Read-only: highlights are edited on the office's desk, where each step is audited."""

    list_display = ["session", "status", "generated_at", "published_at"]
    inlines = [ItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
