from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import (
    ApiToken,
    AuditEntry,
    Invitation,
    Notification,
    NotificationPreference,
    Organisation,
    Region,
    RegionOutline,
    User,
)


class RegionOutlineInline(admin.StackedInline):
    """Where the outline comes from; the geometry itself (kilobytes of GeoJSON) is not shown."""

    model = RegionOutline
    fields = ("source",)
    readonly_fields = ("source",)
    can_delete = False
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    inlines = [RegionOutlineInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "credit_code", "status")
    list_filter = ("kind", "status")
    search_fields = ("name", "slug", "credit_code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(User)
class SteppeUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Steppe", {"fields": ("role", "region", "unit", "org_role", "email_confirmed")}),)
    list_display = ("username", "role", "region", "unit", "org_role", "is_staff")
    list_filter = ("role", "org_role", "is_staff")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "revoked_at")
    readonly_fields = ("prefix", "key_hash", "created_at")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "note")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "invited_by", "created_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email",)
    readonly_fields = ("key_hash", "created_at", "accepted_at", "accepted_user")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "organisation", "kind", "title", "created_at", "emailed_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "organisation"]
    raw_id_fields = ["recipient", "organisation"]
    search_fields = ["title", "subject"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "last_digest_at"]
    raw_id_fields = ["user"]


from .jobs import admin as _jobs_admin  # noqa: E402,F401 - the background jobs' admin pages
