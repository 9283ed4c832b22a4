from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from accreditation.admin import ReadOnlyAdmin
from workflow.admin import AuditedDeleteMixin
from workflow.audit import audit_log

from .models import Assignment, Conflict, ReportComment, ReviewReport, ReviewRound, ScoreChange, Visit


@admin.register(Conflict)
class ConflictAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin):
    """Conflicts of interest declared ahead of any assignment; assignment refuses them everywhere."""

    list_display = ["reviewer", "organisation", "service", "declared_at"]
    list_select_related = ["reviewer", "organisation", "service__organisation"]
    search_fields = ["reviewer__full_name", "reviewer__email", "organisation__name", "service__name", "reason"]
    autocomplete_fields = ["reviewer", "organisation", "service"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(actor=request.user, action="reviews.conflict.recorded", target=obj, note=obj.reason)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["reviewer", "assessment", "is_lead", "status", "due_on", "review_submitted_at"]
    list_filter = ["status", "is_lead"]
    list_select_related = ["reviewer", "assessment__service__organisation", "assessment__edition"]
    search_fields = ["reviewer__full_name", "assessment__service__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_review_submitted()

    @admin.display(description="scores submitted this round")
    def review_submitted_at(self, obj):
        return obj.review_submitted_at


@admin.register(ReviewRound)
class ReviewRoundAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "number", "opened_at"]
    list_select_related = ["assessment__service__organisation", "assessment__edition"]
    search_fields = ["assessment__service__name"]


@admin.register(ScoreChange)
class ScoreChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "changed_by", "round", "old_score", "new_score"]
    list_select_related = ["changed_by", "score__round"]
    search_fields = ["changed_by__full_name"]

    @admin.display(description="round", ordering="score__round__number")
    def round(self, obj):
        return obj.score.round.number


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "visited_on", "mode"]
    list_select_related = ["assessment__service__organisation", "assessment__edition"]


class ReportCommentInline(admin.TabularInline):
    """The team's factual-accuracy comments and the lead reviewer's answers, as the report's own pages show them."""

    model = ReportComment
    fields = ["about", "text", "by", "at", "answer", "answer_text", "answered_by", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by", "answered_by")


@admin.register(ReviewReport)
class ReviewReportAdmin(ReadOnlyAdmin):
    inlines = [ReportCommentInline]
    list_display = ["assessment", "released_at", "team_commented_at", "finalised_at"]
    list_select_related = ["assessment__service__organisation", "assessment__edition"]
