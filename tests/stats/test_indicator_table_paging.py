"""The indicator page lists its cells a page at a time, and the observations API computes only the
regions its window reaches (issue 10): both give exactly the rows the whole table would, in the
same order, and follow an import at once."""

import pytest

from steppe.core.regions import PROVINCE_CODE
from steppe.stats import queries
from steppe.stats.services import observation_import

pytestmark = pytest.mark.django_db


def _table_years(html: str) -> list[tuple[str, int]]:
    """(region name, year) of the rows of the page's cell table (the one after 数据与来源)."""
    import re

    table = html.split("数据与来源")[1].split("<tbody>")[1].split("</tbody>")[0]
    return [(name, int(year)) for name, year in re.findall(r'<tr>\s*<td>([^<]+)</td><td class="num">(\d{4})</td>', table)]


def test_the_cell_table_is_paged_in_the_pages_order(client, published):
    keys = queries.cell_keys("rd_expenditure")
    everything = queries.cells(indicators=["rd_expenditure"])
    assert len(keys) == len(everything) > 4
    assert keys[0][0] == PROVINCE_CODE  # the autonomous region first
    assert keys[1:] == sorted(keys[1:], key=lambda k: (k[0] != PROVINCE_CODE, k))
    names = dict(published_region_names())
    first = client.get("/monitoring/indicators/rd_expenditure/?per_page=3").content.decode()
    second = client.get("/monitoring/indicators/rd_expenditure/?per_page=3&page=2").content.decode()
    assert _table_years(first) == [(names[r], y) for r, y in keys[:3]]
    assert _table_years(second) == [(names[r], y) for r, y in keys[3:6]]
    assert f"共 {len(keys)} 条" in first and "page=2" in first and "下一页" in first
    assert "/api/v1/observations?indicator=rd_expenditure" in first  # every cell stays reachable


def published_region_names():
    from steppe.core.models import Region

    return Region.objects.values_list("code", "name")


def test_a_page_past_the_end_is_refused_by_name(client, published):
    pages = -(-len(queries.cell_keys("rd_expenditure")) // 50)
    r = client.get(f"/monitoring/indicators/rd_expenditure/?page={pages + 1}")
    assert r.status_code == 400 and "page" in r.content.decode()


def test_the_export_still_holds_every_cell(client, published):
    r = client.get("/monitoring/indicators/rd_expenditure/?format=csv")
    lines = [x for x in r.content.decode("utf-8-sig").splitlines()[1:] if x]
    assert len(lines) == len(queries.cells(indicators=["rd_expenditure"]))


@pytest.mark.parametrize(
    "filters",
    [
        {"indicators": ["rd_intensity"]},  # published and computed cells (rd_expenditure / gdp)
        {"indicators": ["rd_expenditure_growth"]},  # lag(): the previous year of the same region
        {"indicators": ["rd_intensity", "gdp"], "year_from": 2015},
        {"indicators": ["rd_intensity"], "with_derived": False},
        {"regions": ["150000", "150200"]},
    ],
)
def test_a_window_is_the_same_slice_of_the_whole_table(published, filters):
    whole = sorted(queries.cells(**filters).items())
    assert whole
    for offset, limit in [(0, 1), (0, 7), (3, 40), (len(whole) - 2, 10), (len(whole), 5)]:
        window = queries.cells_window(**filters, offset=offset, limit=limit)
        assert [(k, c.as_dict()) for k, c in window] == [(k, c.as_dict()) for k, c in whole[offset : offset + limit]]


def test_the_page_and_the_api_follow_an_import(client, published, make_csv):
    before = len(queries.cell_keys("rd_expenditure"))
    r = client.get("/api/v1/observations", {"indicator": "rd_expenditure", "region": "150900", "limit": 500})
    assert not [o for o in r.json() if o["year"] == 2001]
    observation_import(data=make_csv(["乌兰察布市,rd_expenditure,2001,1.5,亿元,final,测试公报,,"]), file_name="u.csv")
    assert len(queries.cell_keys("rd_expenditure")) == before + 1
    r = client.get("/api/v1/observations", {"indicator": "rd_expenditure", "region": "150900", "limit": 500})
    assert [o["value"] for o in r.json() if o["year"] == 2001] == [1.5]
