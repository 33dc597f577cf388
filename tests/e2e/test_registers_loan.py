"""创新积分贷 in a browser: a bank records a loan to a white-listed enterprise on the form, and the
league's loan amount shows on the monitoring dashboard."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_bank_records_a_loan_and_the_dashboard_shows_the_league_amount(browser, live_server, regions):
    import io

    from django.test import Client
    from tests.registers.conftest import HEADER, WHITE, _rows

    from steppe.core.services import user_create
    from steppe.plans.services import plan_load_builtin
    from steppe.policy.models import Enterprise
    from steppe.policy.services import policy_run, register_import
    from steppe.stats.services import indicators_load

    plan_load_builtin()
    indicators_load()
    register_import(io.StringIO(HEADER + _rows(WHITE, "包头稀土新材料有限公司", "150203")), filename="x.csv")
    Enterprise.objects.filter(credit_code=WHITE).update(innovation_score_official=82)
    policy_run(2024)
    bank, _, _ = user_create(username="bank", role="bank", unit="某银行包头分行", region="150200",
                             password="pass-word-123")

    client = Client()
    client.force_login(bank)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    host = live_server.url.split("//", 1)[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                          "path": "/"}])
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/registers/loans/new/")
    page.fill("#id_enterprise", WHITE)
    page.fill("#id_amount_wan", "888.8")
    page.fill("#id_lent_on", "2024-06-01")
    page.fill("#id_term_months", "12")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url("**/registers/loans/*/")
    assert "包头稀土新材料有限公司" in page.content()

    page.goto(f"{live_server.url}/monitoring/")
    html = page.content()
    start = html.index("平台登记的科技创新登记簿")
    table = html[start:html.index("</table>", start)]
    assert "888.8" in table and "包头市" in table
    context.close()
