"""Labels that reach the 揭榜挂帅 pages as data (states) and are translated there with
``{% translate value %}``. Listed here with gettext_noop so ``makemessages`` keeps them in
locale/en/LC_MESSAGES/django.po; the code keeps using the Chinese values (the API returns them as is)."""

from django.utils.translation import gettext_noop as _

LABELS = [
    # challenges
    _("草稿"),
    _("张榜中"),
    _("评审中"),
    _("攻关中"),
    _("已验收"),
    _("未通过/终止"),
    # applications
    _("已揭榜"),
    _("已入选"),
    _("未入选"),
    # commitments
    _("待签署"),
    _("执行中"),
    _("已终止"),
    _("验收未通过"),
    _("已通过验收"),
    # commitment milestones
    _("未到期"),
    _("已提交验收"),
    _("已通过"),
    _("未通过"),
]
