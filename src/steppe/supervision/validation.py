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
Fields are read by core's field readers (``core.validation.read_text``, ``read_date``...): a JSON
value of the wrong kind is a 422, a refused value of the right kind a 400.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from steppe.core.validation import (
    Errors,
    body_schema,
    read_bool,
    read_choice,
    read_date,
    read_int,
    read_text,
    write_path,
)

from .models import PERIOD_RE, ProgressRound, TargetReport
from .status import ReportStatus

ERR_PROGRESS_REQUIRED = "请填写完成进度（0 到 100）"
ERR_DONE_REQUIRED = "请填写本期完成情况"
ERR_STATUS = "“{value}” 不是有效状态，可选：{allowed}"
ERR_PROGRESS_RANGE = "“{value}” 应为 0 到 100 之间的整数"
ERR_COMPLETED_NOT_100 = "状态为已完成时进度应为 100"
ERR_PROBLEMS_REQUIRED = "状态为遇到困难时请说明存在的问题"
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
        errors = Errors()
        allowed = [s.value for s in ReportStatus]
        refused = _t(ERR_STATUS, value=data.get("status"), allowed=", ".join(allowed))
        out = {
            "status": read_choice(data, "status", errors, allowed, required=True, required_message=refused,
                                  message=refused),
            "progress": read_int(data, "progress", errors, lo=0, hi=100, required=True,
                                 required_message=_t(ERR_PROGRESS_REQUIRED),
                                 message=_t(ERR_PROGRESS_RANGE, value=data.get("progress"))),
            "done": read_text(data, "done", errors, 5000, required=submitting,
                              required_message=_t(ERR_DONE_REQUIRED)),
            "problems": read_text(data, "problems", errors, 5000),
            "next_steps": read_text(data, "next_steps", errors, 5000),
        }  # fmt: skip
        if not errors:
            if out["status"] == ReportStatus.COMPLETED and out["progress"] != 100:
                errors.add("progress", _t(ERR_COMPLETED_NOT_100))
            if out["status"] == ReportStatus.PROBLEMS and not out["problems"]:
                errors.add("problems", _t(ERR_PROBLEMS_REQUIRED))
        errors.check()
        return out


# ---------------------------------------------------------------- rounds


class RoundValidator:
    """Opening a 定期调度 round: its period (2026-Q4 or 2026-11), a due date not in the past, and (API,
    optional) the plan whose measures it covers."""

    LABELS = {"period": _("调度周期"), "due": _("填报截止日期"), "plan": _("规划（可选，默认全部）")}

    @staticmethod
    def clean(data: dict, *, today: date | None = None) -> dict:
        errors = Errors()
        period = read_text(data, "period", errors, 7, required=True)
        if period and not PERIOD_RE.match(period):
            errors.add("period", _t(ERR_PERIOD, value=period))
        elif period and ProgressRound.objects.filter(period=period).exists():
            errors.add("period", _t(MSG_ROUND_EXISTS, period=period))
        due = read_date(data, "due", errors, required=True)
        today = today or timezone.localdate()
        if due is not None and due < today:
            # a past due date would put every lead unit on the 通报 list the moment the round opens
            errors.add("due", _t(ERR_DUE_PAST, due=due.isoformat(), today=today.isoformat()))
        plan = read_text(data, "plan", errors, 32)
        if plan:
            from steppe.plans.models import Plan

            if not Plan.objects.filter(code=plan).exists():
                errors.add("plan", _t(ERR_PLAN, value=plan))
        errors.check({_t(MSG_ROUND_EXISTS, period=period): ERR_ROUND_EXISTS})
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
            "deliverable": read_text(data, "deliverable", errors, 300, required=True),
            "planned_on": read_date(data, "planned_on", errors, required=True),
            "evidence_required": read_text(data, "evidence_required", errors, 2000),
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
            out["deliverable"] = read_text(data, "deliverable", errors, 300, required=True)
        if data.get("planned_on") is not None:
            out["planned_on"] = read_date(data, "planned_on", errors, required=True)
        if data.get("evidence_required") is not None:
            out["evidence_required"] = read_text(data, "evidence_required", errors, 2000)
        note = read_text(data, "note", errors, 2000)
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
        done = read_date(data, "done_on", errors, required=True)
        if done is not None and done > (today or timezone.localdate()):
            errors.add("done_on", _t(ERR_DONE_IN_FUTURE))
        note = read_text(data, "evidence_note", errors, 5000)
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
        accept = read_bool(data, "accept", errors, _t(ERR_ACCEPT))
        comment = read_text(data, "comment", errors, 2000)
        if accept is False and comment == "":
            errors.add("comment", _t(MSG_RETURN_NEEDS_COMMENT))
        errors.check({_t(MSG_RETURN_NEEDS_COMMENT): ERR_RETURN_NEEDS_COMMENT})
        return {"accept": accept, "comment": comment}


# ---------------------------------------------------------------- reports on qualitative targets


class TargetReportValidator:
    """A report on a qualitative target: a draft may be incomplete; a submission needs its status and
    narrative (a blank form does not count as submitted)."""

    LABELS = {"status": _("进展状态"), "narrative": _("进展情况")}

    @staticmethod
    def clean(data: dict, *, submitting: bool = False) -> dict:
        errors = Errors()
        allowed = [c for c, _label in TargetReport.Status.choices]
        status = read_choice(data, "status", errors, allowed, required=submitting,
                             required_message=_t(ERR_TARGET_STATUS_REQUIRED),
                             message=_t(ERR_STATUS, value=data.get("status"), allowed=", ".join(allowed))) or ""
        narrative = read_text(data, "narrative", errors, 10000, required=submitting,
                              required_message=_t(ERR_NARRATIVE_REQUIRED))  # fmt: skip
        errors.check()
        return {"status": status, "narrative": narrative}


# ---------------------------------------------------------------- a league bureau's 催办


class ChaseValidator:
    """A 催办's note (optional, at most 500 characters)."""

    LABELS = {"note": _("留言（可选）")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        note = read_text(data, "note", errors, 500)
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
