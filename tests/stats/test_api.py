"""Statistics API: indicators, observations, attainment, import."""

import pytest

from steppe.stats.models import Observation


@pytest.fixture
def loaded(plan, published):
    return plan


def test_indicators_list_includes_plan_and_csv_indicators(client, indicators):
    codes = {i["code"] for i in client.get("/api/v1/indicators").json()}
    assert {
        "rd_expenditure",
        "rd_intensity",
        "tech_contract_turnover",
        "high_tech_enterprises",
        "tech_smes",
        "share_industrial_enterprises_with_rd",
        "gdp",
        "tech_market_turnover_inflow",
    } <= codes


def test_observations_filtered_by_region_indicator_and_years(client, published):
    rows = client.get(
        "/api/v1/observations", {"region": "包头市", "indicator": "rd_expenditure", "year_from": 2020}
    ).json()
    assert [(r["region"], r["year"], r["value"]) for r in rows] == [("150200", 2022, 77.5)]
    assert rows[0]["source"]["url"].startswith("http")


def test_observations_say_which_source_is_used_and_why(client, published):
    rows = client.get(
        "/api/v1/observations", {"region": "150000", "indicator": "rd_intensity", "year_to": 2015}
    ).json()
    (r,) = rows
    assert r["value"] == 1.05 and r["status"] == "revised"
    assert r["alternatives"][0]["value"] == 0.76 and r["choice_reason"]


def test_unknown_indicator_is_a_clear_error(client, published):
    r = client.get("/api/v1/observations", {"indicator": "nope"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "unknown_indicator"


def test_attainment_has_one_entry_per_target_and_league_with_data(client, loaded):
    r = client.get(f"/api/v1/plans/{loaded.code}/attainment", {"as_of": 2025})
    assert r.status_code == 200
    entries = r.json()
    region_entries = [e for e in entries if e["region"] == "150000"]
    assert {e["target"] for e in region_entries} == set(loaded.targets.values_list("code", flat=True))
    by_target = {e["target"]: e for e in region_entries}
    t1 = by_target["T1"]  # R&D growth above 12% a year from 2022
    assert t1["latest"] == {"year": 2023, "value": 228.15}
    assert t1["observed_growth"] == pytest.approx(228.15 / 209.5 - 1)
    assert t1["required_growth"] == pytest.approx((209.5 * 1.12**3 / 228.15) ** 0.5 - 1)
    assert t1["status"] == "acceleration_needed" and "需加快进度" in t1["rule"]
    assert t1["projection"]["estimate"] is True
    t2 = by_target["T2"]  # R&D intensity 1.5%
    assert t2["baseline"] == {"year": 2022, "value": 0.9}
    # every quantitative target with two full years of published data gets a status
    for code in ("T1", "T2", "T3", "T4", "T6"):
        assert by_target[code]["status"] != "no_data", by_target[code]["rule"]
    # T5: the only region-wide count after 2022 is one stated on 2025-04-17 - a count within
    # 2025, not the 2025 year-end figure: not scored (it must not read "target year passed, unmet")
    t5 = by_target["T5"]
    assert t5["latest"]["year"] == 2022 and t5["status"] == "no_data", t5["rule"]
    assert "只有一个年份" in t5["rule"]
    # T6: the 2024 count (3,391, published 2025-02-14) meets twice the 2022 base; the same count
    # restated on 2025-04-17 is not a 2025 value
    t6 = by_target["T6"]
    assert t6["latest"] == {"year": 2024, "value": 3391.0} and t6["status"] == "achieved"
    assert by_target["T7"]["status"] == "no_data"  # the region-wide share is not published
    leagues = [e for e in entries if e["region"] != "150000"]
    # Ordos publishes only first-half shares (研发费用口径): no full-year series, no league entry
    assert not any(e["region"] == "150600" and e["target"] == "T7" for e in leagues)
    assert not any(
        e["region"] == "150800" and e["target"] in ("T5", "T6") for e in leagues
    )  # April 2025 counts


def test_attainment_of_unknown_plan_is_404(client, published):
    assert client.get("/api/v1/plans/nope/attainment").status_code == 404


def test_import_through_the_api_needs_the_department(client, published, bureau_user, department_user):
    from steppe.core.models import ApiToken

    body = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,API测试\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert (
        client.post("/api/v1/observations/import", {"file": SimpleUploadedFile("a.csv", body)}).status_code
        == 401
    )
    _, raw = ApiToken.objects.issue(bureau_user)
    r = client.post(
        "/api/v1/observations/import",
        {"file": SimpleUploadedFile("a.csv", body)},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 201 and r.json()["status"] == "submitted"  # a bureau submits; not counted yet
    assert not Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022).exists()
    _, raw = ApiToken.objects.issue(department_user)
    r = client.post(
        "/api/v1/observations/import",
        {"file": SimpleUploadedFile("a.csv", body), "dry_run": "true"},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200 and r.json()["added"] == 1 and r.json()["dry_run"] is True
    [added] = r.json()["changes"]["added"]  # the dry run lists what would be added
    assert (added["row"], added["region"], added["indicator"], added["year"], added["value"]) == (
        2,
        "包头市",
        "gdp",
        2022,
        3900.0,
    )
    assert not Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022).exists()
    r = client.post(
        "/api/v1/observations/import",
        {"file": SimpleUploadedFile("a.csv", body)},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 200 and r.json()["import_id"]
    assert Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022).exists()


def test_a_bad_file_through_the_api_names_row_and_column(client, published, department_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from steppe.core.models import ApiToken

    _, raw = ApiToken.objects.issue(department_user)
    body = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,abc,亿元,x\n".encode()
    r = client.post(
        "/api/v1/observations/import",
        {"file": SimpleUploadedFile("a.csv", body)},
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == "import_invalid"
    assert err["data"]["errors"][0] == {
        "row": 2,
        "column": "value",
        "message": err["data"]["errors"][0]["message"],
    }


def test_a_background_import_through_the_api_answers_202_with_the_job_to_follow(
    client, published, department_user, django_capture_on_commit_callbacks
):
    """`background=true` (or a file of more than 50,000 rows) queues a job (core.jobs): 202 with
    the job; GET /api/v1/jobs/{id} then gives its status and the import's counts."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from steppe.core.models import ApiToken

    _, raw = ApiToken.objects.issue(department_user)
    body = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,3900,亿元,后台API\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/observations/import", {"file": SimpleUploadedFile("a.csv", body), "background": "true"},
                        HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 202 and r.json()["kind"] == "stats.import"
    job = client.get(r.json()["url"], HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert job["status"] == "succeeded" and job["result"]["added"] == 1 and job["result"]["file_name"] == "a.csv"
    assert Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022,
                                      source__title="后台API").exists()
    bad = "region,indicator,year,value,unit,source_title\n包头市,gdp,2022,abc,亿元,x\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/api/v1/observations/import", {"file": SimpleUploadedFile("b.csv", bad), "background": "true"},
                        HTTP_AUTHORIZATION=f"Bearer {raw}")
    job = client.get(r.json()["url"], HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert job["status"] == "failed" and job["result"]["errors"][0]["row"] == 2 and "错误" in job["error"]
