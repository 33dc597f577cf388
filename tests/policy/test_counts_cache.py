"""The register's enterprise counts by league and year come from the shared cache (policy/cache.py),
and every kind of write that changes them shows on the next read: the batch-results page is read
first (so the cache holds the counts), the write is made, and the page shows the change at once,
equal to the counts computed from the database."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steppe.core.models import Region
from steppe.policy import queries
from steppe.policy.cache import COUNTS
from steppe.policy.models import Enterprise, PolicyResult, PolicyRun, credit_code_check_char
from steppe.policy.services import enterprises_generate, policy_run, register_import

pytestmark = pytest.mark.django_db

COLUMNS = ("high_tech_enterprises", "tech_smes", "hte_would_qualify", "hte_depends_on_expert_score",
           "tsme_would_qualify")  # fmt: skip
HEADER = ("credit_code,name,region,industry,registered_on,hte_certificate_issued_on,tsme_registration_number,"
          "year,employees,tech_staff,revenue,income_total,total_costs,total_assets,net_assets,hightech_revenue,"
          "rd_expense,ip_class_i,ip_class_ii,conversions,income_by_industry\n")  # fmt: skip


def code(body17: str) -> str:
    return body17 + credit_code_check_char(body17)


BAOTOU = code("91150203MA0000001")
ORDOS = code("91150602MA0000002")


def _csv(credit, name, region, cert="", tsme=""):
    out = ""
    for y, rev, na in ((2022, 3000, 1000), (2023, 3500, 1200), (2024, 4000, 1500)):
        out += (f"{credit},{name},{region},C3985,2015-05-01,{cert},{tsme},{y},100,30,{rev},{rev},{rev * 0.9},5000,"
                f"{na},{rev * 0.7},{rev * 0.06},1,3,4,C3985:{rev}\n")  # fmt: skip
    return out


def _page_counts(html: str) -> dict[tuple[str, int], tuple[int, ...]]:
    """The counts table of the page: (league code, year) -> the five counts."""
    body = html.split("<h2>", 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", " ", c).split() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        out[(cells[0][-1], int(cells[1][0]))] = tuple(int(c[0]) for c in cells[2:])
    return out


def _fresh() -> dict[tuple[str, int], tuple[int, ...]]:
    """The counts computed from the database now (the cache's definition)."""
    return {(r["region_code"], r["year"]): tuple(r[c] for c in COLUMNS)
            for r in queries._enterprise_counts_by_region_year()}  # fmt: skip


@pytest.fixture
def register(regions):
    register_import(io.StringIO(HEADER + _csv(BAOTOU, "包头稀土新材料有限公司", "150203", tsme="20231502030A001")
                                + _csv(ORDOS, "鄂尔多斯能源科技有限公司", "150602", cert="2022-10-01")),
                    filename="x.csv")  # fmt: skip
    return Enterprise.objects.get(credit_code=BAOTOU), Enterprise.objects.get(credit_code=ORDOS)


@pytest.fixture
def page(client, department_user):
    client.force_login(department_user)

    def _read():
        r = client.get("/policy/runs/")
        assert r.status_code == 200
        return _page_counts(r.content.decode())

    return _read


def _changes(page, write) -> dict:
    """Read the page (filling the cache), write, read again: the new counts, checked against the
    database; the write must have changed them."""
    before = page()
    assert before == _fresh()
    write()
    after = page()
    assert after == _fresh()
    assert after != before
    return after


def test_the_counts_are_kept_in_the_cache(page, register, client):
    first = page()
    assert first[("150200", 2023)][1] == 1 and first[("150600", 2022)][0] == 1
    with CaptureQueriesContext(connection) as q:
        assert page() == first
    sql = " ".join(x["sql"] for x in q.captured_queries)
    assert "policy_enterprise" not in sql and "policy_policyresult" not in sql
    assert client.get("/api/v1/policy/counts").json() == queries.enterprise_counts_by_region_year()


def test_an_import_shows_at_once(page, register):
    third = code("91150204MA0000003")
    after = _changes(page, lambda: register_import(io.StringIO(HEADER + _csv(third, "丙", "150204", cert="2023-05-01")),
                                                   filename="y.csv"))  # fmt: skip
    assert after[("150200", 2023)][0] == 1


def test_saving_and_deleting_an_enterprise_show_at_once(page, register):
    baotou, ordos = register

    def save():
        baotou.hte_certificate_issued_on = dt.date(2021, 3, 1)
        baotou.save()

    assert _changes(page, save)[("150200", 2021)][0] == 1
    assert ("150600", 2022) not in _changes(page, ordos.delete)


def test_queryset_writes_of_enterprises_show_at_once(page, register):
    baotou, ordos = register
    _changes(page, lambda: Enterprise.objects.filter(pk=baotou.pk).update(tsme_registration_number=""))

    def bulk_update():
        ordos.tsme_registration_number = "20241506020A002"
        Enterprise.objects.bulk_update([ordos], ["tsme_registration_number"])

    assert _changes(page, bulk_update)[("150600", 2024)][1] == 1
    assert _changes(page, lambda: Enterprise.objects.filter(pk=ordos.pk).delete()) == {}


def test_generated_enterprises_show_at_once(page, register):
    """enterprises_generate (the benchmarks and the synthetic fill): bulk_create and plain INSERTs."""
    after = _changes(page, lambda: enterprises_generate(40, year=2024, seed=3))
    assert sum(v[1] for k, v in after.items() if k[1] == 2024) > 0


def test_a_batch_run_and_its_removal_show_at_once(page, register):
    after = _changes(page, lambda: policy_run(2024))
    assert after[("150200", 2024)][4] == 1  # the run's results: tsme would qualify
    run = PolicyRun.objects.get()
    _changes(page, lambda: PolicyResult.objects.filter(run=run, enterprise__credit_code=BAOTOU).update(
        tsme_eligible=False))  # fmt: skip
    _changes(page, lambda: PolicyResult.objects.filter(run=run).delete())
    latest = _changes(page, lambda: policy_run(2024))  # the next run replaces the results of its year
    assert latest[("150200", 2024)][4] == 1
    run = PolicyRun.objects.order_by("-pk").first()
    _changes(page, lambda: PolicyRun.objects.filter(pk=run.pk).update(status=PolicyRun.Status.FAILED))
    PolicyRun.objects.filter(pk=run.pk).update(status=PolicyRun.Status.DONE)
    _changes(page, run.delete)  # its results go with it (a cascade, no signal of theirs)


def test_a_run_deleted_through_its_queryset_shows_at_once(page, register):
    policy_run(2024)
    _changes(page, lambda: PolicyRun.objects.all().delete())


def test_a_region_change_shows_at_once(page, register):
    def move():
        _recode("150203", "150699")

    after = _changes(page, move)
    assert after[("150600", 2023)][1] == 1


def test_a_bureau_sees_its_league_and_its_changes_at_once(client, bureau_user, register):
    client.force_login(bureau_user)

    def read():
        return _page_counts(client.get("/policy/runs/").content.decode())

    before = read()
    assert before and {k[0] for k in before} == {"150200"}
    assert before == {k: v for k, v in _fresh().items() if k[0] == "150200"}
    baotou, _ = register
    Enterprise.objects.filter(pk=baotou.pk).update(hte_certificate_issued_on=dt.date(2023, 6, 1))
    after = read()
    assert after[("150200", 2023)][0] == 1 and after == {
        k: v for k, v in _fresh().items() if k[0] == "150200"
    }


def test_reading_does_not_retire_the_counts(page, register):
    page()
    gen = COUNTS.current()
    page()
    assert COUNTS.current() == gen  # reading does not retire the cache


def test_the_number_of_files_shows_each_write_at_once(client, department_user, bureau_user, register):
    """The files page's and the API's total (kept in the cache for the department and each bureau)."""
    baotou, ordos = register

    def totals() -> dict:
        out = {}
        for user in (department_user, bureau_user):
            client.force_login(user)
            page = client.get("/policy/enterprises/").content.decode()
            out[user.role] = (
                int(re.search(r"企业档案（共 (\d+) 家）", page).group(1)),
                client.get("/api/v1/policy/enterprises").json()["total"],
            )
        return out

    def live() -> dict:
        baotou_league = Enterprise.objects.filter(region__code__startswith="1502").count()
        return {"department": (Enterprise.objects.count(),) * 2, "bureau": (baotou_league,) * 2}

    assert totals() == live() == {"department": (2, 2), "bureau": (1, 1)}
    third = code("91150204MA0000003")
    writes = [
        lambda: register_import(io.StringIO(HEADER + _csv(third, "丙", "150204")), filename="y.csv"),
        lambda: Enterprise.objects.filter(pk=ordos.pk).update(region=Region.objects.get(code="150203")),
        lambda: enterprises_generate(30, year=2024, seed=5),
        lambda: Enterprise.objects.get(credit_code=third).delete(),
        lambda: Enterprise.objects.filter(synthetic=True, region__code__startswith="1502").delete(),
        lambda: _recode("150203", "150698"),  # a county moves to another league (regions load: save())
    ]
    for write in writes:
        before = totals()
        write()
        assert totals() == live() != before


def _recode(code: str, new: str) -> None:
    region = Region.objects.get(code=code)
    region.code = new
    region.save()
