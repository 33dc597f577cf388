"""Figures that bureaus report and the department accepts (旗县报 → 盟市审 → 自治区核), through the API
as scripts use it: a submission is not counted until the department accepts it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steppe.core.models import ApiToken
from steppe.stats import queries
from steppe.stats.models import Import, ImportDecision, Observation
from steppe.stats.submissions import E_LOCKED, E_OUTSIDE

HEADER = "region,indicator,year,value,unit,source_title"


@pytest.fixture
def county_bureau(db):
    from tests.conftest import _make_user

    return _make_user("donghe-bureau", "bureau", region="150202", unit="东河区科学技术局")


def token(user) -> str:
    return f"Bearer {ApiToken.objects.issue(user)[1]}"


def post_file(client, auth, rows, *, reason="", name="f.csv"):
    body = ("\n".join([HEADER, *rows]) + "\n").encode()
    data = {"file": SimpleUploadedFile(name, body)}
    if reason:
        data["reason"] = reason
    return client.post("/api/v1/observations/import", data, HTTP_AUTHORIZATION=auth)


def approve(client, auth, sid, comment=""):
    return client.post(f"/api/v1/observations/imports/{sid}/approve", {"comment": comment},
                       content_type="application/json", HTTP_AUTHORIZATION=auth)


def counted(region, indicator="gdp", year=2022):
    return list(Observation.objects.filter(region__code=region, indicator__code=indicator, year=year,
                                           is_current=True).values_list("value", flat=True))


def test_a_league_bureaus_figures_are_submitted_and_not_counted(client, indicators, bureau_user):
    r = post_file(client, token(bureau_user), ["包头市,gdp,2022,3900,亿元,包头市统计局"])
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "submitted" and body["id"] and body["region"] == "150200"
    assert counted("150200") == []
    [pending] = queries.pending_figures(Import.objects.filter(pk=body["id"]))
    assert (pending.region_code, pending.indicator, pending.value, pending.status) == ("150200", "gdp", 3900.0,
                                                                                       "submitted")


def test_a_row_for_another_league_is_refused_naming_the_row_and_nothing_is_written(client, indicators,
                                                                                    bureau_user):
    before = Import.objects.count()
    r = post_file(client, token(bureau_user), ["包头市,gdp,2022,3900,亿元,x", "鄂尔多斯市,gdp,2022,5600,亿元,x"])
    assert r.status_code == 400
    error = r.json()["error"]
    assert E_OUTSIDE in error["message"] and "row 3" in error["message"]
    assert error["data"]["errors"] == [
        {"row": 3, "column": "region", "message": error["data"]["errors"][0]["message"]}
    ]
    assert "鄂尔多斯市 (150600)" in error["data"]["errors"][0]["message"]
    assert Import.objects.count() == before


def test_a_county_figure_goes_through_its_league_then_the_department(client, indicators, county_bureau,
                                                                     bureau_user, other_bureau_user,
                                                                     department_user):
    r = post_file(client, token(county_bureau), ["150202,gdp,2022,800,亿元,东河区统计局"])
    assert r.status_code == 201
    sid = r.json()["id"]
    # another league's bureau does not even see it
    assert approve(client, token(other_bureau_user), sid).status_code == 404
    # the department waits for the league
    r = approve(client, token(department_user), sid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "awaiting_league"
    r = approve(client, token(bureau_user), sid, "核对无误")
    assert r.status_code == 200 and r.json()["status"] == "league_accepted"
    assert counted("150202") == []
    r = approve(client, token(department_user), sid)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert [float(v) for v in counted("150202")] == [800.0]
    assert [d["action"] for d in r.json()["decisions"]] == ["submit", "league_accept", "accept"]
    obs = Observation.objects.get(region__code="150202", indicator__code="gdp", year=2022)
    assert obs.imported_by_id == sid  # traceable to the submission and its file


def test_a_bureau_approves_only_its_own_counties(client, indicators, bureau_user, department_user):
    sid = post_file(client, token(bureau_user), ["包头市,gdp,2022,3900,亿元,x"]).json()["id"]
    r = approve(client, token(bureau_user), sid)
    assert r.status_code == 403  # its own league's figures are the department's to accept
    assert approve(client, token(department_user), sid).json()["status"] == "accepted"
    assert [float(v) for v in counted("150200")] == [3900.0]


def test_a_return_needs_a_comment_and_sends_it_back(client, indicators, bureau_user, department_user):
    sid = post_file(client, token(bureau_user), ["包头市,gdp,2022,3900,亿元,x"]).json()["id"]
    url = f"/api/v1/observations/imports/{sid}/return"
    auth = token(department_user)
    r = client.post(url, {"comment": ""}, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert r.status_code == 400 and r.json()["error"]["code"] == "comment_required"
    r = client.post(url, {"comment": "口径与统计公报不一致"}, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert r.json()["status"] == "returned"
    assert ImportDecision.objects.get(submission_id=sid, action="return").comment == "口径与统计公报不一致"
    assert approve(client, auth, sid).status_code == 409
    assert counted("150200") == []


def test_an_accepted_figure_is_locked_and_a_correction_is_a_new_version_with_its_reason(
    client, indicators, bureau_user, department_user
):
    b, d = token(bureau_user), token(department_user)
    first = post_file(client, b, ["包头市,gdp,2022,3900,亿元,包头市统计局"]).json()["id"]
    approve(client, d, first)
    r = post_file(client, b, ["包头市,gdp,2022,3950,亿元,包头市统计局"])
    assert r.status_code == 400 and E_LOCKED in r.json()["error"]["message"]
    second = post_file(client, b, ["包头市,gdp,2022,3950,亿元,包头市统计局"], reason="统计局修订").json()
    assert second["reason"] == "统计局修订"
    assert [float(v) for v in counted("150200")] == [3900.0]  # still the accepted one until acceptance
    approve(client, d, second["id"])
    history = list(Observation.objects.filter(region__code="150200", indicator__code="gdp", year=2022)
                   .order_by("version").values_list("value", "version", "is_current"))
    assert [(float(v), n, c) for v, n, c in history] == [(3900.0, 1, False), (3950.0, 2, True)]


def test_published_statistics_stay_official_and_need_no_approval(published):
    assert not Import.objects.filter(via="published").exclude(status="accepted").exists()
    assert Observation.objects.filter(imported_by__via="published", is_current=True).exists()


def test_someone_without_a_bureau_or_the_department_cannot_submit(client, indicators, enterprise_user):
    r = post_file(client, token(enterprise_user), ["包头市,gdp,2022,3900,亿元,x"])
    assert r.status_code == 403
