"""One rule for every page form (steppe.core.pages): a POST that is refused renders the page again
with its errors, naming the field, and what was typed, and answers 400, never 200; nothing is
written. Each case posts a blank or bad submission as a role that may use the form."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

pytestmark = pytest.mark.django_db


@dataclass
class Case:
    user: object | None  # None: an anonymous visitor
    url: str
    data: dict
    count: Callable[[], object]  # what must not change
    says: list[str]  # on the page: the error, naming its field
    kept: list[str] = field(default_factory=list)  # what was typed, shown again


# ---------------------------------------------------------------- small casts of our own


def _supervision_report(request):
    """A measure with a lead unit, a round open: the unit's report."""
    from steppe.core.services import unit_get_or_create
    from steppe.plans.models import Action, Measure, MeasureUnit, Plan
    from steppe.supervision import services
    from steppe.supervision.models import ProgressReport

    request.getfixturevalue("regions")
    dept = request.getfixturevalue("dept")
    plan = Plan.objects.create(code="refused-plan", title="测试规划", period_start=2026, period_end=2027)
    action = Action.objects.create(plan=plan, code="A1", number=1, title="创新平台建设行动", order=1)
    unit = unit_get_or_create(name="单位甲")
    m = Measure.objects.create(plan=plan, action=action, code="A1-01", title="建设重点实验室",
                               due_on=date(2027, 12, 31), indicators=[], order=0)
    MeasureUnit.objects.create(measure=m, unit=unit, role=MeasureUnit.Role.LEAD)
    lead = request.getfixturevalue("make_user")("unit-a", "lead_unit", "单位甲", "a@example.org")
    services.round_open(actor=dept, period="2026-Q4", due_on=timezone.localdate() + timedelta(days=10))
    return lead, ProgressReport.objects.get(unit_id=lead.unit_id)


def _enterprise(request):
    from steppe.policy.models import Enterprise

    dept = request.getfixturevalue("department_user")
    request.getfixturevalue("regions")
    from steppe.core.models import Region

    ent = Enterprise.objects.create(name="包头某稀土企业", credit_code="91150202MA0000000X",
                                    region=Region.objects.get(code="150202"), registered_on=date(2019, 3, 1))
    return dept, ent


def _interest(request):
    from steppe.transfer import services
    from steppe.transfer.models import Interest

    dept = request.getfixturevalue("department_user")
    univ = request.getfixturevalue("institution_user")
    firm = request.getfixturevalue("enterprise_user")
    obj = services.listing_submit(actor=univ, kind="achievement", data={
        "title": "高性能钕铁硼稀土永磁材料制备技术", "description": "采用晶界扩散工艺提升钕铁硼磁体矫顽力。",
        "field": "材料科学与工程", "region": "150100", "readiness": 6, "ip_type": "发明专利",
        "transfer_modes": "转让", "price_min": "50", "price_max": "120", "contact": "0471-0000000"})
    services.listing_review(actor=dept, listing=obj, decision="accept")
    services.listing_publish(actor=dept, listing=obj)
    obj.refresh_from_db()
    interest = services.interest_express(actor=firm, listing=obj, note="希望合作")
    return firm, Interest.objects.get(pk=interest.pk)


# ---------------------------------------------------------------- every form


def case_signup(request):
    from steppe.core.models import Organisation, User

    request.getfixturevalue("regions")
    return Case(None, "/accounts/signup/", {"name": "某某新材料有限公司", "email": "not-an-address"},
                lambda: (Organisation.objects.count(), User.objects.count()),
                ['href="#field-kind">单位类型</a>：必填', 'href="#field-credit_code">统一社会信用代码</a>：必填'],
                ["某某新材料有限公司", "not-an-address"])


def case_sign_in(request):
    from steppe.core.models import User

    firm = request.getfixturevalue("enterprise_user")
    return Case(None, "/accounts/login/", {"username": firm.username, "password": "wrong-password"},
                lambda: User.objects.filter(last_login__isnull=False).count(), ["邮箱（用户名）或密码不正确。"],
                [f'value="{firm.username}"'])


def case_password_reset_confirm(request):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    firm = request.getfixturevalue("enterprise_user")
    uid, token = urlsafe_base64_encode(force_bytes(firm.pk)), default_token_generator.make_token(firm)
    request.getfixturevalue("client").get(f"/accounts/password/reset/{uid}/{token}/")  # the link puts the token in the session
    return Case(None, f"/accounts/password/reset/{uid}/set-password/", {"new_password1": "x9-long-enough-pw", "new_password2": ""},
                lambda: firm.__class__.objects.get(pk=firm.pk).password, ["必填"])


def case_password_reset(request):
    from django.core import mail

    request.getfixturevalue("enterprise_user")
    return Case(None, "/accounts/password/reset/", {"email": "not-an-address"}, lambda: len(mail.outbox),
                ["有效的"], ['value="not-an-address"'])


def case_invitation(request):
    from steppe.core import services
    from steppe.core.models import User

    dept = request.getfixturevalue("department_user")
    inv = services.invitation_create(actor=dept, data={"email": "new@example.org", "role": "expert"})
    return Case(None, f"/accounts/invitation/{inv.raw_key}/", {"full_name": "张三", "password": ""},
                lambda: User.objects.count(), ['href="#field-password">密码</a>：必填'], ["张三"])


def case_invite(request):
    from steppe.core.models import Invitation

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/accounts/invite/", {"role": "lead_unit", "organisation": "自治区某研究院"},
                lambda: Invitation.objects.count(), ['href="#field-email">邮箱</a>：必填'], ["自治区某研究院"])


def case_my_organisation(request):
    from steppe.core.models import Invitation, User

    firm = request.getfixturevalue("enterprise_user")
    User.objects.filter(pk=firm.pk).update(org_role="admin")
    firm.refresh_from_db()
    return Case(firm, "/accounts/my/", {"email": "colleague@@example"},
                lambda: Invitation.objects.count(), ['href="#field-email">邮箱</a>：'], ["colleague@@example"])


def case_organisation_refuse(request):
    from steppe.core.models import Organisation, Region

    request.getfixturevalue("regions")
    dept = request.getfixturevalue("department_user")
    org = Organisation.objects.create(name="待审核企业", slug="pending-firm", kind="enterprise",
                                      region=Region.objects.get(code="150202"), status=Organisation.Status.PENDING)
    return Case(dept, f"/accounts/organisations/{org.pk}/", {"action": "refuse", "reason": ""},
                lambda: list(Organisation.objects.values_list("status", "refusal_reason")),
                ["请填写不通过的理由"])


def case_round(request):
    from steppe.supervision.models import ProgressRound

    dept = request.getfixturevalue("dept")
    return Case(dept, "/supervision/rounds/", {"period": "2026-Q5", "due": ""},
                lambda: ProgressRound.objects.count(), ["调度周期：", 'id="error-period"', 'id="error-due"'],
                ['value="2026-Q5"'])


def _report_case(op):
    def case(request):
        from steppe.supervision.models import ProgressReport

        lead, rep = _supervision_report(request)
        return Case(lead, f"/supervision/reports/{rep.pk}/",
                    {"op": op, "status": "in_progress", "progress": "150", "done": "本期开了三次会", "problems": "",
                     "next_steps": ""},
                    lambda: list(ProgressReport.objects.values_list("state", "version", "progress", "done")),
                    ["完成进度：", 'id="error-progress"'], ['value="150"', "本期开了三次会"])

    return case


def _report_review_case(request):
    from steppe.supervision import services
    from steppe.supervision.models import ProgressReport

    lead, rep = _supervision_report(request)
    services.report_submit(actor=lead, report=rep, data={
        "status": "in_progress", "progress": "50", "done": "完成了一半", "problems": "无", "next_steps": "继续"})
    return Case(request.getfixturevalue("dept"), f"/supervision/reports/{rep.pk}/", {"op": "return", "comment": ""},
                lambda: list(ProgressReport.objects.values_list("state", "review_comment")), ["审核意见："])


def case_calculator_json(request):
    from steppe.policy.models import PolicyResult

    return Case(None, "/policy/", {"mode": "json", "year": "2024", "case": '{"enterprise": '},
                lambda: PolicyResult.objects.count(), ["JSON 格式错误"], ["{&quot;enterprise&quot;: "])


def case_calculator_grid(request):
    from steppe.policy.models import PolicyResult

    return Case(None, "/policy/", {"mode": "grid", "year": "2024", "e_registered_on": "2019-03-01",
                                               "e_region": "150203", "y2_employees": "many"},
                lambda: PolicyResult.objects.count(), ['href="#field-y2_employees">'], ['value="many"'])


def case_enterprise_import(request):
    from steppe.policy.models import Enterprise

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/policy/enterprises/", {}, lambda: Enterprise.objects.count(), ["请选择 CSV 或 XLSX 文件"])


def case_enterprise_open(request):
    from steppe.policy.models import Enterprise

    firm = request.getfixturevalue("enterprise_user")
    return Case(firm, "/policy/enterprises/", {"form": "open", "industry": "C3985", "registered_on": "not-a-date"},
                lambda: Enterprise.objects.count(), ['href="#field-registered_on">'], ['value="not-a-date"'])


def case_enterprise_year(request):
    from steppe.policy.models import EnterpriseYear

    dept, ent = _enterprise(request)
    return Case(dept, f"/policy/enterprises/{ent.public_id}/", {"year": "1999", "employees": "80", "revenue": "abc"},
                lambda: EnterpriseYear.objects.count(), ["年度：", "销售收入："], ['value="1999"', 'value="abc"'])


def case_enterprise_event(request):
    from steppe.policy.models import ComplianceEvent

    dept, ent = _enterprise(request)
    return Case(dept, f"/policy/enterprises/{ent.public_id}/", {"form": "event", "kind": "", "note": "环保处罚"},
                lambda: ComplianceEvent.objects.count(), ["发生日期：必填"], ['value="环保处罚"'])


def case_policy_run(request):
    from steppe.policy.models import PolicyRun

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/policy/runs/", {"year": "19x4"}, lambda: PolicyRun.objects.count(), ["年度："],
                ['value="19x4"'])


def case_challenge(request):
    from steppe.challenges.models import Challenge

    request.getfixturevalue("regions")
    dept = request.getfixturevalue("dept")
    return Case(dept, "/supervision/challenges/new/", {"title": "稀土永磁电机降本攻关", "budget": "lots"},
                lambda: Challenge.objects.count(), ["技术难题：", "支持经费（万元）："], ["稀土永磁电机降本攻关", 'value="lots"'])


def case_register_record(request):
    from steppe.registers.models import Platform

    bureau = request.getfixturevalue("bureau_user")
    return Case(bureau, "/registers/platforms/new/", {"name": "某自治区重点实验室", "level": "provincial"},
                lambda: Platform.objects.count(), ["未保存：", "级别："], ["某自治区重点实验室"])


def case_interest_message(request):
    from steppe.transfer.models import Message

    firm, interest = _interest(request)
    body = "很" * 5001
    return Case(firm, f"/transfer/interests/{interest.public_id}/", {"body": body},
                lambda: Message.objects.count(), ["消息："], [body])


def case_contract_void(request):
    from steppe.transfer import services
    from steppe.transfer.models import Contract

    dept = request.getfixturevalue("department_user")
    c = services.contract_register(actor=dept, data={
        "number": "2026150100000123", "title": "钕铁硼晶界扩散技术转让合同", "type": "技术转让", "seller": "内蒙古大学",
        "seller_region": "150100", "buyer": "包头稀土新材料有限公司", "buyer_region": "150202", "amount": "100",
        "tech_amount": "90", "signed_on": "2026-03-01", "registered_on": "2026-03-15",
        "authority": "呼和浩特市技术合同认定登记站"})
    return Case(dept, "/transfer/contracts/", {"void": str(c.public_id), "reason": ""},
                lambda: list(Contract.objects.values_list("status", flat=True)), ["理由："])


def case_expert(request):
    from steppe.transfer.models import Expert

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/transfer/experts/", {"name": "", "institution": "内蒙古大学", "region": "150100",
                                             "profile": "稀土永磁材料"},
                lambda: Expert.objects.count(), ["姓名："], ['value="内蒙古大学"', "稀土永磁材料</textarea>",
                                                           'value="150100" selected'])


def case_broker(request):
    from steppe.transfer.models import Broker

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/transfer/experts/", {"what": "broker", "name": "李四", "certificate_no": ""},
                lambda: Broker.objects.count(), ["证书编号："], ['value="李四"'])


def case_scenario_round(request):
    from steppe.transfer.models import ScenarioRound

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/transfer/scenarios/", {"number": "x", "title": "第三批应用场景清单"},
                lambda: ScenarioRound.objects.count(), ["批次："], ['value="第三批应用场景清单"'])


def case_listing_import(request):
    from steppe.transfer.models import Achievement

    univ = request.getfixturevalue("institution_user")
    return Case(univ, "/transfer/achievements/import/", {"dry_run": "1"}, lambda: Achievement.objects.count(),
                ["请选择一个 CSV 或 XLSX 文件。"])


def case_listing_import_bad_file(request):
    from steppe.transfer.models import Achievement

    univ = request.getfixturevalue("institution_user")
    bad = SimpleUploadedFile("achievements.csv", "成果名称,简介\n,\n".encode(), content_type="text/csv")
    return Case(univ, "/transfer/achievements/import/", {"file": bad}, lambda: Achievement.objects.count(),
                ["有 "])


def case_stats_import(request):
    from steppe.stats.models import Observation

    dept = request.getfixturevalue("department_user")
    return Case(dept, "/monitoring/import/", {}, lambda: Observation.objects.count(), ["请选择一个 CSV 或 XLSX 文件。"])


CASES = {
    "signup": case_signup,
    "sign-in": case_sign_in,
    "password-reset-confirm": case_password_reset_confirm,
    "password-reset": case_password_reset,
    "invitation": case_invitation,
    "invite": case_invite,
    "my-organisation": case_my_organisation,
    "organisation-refuse": case_organisation_refuse,
    "round": case_round,
    "report-save": _report_case("save"),
    "report-submit": _report_case("submit"),
    "report-review": _report_review_case,
    "calculator-json": case_calculator_json,
    "calculator-grid": case_calculator_grid,
    "enterprise-import": case_enterprise_import,
    "enterprise-open": case_enterprise_open,
    "enterprise-year": case_enterprise_year,
    "enterprise-event": case_enterprise_event,
    "policy-run": case_policy_run,
    "challenge": case_challenge,
    "register-record": case_register_record,
    "interest-message": case_interest_message,
    "contract-void": case_contract_void,
    "expert": case_expert,
    "broker": case_broker,
    "scenario-round": case_scenario_round,
    "listing-import": case_listing_import,
    "listing-import-bad-file": case_listing_import_bad_file,
    "stats-import": case_stats_import,
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_refused_form_answers_400_with_its_errors_and_what_was_typed_and_writes_nothing(name, request, client):
    case = CASES[name](request)
    if case.user is not None:
        client.force_login(case.user)
    before = case.count()
    r = client.post(case.url, case.data)
    page = r.content.decode()
    assert r.status_code == 400, (r.status_code, r.get("Location"), page[-2000:])
    text = html.unescape(page)
    for words in case.says:
        assert words in page or words in text, (words, page[-4000:])
    for typed in case.kept:
        assert typed in page, typed
    assert case.count() == before


def test_a_calculation_shown_is_200_and_a_forbidden_post_is_404(client, department_user, enterprise_user):
    """The rule's other halves: a POST whose answer is the page itself (a calculation) is 200; a
    form the user may not send is 404, not a refusal."""
    from steppe.policy.views import EXAMPLE

    ok = client.post("/policy/", {"mode": "json", "year": "2024", "case": json.dumps(EXAMPLE)})
    assert ok.status_code == 200, ok.content.decode()[-2000:]
    client.force_login(enterprise_user)
    assert client.post("/supervision/rounds/", {"period": "2026-Q4", "due": "2026-12-31"}).status_code == 404
    assert client.post("/policy/runs/", {"year": "2024"}).status_code == 404
    assert client.post("/accounts/invite/", {"email": "x@example.org"}).status_code == 404
