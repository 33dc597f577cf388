from django.contrib import admin

from .models import (
    Cooperation,
    CooperationProject,
    FundInvestment,
    ListedEnterprise,
    Loan,
    Platform,
    RiskClaim,
    SoeCoverage,
    Talent,
    TalentProgramme,
)


@admin.register(TalentProgramme)
class TalentProgrammeAdmin(admin.ModelAdmin):
    """Programmes are reference data: the plan's are seeded; the department adds later ones here.
    Register records themselves are changed through the pages and the API (one way in, audited)."""

    list_display = ("code", "name", "kind", "level", "plan_status")
    search_fields = ("code", "name")
    filter_horizontal = ("measures",)


@admin.register(CooperationProject)
class CooperationProjectAdmin(admin.ModelAdmin):
    list_display = ("title", "cooperation", "year", "amount_wan")
    search_fields = ("title", "cooperation__name")


class RecordAdmin(admin.ModelAdmin):
    """Register records, to look up: they are filed, changed and verified through the registers'
    pages and API (one way in, every change in the audit trail), so the admin only shows them."""

    list_display = ("__str__", "region", "review", "submitted_at")
    list_filter = ("review",)
    list_select_related = ("region",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for _model in (Platform, Talent, Cooperation, Loan, RiskClaim, FundInvestment, ListedEnterprise, SoeCoverage):
    admin.site.register(_model, RecordAdmin)
