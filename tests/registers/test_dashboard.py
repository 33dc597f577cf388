"""A bank records a 创新积分贷 loan and the league's loan amount shows on the monitoring dashboard,
among the platform's own figures (beside, never mixed with, the published statistics)."""

import pytest

from steppe.registers import queries
from steppe.registers.kinds import KINDS

from .conftest import WHITE

pytestmark = pytest.mark.django_db


def test_dashboard_rows_add_up_per_league_and_year(plan, white_list, bank_user, login):
    client = login(bank_user)
    for amount, day in (("500", "2024-05-20"), ("250.5", "2024-09-01"), ("80", "2023-02-01")):
        client.post("/api/v1/finance/loans", {"enterprise": WHITE, "amount_wan": amount, "lent_on": day,
                                              "term_months": 12}, content_type="application/json")
    rows = {(r["region_code"], r["year"]): r for r in queries.dashboard_rows()}
    assert (rows[("150200", 2024)]["loans"], str(rows[("150200", 2024)]["loan_amount_wan"])) == (2, "750.50")
    assert rows[("150200", 2023)]["loans"] == 1
    assert queries.league_year_figures(KINDS["platforms"]) == []  # nothing verified with a date yet


def test_a_loan_shows_on_the_monitoring_dashboard(plan, white_list, bank_user, login, client):
    from steppe.stats.services import indicators_load

    indicators_load()
    answer = login(bank_user).post("/api/v1/finance/loans", {"enterprise": WHITE, "amount_wan": "1234.5",
                                                             "lent_on": "2024-05-20", "term_months": 24},
                                   content_type="application/json")
    assert answer.status_code == 201
    client.logout()
    page = client.get("/monitoring/").content.decode()
    assert "平台登记的科技创新登记簿" in page
    start = page.index("平台登记的科技创新登记簿")
    table = page[start:page.index("</table>", start)]
    assert "包头市" in table and "1234.5" in table and "创新积分贷(万元)" in table
