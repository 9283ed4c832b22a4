from django.contrib import admin

from accreditation.admin import ReadOnlyAdmin

from .models import Appeal, Award, Decision, PanelMember


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "outcome", "recommended", "decided_on", "recorded_by"]
    list_filter = ["outcome", "recommended"]
    list_select_related = ["assessment__service__organisation", "assessment__edition", "recorded_by"]
    search_fields = ["assessment__service__name", "rationale"]
    inlines = [PanelMemberInline]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    """Awards change through the award page (suspend, revoke, interim review), which records why."""

    list_display = ["reference", "service", "state", "valid_from", "valid_until", "interim_due_on"]
    list_select_related = ["service__organisation"]
    search_fields = ["reference", "service__name", "service__organisation__name"]
    date_hierarchy = "valid_until"


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["decision", "lodged_by", "lodged_at", "status", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["decision", "lodged_by"]
