from django.contrib import admin

from lianghui.core.admin import AuditedAdmin, CitationInline

from .models import Affiliation, Member, Membership, Organization


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["organization"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["group"]


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ["key", "name_zh", "name_en", "generated"]
    list_filter = ["generated", "memberships__body"]
    search_fields = ["key", "name_zh", "name_en"]
    inlines = [MembershipInline, AffiliationInline, CitationInline]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["key", "name_zh", "name_en", "kind", "sector", "level"]
    list_filter = ["kind", "bodies", "sector", "level", "generated"]
    search_fields = ["key", "name_zh", "name_en"]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["bodies"]
    inlines = [CitationInline]
