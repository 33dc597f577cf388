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
    # apps.py: the notification kinds it registers
    _("新符合条件"),
    _("即将失去资格"),
    # innovation.py: INDICATORS (class, description)
    _("技术创新"),
    _("成长经营"),
    _("辅助"),
    _("研发费用 / 销售收入，达 10% 得满分"),
    _("科技人员 / 职工总数，达 40% 得满分"),
    _("Ⅰ类知识产权件数，5 件得满分"),
    _("Ⅱ类知识产权件数，10 件得满分"),
    _("当年科技成果转化项数，5 项得满分"),
    _("高新技术产品收入 / 收入总额，达 80% 得满分"),
    _("销售收入增长率（高企认定口径），达 30% 得满分"),
    _("净资产增长率，达 30% 得满分"),
    _("持有有效的高新技术企业证书"),
    _("当年取得科技型中小企业入库登记编号"),
    _("当年无违规记录"),
    # innovation.py: LABELS (the indicators' names)
    _("研发投入强度"),
    _("科技人员占比"),
    _("Ⅰ类知识产权"),
    _("Ⅱ类知识产权"),
    _("科技成果转化"),
    _("高新技术产品收入占比"),
    _("销售收入增长率"),
    _("净资产增长率"),
    _("高新技术企业证书"),
    _("科技型中小企业入库"),
    _("无违规记录"),
]
