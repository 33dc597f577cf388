"""The statistics pages' input forms (core.forms.PageForm): every bad field named at once."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from steppe.core.forms import ErrorsMixin, JsonTypesMixin, PageForm

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


MSG_COMMENT_REQUIRED = _("退回须填写意见")
MSG_LEAGUE_VALUE = _("目标值须为非负数")


class CascadeForm(ErrorsMixin, PageForm):
    """The department's league targets for one regional target (stats:cascade_edit): one value per
    league (``v_<code>``, labelled by the league's name; blank removes it) and the source document.
    Every bad value is named at once and none is written (plans.services.league_target_set writes)."""

    source = forms.CharField(label=_("依据(文件名称或文号)"), required=False, max_length=300)

    def __init__(self, data=None, *, leagues, **kwargs):
        from .i18n import local_name

        super().__init__(data, **kwargs)
        for league in leagues:
            self.fields[f"v_{league.code}"] = forms.CharField(label=local_name(league), required=False)

    def clean(self):
        from decimal import Decimal, InvalidOperation

        data = super().clean()
        for name in [n for n in self.fields if n.startswith("v_")]:
            raw = (data.get(name) or "").strip()
            if not raw:
                data[name] = None
                continue
            try:
                number = Decimal(raw)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or number < 0 or number.adjusted() >= 14:
                self.add_error(name, MSG_LEAGUE_VALUE)
            else:
                data[name] = number
        return data

    def values(self) -> dict:
        """League code -> the value (None: remove), once the form is valid."""
        return {name.removeprefix("v_"): value for name, value in self.cleaned_data.items() if name.startswith("v_")}


class DecisionForm(JsonTypesMixin, ErrorsMixin, PageForm):
    """A reviewer's decision on a submission (accept or return, with a comment): the submissions
    page (stats:submissions) and ``POST /observations/imports/{id}/approve`` and ``.../return``
    (submissions.submission_approve and submission_return check it). A return needs its comment."""

    comment = forms.CharField(label=_("意见"), required=False, max_length=1000)

    def __init__(self, data=None, *, returning: bool = False, **kwargs):
        self._take_sent(data)
        super().__init__(data, **kwargs)
        if returning:
            self.fields["comment"].required = True
            self.fields["comment"].error_messages["required"] = MSG_COMMENT_REQUIRED


def _declare_write_paths() -> None:
    from steppe.core.validation import write_path

    write_path("stats.reporting_period", ReportingPeriodForm, pages=("stats:submissions",))
    write_path("stats.cascade", CascadeForm, pages=("stats:cascade_edit",))
    write_path("stats.submission_decision", DecisionForm, pages=("stats:submissions",),
               api=("POST /observations/imports/{submission_id}/approve",
                    "POST /observations/imports/{submission_id}/return"))  # fmt: skip


_declare_write_paths()
