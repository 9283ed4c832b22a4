from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from rules.contrib.admin import ObjectPermissionsModelAdmin

from workflow.admin import AuditedDeleteMixin
from workflow.audit import audit_log

from .models import Assessment, Evidence, Organisation, Response, Service, ServiceMembership, User
from .services.people import membership_remove, membership_set

# Roles are flags on the person (reviewer, administrator) and team memberships, not Django groups.
admin.site.unregister(Group)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    model = ServiceMembership
    extra = 0
    autocomplete_fields = ["service"]
    verbose_name = "team membership"


@admin.register(User)
class UserAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_reviewer", "is_administrator", "is_active", "last_login"]
    list_filter = ["is_reviewer", "is_administrator", "is_active"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "password"]}),
        ("Programme roles", {"fields": ["is_reviewer", "is_administrator", "is_active"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "usable_password", "password1", "password2"]}),
    ]
    filter_horizontal = []

    def save_formset(self, request, form, formset, change):
        _save_memberships(request, formset)

    def save_model(self, request, obj, form, change):
        previous = {}
        if change:
            previous = User.objects.filter(pk=obj.pk).values("is_reviewer", "is_administrator", "is_active").first()
        super().save_model(request, obj, form, change)
        for role in ("is_reviewer", "is_administrator", "is_active"):
            if change and previous.get(role) != getattr(obj, role):
                verb = "granted" if getattr(obj, role) else "removed"
                audit_log(
                    actor=request.user,
                    action=f"accreditation.user.{role.removeprefix('is_')}_{verb}",
                    target=obj,
                    from_state=str(previous.get(role)),
                    to_state=str(getattr(obj, role)),
                )
        if not change:
            audit_log(actor=request.user, action="accreditation.user.created", target=obj)


def _save_memberships(request, formset):
    """Team changes made in the admin go through the same service as everywhere else, so they are audited."""
    if formset.model is not ServiceMembership:
        formset.save()
        return
    formset.save(commit=False)
    for membership in formset.deleted_objects:
        membership_remove(membership=membership, by=request.user)
    for membership, changed in formset.changed_objects:
        if {"user", "service"} & set(changed):
            # Moving a person to another team is leaving one and joining another; the old access must go.
            original = ServiceMembership.objects.get(pk=membership.pk)
            membership_remove(membership=original, by=request.user)
            membership.pk = None
        membership_set(service=membership.service, user=membership.user, role=membership.role, by=request.user)
    for membership in formset.new_objects:
        membership_set(service=membership.service, user=membership.user, role=membership.role, by=request.user)


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ["name", "setting_type", "region", "joined_on", "portfolio_due_on"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin):
    list_display = ["name", "kind", "service_count"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [ServiceInline]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(n_services=Count("services"))

    @admin.display(description="services", ordering="n_services")
    def service_count(self, obj):
        return obj.n_services

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="accreditation.organisation.changed" if change else "accreditation.organisation.registered",
            target=obj,
            data={"fields": form.changed_data},
        )

    def save_formset(self, request, form, formset, change):
        self.audit_inline_deletions(request, formset)
        services = formset.save()
        for service in services:
            audit_log(actor=request.user, action="accreditation.service.changed_in_organisation", target=service)


class ServiceMembershipInline(admin.TabularInline):
    model = ServiceMembership
    extra = 1
    autocomplete_fields = ["user"]
    verbose_name = "team member"
    verbose_name_plural = "team"


@admin.register(Service)
class ServiceAdmin(AuditedDeleteMixin, ObjectPermissionsModelAdmin):
    list_display = ["name", "organisation", "setting_type", "region", "joined_on", "portfolio_due_on"]
    list_filter = ["setting_type", "region", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    date_hierarchy = "portfolio_due_on"
    autocomplete_fields = ["organisation"]
    inlines = [ServiceMembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            action="accreditation.service.changed" if change else "accreditation.service.registered",
            target=obj,
            data={"fields": form.changed_data},
        )

    def save_formset(self, request, form, formset, change):
        _save_memberships(request, formset)


class ReadOnlyAdmin(ObjectPermissionsModelAdmin):
    """Portfolios and evidence change only through their services (which audit every change), never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ResponseInline(admin.TabularInline):
    model = Response
    fields = ["standard", "rating", "version", "updated_by", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("standard", "updated_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["service", "kind", "status", "edition", "due_on", "started_at", "submitted_at"]
    list_filter = ["status", "kind", "edition"]
    list_select_related = ["service__organisation", "edition"]
    search_fields = ["service__name", "service__organisation__name"]
    inlines = [ResponseInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "service", "kind", "effective_on", "version", "size", "content_type", "superseded_at"]
    list_filter = ["kind", "contributed_by", "content_type"]
    list_select_related = ["service__organisation"]
    search_fields = ["title", "description", "service__name", "original_name", "sha256"]
    exclude = ["file"]
