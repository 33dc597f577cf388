"""Supervision's input validators: what a page form and the API body of one write share.

``ReportValidator`` checks a progress report (a lead unit's 进展报告): the report page's draft and
submission, ``POST /api/v1/measures/{code}/reports`` and ``POST /api/v1/reports/{pk}/submit``. It
names every bad field at once, in the request's language (this app's catalog; Chinese by default).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steppe.core.errors import ValidationFailed
from steppe.core.validation import write_path

from .status import ReportStatus

ERR_PROGRESS_REQUIRED = "请填写完成进度（0 到 100）"
ERR_DONE_REQUIRED = "请填写本期完成情况"
ERR_STATUS = "“{value}” 不是有效状态，可选：{allowed}"
ERR_PROGRESS_RANGE = "“{value}” 应为 0 到 100 之间的整数"
ERR_NOT_TEXT = "应为文本"
ERR_TOO_LONG = "不能超过 5000 字"
ERR_COMPLETED_NOT_100 = "状态为已完成时进度应为 100"
ERR_PROBLEMS_REQUIRED = "状态为遇到困难时请说明存在的问题"


def _t(message: str, **values) -> str:
    text = gettext(message)
    return text.format(**values) if values else text


class ReportValidator:
    """A progress report's fields. A draft may be incomplete; a submission needs its progress and
    what was done (a blank report does not count as submitted)."""

    LABELS = {
        "status": _("推进状态"), "progress": _("完成进度"), "done": _("本期完成情况"), "problems": _("存在问题"),
        "next_steps": _("下一步工作"),
    }  # fmt: skip

    @staticmethod
    def clean(data: dict, *, submitting: bool = False) -> dict:
        """The clean values, or ValidationFailed naming every bad field."""
        errors = []
        out = {}
        status = data.get("status", None)
        if status not in {s.value for s in ReportStatus}:
            allowed = ", ".join(s.value for s in ReportStatus)
            errors.append({"field": "status", "message": _t(ERR_STATUS, value=status, allowed=allowed)})
        else:
            out["status"] = status
        progress = data.get("progress", None)
        p = None
        if isinstance(progress, int) and not isinstance(progress, bool):
            p = progress
        elif isinstance(progress, str) and progress.strip().isdigit():
            p = int(progress.strip())
        if progress is None or (isinstance(progress, str) and not progress.strip()):
            errors.append({"field": "progress", "message": _t(ERR_PROGRESS_REQUIRED)})
        elif p is None or not 0 <= p <= 100:
            errors.append({"field": "progress", "message": _t(ERR_PROGRESS_RANGE, value=progress)})
        else:
            out["progress"] = p
        for name in ("done", "problems", "next_steps"):
            value = data.get(name, "") or ""
            if not isinstance(value, str):
                errors.append({"field": name, "message": _t(ERR_NOT_TEXT)})
            elif len(value) > 5000:
                errors.append({"field": name, "message": _t(ERR_TOO_LONG)})
            else:
                out[name] = value.strip()
        if submitting and "done" in out and not out["done"]:
            errors.append({"field": "done", "message": _t(ERR_DONE_REQUIRED)})
        if not errors:
            if out["status"] == ReportStatus.COMPLETED and out["progress"] != 100:
                errors.append({"field": "progress", "message": _t(ERR_COMPLETED_NOT_100)})
            if out["status"] == ReportStatus.PROBLEMS and not out["problems"]:
                errors.append({"field": "problems", "message": _t(ERR_PROBLEMS_REQUIRED)})
        if errors:
            raise ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors), errors)
        return out


write_path("supervision.report", ReportValidator,
           api=("POST /measures/{code}/reports", "POST /reports/{pk}/submit"),
           pages=("supervision:report",))  # fmt: skip
