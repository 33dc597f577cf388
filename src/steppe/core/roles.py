from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    DEPARTMENT = "department", _("自治区科技厅")
    BUREAU = "bureau", _("盟市科技局")
    LEAD_UNIT = "lead_unit", pgettext_lazy("role", "牵头单位")
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("高校院所")
    BROKER = "broker", _("技术经纪人")
    BANK = "bank", _("银行")
    EXPERT = "expert", _("评审专家")
    PUBLIC = "public", _("公众")


class OrgKind(models.TextChoices):
    """What kind of legal entity an organisation is (issue 11). Sign-up is open to the first four."""

    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("高校院所")
    AGENCY = "agency", _("服务机构")  # a service agency: technology transfer, brokers
    BANK = "bank", _("银行")
    GOVERNMENT = "government", _("政府部门")  # the department, the bureaus, lead units
    OTHER = "other", _("其他")


# the name before organisations (kept: the challenge rules validate kinds against it)
UnitKind = OrgKind


class OrgRole(models.TextChoices):
    """A member's role inside the organisation, beside the platform role."""

    ADMIN = "admin", _("单位管理员")
    MEMBER = "member", _("成员")


# who may sign up on their own, and the platform role their accounts get
SIGNUP_KIND_ROLE = {
    OrgKind.ENTERPRISE: Role.ENTERPRISE,
    OrgKind.INSTITUTION: Role.INSTITUTION,
    OrgKind.AGENCY: Role.BROKER,
    OrgKind.BANK: Role.BANK,
}
