"""The register: credit codes, import (all or nothing) and export, permissions, the batch run,
notifications, the counts for the doubling targets, and the evaluate CLI."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from steppe.core.errors import NotFound, ValidationFailed
from steppe.core.models import Notification, Unit
from steppe.policy import permissions
from steppe.policy.models import (
    Enterprise,
    EnterpriseYear,
    PolicyResult,
    credit_code_check_char,
    enterprise_subject,
)
from steppe.policy.queries import enterprise_counts_by_region_year
from steppe.policy.services import policy_run, register_export, register_import


def code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


BAOTOU = code("91150203MA0000001")
ORDOS = code("91150602MA0000002")
HEADER = "credit_code,name,region,industry,registered_on,hte_certificate_issued_on,tsme_registration_number,year,employees,tech_staff,revenue,income_total,total_costs,total_assets,net_assets,hightech_revenue,rd_expense,ip_class_i,ip_class_ii,conversions,income_by_industry\n"


def _rows(credit, name, region, cert=""):
    out = ""
    for y, rev, na in ((2022, 3000, 1000), (2023, 3500, 1200), (2024, 4000, 1500)):
        out += f"{credit},{name},{region},C3985,2015-05-01,{cert},,{y},100,30,{rev},{rev},{rev * 0.9},5000,{na},{rev * 0.7},{rev * 0.06},1,3,4,C3985:{rev}\n"
    return out


@pytest.fixture
def register(regions):
    register_import(
        io.StringIO(
            HEADER
            + _rows(BAOTOU, "包头稀土新材料有限公司", "150203")
            + _rows(ORDOS, "鄂尔多斯能源科技有限公司", "150602")
        ),
        filename="x.csv",
    )
    return Enterprise.objects.get(credit_code=BAOTOU), Enterprise.objects.get(credit_code=ORDOS)


def test_credit_code_check_digit():
    from django.core.exceptions import ValidationError

    from steppe.policy.models import validate_credit_code

    validate_credit_code("91350100M000100Y43")  # a published example
    with pytest.raises(ValidationError, match="校验码"):
        validate_credit_code("91350100M000100Y44")
    with pytest.raises(ValidationError, match="18"):
        validate_credit_code("9135")


def test_import_creates_enterprises_and_years(register):
    assert Enterprise.objects.count() == 2
    assert EnterpriseYear.objects.count() == 6
    y = EnterpriseYear.objects.get(enterprise__credit_code=BAOTOU, year=2024)
    assert str(y.revenue) == "4000.00" and y.income_by_industry == {"C3985": 4000.0}


def test_import_is_all_or_nothing_with_row_errors(regions):
    bad = HEADER + _rows(BAOTOU, "甲", "150203")
    bad += "91150203MA0000009X,乙,150203,C3985,2015-05-01,,,2024,10,20,1,1,1,1,1,1,1,0,0,0,\n"
    bad += f"{ORDOS},丙,999999,Z99,2015-02-30,,,2024,10,2,-5,1,1,1,1,1,1,0,0,0,\n"
    with pytest.raises(ValidationFailed) as err:
        register_import(io.StringIO(bad), filename="bad.csv")
    errors = err.value.data["errors"]
    where = {(e["row"], e["column"]) for e in errors}
    assert (5, "credit_code") in where
    assert {(6, "region"), (6, "industry"), (6, "registered_on"), (6, "revenue")} <= where
    assert Enterprise.objects.count() == 0 and EnterpriseYear.objects.count() == 0


def test_import_rejects_unknown_columns_and_staff_over_employees(regions):
    with pytest.raises(ValidationFailed) as err:
        register_import(
            io.StringIO("credit_code,name,region,registered_on,year,revenu\nx,y,150203,2015-01-01,2024,1\n"),
            filename="h.csv",
        )
    assert {"row": 1, "column": "revenu", "message": "未知列 unknown column"} in err.value.data["errors"]
    rows = HEADER + f"{BAOTOU},甲,150203,C3985,2015-05-01,,,2024,10,20,1,1,1,1,1,1,1,0,0,0,\n"
    with pytest.raises(ValidationFailed) as err:
        register_import(io.StringIO(rows), filename="s.csv")
    assert err.value.data["errors"][0]["column"] == "tech_staff"


def test_export_round_trips_csv_and_xlsx(register, tmp_path):
    path = tmp_path / "out.csv"
    assert register_export(path) == 6
    EnterpriseYear.objects.all().delete()
    register_import(path)
    assert EnterpriseYear.objects.count() == 6
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the names as UTF-8
    xlsx = tmp_path / "out.xlsx"
    register_export(xlsx)
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(xlsx)).get_sheet_by_index(0).to_python()
    head = sheet[0]
    assert isinstance(sheet[1][head.index("revenue")], float)  # numbers, not text
    assert isinstance(sheet[1][head.index("region")], str)  # codes stay text (leading digits kept)
    counts = register_import(xlsx)
    assert counts["years_updated"] == 6 and counts["years_created"] == 0


def test_bureau_sees_only_its_league(register, bureau_user, other_bureau_user, login):
    baotou, ordos = register
    assert list(permissions.enterprises_visible_to(bureau_user)) == [baotou]
    assert list(permissions.enterprises_visible_to(other_bureau_user)) == [ordos]
    with pytest.raises(NotFound):
        permissions.get_enterprise_for_user(bureau_user, ordos.public_id)
    client = login(bureau_user)
    assert client.get(f"/policy/enterprises/{baotou.public_id}/").status_code == 200
    assert client.get(f"/policy/enterprises/{ordos.public_id}/").status_code == 404
    data = client.get("/api/v1/policy/enterprises").json()
    assert [e["credit_code"] for e in data["items"]] == [BAOTOU]
    assert client.get(f"/api/v1/policy/enterprises/{ordos.public_id}").status_code == 404


def test_enterprise_user_sees_its_own_file_only(register, enterprise_user):
    baotou, ordos = register
    baotou.unit = enterprise_user.unit
    baotou.save()
    assert list(permissions.enterprises_visible_to(enterprise_user)) == [baotou]
    _, can_write = permissions.get_enterprise_for_user(enterprise_user, baotou.public_id)
    assert can_write is True


def test_bank_sees_only_the_white_list(register, bank_user, department_user, login):
    baotou, ordos = register
    baotou.innovation_score_official = 82
    baotou.save()
    ordos.innovation_score_official = 55
    ordos.save()
    client = login(bank_user)
    assert client.get("/api/v1/policy/white-list").json() == []  # no run yet: nothing
    policy_run(2024)
    assert list(permissions.white_list_ids()) == [baotou.id]
    assert [r["credit_code"] for r in client.get("/api/v1/policy/white-list").json()] == [BAOTOU]
    # the list and nothing else: not even the white-listed enterprise's file
    assert list(permissions.enterprises_visible_to(bank_user)) == []
    assert client.get(f"/api/v1/policy/enterprises/{baotou.public_id}").status_code == 404
    assert client.get(f"/policy/enterprises/{baotou.public_id}/").status_code == 404
    assert client.get("/api/v1/policy/enterprises").json()["total"] == 0
    assert client.get("/policy/enterprises/").status_code == 404
    assert client.get("/policy/enterprises/export.csv").status_code == 404
    assert client.get(f"/api/v1/policy/enterprises/{ordos.public_id}").status_code == 404
    assert client.get(f"/policy/enterprises/{ordos.public_id}/").status_code == 404
    assert client.get("/policy/white-list/").status_code == 200
    assert client.get("/policy/runs/").status_code == 404
    assert login(department_user).get("/policy/runs/").status_code == 200


def test_batch_run_stores_results_notifications_and_counts(register):
    baotou, ordos = register
    run = policy_run(2024)
    assert run.status == "done" and run.total == 2
    assert PolicyResult.objects.filter(year=2024).count() == 2
    r = PolicyResult.objects.get(enterprise=baotou, year=2024)
    assert r.tsme_eligible is True and "tsme_score" in r.trace
    about_baotou = Notification.objects.filter(subject=enterprise_subject(baotou.pk))
    assert about_baotou.filter(data__policy="tsme", kind="newly_qualifies").exists()
    assert run.summary["leagues"]["150200"]["enterprises"] == 1
    assert any(p["rule"] == "sd_rate" for p in run.parameters)
    # re-running replaces the year's results and does not notify again
    policy_run(2024)
    assert PolicyResult.objects.filter(year=2024).count() == 2
    assert about_baotou.filter(data__policy="tsme").count() == 1
    rows = enterprise_counts_by_region_year()
    row = next(x for x in rows if x["region_code"] == "150200" and x["year"] == 2024)
    assert row["tsme_would_qualify"] == 1
    assert set(row) == {
        "region_code",
        "year",
        "high_tech_enterprises",
        "tech_smes",
        "hte_would_qualify",
        "tsme_would_qualify",
        "hte_depends_on_expert_score",
    }


def test_counts_from_certificates(regions):
    rows = HEADER + _rows(BAOTOU, "甲", "150203", cert="2022-10-01")
    register_import(io.StringIO(rows), filename="c.csv")
    counts = {
        (r["region_code"], r["year"]): r["high_tech_enterprises"] for r in enterprise_counts_by_region_year()
    }
    assert counts[("150200", 2022)] == 1 and counts[("150200", 2025)] == 1 and ("150200", 2026) not in counts


def test_evaluate_cli_prints_json(tmp_path):
    case = {
        "enterprise": {"registered_on": "2015-01-01"},
        "years": {"2024": {"employees": 100, "tech_staff": 30, "revenue": 1000, "rd_expense": 50}},
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    out = io.StringIO()
    call_command("policy", "evaluate", str(path), "--year", "2024", stdout=out)
    data = json.loads(out.getvalue())
    assert data["tsme"]["score"] == 60 and data["tsme"]["eligible"] is True
    case["years"]["2024"]["tech_staff"] = -3
    path.write_text(json.dumps(case))
    with pytest.raises(CommandError, match=r"years\.2024\.tech_staff: must be a number ≥ 0"):
        call_command("policy", "evaluate", str(path), "--year", "2024", stdout=io.StringIO())


def test_calculator_page_and_api(client, regions):
    assert client.get("/policy/").status_code == 200
    case = {
        "enterprise": {"registered_on": "2015-01-01"},
        "years": {"2024": {"employees": 100, "tech_staff": 30, "revenue": 1000, "rd_expense": 50}},
    }
    resp = client.post("/policy/", {"mode": "json", "case": json.dumps(case), "year": "2024"})
    assert resp.status_code == 200 and "符合" in resp.content.decode()
    grid = {"year": "2024", "e_registered_on": "2015-01-01", "e_compliance_ok": "1", "y2_employees": "100",
            "y2_tech_staff": "30", "y2_revenue": "1000", "y2_rd_expense": "50"}  # fmt: skip
    page = client.post("/policy/", grid).content.decode()
    assert "得分 60" in page and "距离符合条件还差" in page
    grid["y2_tech_staff"] = "-1"
    page = client.post("/policy/", grid).content.decode()
    # the grid reports it beside the cell, in Chinese (test_calculator_page.py has the details)
    assert 'id="field-y2_tech_staff" class="has-error"' in page and "must be" not in page
    resp = client.post(
        "/api/v1/policy/evaluate", {"case": case, "year": 2024}, content_type="application/json"
    )
    assert resp.status_code == 200 and resp.json()["tsme"]["eligible"] is True
    case["years"]["2024"]["revenue"] = "x"
    resp = client.post(
        "/api/v1/policy/evaluate", {"case": case, "year": 2024}, content_type="application/json"
    )
    assert (
        resp.status_code == 400
        and resp.json()["error"]["data"]["errors"][0]["field"] == "case.years.2024.revenue"
    )


def test_generate_creates_synthetic_enterprises(regions):
    out = io.StringIO()
    call_command("policy", "generate", "--count", "50", stdout=out)
    assert Enterprise.objects.filter(synthetic=True).count() == 50
    assert EnterpriseYear.objects.count() == 150
    for e in Enterprise.objects.all()[:5]:
        e.full_clean()
    run = policy_run(2024)
    assert run.total == 50


_ = Unit


def test_department_starts_a_background_run_and_sees_progress(register, department_user, bureau_user, login):
    """The page queues a job (core.jobs); a worker runs it. Here the queue is left unsent (the test's
    transaction never commits) and the worker's step is `execute`, so the queued state is seen."""
    from steppe.core.jobs.models import Job
    from steppe.core.jobs.runner import execute
    from steppe.policy.models import PolicyRun

    client = login(bureau_user)
    assert client.post("/policy/runs/", {"year": "2024"}).status_code == 404
    client = login(department_user)
    resp = client.post("/policy/runs/", {"year": "2024"})
    assert resp.status_code == 302
    run = PolicyRun.objects.get()
    assert run.status == "queued"
    job = Job.objects.get(kind="policy.run")
    assert job.status == "queued" and job.params == {"year": 2024, "run": run.pk}
    assert (job.subject_type, job.subject_id, job.started_by) == ("policy.PolicyRun", str(run.pk), department_user)
    frag = client.get(f"/policy/runs/{run.pk}/progress/").content.decode()
    assert "排队中" in frag and "hx-trigger" in frag
    # a second start while one is queued is refused
    resp = client.post("/policy/runs/", {"year": "2024"})
    assert "已有批量测算在运行" in resp.content.decode()
    assert execute(job.pk) == "succeeded"  # the worker
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == "done" and run.done == run.total == 2
    assert job.result["enterprises"] == 2 and job.result["run"] == run.pk and (job.done, job.total) == (2, 2)
    frag = client.get(f"/policy/runs/{run.pk}/progress/").content.decode()
    assert "hx-trigger" not in frag and "2/2" in frag
    page = client.get("/policy/runs/").content.decode()
    assert "150200" in page and "150600" in page


def test_a_run_whose_job_died_no_longer_blocks_a_new_one_and_its_retry_reruns_it(register, department_user):
    import socket
    import subprocess
    import sys

    from steppe.core.jobs import service
    from steppe.core.jobs.models import Job
    from steppe.core.jobs.runner import execute
    from steppe.policy.models import PolicyRun
    from steppe.policy.services import policy_run_start

    run = policy_run_start(2024, actor=department_user)
    job = Job.objects.get(kind="policy.run")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    Job.objects.filter(pk=job.pk).update(status="running", worker=f"{socket.gethostname()}:{gone.pid}", attempts=1)
    PolicyRun.objects.filter(pk=run.pk).update(status="running", done=1, total=2)
    second = policy_run_start(2024, actor=department_user)  # the dead one is failed, not "busy"
    run.refresh_from_db()
    job.refresh_from_db()
    assert run.status == "failed" and job.status == "failed" and "已不存在" in job.error
    assert execute(Job.objects.get(subject_id=str(second.pk)).pk) == "succeeded"
    service.retry(job.pk)
    assert execute(job.pk) == "succeeded"
    run.refresh_from_db()
    assert run.status == "done" and run.done == 2


def test_bureau_run_page_shows_only_its_league(register, bureau_user, login):
    policy_run(2024)
    page = login(bureau_user).get("/policy/runs/").content.decode()
    assert "150200" in page and "150600" not in page


def test_enterprise_pages_render(register, department_user, login):
    baotou, _ = register
    policy_run(2024)
    client = login(department_user)
    assert "包头稀土新材料有限公司" in client.get("/policy/enterprises/").content.decode()
    page = client.get(f"/policy/enterprises/{baotou.public_id}/").content.decode()
    assert BAOTOU in page and "符合" in page
    loaded = client.get(f"/policy/?load={baotou.public_id}&year=2024").content.decode()
    assert "150203" in loaded and "2022" in loaded
    assert client.get("/policy/white-list/").status_code == 200
    assert client.get("/policy/?load=00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_failed_run_leaves_no_partial_results(register, monkeypatch):
    from steppe.policy import services
    from steppe.policy.models import PolicyRun

    policy_run(2024)
    before = list(PolicyResult.objects.values_list("enterprise_id", "run_id"))

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_summary", boom)
    with pytest.raises(RuntimeError):
        policy_run(2024)
    assert list(PolicyResult.objects.values_list("enterprise_id", "run_id")) == before
    assert PolicyRun.objects.filter(status="failed").count() == 1


def test_enterprise_user_edits_its_own_year_and_not_another(register, enterprise_user, login):
    from steppe.core.models import AuditEntry

    baotou, ordos = register
    baotou.unit = enterprise_user.unit
    baotou.save()
    client = login(enterprise_user)
    resp = client.post(
        f"/policy/enterprises/{baotou.public_id}/",
        {"year": "2025", "employees": "120", "tech_staff": "40", "revenue": "5000.5"},
    )
    assert resp.status_code == 302
    y = EnterpriseYear.objects.get(enterprise=baotou, year=2025)
    assert str(y.revenue) == "5000.50" and str(y.employees) == "120.0"
    assert AuditEntry.objects.filter(action="policy.enterprise_year_save").exists()
    # a bad value names the field and writes nothing
    resp = client.post(
        f"/policy/enterprises/{baotou.public_id}/", {"year": "2025", "employees": "10", "tech_staff": "40"}
    )
    assert "科技人员：科技人员不能多于职工总数" in resp.content.decode()
    assert str(EnterpriseYear.objects.get(enterprise=baotou, year=2025).employees) == "120.0"
    # someone else's file is not found, by page and by API
    assert client.post(f"/policy/enterprises/{ordos.public_id}/", {"year": "2025"}).status_code == 404
    resp = client.put(
        f"/api/v1/policy/enterprises/{ordos.public_id}/years/2025",
        {"employees": 1},
        content_type="application/json",
    )
    assert resp.status_code == 404


def test_api_put_year_validates_and_bank_cannot_write(register, department_user, bank_user, login):
    baotou, _ = register
    client = login(department_user)
    url = f"/api/v1/policy/enterprises/{baotou.public_id}/years/2025"
    resp = client.put(
        url,
        {
            "employees": 10,
            "tech_staff": 3,
            "rd_projects": [{"name": "A", "five_items": 9, "other_related": 2}],
        },
        content_type="application/json",
    )
    assert resp.status_code == 200
    assert EnterpriseYear.objects.get(enterprise=baotou, year=2025).rd_projects.count() == 1
    resp = client.put(url, {"employees": "many"}, content_type="application/json")
    assert (
        resp.status_code == 400
        and resp.json()["error"]["data"]["errors"][0]["field"] == "years.2025.employees"
    )
    resp = client.put(url, {"ip_advancement": 3}, content_type="application/json")
    assert resp.status_code == 400
    baotou.innovation_score_official = 90
    baotou.save()
    policy_run(2024)
    resp = login(bank_user).put(url, {"employees": 1}, content_type="application/json")
    assert resp.status_code == 404  # a bank sees the white list only, never a file


def test_bureau_imports_only_its_league_through_the_page(regions, bureau_user, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(bureau_user)
    data = (HEADER + _rows(BAOTOU, "甲", "150203") + _rows(ORDOS, "乙", "150602")).encode("utf-8")
    resp = client.post("/policy/enterprises/", {"file": SimpleUploadedFile("r.csv", data)})
    page = resp.content.decode()
    assert "不在本盟市" in page and Enterprise.objects.count() == 0
    data = (HEADER + _rows(BAOTOU, "甲", "150203")).encode("utf-8")
    resp = client.post("/policy/enterprises/", {"file": SimpleUploadedFile("r.csv", data), "dry_run": "1"})
    assert "检查通过" in resp.content.decode() and Enterprise.objects.count() == 0
    resp = client.post("/policy/enterprises/", {"file": SimpleUploadedFile("r.csv", data)})
    assert "已导入" in resp.content.decode() and Enterprise.objects.count() == 1
    csv_text = client.get("/policy/enterprises/export.csv").content.decode("utf-8-sig")
    assert csv_text.count(BAOTOU) == 3


def test_enterprise_and_bank_users_cannot_import(regions, enterprise_user, bank_user, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for user in (enterprise_user, bank_user):
        data = (HEADER + _rows(BAOTOU, "甲", "150203")).encode("utf-8")
        resp = login(user).post("/policy/enterprises/", {"file": SimpleUploadedFile("r.csv", data)})
        assert resp.status_code == 404
    assert Enterprise.objects.count() == 0


def test_import_needs_county_codes(regions):
    with pytest.raises(ValidationFailed) as err:
        register_import(io.StringIO(HEADER + _rows(BAOTOU, "甲", "150200")), filename="l.csv")
    assert err.value.data["errors"][0]["column"] == "region"


def test_compliance_event_blocks_the_tsme_evaluation(
    register, bureau_user, other_bureau_user, enterprise_user
):
    from datetime import date

    from steppe.core.errors import DomainError
    from steppe.policy.services import compliance_event_record

    baotou, _ = register
    with pytest.raises(DomainError):
        compliance_event_record(
            actor=other_bureau_user, enterprise=baotou, kind="accident", occurred_on=date(2024, 5, 1)
        )
    with pytest.raises(DomainError):
        compliance_event_record(
            actor=enterprise_user, enterprise=baotou, kind="accident", occurred_on=date(2024, 5, 1)
        )
    compliance_event_record(
        actor=bureau_user, enterprise=baotou, kind="accident", occurred_on=date(2024, 5, 1)
    )
    policy_run(2024)
    r = PolicyResult.objects.get(enterprise=baotou, year=2024)
    assert r.tsme_eligible is False and "compliance" in r.hte_failed


def test_white_list_threshold_and_weights_are_configurable(register):
    from steppe.policy.models import InnovationModel

    baotou, ordos = register
    policy_run(2024)
    assert PolicyResult.objects.filter(white_list=True).count() == 0
    weights = {k: 0 for k in ("rd_intensity", "tech_staff_ratio", "ip_class_i", "ip_class_ii", "conversions",
                              "hightech_revenue_share", "revenue_growth", "net_asset_growth", "hte_certificate", "tsme")}  # fmt: skip
    weights["compliance"] = 100
    InnovationModel.objects.create(name="合规即可", weights=weights, white_list_threshold=50, active=True)
    policy_run(2024)
    assert PolicyResult.objects.filter(white_list=True).count() == 2


def test_bureau_records_a_compliance_event_on_the_page(register, bureau_user, enterprise_user, login):
    baotou, _ = register
    client = login(bureau_user)
    resp = client.post(
        f"/policy/enterprises/{baotou.public_id}/",
        {"form": "event", "kind": "environment", "occurred_on": "2024-03-02"},
    )
    assert resp.status_code == 302
    assert baotou.compliance_events.get().kind == "environment"
    baotou.unit = enterprise_user.unit
    baotou.save()
    resp = login(enterprise_user).post(
        f"/policy/enterprises/{baotou.public_id}/",
        {"form": "event", "kind": "accident", "occurred_on": "2024-03-02"},
    )
    assert resp.status_code == 404 and baotou.compliance_events.count() == 1


def test_a_malformed_id_is_not_found(register, department_user, login):
    client = login(department_user)
    assert client.get("/api/v1/policy/enterprises/not-a-uuid").status_code == 404
    with pytest.raises(NotFound):
        permissions.get_enterprise_for_user(department_user, "not-a-uuid")


def test_the_calculator_case_of_a_file_carries_its_compliance_events(register, department_user):
    from datetime import date

    from steppe.policy.engine import evaluate
    from steppe.policy.services import compliance_event_record, enterprise_case

    baotou, _ = register
    assert evaluate(enterprise_case(baotou, 2024), 2024)["tsme"]["eligible"] is True
    compliance_event_record(
        actor=department_user, enterprise=baotou, kind="misconduct", occurred_on=date(2025, 2, 1)
    )
    case = enterprise_case(baotou, 2024)
    assert case["years"]["2025"] == {"compliance_ok": False}
    out = evaluate(case, 2024)
    assert out["tsme"]["eligible"] is False and "compliance" in out["hte"]["failed"]


def test_register_batch_columns_agree_with_evaluate_on_capitalised_projects_before_2021(
    register, department_user
):
    """The batch path (register_columns) and evaluate() give the same 2020 eligible R&D when a
    capitalised project's allowed other expenses must stay out of the expensed base."""
    from steppe.policy.engine import evaluate, evaluate_many
    from steppe.policy.services import enterprise_case, enterprise_year_save, register_columns

    baotou, _ = register
    projects = [
        {"name": "A", "five_items": 90, "other_related": 20, "capitalized": False},
        {"name": "B", "five_items": 90, "other_related": 5, "capitalized": True},
    ]
    data = {"employees": 50, "tech_staff": 10, "revenue": 3000, "rd_expense": 205, "rd_projects": projects}
    enterprise_year_save(actor=department_user, enterprise=baotou, year=2020, data=data)
    single = evaluate(enterprise_case(baotou, 2020), 2020)["super_deduction"]
    assert single["eligible_rd"] == pytest.approx(100)
    ids, columns, _meta = register_columns(2020, [baotou.id])
    batch = evaluate_many(columns, 2020, ["sd_eligible_rd", "sd_other_allowed"])
    assert batch["sd_eligible_rd"][0] == pytest.approx(100)
    assert batch["sd_other_allowed"][0] == pytest.approx(15)


def _counts_one_by_one() -> list[dict]:
    """The doubling-target counts worked out one enterprise at a time (the definition the grouped
    database counts of ``enterprise_counts_by_region_year`` must equal)."""
    from collections import defaultdict

    from steppe.core.models import Region

    zero = {"high_tech_enterprises": 0, "tech_smes": 0, "hte_would_qualify": 0, "tsme_would_qualify": 0,
            "hte_depends_on_expert_score": 0}
    counts: dict = defaultdict(lambda: dict(zero))
    for e in Enterprise.objects.select_related("region"):
        league = Region.league_or_self(e.region.code)
        issued, tsme = e.hte_certificate_issued_on, e.tsme_registration_number
        if issued:
            last = issued.year + 3 if (issued.month, issued.day) != (1, 1) else issued.year + 2
            for y in range(issued.year, last + 1):
                counts[(league, y)]["high_tech_enterprises"] += 1
        if tsme and len(tsme) >= 11 and tsme[:4].isdigit():
            counts[(league, int(tsme[:4]))]["tech_smes"] += 1
    for r in PolicyResult.objects.filter(run__status="done").select_related("enterprise__region"):
        row = counts[(Region.league_or_self(r.enterprise.region.code), r.year)]
        row["tsme_would_qualify"] += int(r.tsme_eligible)
        row["hte_would_qualify"] += int(r.hte_eligibility == 1)
        row["hte_depends_on_expert_score"] += int(r.hte_eligibility == -1)
    return sorted(({"region_code": k[0], "year": k[1], **v} for k, v in counts.items()),
                  key=lambda r: (r["region_code"], r["year"]))


def test_the_grouped_counts_equal_the_counts_one_enterprise_at_a_time(register):
    """Certificates issued on 1 January (valid one year less), in several leagues and years, numbers
    too short or not starting with a year, and a batch run's results: counted the same way."""
    import datetime as dt

    from steppe.core.models import Region

    cases = [("150203", dt.date(2022, 1, 1), "20221502030001"), ("150203", dt.date(2022, 10, 1), "2023150203A01"),
             ("150602", dt.date(2021, 6, 30), "2024"), ("150602", None, "X0241506020001"),
             ("150102", dt.date(2023, 1, 1), "20231501020007"), ("150102", None, "")]
    for i, (region, issued, tsme) in enumerate(cases):
        Enterprise.objects.create(name=f"企业{i}", credit_code=code(f"9115000{i}MA000{i:04d}"),
                                  region=Region.objects.get(code=region), registered_on=dt.date(2015, 5, 1),
                                  hte_certificate_issued_on=issued, tsme_registration_number=tsme)
    policy_run(2024)
    got = enterprise_counts_by_region_year()
    assert any(r["high_tech_enterprises"] for r in got) and any(r["tech_smes"] for r in got)
    assert any(r["tsme_would_qualify"] for r in got)
    assert got == _counts_one_by_one()
    assert enterprise_counts_by_region_year(years=[2023]) == [r for r in got if r["year"] == 2023]
