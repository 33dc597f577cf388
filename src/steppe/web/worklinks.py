"""The home page's "my work" links, by role: where each kind of user starts."""

from django.urls import NoReverseMatch, reverse

from steppe.core.roles import Role

# (label, url name, args) per role; a link whose page does not exist is left out.
LINKS = {
    Role.DEPARTMENT: [
        ("督办总览", "supervision:overview", ()), ("目标监测", "stats:dashboard", ()), ("盟市计分卡", "stats:scorecard", ()),
        ("导入统计数据", "stats:import", ()), ("调度轮次", "supervision:rounds", ()), ("一张网审核", "transfer:review", ()),
        ("盟市报送审核", "stats:submissions", ()), ("目标分解下达", "stats:cascade", ()),
        ("政策找企业", "policy:runs", ()), ("单位注册审核", "accounts:organisations", ()),
        ("后台任务", "jobs:list", ()), ("系统管理", "admin:index", ()),
    ],
    Role.BUREAU: [
        ("本盟市指标", "stats:region", ("{region}",)), ("本盟市企业", "policy:enterprises", ()),
        ("报送统计数据", "stats:submissions", ()), ("技术合同与成交额", "transfer:figures", ()),
        ("单位注册审核", "accounts:organisations", ()), ("本地区工作台", "stats:bureau_home", ()),
        ("本盟市举措", "supervision:league", ()),
    ],
    Role.LEAD_UNIT: [("我的待办", "supervision:todo", ()), ("消息", "supervision:inbox", ())],
    Role.ENTERPRISE: [
        ("政策计算器", "policy:calculator", ()), ("我的企业档案", "policy:enterprises", ()),
        ("我的需求与匹配", "transfer:mine", ()), ("发布技术需求", "transfer:new", ("demand",)),
        ("揭榜挂帅", "challenges:challenges", ()),
    ],
    Role.INSTITUTION: [
        ("我的成果与匹配", "transfer:mine", ()), ("登记科技成果", "transfer:new", ("achievement",)),
        ("揭榜挂帅", "challenges:challenges", ()),
    ],
    Role.BROKER: [("我的撮合", "transfer:broker", ()), ("成果与需求检索", "transfer:search", ())],
    Role.BANK: [("创新积分白名单", "policy:white_list", ()), ("创新积分贷登记", "registers:list", ("loans",))],
    Role.EXPERT: [("揭榜挂帅评审", "challenges:challenges", ())],
}
PUBLIC = [
    ("目标进展", "stats:dashboard", ()), ("成果与需求检索", "transfer:search", ()),
    ("场景清单", "transfer:scenarios", ()), ("揭榜挂帅榜单", "challenges:challenges", ()),
    ("政策计算器", "policy:calculator", ()),
]


def work_links(user) -> list[dict]:
    if getattr(user, "is_authenticated", False):
        role = Role.DEPARTMENT if user.is_superuser else user.role
        entries = LINKS.get(role, PUBLIC)
    else:
        entries = PUBLIC
    region = user.region.code if getattr(user, "region_id", None) else ""
    links = []
    for label, name, args in entries:
        try:
            url = reverse(name, args=[a.format(region=region) for a in args])
        except NoReverseMatch:
            continue
        links.append({"label": label, "url": url})
    return links


def next_step(user) -> dict | None:
    """What a newcomer should do first, when it has not done it yet: an enterprise opens its file
    (the calculator then loads it); a broker without a profile registers it. None otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.unit_id:
        return None
    if user.role == Role.ENTERPRISE:
        from steppe.policy.models import Enterprise

        if not Enterprise.objects.filter(unit_id=user.unit_id).exists():
            return {"text": "下一步：建立本企业的档案，政策计算器会自动载入本企业的数据。", "label": "建立企业档案",
                    "url": reverse("policy:enterprises")}
    if user.role == Role.BROKER:
        from steppe.transfer.models import Broker

        if not Broker.objects.filter(user=user).exists():
            return {"text": "下一步：登记技术经纪人信息，由您促成的洽谈和技术合同会列在“我的撮合”。", "label": "登记技术经纪人",
                    "url": reverse("transfer:broker")}
    return None
