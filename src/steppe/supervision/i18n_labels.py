"""Labels that reach the pages as data (status, states, message kinds) and are translated there with
``{% translate value %}``. Listed here with gettext_noop so ``makemessages`` keeps them in
locale/en/LC_MESSAGES/django.po; the code keeps using the Chinese values (the API returns them as is)."""

from django.utils.translation import gettext_noop as _

LABELS = [
    # status.py: a measure's status and a report's status
    _("按计划推进"),
    _("存在风险"),
    _("滞后"),
    _("已完成"),
    _("尚未启动"),
    _("正常推进"),
    _("遇到困难"),
    # models.py: report states
    _("待填报"),
    _("已提交待审核"),
    _("已退回"),
    _("已审核通过"),
    # notifications
    _("到期提醒"),
    _("催办"),
    _("通报"),
    _("审核结果"),
    _("消息"),
    # groups without measures
    _("无举措"),
    _("待审核"),
    # queries.py: indicator attainment from the monitoring app
    _("已实现"),
    _("进展顺利"),
    _("需加快进度"),
    _("进展有限"),
    _("趋势恶化"),
]
