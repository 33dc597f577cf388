"""The league-facing pages: the cascade of T1–T7 with its consistency, the department's league-target
form, the submissions page (submit, review, completeness) and a bureau's home."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from steppe.stats.models import Import, Observation


@pytest.fixture
def county_bureau(db):
    from tests.conftest import _make_user

    return _make_user("donghe-bureau", "bureau", region="150202", unit="东河区科学技术局")


def test_the_cascade_page_shows_t1_to_t7_with_their_consistency(client, plan, published):
    body = client.get("/monitoring/cascade/").content.decode()
    for code in ("T1", "T2", "T3", "T4", "T5", "T6", "T7"):
        assert f'id="t-{code}"' in body
    assert 'id="t-Q1"' not in body
    assert "未分解目标:" in body and "未设定" in body  # the plan gives no league targets; none are invented
    # the leagues without a target are named (they rendered as a row of bare 、 before)
    shortfalls = body.split('class="shortfalls"', 1)[1].split("</ul>", 1)[0]
    assert "呼和浩特市、包头市、乌海市" in shortfalls


def test_the_department_sets_league_targets_and_a_bad_value_is_named(login, plan, published, department_user):
    client = login(department_user)
    url = "/monitoring/cascade/T3/edit/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"v_150200": "abc", "v_150100": "80", "source": "测试"})
    assert r.status_code == 400 and "包头市" in r.content.decode()
    r = client.post(url, {"v_150200": "100", "v_150100": "80", "source": "测试"})
    assert r.status_code == 302
    t3 = plan.targets.get(code="T3")
    assert sorted((lt.region.code, float(lt.value)) for lt in t3.league_targets.all()) == [
        ("150100", 80.0), ("150200", 100.0)]


def test_only_the_department_edits_league_targets(login, plan, bureau_user):
    assert login(bureau_user).get("/monitoring/cascade/T3/edit/").status_code == 404


def test_the_bureaus_import_link_leads_to_a_page_it_may_use(login, indicators, bureau_user):
    from steppe.web.worklinks import work_links

    client = login(bureau_user)
    urls = {link["label"]: link["url"] for link in work_links(bureau_user)}
    assert client.get(urls["报送统计数据"]).status_code == 200
    assert client.get(urls["本地区工作台"]).status_code == 200


def test_a_county_submits_on_the_page_and_its_league_reviews_it(client, indicators, county_bureau, bureau_user):
    client.force_login(county_bureau)
    body = b"region,indicator,year,value,unit,source_title\n150202,gdp,2022,800,\xe4\xba\xbf\xe5\x85\x83,x\n"
    r = client.post("/monitoring/submissions/", {"action": "submit", "file": SimpleUploadedFile("c.csv", body)})
    assert r.status_code == 302
    imp = Import.objects.get(region__code="150202")
    client.force_login(bureau_user)
    page = client.get("/monitoring/submissions/").content.decode()
    assert f'data-submission="{imp.pk}"' in page and "审核通过" in page
    pending = page.split('<tr class="pending">', 1)[1].split("</tr>", 1)[0]
    assert "800亿元" in pending, pending  # a pending figure with its unit, as the accepted ones
    home = client.get("/monitoring/bureau/").content.decode()
    assert f"旗县报送 {imp.pk} 待本盟市审核" in home
    client.post("/monitoring/submissions/", {"action": "approve", "submission": imp.pk, "comment": "ok"})
    imp.refresh_from_db()
    assert imp.status == "league_accepted"
    assert not Observation.objects.filter(region__code="150202").exists()


def test_a_wrong_region_on_the_page_names_the_row(login, indicators, bureau_user):
    client = login(bureau_user)
    body = "region,indicator,year,value,unit,source_title\n鄂尔多斯市,gdp,2022,1,亿元,x\n".encode()
    r = client.post("/monitoring/submissions/", {"action": "submit", "file": SimpleUploadedFile("c.csv", body)})
    assert r.status_code == 400 and "row 2" in r.content.decode()
    assert not Import.objects.filter(region__isnull=False).exists()


def test_completeness_per_league_and_what_a_bureau_owes(login, indicators, department_user, bureau_user):
    import datetime as dt

    from steppe.stats import queries
    from steppe.stats.submissions import reporting_period_open

    reporting_period_open(year=2024, due_on=dt.date(2025, 6, 30), indicators=["rd_expenditure", "gdp"],
                          actor=department_user)
    rows = {c.league.code: c for c in queries.completeness(2024, today=dt.date(2025, 7, 10))}
    assert rows["150200"].missing == ["rd_expenditure", "gdp"] and rows["150200"].overdue
    home = login(bureau_user).get("/monitoring/bureau/").content.decode()
    assert "全社会研发经费支出、" in home  # by name, never the bare code
    assert "rd_expenditure" not in home
    page = login(department_user).get("/monitoring/submissions/?year=2024").content.decode()
    completeness = page.split('id="completeness"', 1)[1]
    assert "全社会研发经费支出" in completeness and "rd_expenditure" not in completeness


def test_the_new_pages_read_in_english(login, plan, published, bureau_user):
    import re

    client = login(bureau_user)
    client.cookies["django_language"] = "en"
    for url, words in (("/monitoring/cascade/", ("Targets by league", "Not set")),
                       ("/monitoring/submissions/", ("Figures: submissions and review", "Submit")),
                       ("/monitoring/bureau/", ("My region", "Targets of"))):
        r = client.get(url)
        assert r.status_code == 200, url
        html = r.content.decode()
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S))
        for word in words:
            assert word in text, f"{url}: {word}"
        for chinese in ("未设定", "报送记录", "本地区工作台", "待办"):
            assert chinese not in text, f"{url}: {chinese} left in Chinese"


def test_a_leagues_latest_figure_on_the_cascade_carries_its_unit(client, plan, published):
    """T1 is a growth target: the league's latest figure is its R&D total, so it must say 亿元 (it read
    as a bare number beside a %/年 target)."""
    import re

    body = client.get("/monitoring/cascade/").content.decode()
    t1 = body.split('id="t-T1"', 1)[1].split("</section>", 1)[0]
    cells = re.findall(r'<td class="num">([^<]*\(\d{4}\))</td>', t1)
    assert cells and all("亿元" in c for c in cells), cells
    client.cookies["django_language"] = "en"
    en = client.get("/monitoring/cascade/").content.decode().split('id="t-T1"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'<td class="num">([^<]*\(\d{4}\))</td>', en)[0].split("(")[0].endswith("yuan")


def test_a_bureaus_home_shows_its_own_leagues_latest_report_not_another_units(login, plan, bureau_user):
    """A measure naming every league is reported on by a lead unit outside Baotou, after Baotou's own
    bureau reported: Baotou's home shows Baotou's report (40%), not the later one (90%)."""
    from steppe.core.models import Organisation, Region
    from steppe.plans.queries import league_measures
    from steppe.supervision.models import ProgressReport

    baotou = Region.objects.get(code="150200")
    measure = league_measures(baotou, plan).order_by("order").first()
    outsider = Organisation.objects.create(name="自治区某厅局", region=Region.objects.get(code="150000"))
    ProgressReport.objects.create(measure=measure, unit=bureau_user.unit, state="submitted", progress=40)
    ProgressReport.objects.create(measure=measure, unit=outsider, state="submitted", progress=90)
    home = login(bureau_user).get("/monitoring/bureau/").content.decode()
    row = home.split(f'href="/supervision/measures/{measure.code}/"', 1)[1].split("</tr>", 1)[0]
    assert "40%" in row, row
    assert "90%" not in row, row


def test_the_bureau_home_follows_the_one_league_rule(login, plan, county_bureau):
    """A county's bureau sees its league's home; a bureau account of the whole region has no league
    and no league home: a 404 (it was a 500, looking for the region among the leagues)."""
    from tests.conftest import _make_user

    county_home = login(county_bureau).get("/monitoring/bureau/")
    assert county_home.status_code == 200
    assert "包头市" in county_home.content.decode()
    from steppe.core.models import Region, User

    # sign-up refuses such an account; an administrator's edit can still make one
    regional = _make_user("region-bureau", "bureau", region="150200", unit="自治区某科技局")
    User.objects.filter(pk=regional.pk).update(region=Region.objects.get(code="150000"))
    regional.refresh_from_db()
    assert login(regional).get("/monitoring/bureau/").status_code == 404


def test_a_bureaus_home_gives_figures_their_units_and_measures_their_english_titles(login, plan, published,
                                                                                     bureau_user):
    """The same as the cascade: a league's latest R&D total says 亿元 (it was a bare number), and in
    English the measures read in English (their title_en), not in Chinese."""
    import re

    from steppe.plans.queries import league_measures

    client = login(bureau_user)
    body = client.get("/monitoring/bureau/").content.decode()
    cells = re.findall(r'<td class="num">([^<]*\(\d{4}\))</td>', body)
    assert cells and any("亿元" in c for c in cells), cells
    client.cookies["django_language"] = "en"
    en = client.get("/monitoring/bureau/").content.decode()
    measure = league_measures(bureau_user.region, plan).order_by("order").first()
    assert measure.title_en and measure.title_en in en.replace("&#x27;", "'").replace("&amp;", "&")
    assert measure.title not in en
