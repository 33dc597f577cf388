from django.contrib import admin

from .models import (
    ComplianceEvent,
    Enterprise,
    EnterpriseYear,
    InnovationModel,
    PolicyResult,
    PolicyRun,
    RdProject,
)


class EnterpriseYearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0
    fields = [
        "year",
        "employees",
        "tech_staff",
        "revenue",
        "rd_expense",
        "net_assets",
        "ip_class_i",
        "ip_class_ii",
    ]


class ComplianceEventInline(admin.TabularInline):
    model = ComplianceEvent
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "region",
        "industry",
        "hte_certificate_issued_on",
        "tsme_registration_number",
    ]
    search_fields = ["name", "credit_code"]
    list_filter = ["synthetic"]
    raw_id_fields = ["region", "unit"]
    inlines = [EnterpriseYearInline, ComplianceEventInline]


@admin.register(RdProject)
class RdProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "enterprise_year", "five_items", "other_related", "capitalized"]
    raw_id_fields = ["enterprise_year"]


@admin.register(InnovationModel)
class InnovationModelAdmin(admin.ModelAdmin):
    list_display = ["name", "white_list_threshold", "active"]

    def save_model(self, request, obj, form, change):
        from .innovation import check_weights

        check_weights(dict(obj.weights))  # refuse weights that are unknown or do not sum to 100
        super().save_model(request, obj, form, change)


@admin.register(PolicyRun)
class PolicyRunAdmin(admin.ModelAdmin):
    list_display = ["id", "year", "status", "done", "total", "started_at", "finished_at"]
    readonly_fields = ["summary", "parameters"]


@admin.register(PolicyResult)
class PolicyResultAdmin(admin.ModelAdmin):
    """Batch results are written by `policy run`; the admin reads them, with their traces."""

    list_display = ("enterprise", "year", "run", "tsme_eligible", "tsme_score", "hte_eligibility", "value_total",
                    "innovation_points", "white_list")
    list_filter = ("year", "tsme_eligible", "hte_eligibility", "white_list")
    search_fields = ("enterprise__name",)
    list_select_related = ("enterprise", "run")
    raw_id_fields = ("enterprise", "run")

    def has_change_permission(self, request, obj=None):
        return False
