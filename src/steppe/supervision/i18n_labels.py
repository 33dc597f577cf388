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
    # views.py: FIELD_LABELS (a service error names its field by these)
    _("推进状态"),
    _("完成进度"),
    _("本期完成情况"),
    _("存在问题"),
    _("下一步工作"),
    _("调度周期"),
    _("填报截止日期"),
    _("审核意见"),
    _("佐证材料"),
    _("榜单名称"),
    _("技术难题"),
    _("支持经费（万元）"),
    _("揭榜截止日期"),
    _("考核指标"),
    _("最多立项团队数（大于 1 为赛马制）"),
]
