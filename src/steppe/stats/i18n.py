"""The monitoring pages in English: names and texts that reach them as data (regions, indicators,
status labels and rules) in the active language. The Chinese values stay what the code, the API and
the report use; labels built in code are listed here with gettext_noop so ``makemessages`` keeps them
in locale/en/LC_MESSAGES/django.po."""

import re

from django.utils.translation import get_language
from django.utils.translation import gettext_noop as _

# the source title of a computed value (queries.py writes it, source_text translates it)
DERIVED_NOTE = "计算值:统计部门未发布该年数值,按公式由已发布指标计算。"


def english() -> bool:
    return (get_language() or "").startswith("en")


def local_name(obj) -> str:
    """The English name (``name_en``) of a region, indicator or target under English, when it has
    one; a target without one of its own borrows its indicator's when the two Chinese names agree."""
    if obj is None:
        return ""
    if isinstance(obj, str):  # a region's name as plain text (the cascade's shortfalls list names)
        if not english():
            return obj
        from steppe.core.models import Region

        return Region.objects.filter(name=obj).exclude(name_en="").values_list("name_en", flat=True).first() or obj
    name = getattr(obj, "name", "") or ""
    if not english():
        return name
    en = getattr(obj, "name_en", "") or ""
    if not en:
        ind = getattr(obj, "indicator_obj", None)
        if ind is not None and ind.name == name:
            en = ind.name_en
    return en or name


def target_name(target) -> str:
    """A plan target's name: the catalog's English under English (plans keep Chinese only)."""
    from django.utils.translation import gettext

    return gettext(target.name) if target.name else ""


def pick(pair: tuple[str, str]) -> str:
    """(Chinese, English) -> the one for the active language."""
    return pair[1] if english() else pair[0]


LABELS = [
    # views.py: KIND_LABELS
    _("达到水平"),
    _("总量"),
    _("突破"),
    _("年均增长"),
    _("倍增"),
    _("占比"),
    _("定性"),
    # charts.py / views.py: chart titles, axes, tooltips, legends
    _("年份"),
    _("目标"),
    _("地区"),
    _("无数据"),
    _("统计值"),
    _("计算值"),
    # queries.py: Cell.status_label, models.py: Observation.Status
    _("正式"),
    _("初步"),
    _("修订"),
    # queries.py: PLATFORM_LABELS (the platform tables' columns on the dashboard)
    _("成交额(万元)"),
    _("输出(万元)"),
    _("吸纳(万元)"),
    _("合同数"),
    _("高新技术企业"),
    _("科技型中小企业"),
    _("预审可认定高企"),
    _("预审可入库科小"),
    _("取决于专家评分"),
    _("数值"),
    # queries.py: DERIVED_NOTE (the source of a computed value)
    _("计算值:统计部门未发布该年数值,按公式由已发布指标计算。"),
    # data/indicators.yaml: units (views.unit_en)
    _("亿元"),
    _("万元/人年"),
    _("人年"),
    _("个"),
    _("家"),
    _("项"),
    # plans/data/nmg-sti-2023-2025.yaml: the targets' names (Target has no English name)
    _("全社会研发经费投入年均增长"),
    _("研发投入强度"),
    _("全社会研发经费投入总量"),
    _("技术市场成交额"),
    _("高新技术企业数量翻番"),
    _("科技型中小企业数量翻番"),
    _("规模以上工业企业中有研发活动企业占比"),
    _("区域创新能力达到全国中游水平"),
    _("综合科技创新水平"),
    # plan format 2: the qualitative goals (Q1-Q6)
    _("区域科技创新体系"),
    _("特色产业领域技术优势"),
    _("融入国家创新体系布局"),
    _("科技创新体制机制"),
    _("科技创新领域开放合作"),
    _("创新生态"),
]


_STATUS_EN = {"修订": "revised", "正式": "final", "初步": "preliminary"}
_REASONS = [
    (
        re.compile(r"取(修订|正式|初步)值[(（]修订 > 正式 > 初步[)）]"),
        lambda m: f"the {_STATUS_EN[m.group(1)]} value is used (revised > final > preliminary)",
    ),
    (
        re.compile(r"状态相同,取有发布日期的来源[(（](\S+?)发布;另一来源未注明日期[)）]"),
        lambda m: f"same status: the dated source is used (published {m.group(1)}; the other has no date)",
    ),
    (
        re.compile(r"状态相同,取发布日期最新的来源[(（](\S+?)发布[)）]"),
        lambda m: f"same status: the most recently published source is used (published {m.group(1)})",
    ),
    (
        re.compile(r"状态和发布日期相同,取最后导入的"),
        lambda m: "same status and date: the latest import is used",
    ),
]


def reason_text(reason: str) -> str:
    """Why a cell's value was chosen among several sources (queries.choose), in the page's language."""
    if not reason or not english():
        return reason
    for pattern, english_text in _REASONS:
        m = pattern.fullmatch(reason)
        if m:
            return english_text(m)
    return reason


def source_text(title: str) -> str:
    """A cell's source title; the note standing in for the source of a computed value is translated."""
    if english() and title and title.startswith(DERIVED_NOTE):
        from django.utils.translation import gettext

        return gettext(DERIVED_NOTE) + title[len(DERIVED_NOTE) :]
    return title
