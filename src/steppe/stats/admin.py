from django.contrib import admin

from .models import Import, ImportDecision, Indicator, Observation, ReportingPeriod, Source


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "category", "direction", "periodicity", "formula", "plan_target")
    list_filter = ("category", "periodicity", "plan_target")
    search_fields = ("code", "name", "name_en")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("title", "url", "published_on")
    search_fields = ("title", "url")


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "imported_by", "imported_at", "via", "rows", "added", "revised", "unchanged")
    readonly_fields = [f.name for f in Import._meta.fields]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    """Read-only: observations change only through imports (history is never overwritten)."""

    list_display = (
        "region",
        "indicator",
        "year",
        "value",
        "unit",
        "status",
        "version",
        "is_current",
        "source",
    )
    list_filter = ("indicator", "status", "is_current")
    search_fields = ("region__name", "indicator__code", "source__title")
    list_select_related = ("region", "indicator", "source")
    readonly_fields = [f.name for f in Observation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportDecision)
class ImportDecisionAdmin(admin.ModelAdmin):
    list_display = ("submission", "action", "actor", "at")
    list_filter = ("action",)
    readonly_fields = ("submission", "action", "actor", "comment", "at")  # the review history is kept as it was


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("year", "due_on", "opened_by", "opened_at")
