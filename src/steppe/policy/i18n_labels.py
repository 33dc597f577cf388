"""Labels that reach the policy pages as data and are translated there: model choice labels (shown
with ``{% translate value %}``) and the innovation-points indicators (translated in the white-list
view). Listed here with gettext_noop so ``makemessages`` keeps them in
locale/en/LC_MESSAGES/django.po; the code keeps using the Chinese values (the API returns them as is)."""

from django.utils.translation import gettext_noop as _

LABELS = [
    # models.py: PolicyRun.Status
    _("排队中"),
    _("运行中"),
    _("完成"),
    _("失败"),
    # models.py: ComplianceEvent.Kind
    _("重大安全、质量事故"),
    _("严重环境违法"),
    _("科研严重失信"),
    _("列入经营异常名录"),
    _("严重违法失信企业名单"),
    # models.py: Notification.Kind
    _("新符合条件"),
    _("即将失去资格"),
    # innovation.py: INDICATORS (class, description)
    _("技术创新"),
    _("成长经营"),
    _("辅助"),
    _("研发费用 / 销售收入, full marks at 10%"),
    _("科技人员 / 职工, full marks at 40%"),
    _("Ⅰ类知识产权, full marks at 5"),
    _("Ⅱ类知识产权, full marks at 10"),
    _("科技成果转化 that year, full marks at 5"),
    _("高新技术产品收入 / 收入, full marks at 80%"),
    _("销售收入增长率 (HTE formula), full marks at 30%"),
    _("净资产增长率, full marks at 30%"),
    _("valid 高新技术企业 certificate"),
    _("科技型中小企业 registration number of the year"),
    _("no compliance event in the year"),
]
