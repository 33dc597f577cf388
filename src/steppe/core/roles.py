from django.db import models


class Role(models.TextChoices):
    DEPARTMENT = "department", "自治区科技厅 Regional department"
    BUREAU = "bureau", "盟市科技局 League/city bureau"
    LEAD_UNIT = "lead_unit", "牵头单位 Lead unit"
    ENTERPRISE = "enterprise", "企业 Enterprise"
    INSTITUTION = "institution", "高校院所 University/institute"
    BROKER = "broker", "技术经纪人 Broker"
    BANK = "bank", "银行 Bank"
    EXPERT = "expert", "评审专家 Expert"
    PUBLIC = "public", "公众 Public"


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", "主管部门 Department"
    BUREAU = "bureau", "盟市科技局 Bureau"
    AGENCY = "agency", "政府部门 Government agency"
    ENTERPRISE = "enterprise", "企业 Enterprise"
    INSTITUTION = "institution", "高校院所 Institution"
    BROKER = "broker", "服务机构 Broker agency"
    BANK = "bank", "银行 Bank"
    OTHER = "other", "其他 Other"
