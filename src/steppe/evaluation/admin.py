from django.contrib import admin

from .models import IndexRun


@admin.register(IndexRun)
class IndexRunAdmin(admin.ModelAdmin):
    """Runs are records: read-only (a new run is made from the evaluation pages or the API)."""

    list_display = (
        "framework",
        "method",
        "year",
        "ok",
        "coverage",
        "replications",
        "created_at",
        "created_by",
    )
    list_filter = ("framework", "ok")
    readonly_fields = [f.name for f in IndexRun._meta.fields]

    def has_add_permission(self, request):
        return False
