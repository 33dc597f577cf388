"""Supervision's input validators: what a page form and the API body of one write share.

``ReportValidator`` checks a progress report (a lead unit's 进展报告): the report page's draft and
submission, ``POST /api/v1/measures/{code}/reports`` and ``POST /api/v1/reports/{pk}/submit``.
``RoundValidator`` a round's opening, ``MilestoneValidator`` / ``MilestoneChangeValidator`` /
``MilestoneDoneValidator`` a milestone's creation, change (a move) and completion,
``ReviewValidator`` the department's review of a report (progress or qualitative target),
``TargetReportValidator`` a report on a qualitative target, ``ChaseValidator`` a bureau's 催办.
Each names every bad field at once, in the request's language (this app's catalog; Chinese by
default); the services call them, so pages, API and command line give the same errors. The API's
bodies are made from them (``core.validation.body_schema``): pydantic takes each field as sent.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steppe.core.errors import ValidationFailed
from steppe.core.validation import Errors, body_schema, write_path

from .models import PERIOD_RE, ProgressRound, TargetReport
from .status import ReportStatus

ERR_PROGRESS_REQUIRED = "请填写完成进度（0 到 100）"
ERR_DONE_REQUIRED = "请填写本期完成情况"
ERR_STATUS = "“{value}” 不是有效状态，可选：{allowed}"
ERR_PROGRESS_RANGE = "“{value}” 应为 0 到 100 之间的整数"
ERR_NOT_TEXT = "应为文本"
ERR_TOO_LONG = "不能超过 5000 字"
ERR_COMPLETED_NOT_100 = "状态为已完成时进度应为 100"
ERR_PROBLEMS_REQUIRED = "状态为遇到困难时请说明存在的问题"
ERR_REQUIRED = "必填"
ERR_TOO_LONG_N = "不能超过 {max} 字"
ERR_DATE = "“{value}” 不是有效日期，应写作 YYYY-MM-DD"
ERR_PERIOD = "“{value}” 不是有效的调度周期（季度写作 2026-Q4，月份写作 2026-11）"
ERR_DUE_PAST = "截止日期 {due} 早于今天 {today}，不能开启已过期的调度"
ERR_PLAN = "没有代码为“{value}”的规划"
ERR_DONE_IN_FUTURE = "完成日期不能晚于今天"
ERR_EVIDENCE_REQUIRED = "本里程碑要求提供佐证材料：{what}"
ERR_MOVE_NEEDS_NOTE = "已审定的里程碑调整计划日期须说明理由"
ERR_ACCEPT = "请选择审核通过或退回（true 或 false）"
MSG_RETURN_NEEDS_COMMENT = "退回报告须填写意见"
MSG_ROUND_EXISTS = "调度周期 {period} 已经开启"
ERR_ROUND_EXISTS = "round_exists"  # its code (clients check it)
ERR_RETURN_NEEDS_COMMENT = "return_needs_comment"  # its code (clients check it)
ERR_TARGET_STATUS_REQUIRED = "请选择进展状态"
ERR_NARRATIVE_REQUIRED = "请填写进展情况"


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


# ---------------------------------------------------------------- field readers (every problem into one Errors)


def _text(
    data: dict,
    name: str,
    errors: Errors,
    max_length: int,
    *,
    required: bool = False,
    required_message: str = ERR_REQUIRED,
) -> str | None:
    """Stripped text (None and a missing field read as empty); None when refused."""
    value = data.get(name)
    value = "" if value is None else value
    if not isinstance(value, str):
        errors.add(name, _t(ERR_NOT_TEXT))
        return None
    value = value.strip()
    if required and not value:
        errors.add(name, _t(required_message))
        return None
    if len(value) > max_length:
        errors.add(name, _t(ERR_TOO_LONG_N, max=max_length))
        return None
    return value


def _check(errors: Errors, codes: dict[str, str]) -> None:
    """Raise every error at once (``Errors.check``); when the only one is a refusal with a code of
    its own (``codes``: message -> code), the answer keeps that code, which clients check."""
    if not errors:
        return
    exc = ValidationFailed("; ".join(f"{e['field']}: {e['message']}" for e in errors.items), errors.items)
    if len(errors.items) == 1 and errors.items[0]["message"] in codes:
        exc.code = codes[errors.items[0]["message"]]
    raise exc


def _date(data: dict, name: str, errors: Errors) -> date | None:
    """A required date, a ``date`` or an ISO ``YYYY-MM-DD`` string; None when refused."""
    value = data.get(name)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(name, _t(ERR_REQUIRED))
        return None
    try:
        if not isinstance(value, str) or not value.strip().isascii():
            raise ValueError
        return date.fromisoformat(value.strip())
    except ValueError:
        errors.add(name, _t(ERR_DATE, value=value))
        return None


# ---------------------------------------------------------------- rounds


class RoundValidator:
    """Opening a 定期调度 round: its period (2026-Q4 or 2026-11), a due date not in the past, and (API,
    optional) the plan whose measures it covers."""

    LABELS = {"period": _("调度周期"), "due": _("填报截止日期"), "plan": _("规划（可选，默认全部）")}

    @staticmethod
    def clean(data: dict, *, today: date | None = None) -> dict:
        errors = Errors()
        period = _text(data, "period", errors, 7, required=True)
        if period and not PERIOD_RE.match(period):
            errors.add("period", _t(ERR_PERIOD, value=period))
        elif period and ProgressRound.objects.filter(period=period).exists():
            errors.add("period", _t(MSG_ROUND_EXISTS, period=period))
        due = _date(data, "due", errors)
        today = today or timezone.localdate()
        if due is not None and due < today:
            # a past due date would put every lead unit on the 通报 list the moment the round opens
            errors.add("due", _t(ERR_DUE_PAST, due=due.isoformat(), today=today.isoformat()))
        plan = _text(data, "plan", errors, 32)
        if plan:
            from steppe.plans.models import Plan

            if not Plan.objects.filter(code=plan).exists():
                errors.add("plan", _t(ERR_PLAN, value=plan))
        _check(errors, {_t(MSG_ROUND_EXISTS, period=period): ERR_ROUND_EXISTS})
        return {"period": period, "due": due, "plan": plan or None}


# ---------------------------------------------------------------- milestones


class MilestoneValidator:
    """A new milestone: what is delivered, by when, and what evidence it asks for."""

    LABELS = {
        "deliverable": _("成果/交付物"),
        "planned_on": _("计划完成日期"),
        "evidence_required": _("佐证材料要求"),
    }

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        out = {
            "deliverable": _text(data, "deliverable", errors, 300, required=True),
            "planned_on": _date(data, "planned_on", errors),
            "evidence_required": _text(data, "evidence_required", errors, 2000),
        }
        errors.check()
        return out


class MilestoneChangeValidator:
    """A change to a milestone (the API's PATCH; the page moves its date): only the fields given are
    changed (None leaves one as it is); moving the date of an approved milestone needs a reason."""

    LABELS = {**MilestoneValidator.LABELS, "note": _("调整理由")}

    @staticmethod
    def clean(data: dict, *, milestone) -> dict:
        errors = Errors()
        out = {}
        if data.get("deliverable") is not None:
            out["deliverable"] = _text(data, "deliverable", errors, 300, required=True)
        if data.get("planned_on") is not None:
            out["planned_on"] = _date(data, "planned_on", errors)
        if data.get("evidence_required") is not None:
            out["evidence_required"] = _text(data, "evidence_required", errors, 2000)
        note = _text(data, "note", errors, 2000)
        planned = out.get("planned_on")
        if planned is not None and planned != milestone.planned_on and milestone.approved_at and note == "":
            errors.add("note", _t(ERR_MOVE_NEEDS_NOTE))
        errors.check()
        return {**out, "note": note}


class MilestoneDoneValidator:
    """A lead unit marks a milestone done: the day (not after today), a note, evidence files; a
    milestone that asks for evidence needs a note or a file."""

    LABELS = {"done_on": _("完成日期"), "evidence_note": _("佐证说明"), "files": _("佐证材料")}

    @staticmethod
    def clean(data: dict, *, milestone, files=(), check_files=list, today: date | None = None) -> dict:
        """`check_files` reads the files (services.check_files: their number and sizes) or raises."""
        errors = Errors()
        done = _date(data, "done_on", errors)
        if done is not None and done > (today or timezone.localdate()):
            errors.add("done_on", _t(ERR_DONE_IN_FUTURE))
        note = _text(data, "evidence_note", errors, 5000)
        checked = errors.take(lambda: check_files(files))
        if (note == "" and checked == [] and milestone.evidence_required
                and not milestone.evidence.exists()):  # fmt: skip
            errors.add("evidence_note", _t(ERR_EVIDENCE_REQUIRED, what=milestone.evidence_required))
        errors.check()
        return {"done_on": done, "evidence_note": note, "files": checked}


# ---------------------------------------------------------------- review (progress reports and qualitative targets)


class ReviewValidator:
    """The department accepts or returns a submitted report; a return needs a comment."""

    LABELS = {"accept": _("审核结论"), "comment": _("审核意见")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        accept = data.get("accept")
        if isinstance(accept, str) and accept.strip().lower() in ("true", "false"):
            accept = accept.strip().lower() == "true"
        if not isinstance(accept, bool):
            errors.add("accept", _t(ERR_ACCEPT))
            accept = None
        comment = _text(data, "comment", errors, 2000)
        if accept is False and comment == "":
            errors.add("comment", _t(MSG_RETURN_NEEDS_COMMENT))
        _check(errors, {_t(MSG_RETURN_NEEDS_COMMENT): ERR_RETURN_NEEDS_COMMENT})
        return {"accept": accept, "comment": comment}


# ---------------------------------------------------------------- reports on qualitative targets


class TargetReportValidator:
    """A report on a qualitative target: a draft may be incomplete; a submission needs its status and
    narrative (a blank form does not count as submitted)."""

    LABELS = {"status": _("进展状态"), "narrative": _("进展情况")}

    @staticmethod
    def clean(data: dict, *, submitting: bool = False) -> dict:
        errors = Errors()
        status = data.get("status")
        status = "" if status is None else status
        allowed = [c for c, _label in TargetReport.Status.choices]
        if not isinstance(status, str) or (status and status not in allowed):
            errors.add("status", _t(ERR_STATUS, value=status, allowed=", ".join(allowed)))
        elif submitting and not status:
            errors.add("status", _t(ERR_TARGET_STATUS_REQUIRED))
        narrative = _text(data, "narrative", errors, 10000, required=submitting,
                          required_message=ERR_NARRATIVE_REQUIRED)  # fmt: skip
        errors.check()
        return {"status": status, "narrative": narrative}


# ---------------------------------------------------------------- a league bureau's 催办


class ChaseValidator:
    """A 催办's note (optional, at most 500 characters)."""

    LABELS = {"note": _("留言（可选）")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        note = _text(data, "note", errors, 500)
        errors.check()
        return {"note": note}


# ---------------------------------------------------------------- the API's bodies, and what each write is checked by

RoundBody = body_schema(RoundValidator, RoundValidator.LABELS, name="RoundBody")
MilestoneBody = body_schema(MilestoneValidator, MilestoneValidator.LABELS, name="MilestoneBody")
MilestoneChangeBody = body_schema(MilestoneChangeValidator, MilestoneChangeValidator.LABELS,
                                  name="MilestoneChangeBody")  # fmt: skip
MilestoneDoneBody = body_schema(MilestoneDoneValidator, {k: v for k, v in MilestoneDoneValidator.LABELS.items()
                                                         if k != "files"}, name="MilestoneDoneBody")  # fmt: skip
ReviewBody = body_schema(ReviewValidator, ReviewValidator.LABELS, name="ReviewBody")
TargetReportBody = body_schema(TargetReportValidator, TargetReportValidator.LABELS, name="TargetReportBody")
ChaseBody = body_schema(ChaseValidator, ChaseValidator.LABELS, name="ChaseBody")

write_path("supervision.report", ReportValidator,
           api=("POST /measures/{code}/reports", "POST /reports/{pk}/submit"),
           pages=("supervision:report",))  # fmt: skip
write_path("supervision.round", RoundValidator, api=("POST /rounds",), pages=("supervision:rounds",))
write_path("supervision.milestone", MilestoneValidator, api=("POST /measures/{code}/milestones",),
           pages=("supervision:milestone_add",))  # fmt: skip
write_path("supervision.milestone_change", MilestoneChangeValidator, api=("PATCH /milestones/{pk}",),
           pages=("supervision:milestone_move",))  # fmt: skip
write_path("supervision.milestone_done", MilestoneDoneValidator, api=("POST /milestones/{pk}/done",),
           pages=("supervision:milestone_done",))  # fmt: skip
write_path("supervision.review", ReviewValidator,
           api=("POST /reports/{pk}/review", "POST /target-reports/{pk}/review"),
           pages=("supervision:report", "supervision:target_report"))  # fmt: skip
write_path("supervision.target_report", TargetReportValidator,
           api=("POST /targets/{code}/reports", "POST /target-reports/{pk}/submit"),
           pages=("supervision:target_report",))  # fmt: skip
write_path("supervision.chase", ChaseValidator, api=("POST /measures/{code}/chase",),
           pages=("supervision:measure_chase",))  # fmt: skip
