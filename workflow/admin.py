from django.contrib import admin
from rules.contrib.admin import ObjectPermissionsModelAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ObjectPermissionsModelAdmin):
    list_display = ["created_at", "actor", "action", "target_repr", "from_state", "to_state"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor"]
    search_fields = ["action", "target_repr", "note", "actor__email", "actor__full_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
