from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from rules.contrib.admin import ObjectPermissionsModelAdmin

from workflow.admin import AuditedDeleteMixin

from .models import AwardRule, Edition, Standard, Value
from .services import edition_transition


class AwardRuleInline(admin.StackedInline):
    model = AwardRule
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_draft

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.is_draft


class ValueInline(admin.TabularInline):
    model = Value
    extra = 0
    fields = ["order", "code", "name", "statement"]
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_draft

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


def _transition_action(to, label):
    @admin.action(description=label)
    def action(modeladmin, request, queryset):
        for edition in queryset:
            try:
                edition_transition(edition=edition, to=to, by=request.user)
            except ValidationError as error:
                modeladmin.message_user(request, f"{edition.code}: {' '.join(error.messages)}", level=messages.ERROR)
            else:
                modeladmin.message_user(request, f"{edition.code} is now {Edition.Status(to).label.lower()}.")

    action.__name__ = f"make_{to}"
    return action


@admin.register(Edition)
class EditionAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin):
    list_display = ["code", "title", "status", "published_on"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    readonly_fields = ["status", "published_on"]
    inlines = [AwardRuleInline, ValueInline]
    actions = [
        _transition_action(Edition.Status.PUBLISHED, "Publish the selected draft editions"),
        _transition_action(Edition.Status.RETIRED, "Retire the selected published editions"),
    ]


@admin.register(Value)
class ValueAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin):
    list_display = ["code", "name", "edition", "order"]
    list_filter = ["edition"]
    list_select_related = ["edition"]
    search_fields = ["code", "name", "statement"]


@admin.register(Standard)
class StandardAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin):
    list_display = ["code", "title", "type", "value", "edition"]
    list_filter = ["edition", "type", "value__code"]
    list_select_related = ["edition", "value"]
    search_fields = ["code", "title", "statement", "guidance"]
    ordering = ["edition", "value__order", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("value__edition")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "value":
            kwargs["queryset"] = Value.objects.filter(edition__status=Edition.Status.DRAFT).select_related("edition")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
