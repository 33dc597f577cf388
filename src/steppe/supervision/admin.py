from django.contrib import admin

from .models import (
    BaselineMilestone,
    Evidence,
    Milestone,
    ProgressReport,
    ProgressRound,
    ReminderClaim,
    ReportVersion,
    TargetReport,
)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["measure", "seq", "deliverable", "planned_on", "done_on", "unit"]
    list_select_related = ["measure", "unit"]
    search_fields = ["measure__code", "deliverable"]


@admin.register(BaselineMilestone)
class BaselineMilestoneAdmin(admin.ModelAdmin):
    list_display = ["measure", "seq", "deliverable", "planned_on", "frozen_at"]
    list_select_related = ["measure"]

    def has_change_permission(self, request, obj=None):
        return False  # a frozen baseline is never edited


@admin.register(ProgressRound)
class ProgressRoundAdmin(admin.ModelAdmin):
    list_display = ["period", "due_on", "opened_at", "closed_at"]


class ReportVersionInline(admin.TabularInline):
    model = ReportVersion
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "status",
        "progress",
        "done",
        "problems",
        "next_steps",
        "submitted_at",
        "submitted_by",
        "outcome",
        "review_comment",
    ]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["round", "measure", "unit", "state", "status", "progress", "submitted_at"]
    list_filter = ["state", "status", "round"]
    list_select_related = ["round", "measure", "unit"]
    inlines = [ReportVersionInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("name", "milestone", "report", "uploaded_by")
    search_fields = ("name",)
    raw_id_fields = ("milestone", "report", "uploaded_by")


@admin.register(ReminderClaim)
class ReminderClaimAdmin(admin.ModelAdmin):
    """One row per reminder sent: the unique key is what makes `supervise remind` send each once."""

    list_display = ("key", "notification", "created_at")
    search_fields = ("key",)
    raw_id_fields = ("notification",)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TargetReport)
class TargetReportAdmin(admin.ModelAdmin):
    list_display = ["round", "target", "unit", "state", "status", "submitted_at"]
    list_select_related = ["round", "target", "unit"]
    list_filter = ["state", "status"]
    search_fields = ["target__code", "unit__name", "narrative"]
