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


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("主管部门")
    BUREAU = "bureau", _("盟市科技局")
    AGENCY = "agency", _("政府部门")
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("高校院所")
    BROKER = "broker", _("服务机构")
    BANK = "bank", _("银行")
    OTHER = "other", _("其他")
