"""揭榜挂帅's input validators: what a page form and the API body of one write share.

``ChallengeValidator`` checks a new 榜单 (the page challenges:challenge_new and ``POST /challenges``).
Each validator names every bad field at once, in the request's language (this app's catalog;
Chinese by default); the services call them, so pages, API and command line give the same errors.
The API's bodies are made from them (``core.validation.body_schema``): pydantic takes each field as
sent, so that its English messages never reach a user. Fields are read by core's field readers
(``core.validation.read_text``, ``read_date``, ``read_decimal``...): a JSON value of the wrong kind
is a 422, a refused value of the right kind a 400.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from steppe.core.models import Region, User
from steppe.core.roles import Role, UnitKind
from steppe.core.validation import (
    MSG_NOT_LIST,
    MSG_NOT_OBJECT,
    Errors,
    body_schema,
    parse_decimal,
    parse_int,
    read_bool,
    read_choice,
    read_date,
    read_decimal,
    read_int,
    read_text,
    write_path,
)

from .models import Challenge

ERR_DEADLINE_PAST = "揭榜截止日期不能早于今天"
ERR_REGION_PREFIX = "应为 1-6 位区划代码前缀"
ERR_KINDS = "无效的主体类型 {bad}，可选 {allowed}"
ERR_KINDS_EMPTY = "至少选择一种揭榜主体类型"
ERR_MAX_TEAMS = "“{value}” 应为 1 到 {max} 之间的整数"
ERR_TARGETS_REQUIRED = "至少需要一项量化技术指标"
ERR_TARGET_NAME = "不能为空，且不超过 200 字"
ERR_CODE = "只能含字母、数字、-、_，不超过 40 字"
ERR_COMPARISON = "应为 >= 或 <="
ERR_TARGET_VALUE_REQUIRED = "请填写目标值"
ERR_TARGET_CODES = "指标代码重复"
ERR_CHALLENGE_EXISTS = "榜单编号 {code} 已存在"
ERR_OVER_BUDGET = "申请经费不能超过榜单经费 {budget} 万元"
ERR_UNKNOWN_USERS = "未知用户 {names}"
ERR_NOT_EXPERTS = "以下账号不是评审专家：{names}"
ERR_EXPERTS_REQUIRED = "请至少选择一位评审专家"
ERR_CONFLICT = "请选择是否存在利益冲突（true 或 false）"
ERR_SCORE_REQUIRED = "请评分（0-100），或声明利益冲突"
ERR_SCORE_RANGE = "应在 0 到 100 之间"
MSG_CONFLICT_SCORE = "已声明利益冲突的专家不能评分"
MSG_CLEAR_NEEDS_NOTE = "解除利益冲突须说明理由"
ERR_APPS_REQUIRED = "至少选择一个团队"
ERR_APPS_FOREIGN = "包含不属于本榜单的申请"
ERR_APPS_OVER_BUDGET = "入选团队申请经费合计 {total} 万元超过榜单经费 {budget} 万元"
MSG_TOO_MANY_TEAMS = "本榜单最多立项 {n} 个团队"
MSG_SELECT_NEEDS_NOTE = "立项须说明理由"
ERR_MILESTONES_REQUIRED = "至少需要一个里程碑"
ERR_DELIVERABLE = "不能为空，且不超过 300 字"
ERR_MILESTONE_ORDER = "里程碑日期应按先后排列"
ERR_TRANCHES_REQUIRED = "至少需要一笔经费"
ERR_TRANCHES_COUNT = "经费笔数最多比里程碑数多一（首笔签署时拨付）"
ERR_TRANCHES_OVER = "经费合计 {total} 超过榜单经费 {budget} 万元"
ERR_EVIDENCE_REQUIRED = "请提供完成情况说明或佐证材料"
ERR_ACCEPT = "请选择验收通过或不通过（true 或 false）"
ERR_TERMINATE = "请选择是否终止军令状（true 或 false）"
MSG_DECIDE_NEEDS_NOTE = "验收结论须说明理由"
MSG_FINAL_NEEDS_NOTE = "最终验收结论须说明理由"
ERR_ACHIEVED_REQUIRED = "请填写“{name}”的实测值"
ERR_UNKNOWN_TARGET = "没有代码为“{code}”的考核指标"
# the codes of refusals clients check (an answer with that one error keeps its code)
ERR_CONFLICT_SCORE = "conflict_cannot_score"
ERR_NEEDS_NOTE = "decision_needs_reason"
ERR_TOO_MANY_TEAMS = "too_many_teams"

CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
MAX_TEAMS = 1000
DEFAULT_KINDS = ("enterprise", "institution")


def _t(message: str, **values) -> str:
    """A message in the active language (this app's catalog; Chinese by default), placeholders filled."""
    text = gettext(message)
    return text.format(**values) if values else text


# ---------------------------------------------------------------- challenges


class ChallengeValidator:
    """A new 榜单: its title, problem, budget (万元), deadline (not in the past), who may apply, how
    many teams may be selected, and its quantified targets (each checked at final acceptance)."""

    LABELS = {
        "title": _("榜单名称"), "problem": _("技术难题"), "budget": _("支持经费（万元）"),
        "deadline": _("揭榜截止日期"), "max_teams": _("最多立项团队数"),
        "eligible_kinds": _("揭榜主体类型"), "eligible_region_prefix": _("注册地区划代码前缀"),
        "eligibility_note": _("其他揭榜条件"), "targets": _("考核指标"),
    }  # fmt: skip

    @staticmethod
    def page_labels(rows: list[int]) -> dict:
        """The page's labels: its fields, and those of each target row it sent (targets[0] is the
        first row filled in, `rows[0]`): 指标名称 2, 目标值 2, ..."""
        labels = dict(ChallengeValidator.LABELS)
        for i, row in enumerate(rows):
            for part, label in (("name", _("指标名称")), ("value", _("目标值")), ("unit", _("单位")),
                                ("comparison", _("比较")), ("code", _("指标代码"))):  # fmt: skip
                labels[f"targets[{i}].{part}"] = f"{gettext(str(label))} {row}"
        return labels

    @staticmethod
    def clean(data: dict, *, today: date | None = None) -> dict:
        """The clean values, or ValidationFailed naming every bad field. ``code`` (optional, not in
        the API's body) is the 榜单编号 the command line may choose."""
        errors = Errors()
        out: dict = {
            "title": read_text(data, "title", errors, 200, required=True),
            "problem": read_text(data, "problem", errors, 10000, required=True),
            "budget": read_decimal(data, "budget", errors, required=True),
            "deadline": read_date(data, "deadline", errors, required=True),
            "eligibility_note": read_text(data, "eligibility_note", errors, 5000),
            "max_teams": read_int(data, "max_teams", errors, lo=1, hi=MAX_TEAMS, default=1,
                                  message=_t(ERR_MAX_TEAMS, value=data.get("max_teams"), max=MAX_TEAMS)),
        }
        if out["deadline"] is not None and out["deadline"] < (today or timezone.localdate()):
            errors.add("deadline", _t(ERR_DEADLINE_PAST))
        kinds = data.get("eligible_kinds")
        kinds = list(DEFAULT_KINDS) if kinds is None else kinds
        if not isinstance(kinds, list | tuple):
            errors.add("eligible_kinds", _t(MSG_NOT_LIST), malformed=True)
        elif not kinds:
            errors.add("eligible_kinds", _t(ERR_KINDS_EMPTY))
        elif bad := [k for k in kinds if k not in UnitKind.values]:
            errors.add(
                "eligible_kinds",
                _t(ERR_KINDS, bad=", ".join(map(str, bad)), allowed=", ".join(UnitKind.values)),
            )
        else:
            out["eligible_kinds"] = list(dict.fromkeys(kinds))
        if data.get("eligible_region_prefix") is None:
            out["eligible_region_prefix"] = Region.PROVINCE_PREFIX
        else:
            prefix = read_text(data, "eligible_region_prefix", errors, 6)
            if prefix and not (prefix.isascii() and prefix.isdigit()):
                errors.add("eligible_region_prefix", _t(ERR_REGION_PREFIX))
            out["eligible_region_prefix"] = prefix
        out["targets"] = _targets(data.get("targets"), errors)
        code = data.get("code")
        if code is not None:
            if not isinstance(code, str) or not CODE_RE.fullmatch(code):
                errors.add("code", _t(ERR_CODE), malformed=not isinstance(code, str))
            elif Challenge.objects.filter(code=code).exists():
                errors.add("code", _t(ERR_CHALLENGE_EXISTS, code=code))
        out["code"] = code or None
        errors.check()
        return out


def _targets(targets, errors: Errors) -> list[dict]:
    """The quantified targets: each a name, a comparison (>= or <=), a value, a unit and a code."""
    if targets is None or targets == []:
        errors.add("targets", _t(ERR_TARGETS_REQUIRED))
        return []
    if not isinstance(targets, list | tuple):
        errors.add("targets", _t(MSG_NOT_LIST), malformed=True)
        return []
    clean = []
    for i, t in enumerate(targets):
        path = f"targets[{i}]"
        if not isinstance(t, dict):
            errors.add(path, _t(MSG_NOT_OBJECT), malformed=True)
            continue
        inside = errors.under(path)
        name = t.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 200:
            inside.add("name", _t(ERR_TARGET_NAME), malformed=name is not None and not isinstance(name, str))
        unit = read_text(t, "unit", inside, 40)
        code = t.get("code")
        code = f"t{i + 1}" if code is None or code == "" else code
        if not isinstance(code, str) or not CODE_RE.fullmatch(code):
            inside.add("code", _t(ERR_CODE), malformed=not isinstance(code, str))
        comparison = read_choice(t, "comparison", inside, (">=", "<="), message=_t(ERR_COMPARISON)) or ">="
        value = read_decimal(t, "value", inside, required=True, required_message=_t(ERR_TARGET_VALUE_REQUIRED),
                             positive=False, places=4)  # fmt: skip
        if not inside:
            clean.append({"code": code, "name": name.strip(), "unit": unit, "comparison": comparison,
                          "value": value})  # fmt: skip
    codes = [t["code"] for t in clean]
    if len(codes) != len(set(codes)):
        errors.add("targets", _t(ERR_TARGET_CODES))
    return clean


# ---------------------------------------------------------------- experts, applications, reviews


class ExpertsValidator:
    """The reviewing experts the department assigns to a 榜单: usernames of expert accounts."""

    LABELS = {"usernames": _("评审专家"), "note": _("说明")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        names = data.get("usernames")
        experts: list = []
        if names is None or names == []:
            errors.add("usernames", _t(ERR_EXPERTS_REQUIRED))
        elif not isinstance(names, list | tuple) or not all(isinstance(n, str) for n in names):
            errors.add("usernames", _t(MSG_NOT_LIST), malformed=True)
        else:
            experts = list(User.objects.filter(username__in=names))
            missing = sorted(set(names) - {u.username for u in experts})
            not_experts = sorted(u.username for u in experts if u.role != Role.EXPERT)
            if missing:
                errors.add("usernames", _t(ERR_UNKNOWN_USERS, names=", ".join(missing)))
            elif not_experts:
                errors.add("usernames", _t(ERR_NOT_EXPERTS, names=", ".join(not_experts)))
        note = read_text(data, "note", errors, 2000)
        errors.check()
        return {"experts": experts, "note": note}


class ApplicationValidator:
    """An application (揭榜): the proposal, and the budget requested (万元, within the 榜单's)."""

    LABELS = {"proposal": _("攻关方案"), "requested_budget": _("申请经费（万元）")}

    @staticmethod
    def clean(data: dict, *, challenge: Challenge) -> dict:
        errors = Errors()
        proposal = read_text(data, "proposal", errors, 20000, required=True)
        amount = read_decimal(data, "requested_budget", errors, required=True)
        if amount is not None and amount > challenge.budget:
            errors.add("requested_budget", _t(ERR_OVER_BUDGET, budget=challenge.budget))
        errors.check()
        return {"proposal": proposal, "requested_budget": amount}


class ExpertReviewValidator:
    """An assigned expert's review: a score from 0 to 100 (finite, two places), or a declared
    conflict of interest (then no score); a comment and the conflict's explanation."""

    LABELS = {
        "conflict": _("存在利益冲突"), "score": _("评分（0-100）"), "comment": _("评审意见"),
        "conflict_note": _("利益冲突说明"),
    }  # fmt: skip

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        conflict = read_bool(data, "conflict", errors, _t(ERR_CONFLICT), default=False)
        score = data.get("score")
        blank = score is None or (isinstance(score, str) and not score.strip())
        score_d = None
        if conflict and not blank:
            errors.add("score", _t(MSG_CONFLICT_SCORE))
        elif conflict is False and blank:
            errors.add("score", _t(ERR_SCORE_REQUIRED))
        elif conflict is False:
            score_d = errors.take(lambda: parse_decimal(score, "score", positive=False, limit=Decimal(1000)))
            if score_d is not None and not Decimal(0) <= score_d <= Decimal(100):
                errors.add("score", _t(ERR_SCORE_RANGE))
                score_d = None
        comment = read_text(data, "comment", errors, 5000)
        conflict_note = read_text(data, "conflict_note", errors, 5000)
        errors.check({_t(MSG_CONFLICT_SCORE): ERR_CONFLICT_SCORE})
        return {"conflict": conflict, "score": score_d, "comment": comment, "conflict_note": conflict_note}


class ConflictClearValidator:
    """The department clears an expert's declared conflict of interest: the reason is required."""

    LABELS = {"note": _("解除理由")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        note = read_text(data, "note", errors, 2000)
        if note == "":
            errors.add("note", _t(MSG_CLEAR_NEEDS_NOTE))
        errors.check({_t(MSG_CLEAR_NEEDS_NOTE): ERR_NEEDS_NOTE})
        return {"note": note}


class StateNoteValidator:
    """The department moves a 榜单 on (publishes it, closes its applications for review): an
    optional note for the audit trail, text of at most 2000 characters."""

    LABELS = {"note": _("备注")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        note = read_text(data, "note", errors, 2000)
        errors.check()
        return {"note": note}


# ---------------------------------------------------------------- selection and the 军令状


def _note(data: dict, errors: Errors, message: str) -> str | None:
    """A decision's reason: required text of at most 2000 characters."""
    note = read_text(data, "note", errors, 2000)
    if note == "":
        errors.add("note", _t(message))
    return note


class SelectValidator:
    """The department selects one team or several (赛马, up to the 榜单's max_teams) with its reason:
    applications of this 榜单 by id, whose budgets together fit the 榜单's."""

    LABELS = {"applications": _("入选团队"), "note": _("立项理由")}

    @staticmethod
    def clean(data: dict, *, challenge: Challenge) -> dict:
        errors = Errors()
        ids = data.get("applications")
        apps: list = []
        if ids is None or ids == []:
            errors.add("applications", _t(ERR_APPS_REQUIRED))
        elif not isinstance(ids, list | tuple):
            errors.add("applications", _t(MSG_NOT_LIST), malformed=True)
        else:
            # a value that is not an application's id is refused by name, never silently dropped
            numbers = [errors.take(lambda x=x: parse_int(x, "applications", lo=1, hi=2**53)) for x in ids]
            if None not in numbers:
                apps = list(challenge.applications.filter(pk__in=numbers).select_related("unit"))
                if len(apps) != len(set(numbers)):
                    errors.add("applications", _t(ERR_APPS_FOREIGN))
                elif len(apps) > challenge.max_teams:
                    errors.add("applications", _t(MSG_TOO_MANY_TEAMS, n=challenge.max_teams))
                elif (total := sum(a.requested_budget for a in apps)) > challenge.budget:
                    errors.add("applications", _t(ERR_APPS_OVER_BUDGET, total=total, budget=challenge.budget))
        note = _note(data, errors, MSG_SELECT_NEEDS_NOTE)
        errors.check({_t(MSG_SELECT_NEEDS_NOTE): ERR_NEEDS_NOTE,
                        _t(MSG_TOO_MANY_TEAMS, n=challenge.max_teams): ERR_TOO_MANY_TEAMS})  # fmt: skip
        return {"applications": apps, "note": note}


class CommitmentDefineValidator:
    """The 军令状's milestones (deliverable, planned_on, in date order) and tranches (万元): tranche 0 is
    paid on signing, tranche n after milestone n, so at most one more tranche than milestones; together
    within the 榜单's budget."""

    LABELS = {"milestones": _("里程碑"), "tranches": _("拨款计划（万元）")}

    @staticmethod
    def page_labels(milestones: int, tranches: int) -> dict:
        """The page's labels: each milestone line and each tranche by its number."""
        labels = dict(CommitmentDefineValidator.LABELS)
        ms, tr = gettext(str(_("里程碑"))), gettext(str(_("拨款计划（万元）")))
        for i in range(milestones):
            labels[f"milestones[{i}].deliverable"] = labels[f"milestones[{i}].planned_on"] = f"{ms} {i + 1}"
            labels[f"milestones[{i}]"] = f"{ms} {i + 1}"
        for i in range(tranches):
            labels[f"tranches[{i}]"] = f"{tr} {i + 1}"
        return labels

    @staticmethod
    def clean(data: dict, *, budget) -> dict:
        errors = Errors()
        milestones, tranches = data.get("milestones"), data.get("tranches")
        clean_ms: list[tuple[str, date]] = []
        if milestones is None or milestones == []:
            errors.add("milestones", _t(ERR_MILESTONES_REQUIRED))
            milestones = []
        elif not isinstance(milestones, list | tuple):
            errors.add("milestones", _t(MSG_NOT_LIST), malformed=True)
            milestones = []
        last = None
        for i, m in enumerate(milestones):
            if not isinstance(m, dict):
                errors.add(f"milestones[{i}]", _t(MSG_NOT_OBJECT), malformed=True)
                continue
            inside = errors.under(f"milestones[{i}]")
            deliverable = m.get("deliverable")
            if not isinstance(deliverable, str) or not deliverable.strip() or len(deliverable.strip()) > 300:
                inside.add("deliverable", _t(ERR_DELIVERABLE),
                           malformed=deliverable is not None and not isinstance(deliverable, str))
                deliverable = None
            planned = read_date(m, "planned_on", inside, required=True)
            if planned is not None and last is not None and planned < last:
                inside.add("planned_on", _t(ERR_MILESTONE_ORDER))
            last = planned or last
            if deliverable is not None and planned is not None:
                clean_ms.append((deliverable.strip(), planned))
        amounts = []
        if tranches is None or tranches == []:
            errors.add("tranches", _t(ERR_TRANCHES_REQUIRED))
        elif not isinstance(tranches, list | tuple):
            errors.add("tranches", _t(MSG_NOT_LIST), malformed=True)
        else:
            amounts = [read_decimal({f"tranches[{i}]": a}, f"tranches[{i}]", errors, required=True)
                       for i, a in enumerate(tranches)]
            if len(amounts) > len(milestones) + 1:
                errors.add("tranches", _t(ERR_TRANCHES_COUNT))
            elif None not in amounts and sum(amounts) > budget:
                errors.add("tranches", _t(ERR_TRANCHES_OVER, total=sum(amounts), budget=budget))
        errors.check()
        return {"milestones": clean_ms, "tranches": amounts}


class EvidenceValidator:
    """The team submits a 军令状 milestone: a note on what was done and/or evidence files (one needed)."""

    LABELS = {"evidence_note": _("完成情况说明"), "files": _("佐证材料")}

    @staticmethod
    def clean(data: dict, *, files=(), check_files=list) -> dict:
        """`check_files` reads the files (supervision.services.check_files: number and sizes) or raises."""
        errors = Errors()
        note = read_text(data, "evidence_note", errors, 5000)
        checked = errors.take(lambda: check_files(files))
        if note == "" and checked == []:
            errors.add("evidence_note", _t(ERR_EVIDENCE_REQUIRED))
        errors.check()
        return {"evidence_note": note, "files": checked}


class MilestoneDecisionValidator:
    """The department accepts a submitted 军令状 milestone or fails it (possibly terminating the 军令状),
    with its reason."""

    LABELS = {"accept": _("验收结论"), "note": _("验收意见"), "terminate": _("终止军令状")}

    @staticmethod
    def clean(data: dict) -> dict:
        errors = Errors()
        accept = read_bool(data, "accept", errors, _t(ERR_ACCEPT))
        terminate = read_bool(data, "terminate", errors, _t(ERR_TERMINATE), default=False)
        note = _note(data, errors, MSG_DECIDE_NEEDS_NOTE)
        errors.check({_t(MSG_DECIDE_NEEDS_NOTE): ERR_NEEDS_NOTE})
        return {"accept": accept, "terminate": terminate, "note": note}


class FinalAcceptanceValidator:
    """Final acceptance: the measured value of each of the 榜单's targets (by its code), and the reason."""

    LABELS = {"achieved": _("实测值"), "note": _("验收意见")}

    @staticmethod
    def page_labels(targets) -> dict:
        """Each measured value by its target: its name on a Chinese page, its code on an English one
        (a Chinese name inside an English message would be cut by the page's language filter)."""
        english = (get_language() or "").startswith("en")
        return {**FinalAcceptanceValidator.LABELS,
                **{f"achieved.{t.code}": _t("实测值（{name}）", name=t.code if english else t.name) for t in targets}}  # fmt: skip

    @staticmethod
    def clean(data: dict, *, targets) -> dict:
        errors = Errors()
        achieved = data.get("achieved")
        values = {}
        if achieved is None:
            achieved = {}
        if not isinstance(achieved, dict):
            errors.add("achieved", _t(MSG_NOT_OBJECT), malformed=True)
        else:
            codes = {t.code for t in targets}
            for code in achieved:
                if code not in codes:
                    errors.add(f"achieved.{code}", _t(ERR_UNKNOWN_TARGET, code=code))
            for t in targets:
                values[t.code] = read_decimal(achieved, t.code, errors.under("achieved"), required=True,
                                              required_message=_t(ERR_ACHIEVED_REQUIRED, name=t.name),
                                              positive=False, places=4)  # fmt: skip
        note = _note(data, errors, MSG_FINAL_NEEDS_NOTE)
        errors.check({_t(MSG_FINAL_NEEDS_NOTE): ERR_NEEDS_NOTE})
        return {"achieved": values, "note": note}


# ---------------------------------------------------------------- the API's bodies, and what each write is checked by

ChallengeBody = body_schema(ChallengeValidator, ChallengeValidator.LABELS, name="ChallengeBody")

write_path(
    "challenges.challenge", ChallengeValidator, api=("POST /challenges",), pages=("challenges:challenge_new",)
)
ExpertsBody = body_schema(ExpertsValidator, ExpertsValidator.LABELS, name="ExpertsBody")
ApplicationBody = body_schema(ApplicationValidator, ApplicationValidator.LABELS, name="ApplicationBody")
ExpertReviewBody = body_schema(ExpertReviewValidator, ExpertReviewValidator.LABELS, name="ExpertReviewBody")
ConflictClearBody = body_schema(
    ConflictClearValidator, ConflictClearValidator.LABELS, name="ConflictClearBody"
)

write_path("challenges.experts", ExpertsValidator, api=("POST /challenges/{code}/experts",),
           pages=("challenges:challenge_action",))  # fmt: skip
write_path("challenges.application", ApplicationValidator, api=("POST /challenges/{code}/applications",),
           pages=("challenges:challenge_action",))  # fmt: skip
write_path("challenges.review", ExpertReviewValidator, api=("POST /applications/{pk}/reviews",),
           pages=("challenges:challenge_action",))  # fmt: skip
write_path("challenges.conflict_clear", ConflictClearValidator, api=("POST /reviews/{pk}/clear-conflict",))
StateNoteBody = body_schema(StateNoteValidator, StateNoteValidator.LABELS, name="StateNoteBody")
write_path("challenges.state_note", StateNoteValidator,
           api=("POST /challenges/{code}/publish", "POST /challenges/{code}/review"),
           pages=("challenges:challenge_action",))  # fmt: skip
SelectBody = body_schema(SelectValidator, SelectValidator.LABELS, name="SelectBody")
CommitmentDefineBody = body_schema(CommitmentDefineValidator, CommitmentDefineValidator.LABELS,
                                   name="CommitmentDefineBody")  # fmt: skip
EvidenceBody = body_schema(EvidenceValidator, {"evidence_note": EvidenceValidator.LABELS["evidence_note"]},
                           name="CommitmentEvidenceBody")  # fmt: skip
MilestoneDecisionBody = body_schema(MilestoneDecisionValidator, MilestoneDecisionValidator.LABELS,
                                    name="CommitmentMilestoneDecisionBody")  # fmt: skip
FinalAcceptanceBody = body_schema(FinalAcceptanceValidator, FinalAcceptanceValidator.LABELS,
                                  name="FinalAcceptanceBody")  # fmt: skip

write_path("challenges.select", SelectValidator, api=("POST /challenges/{code}/select",),
           pages=("challenges:challenge_action",))  # fmt: skip
write_path("challenges.commitment_define", CommitmentDefineValidator, api=("POST /commitments/{pk}/define",),
           pages=("challenges:commitment",))  # fmt: skip
write_path("challenges.commitment_evidence", EvidenceValidator, api=("POST /commitment-milestones/{pk}/submit",),
           pages=("challenges:commitment",))  # fmt: skip
write_path("challenges.commitment_decision", MilestoneDecisionValidator,
           api=("POST /commitment-milestones/{pk}/decide",), pages=("challenges:commitment",))  # fmt: skip
write_path("challenges.final_acceptance", FinalAcceptanceValidator, api=("POST /commitments/{pk}/final",),
           pages=("challenges:commitment",))  # fmt: skip
