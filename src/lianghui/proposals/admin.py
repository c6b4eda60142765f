from django.contrib import admin

from lianghui.core.admin import AuditedAdmin, CitationInline

from .models import (
    Assignment,
    Body,
    CalendarDay,
    Feedback,
    HolidayCalendar,
    Proposal,
    ProposalKind,
    Reply,
    Review,
    Session,
    Signer,
    Term,
    Topic,
)
from .vocabulary import vocabulary_defaults_copy


class TermInline(admin.TabularInline):
    """The body's own words (proposals.vocabulary)."""

    model = Term
    extra = 0
    fields = [
        "vocabulary",
        "code",
        "label_zh",
        "label_en",
        "description_zh",
        "description_en",
        "order",
    ]


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 3
    fields = ["date", "kind", "name_zh", "name_en"]


@admin.register(HolidayCalendar)
class HolidayCalendarAdmin(AuditedAdmin):
    list_display = ["key", "name_zh", "name_en"]
    search_fields = ["key", "name_zh", "name_en"]
    inlines = [CalendarDayInline, CitationInline]


@admin.register(Body)
class BodyAdmin(AuditedAdmin):
    list_display = [
        "key",
        "name_zh",
        "name_en",
        "kind",
        "language",
        "deadline_unit",
        "deadline_count",
        "deadline_by",
        "calendar",
    ]
    list_select_related = ["calendar"]
    search_fields = ["key", "name_zh", "name_en"]
    inlines = [TermInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A body saved without words of its own speaks the Chinese defaults.
        vocabulary_defaults_copy(body=form.instance)


@admin.register(ProposalKind)
class ProposalKindAdmin(AuditedAdmin):
    list_display = [
        "key",
        "body",
        "code",
        "name_zh",
        "name_en",
        "min_cosigners",
        "deadline_unit",
        "deadline_count",
    ]


@admin.register(Session)
class SessionAdmin(AuditedAdmin):
    list_display = ["key", "body", "term", "number", "year", "opens_on", "closes_on"]
    list_filter = ["body"]
    search_fields = ["key", "name_zh", "name_en"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["key", "scheme", "name_zh", "name_en"]
    search_fields = ["key", "name_zh", "name_en"]


class SignerInline(admin.TabularInline):
    model = Signer
    extra = 0
    raw_id_fields = ["member", "group"]


class ReviewInline(admin.StackedInline):
    model = Review
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fk_name = "proposal"
    raw_id_fields = ["agency", "transferred_from"]


@admin.register(Proposal)
class ProposalAdmin(AuditedAdmin):
    list_display = ["key", "title_zh", "title_en", "session", "kind", "status", "generated"]
    list_filter = ["status", "session__body", "session__year", "kind", "is_key", "generated"]
    list_select_related = ["session__body", "kind"]
    search_fields = ["key", "number", "title_zh", "title_en"]
    raw_id_fields = ["merged_into"]
    # The lifecycle moves only through the services (desks, API): here it is shown.
    readonly_fields = ["status", "submitted_on"]
    filter_horizontal = ["topics"]
    inlines = [SignerInline, ReviewInline, AssignmentInline, CitationInline]


class FeedbackInline(admin.StackedInline):
    model = Feedback
    extra = 0


@admin.register(Reply)
class ReplyAdmin(AuditedAdmin):
    list_display = ["assignment", "category", "replied_on", "published"]
    list_filter = ["category", "published"]
    raw_id_fields = ["assignment"]
    inlines = [FeedbackInline]
