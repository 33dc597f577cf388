"""The calculator page: its grid is a page form (every bad cell at once, beside it, in Chinese),
codes are picked from lists, and the results table adds up to the total it prints."""

import re
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def _grid_post(**overrides):
    data = {
        "mode": "form", "year": "2024", "e_registered_on": "2019-03-01", "e_region": "150203",
        "e_industry": "C39", "e_compliance_ok": "1",
        "y0_employees": "80", "y0_tech_staff": "16", "y0_revenue": "3000", "y0_net_assets": "1000", "y0_rd_expense": "120",
        "y1_employees": "90", "y1_tech_staff": "18", "y1_revenue": "3500", "y1_net_assets": "1150", "y1_rd_expense": "150",
        "y2_employees": "100", "y2_tech_staff": "20", "y2_revenue": "4000", "y2_income_total": "4100",
        "y2_total_costs": "3500", "y2_total_assets": "5000", "y2_net_assets": "1300", "y2_hightech_revenue": "2800",
        "y2_rd_expense": "180", "y2_ip_class_i": "1", "y2_ip_class_ii": "3", "y2_conversions": "3",
        "y2_tech_transfer_income": "120", "y2_taxable_income": "300",
    }  # fmt: skip
    data.update(overrides)
    return data


def _cell(page: str, element_id: str) -> str:
    """The text of the element with this id up to its closing tag (td or div), tags removed."""
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</(td|div)>', page, re.S)
    assert m, element_id
    return re.sub(r"<[^>]+>", " ", m.group(1))


def _errors(page: str) -> str:
    return " ".join(re.findall(r'class="field-error"[^>]*>(.*?)<', page)) + _cell(page, "form-errors")


def test_the_rows_add_up_to_the_total_including_the_local_subsidy(client, regions):
    page = client.post("/policy/", _grid_post()).content.decode()
    table = page.split('id="policy-results"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    values = [Decimal(re.findall(r"<td>([\d.]+)", r)[-1]) for r in rows]
    total = Decimal(re.search(r'id="value-total">[^<]*?([\d.]+) 万元', page).group(1))
    assert 'id="row-baotou-rd-subsidy"' in page  # a Baotou county: the city's R&D subsidy has its row
    assert len(values) == 5 and sum(values) == total


def test_every_bad_cell_is_reported_at_once_beside_it_in_chinese(client, regions):
    page = client.post(
        "/policy/", _grid_post(y2_tech_staff="120", y1_revenue="三千", y0_ip_class_i="-2", e_region="999999")
    ).content.decode()
    assert 'id="results"' not in page  # nothing is computed from a bad grid
    assert "科技人员不能多于职工总数" in _cell(page, "field-y2_tech_staff")
    for cell in ("field-y1_revenue", "field-y0_ip_class_i", "field-e_region"):
        assert 'class="field-error"' in page.split(f'id="{cell}"', 1)[1].split("</td>", 1)[0].split("</div>", 1)[0]
    summary = _cell(page, "form-errors")
    assert "有 4 处需要修改" in summary and "销售收入 2023" in summary
    for raw in ("years.", "tech_staff", "must be", "Enter a", "e_region"):
        assert raw not in _errors(page)


def test_codes_are_picked_from_lists(client, regions):
    page = client.get("/policy/").content.decode()
    region = page.split('name="e_region"', 1)[1].split("</select>", 1)[0]
    assert re.search(r'<optgroup label="包头市">.*?<option value="150203" selected>', region, re.S)
    industry = page.split('name="e_industry"', 1)[1].split("</select>", 1)[0]
    assert '<option value="C39">C39 计算机、通信和其他电子设备制造业</option>' in industry
    assert '<option value="C3985" selected>' in industry  # the example's class code is kept


def test_the_json_mode_names_the_path_in_the_pages_words(client, regions):
    case = '{"enterprise": {}, "years": {"2024": {"employees": 10, "tech_staff": -1}}}'
    page = client.post("/policy/", {"mode": "json", "year": "2024", "case": case}).content.decode()
    error = re.search(r'id="calc-error">(.*?)</p>', page, re.S).group(1)
    assert "years.2024.tech_staff" in error and "须为数字" in error and "must be" not in error
