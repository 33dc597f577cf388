"""The registers, declared once: each register's model, form, who files it, who sees it, and the
columns of its list, export and import. Services, queries, pages and the API all read this table,
so the nine registers are built one way.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from steppe.core.errors import NotFound
from steppe.core.roles import Role

from . import forms
from .kind import RegisterKind
from .models import (
    Cooperation,
    FundInvestment,
    ListedEnterprise,
    Loan,
    Platform,
    RegisterRecord,
    RiskClaim,
    SoeCoverage,
    Talent,
)

HOSTS = frozenset({Role.DEPARTMENT, Role.BUREAU, Role.INSTITUTION, Role.ENTERPRISE})
OFFICES = frozenset({Role.DEPARTMENT, Role.BUREAU})
BANKS = frozenset({Role.BANK})


KINDS: dict[str, RegisterKind] = {
    k.slug: k
    for k in (
        RegisterKind("platforms", Platform, forms.PlatformForm, _("创新平台"), "platforms", HOSTS, True,
                     ("name", "kind", "level", "host", "field", "status", "plan_status", "approved_on"),
                     ("kind", "level", "status"), ("name",), date_field="approved_on"),
        RegisterKind("talent", Talent, forms.TalentForm, _("人才计划"), "talent", HOSTS, True,
                     ("name", "organisation", "field", "programme", "year", "funding_wan"),
                     ("programme",), ("name", "organisation", "programme", "year"), amount_field="funding_wan"),
        RegisterKind("cooperation", Cooperation, forms.CooperationForm, _("科技合作"), "cooperation", HOSTS, True,
                     ("name", "kind", "partner_area", "partners", "status", "plan_status", "started_on"),
                     ("kind", "partner_area", "status"), ("name",), date_field="started_on"),
        RegisterKind("loans", Loan, forms.LoanForm, _("创新积分贷"), "finance/loans", BANKS, False,
                     ("enterprise", "bank", "amount_wan", "lent_on", "term_months", "innovation_points"),
                     (), (), amount_field="amount_wan", date_field="lent_on", owner_field="bank"),
        RegisterKind("claims", RiskClaim, forms.RiskClaimForm, _("风险补偿"), "finance/claims", BANKS, False,
                     ("loan", "claimed_on", "amount_wan", "status", "paid_wan"),
                     ("status",), (), amount_field="amount_wan", date_field="claimed_on"),
        RegisterKind("investments", FundInvestment, forms.FundInvestmentForm, _("引导基金投资"),
                     "finance/investments", OFFICES, False,
                     ("investee", "fund", "amount_wan", "invested_on", "field"),
                     (), (), amount_field="amount_wan", date_field="invested_on"),
        RegisterKind("listed", ListedEnterprise, forms.ListedEnterpriseForm, _("上市科技企业"), "finance/listed",
                     OFFICES, True, ("name", "stage", "board", "stock_code", "listed_on", "field"),
                     ("stage", "board"), ("name",), date_field="listed_on"),
        RegisterKind("soe", SoeCoverage, forms.SoeCoverageForm, _("国企三个全覆盖"), "soe", OFFICES, False,
                     ("name", "credit_code", "year", "has_rd_institution", "has_rd_activity", "has_rd_spending"),
                     (), ("credit_code", "year")),
    )
}


def kind_get(slug: str) -> RegisterKind:
    kind = KINDS.get(slug)
    if kind is None:
        raise NotFound(f"未知登记簿 Unknown register: {slug}")
    return kind


def kind_of(obj: RegisterRecord) -> RegisterKind:
    return next(k for k in KINDS.values() if isinstance(obj, k.model))
