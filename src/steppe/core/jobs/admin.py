"""Jobs in the admin: read-only (start, retry and cancel go through the pages and `steppe jobs`)."""

from django.contrib import admin

from .models import Job, PeriodicClaim


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(ReadOnly):
    list_display = ["id", "kind", "status", "done", "total", "started_by", "created_at", "finished_at", "attempts"]
    list_filter = ["status", "kind"]
    list_select_related = ["started_by"]
    raw_id_fields = ["started_by"]
    search_fields = ["kind", "subject_id", "error"]


@admin.register(PeriodicClaim)
class PeriodicClaimAdmin(ReadOnly):
    list_display = ["name", "period", "claimed_at", "job"]
    list_filter = ["name"]
    raw_id_fields = ["job"]
