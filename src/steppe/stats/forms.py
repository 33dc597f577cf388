"""The statistics pages' input forms (core.forms.PageForm): every bad field named at once."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from steppe.core.forms import ErrorsMixin, PageForm

from .models import Indicator


class ReportingPeriodForm(ErrorsMixin, PageForm):
    """The department opens (or re-opens) a year's reporting period: which indicators every league
    owes, by when (submissions.reporting_period_open writes it)."""

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    due_on = forms.DateField(label=_("截止日期"))
    indicators = forms.CharField(label=_("应报指标(代码,逗号分隔)"), max_length=2000)

    def clean_indicators(self) -> list[str]:
        codes = list(dict.fromkeys(c.strip() for c in re.split(r"[,，、\s]+", self.cleaned_data["indicators"])
                                   if c.strip()))
        known = set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise forms.ValidationError(_("未知指标代码：%(codes)s") % {"codes": ", ".join(unknown)})
        return codes


def _declare_write_paths() -> None:
    from steppe.core.validation import write_path

    write_path("stats.reporting_period", ReportingPeriodForm, pages=("stats:submissions",))


_declare_write_paths()
