"""Display helpers for the policy pages (Simplified Chinese labels, percentages)."""

from django import template

register = template.Library()

CONDITION_LABELS = {
    "registration_age": "注册成立满一年",
    "owns_ip": "拥有知识产权",
    "hightech_field": "属于国家重点支持的高新技术领域",
    "tech_staff_ratio": "科技人员占比 ≥ 10%",
    "rd_ratio": "研发费用占比达标",
    "domestic_rd_share": "境内研发费用占比 ≥ 60%",
    "hightech_revenue_share": "高新技术产品(服务)收入占比 ≥ 60%",
    "innovation_score": "创新能力评价可达 71 分",
    "compliance": "申请前一年内无重大事故或严重违法",
}
ROUTE_LABELS = {
    "score": "评分达标",
    "direct_hte": "直接认定：有效高企证书",
    "direct_award": "直接认定：国家级科技奖励",
    "direct_rd_institution": "直接认定：省部级以上研发机构",
    "direct_standard": "直接认定：主导制定标准",
}

POLICY_LABELS = {
    "tsme": "科技型中小企业",
    "hte": "高新技术企业",
    "super_deduction": "研发费用加计扣除",
    "tech_transfer": "技术转让所得",
}


@register.filter
def policy_label(code):
    return POLICY_LABELS.get(code, code)


@register.filter
def pct(value, digits=1):
    """0.0429 -> '4.3%'."""
    try:
        return f"{float(value) * 100:.{int(digits)}f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def condition_label(code):
    return CONDITION_LABELS.get(code, code)


@register.filter
def route_label(code):
    return ROUTE_LABELS.get(code, code or "—")
