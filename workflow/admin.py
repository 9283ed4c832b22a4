import json

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.db import router
from rules.contrib.admin import ObjectPermissionsModelAdmin

from .audit import audit_log
from .models import AuditEvent


def _deleted_fields(obj) -> dict:
    """What the deleted object held, as JSON, so the audit event says what went (never a password hash)."""
    fields = json.loads(serializers.serialize("json", [obj]))[0]["fields"]
    fields.pop("password", None)
    return fields


def _cascaded_counts(obj) -> dict[str, int]:
    """How many rows of each kind the deletion takes with it ("accreditation.evidence": 12), as the admin's own
    confirmation page lists them: a service deleted with its portfolios and evidence says so in its event."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    counts = {model._meta.label_lower: len(rows) for model, rows in collector.data.items()}
    counts[obj._meta.label_lower] -= 1  # the object itself, which the event names
    return {label: count for label, count in sorted(counts.items()) if count}


class AuditedDeleteMixin:
    """Deleting through the admin (one object, many with the list's action, or rows of an inline) writes one audit
    event per object, in the same transaction as the deletion. Put it first among an admin's bases; an admin that
    writes its own `save_formset` calls `audit_inline_deletions` before saving."""

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        self.audit_inline_deletions(request, formset)
        super().save_formset(request, form, formset, change)

    def audit_inline_deletions(self, request, formset):
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk is not None:
                self._audit_deletion(request, inline_form.instance)

    def _audit_deletion(self, request, obj):
        meta = obj._meta
        audit_log(
            actor=request.user,
            action=f"{meta.app_label}.{meta.model_name}.deleted_in_admin",
            target=obj,
            data={"fields": _deleted_fields(obj), "cascaded": _cascaded_counts(obj)},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ObjectPermissionsModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_repr", "from_state", "to_state"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_repr", "note", "actor_repr"]
    date_hierarchy = "created_at"
    # Who acted is shown as written then: the person may since have been deleted.
    exclude = ["actor"]
    readonly_fields = ["previous_hash", "hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
